#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The test entry point, on a fresh Debian 12 machine as root:
#   bash devtools/test.sh
# 1. devtools/setup.sh: packages and the DPDK sources (.cache/dpdk-src)
# 2. the standalone build: meson setup -Dfault_injection=true build &&
#    meson compile -C build (the option builds the fault suite's program;
#    the plugin is the same)
# 3. every meson test suite: meson test -C build --print-errorlogs (the
#    tests speak TAP: meson shows each check), then the suite 'valgrind'
#    under memcheck: meson test --setup valgrind --suite valgrind
# 4. sim-vf_hotplug again, inside a nested mount namespace with a fresh
#    /run (a container's view): a skip there is a failure
# 5. devtools/release-matrix.sh: our driver in-tree and as a plugin on
#    Debian's DPDK 22.11 and on every DPDK release tarball of
#    ../shared/dpdk/ (next to this tree, or next to the repository a clone
#    was made from) when that directory exists, and of its staging/
#    (21.11.9), with every sim scenario (churn, soak: Debian's and 24.11)
#    (RELEASE_TARBALLS="a.tar.xz b.tar.xz" names others; builds cached in
#    .cache/rel)
# 6. devtools/package.sh, then devtools/package-check.sh: the Debian
#    package built from this checkout; lintian, its install, upgrade,
#    removal and purge on this machine's Debian in a throwaway overlay of
#    /usr, /var and /etc, and autopkgtest (null) on the installed package
# 7. devtools/dpdk-checks.sh: DPDK's maintainer checks (checkpatches.sh,
#    check-meson.py, check-spdx-tag.sh, check-dup-includes.sh, cocci.sh,
#    the guides' Sphinx build) on our driver and guide as a patch to
#    Debian's 22.11 and to the same tarballs as step 5: one per tree
# 8. devtools/upstream-series.sh: the upstream patch series against the
#    26.07 tarball of ../shared/dpdk/ (or SERIES_TARBALL), applied and
#    built patch by patch, then the tree's check-git-log.sh on the whole
#    series: one per patch and one for the commit messages (skipped
#    without that tarball)
# 9. devtools/fuzz.sh: each libFuzzer target (clang) for FUZZ_SECONDS (30)
# 10. devtools/sanitize.sh: the unit, sim and fault suites built with ASan and UBSan
# The last lines say which tests skipped and why; the very last one is
# "N passed, N failed, N skipped": the meson tests
# (build/meson-logs/testlog.json and testlog-valgrind.json), the nested run, one
# per row of the release matrix, one per check of the package, one per
# tree of the DPDK checks, one per patch of the upstream series and one
# for its commit messages, one per fuzz target, and the sanitizer run's
# own count. As root, a sim suite that skipped entirely counts as a
# failure.
# Exit status: 0 when nothing failed.
# Environment: BUILD_DIR (default build; under ~/.cache when the tree lies
# below a world-writable directory such as /tmp), MESON_TEST_ARGS (extra meson test
# arguments, e.g. "--suite unit"), SKIP_VALGRIND=1 to leave out the
# valgrind run of step 3, SKIP_MATRIX=1 (or SKIP_IN_TREE=1)
# to leave out step 5, SKIP_PACKAGE=1, SKIP_CHECKS=1 and SKIP_SERIES=1 to
# leave out 6, 7 and 8, FUZZ_SECONDS (per target), SKIP_FUZZ=1,
# SKIP_SANITIZE=1 to leave out 9, 10.

