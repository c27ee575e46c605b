#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The test entry point, on a fresh Debian 12 machine as root:
#   bash devtools/test.sh
# 1. devtools/setup.sh: packages and the DPDK sources (.cache/dpdk-src)
# 2. the standalone build: meson setup build && meson compile -C build
# 3. every meson test suite: meson test -C build --print-errorlogs
# 4. devtools/release-matrix.sh: our driver in-tree and as a plugin on
#    Debian's DPDK 22.11 and on every DPDK release tarball of
#    ../shared/dpdk/ (next to this tree) when that directory exists, with
#    the core sim scenarios on each (RELEASE_TARBALLS="a.tar.xz b.tar.xz"
#    names others; builds cached in .cache/rel)
# The last line is "N passed, N failed, N skipped": the meson tests
# (build/meson-logs/testlog.json) plus one per row of the release matrix.
# Exit status: 0 when nothing failed.
# Environment: BUILD_DIR (default build; under ~/.cache when the tree lies
# below a world-writable directory such as /tmp), MESON_TEST_ARGS (extra meson test
# arguments, e.g. "--suite unit"), SKIP_MATRIX=1 (or SKIP_IN_TREE=1) to
# leave out step 4.

set -uo pipefail
export LC_ALL=C
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top" || exit 1
# first world-writable directory on the way to $1 (EAL refuses plugins below one)
world_writable_ancestor() {
    local d=$1
    while [ -n "$d" ] && [ "$d" != / ]; do
        if [ -d "$d" ] && [ -n "$(find "$d" -maxdepth 0 -perm -0002)" ]; then
            echo "$d"; return
        fi
        d=${d%/*}
    done
}
bld=${BUILD_DIR:-build}
ww=$(world_writable_ancestor "$top")
if [ -z "${BUILD_DIR:-}" ] && [ -n "$ww" ]; then
    # tests load build/*.so with EAL's -d: build where EAL accepts them
    bld=${XDG_CACHE_HOME:-$HOME/.cache}/vn-pmd-build-$(printf '%s' "$top" | md5sum | cut -c1-8)
    echo "test: $ww is world-writable and EAL refuses plugins below it: building in $bld"
    mkdir -p "$bld" && chmod 0755 "$bld"
fi
passed=0 failed=0 skipped=0
step() { printf '\n=== %s\n' "$*"; }
finish() {
    printf '\n%s passed, %s failed, %s skipped\n' "$passed" "$failed" "$skipped"
    [ "$failed" = 0 ]
    exit
}

step "setup"
if ! bash devtools/setup.sh < /dev/null; then
    echo "test: setup failed"
    failed=$((failed + 1))
    finish
fi

step "standalone build ($bld)"
build_ok=1
if [ ! -f "$bld/build.ninja" ]; then
    meson setup "$bld" < /dev/null || build_ok=0
else
    # picks up test directories added since (app/test checks with fs.is_file,
    # which meson does not watch)
    meson setup --reconfigure "$bld" < /dev/null || build_ok=0
fi
if [ $build_ok = 1 ]; then
    meson compile -C "$bld" < /dev/null || build_ok=0
fi

if [ $build_ok = 1 ]; then
    step "meson test"
    rm -f "$bld/meson-logs/testlog.json"
    # shellcheck disable=SC2086
    meson test -C "$bld" --print-errorlogs ${MESON_TEST_ARGS:-} < /dev/null
    if [ -f "$bld/meson-logs/testlog.json" ]; then
        read -r p f s < <(python3 - "$bld/meson-logs/testlog.json" <<'PY'
import json, sys
n = {"p": 0, "f": 0, "s": 0}
for line in open(sys.argv[1]):
    line = line.strip()
    if not line:
        continue
    r = json.loads(line).get("result")
    if r in ("OK", "EXPECTEDFAIL"):
        n["p"] += 1
    elif r == "SKIP":
        n["s"] += 1
    else:                   # FAIL, TIMEOUT, ERROR, UNEXPECTEDPASS
        n["f"] += 1
print(n["p"], n["f"], n["s"])
PY
        ) || { p=0; f=1; s=0; }
        passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
    else
        echo "test: meson test wrote no testlog.json"
        failed=$((failed + 1))
    fi
else
    echo "test: the standalone build failed: no meson test can run"
    failed=$((failed + 1))
fi

if [ "${SKIP_MATRIX:-${SKIP_IN_TREE:-0}}" = 1 ]; then
    step "release matrix: skipped (SKIP_MATRIX=1)"
    skipped=$((skipped + 1))
else
    # the DPDK release tarballs CI keeps next to the repository, if any
    if [ -n "${RELEASE_TARBALLS+set}" ]; then
        read -r -a tarballs <<< "$RELEASE_TARBALLS"
    else
        tarballs=()
        for t in "$top"/../shared/dpdk/dpdk-*.tar.*; do
            [ -f "$t" ] && tarballs+=("$t")
        done
    fi
    step "release matrix: DPDK 22.11 (Debian)${tarballs[*]:+ and ${tarballs[*]##*/}}"
    mlog=$(mktemp)
    bash devtools/release-matrix.sh "${tarballs[@]}" < /dev/null 2>&1 | tee "$mlog"
    rc=${PIPESTATUS[0]}
    read -r p f s < <(sed -n 's/^matrix: \([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped$/\1 \2 \3/p' "$mlog" | tail -1)
    rm -f "$mlog"
    if [ -n "${p:-}" ]; then
        passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
    elif [ "$rc" = 77 ]; then
        skipped=$((skipped + 1))
    else
        echo "test: the release matrix ended without its summary (exit $rc)"
        failed=$((failed + 1))
    fi
fi

finish