set -uo pipefail
export LC_ALL=C
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top" || exit 1
source "$top/devtools/lib.sh"
# tests load build/*.so with EAL's -d: build where EAL accepts them
bld=${BUILD_DIR:-$(build_dir "$top" build build)}
passed=0 failed=0 skipped=0
skips=$(mktemp "${TMPDIR:-/tmp}/vsc-test-skips.XXXXXX")
# what failed, and each step's time: repeated at the end, where CI's
# tail shows them
fails=$(mktemp "${TMPDIR:-/tmp}/vsc-test-fails.XXXXXX")
times=$(mktemp "${TMPDIR:-/tmp}/vsc-test-times.XXXXXX")
t_start=$(date +%s)
trap 'rm -f "$skips" "$fails" "$times" "$step_log"' EXIT
step() { printf '\n=== %s\n' "$*"; }
finish() {
    printf '\nsteps, in seconds:\n'
    sed 's/^/  /' "$times"
    printf '  total: %s\n' "$(( $(date +%s) - t_start ))"
    if [ -s "$fails" ]; then
        printf '\nfailed, and where:\n'
        sed 's/^/  /' "$fails"
    fi
    if [ -s "$skips" ]; then
        printf '\nskipped, and why:\n'
        sed 's/^/  /' "$skips"
    fi
    printf '\n%s passed, %s failed, %s skipped\n' "$passed" "$failed" "$skipped"
    [ "$failed" = 0 ]
    exit
}
# skip_step NAME WHY: a step left out (by a SKIP_* variable, or for want of
# its input) counts as one skip
skip_step() {
    step "$1: skipped ($2)"
    skipped=$((skipped + 1))
    echo "$1: $2" >> "$skips"
}
# counted_step NAME PREFIX CMD...: runs a script that ends with a line
# "PREFIXN passed, N failed[, N skipped]" and adds that line to the totals;
# without it, exit status 77 counts as one skip (the script's SKIP line is
# the reason), anything else as one failure. Its output stays in step_log
# until the next counted_step.
step_log=
counted_step() {
    local name=$1 prefix=$2 rc p= f= s= t0
    shift 2
    t0=$(date +%s)
    rm -f "$step_log"
    step_log=$(mktemp)
    "$@" < /dev/null 2>&1 | tee "$step_log"
    rc=${PIPESTATUS[0]}
    read -r p f s < <(sed -n -E "s/^$prefix([0-9]+) passed, ([0-9]+) failed(, ([0-9]+) skipped)?\$/\1 \2 \4/p" "$step_log" | tail -n 1)
    if [ -n "$p" ]; then
        passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + ${s:-0}))
        [ "$f" = 0 ] || grep -E 'FAIL|[Ff]ailed|ERROR' "$step_log" | grep -vE ' 0 failed|Expected Fail|Fail: +0|XFAIL' |
            tail -n 8 | sed "s/^/$name: /" >> "$fails"
    elif [ "$rc" = 77 ]; then
        skipped=$((skipped + 1))
        echo "$name: $(grep -m1 'SKIP' "$step_log" || echo "$1 $2 exited 77")" >> "$skips"
    else
        echo "test: $name ended without its summary (exit $rc)"
        echo "$name: ended without its summary (exit $rc)" >> "$fails"
        failed=$((failed + 1))
    fi
    echo "test: $name step took $(( $(date +%s) - t0 )) s"
    echo "$name: $(( $(date +%s) - t0 ))" >> "$times"
}

step "setup"
t0=$(date +%s)
if ! bash devtools/setup.sh < /dev/null; then
    echo "test: setup failed"
    echo "setup: devtools/setup.sh failed" >> "$fails"
    failed=$((failed + 1))
    finish
fi
echo "setup: $(( $(date +%s) - t0 ))" >> "$times"

step "standalone build ($bld)"
t0=$(date +%s)
build_ok=1
if [ ! -f "$bld/build.ninja" ]; then
    meson setup "$bld" -Dfault_injection=true < /dev/null || build_ok=0
else
    # picks up test directories added since (app/test checks with fs.is_file,
    # which meson does not watch)
    meson setup --reconfigure "$bld" -Dfault_injection=true < /dev/null || build_ok=0
fi
if [ $build_ok = 1 ]; then
    meson compile -C "$bld" < /dev/null || build_ok=0
fi
echo "standalone build: $(( $(date +%s) - t0 ))" >> "$times"

if [ $build_ok = 1 ]; then
    step "meson test"
    t0=$(date +%s)
    rm -f "$bld/meson-logs/testlog.json"
    # shellcheck disable=SC2086
    meson test -C "$bld" --print-errorlogs ${MESON_TEST_ARGS:-} < /dev/null
    if [ -f "$bld/meson-logs/testlog.json" ]; then
        # counts, and a line per skipped test with its reason, kept for the end
        read -r p f s < <(testlog_count "$bld/meson-logs/testlog.json" "meson test" \
            "$skips" "$fails" "$([ "$(id -u)" = 0 ] && echo sim-root)") || { p=0; f=1; s=0; }
        passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
    else
        echo "test: meson test wrote no testlog.json"
        failed=$((failed + 1))
    fi
    echo "meson test: $(( $(date +%s) - t0 ))" >> "$times"
fi
# the tests of suite 'valgrind' (unit-probe, fault-*) again, under
# valgrind's memcheck (the test setup of app/test/meson.build)
if [ $build_ok = 1 ] && [ "${SKIP_VALGRIND:-0}" = 1 ]; then
    skip_step "meson test --setup valgrind" "SKIP_VALGRIND=1"
elif [ $build_ok = 1 ]; then
    step "meson test --setup valgrind --suite valgrind"
    t0=$(date +%s)
    # meson names the log after the setup: testlog-valgrind.json
    vg_log=$bld/meson-logs/testlog-valgrind.json
    rm -f "$vg_log"
    meson test -C "$bld" --print-errorlogs --setup valgrind --suite valgrind < /dev/null
    if [ -f "$vg_log" ]; then
        read -r p f s < <(testlog_count "$vg_log" "meson test --setup valgrind" \
            "$skips" "$fails") || { p=0; f=1; s=0; }
        passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
    else
        echo "test: meson test --setup valgrind wrote no ${vg_log##*/}"
        echo "meson test --setup valgrind: no ${vg_log##*/}" >> "$fails"
        failed=$((failed + 1))
    fi
    echo "meson test --setup valgrind: $(( $(date +%s) - t0 ))" >> "$times"
fi
if [ $build_ok = 0 ]; then
    echo "test: the standalone build failed: no meson test can run"
    echo "standalone build: failed" >> "$fails"
    failed=$((failed + 1))
fi

# A container's view: the simulated guest in a nested mount namespace with
# a fresh /run, where binding a mount namespace's file is refused. It must
# run there as on the host: a skip is a failure.
if [ $build_ok = 1 ]; then
    step "sim in a nested mount namespace (unshare -m, fresh /run)"
    nested_log=$bld/meson-logs/nested-run.log
    unshare -m bash -c '
        mount --make-rprivate / && mount -t tmpfs -o mode=0755 vsc-nested-run /run &&
        meson test -C "$1" --print-errorlogs --logbase nested sim-vf_hotplug' \
        vsc-nested "$bld" < /dev/null > "$nested_log" 2>&1
    rc=$?
    grep -E '^ *[0-9]+/[0-9]+ ' "$nested_log"
    if [ $rc = 0 ] && grep -qE 'sim-vf_hotplug +OK' "$nested_log"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        tail -n 30 "$nested_log"
        # a skip is a failure here: its reason (the TAP skip plan) says why
        why=$(sed -n 's/^1\.\.0 # SKIP //p' "$bld/meson-logs/nested.txt" 2>/dev/null | head -n 1)
        echo "nested run: sim-vf_hotplug failed (exit $rc)${why:+: skipped: $why}" >> "$fails"
    fi
fi

# release_tarballs: sets tarballs, the DPDK release tarballs CI keeps in
# shared/dpdk/ next to the repository: next to this tree, or, in a clone,
# next to the repository it was cloned from (RELEASE_TARBALLS overrides),
# and staged, those of its staging/ (21.11: the release matrix only)
release_tarballs() {
    local d origin t
    tarballs=() staged=()
    if [ -n "${RELEASE_TARBALLS+set}" ]; then
        read -r -a tarballs <<< "$RELEASE_TARBALLS"
        return
    fi
    origin=$(git -C "$top" config --get remote.origin.url 2>/dev/null)
    for d in "$top/../shared/dpdk" ${origin:+"$origin/../shared/dpdk"}; do
        [ -d "$d" ] || continue
        for t in "$d"/dpdk-*.tar.*; do
            [ -f "$t" ] && tarballs+=("$(cd "${t%/*}" && pwd)/${t##*/}")
        done
        for t in "$d"/staging/dpdk-*.tar.*; do
            [ -f "$t" ] && staged+=("$(cd "${t%/*}" && pwd)/${t##*/}")
        done
        [ ${#tarballs[@]} = 0 ] || return
    done
}

if [ "${SKIP_MATRIX:-${SKIP_IN_TREE:-0}}" = 1 ]; then
    skip_step "release matrix" "SKIP_MATRIX=1"
else
    release_tarballs
    # staging/ (21.11.9) first, the oldest
    tarballs=("${staged[@]}" "${tarballs[@]}")
    step "release matrix: DPDK 22.11 (Debian)${tarballs[*]:+ and ${tarballs[*]##*/}}"
    # Debian's row is this build: its scenarios ran in "meson test" above
    MATRIX_SIM_FROM=$bld/meson-logs/testlog.json \
        counted_step "release matrix" "matrix: " bash devtools/release-matrix.sh "${tarballs[@]}"
fi

if [ "${SKIP_PACKAGE:-0}" = 1 ]; then
    skip_step "Debian package" "SKIP_PACKAGE=1"
else
    step "Debian package: build, lintian, install, upgrade, remove, purge, autopkgtest"
    counted_step "Debian package" "package: " \
        bash -c 'bash devtools/package.sh && bash devtools/package-check.sh'
fi

release_tarballs

if [ "${SKIP_CHECKS:-0}" = 1 ]; then
    skip_step "DPDK checks" "SKIP_CHECKS=1"
else
    step "DPDK checks: DPDK 22.11 (Debian)${tarballs[*]:+ and ${tarballs[*]##*/}}"
    counted_step "DPDK checks" "dpdk-checks: " bash devtools/dpdk-checks.sh "${tarballs[@]}"
    # a tree whose check could not run here is a skip: say which
    n=$(sed -n -E 's/^dpdk-checks: [0-9]+ passed, [0-9]+ failed, ([0-9]+) skipped$/\1/p' "$step_log" | tail -n 1)
    [ "${n:-0}" = 0 ] || echo "DPDK checks: $n tree(s) with a check that could not run here: $(grep -E '^dpdk-checks: no ' "$step_log" | sed 's/^dpdk-checks: //' | tr '\n' ';')" >> "$skips"
fi

series_tarball=${SERIES_TARBALL:-}
if [ -z "$series_tarball" ]; then
    for t in "${tarballs[@]}"; do
        case ${t##*/} in dpdk-26.07.tar.*) series_tarball=$t ;; esac
    done
fi
if [ "${SKIP_SERIES:-0}" = 1 ]; then
    skip_step "upstream series" "SKIP_SERIES=1"
elif [ -z "$series_tarball" ]; then
    skip_step "upstream series" "no DPDK 26.07 tarball (../shared/dpdk/dpdk-26.07.tar.xz or SERIES_TARBALL)"
else
    step "upstream series against ${series_tarball##*/}"
    counted_step "upstream series" "upstream-series: " bash devtools/upstream-series.sh "$series_tarball"
fi

if [ "${SKIP_FUZZ:-0}" = 1 ]; then
    skip_step fuzz "SKIP_FUZZ=1"
else
    step "fuzz targets, ${FUZZ_SECONDS:-30} s each"
    t0=$(date +%s)
    fuzz_results=$(mktemp)
    FUZZ_RESULTS=$fuzz_results bash devtools/fuzz.sh "${FUZZ_SECONDS:-30}" < /dev/null
    rc=$?
    if [ $rc = 77 ]; then
        skipped=$((skipped + 1))
        echo "fuzz: no clang with libFuzzer (devtools/fuzz.sh exited 77)" >> "$skips"
    elif [ ! -s "$fuzz_results" ]; then
        failed=$((failed + 1))      # nothing ran: the build failed
        echo "fuzz: no target ran (the build failed)" >> "$fails"
    else
        while read -r target verdict _; do
            if [ "$verdict" = pass ]; then
                passed=$((passed + 1))
            else
                failed=$((failed + 1))
                echo "fuzz: $target $verdict" >> "$fails"
            fi
        done < "$fuzz_results"
    fi
    rm -f "$fuzz_results"
    echo "test: fuzz step took $(( $(date +%s) - t0 )) s"
    echo "fuzz: $(( $(date +%s) - t0 ))" >> "$times"
fi

if [ "${SKIP_SANITIZE:-0}" = 1 ]; then
    skip_step "sanitizer build" "SKIP_SANITIZE=1"
else
    step "sanitizer build (ASan, UBSan): unit, sim and fault suites"
    # it writes its skipped tests, with why, to SANITIZE_SKIPS
    counted_step sanitizer "" env SANITIZE_SKIPS="$skips" bash devtools/sanitize.sh
fi

finish
