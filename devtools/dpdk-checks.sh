#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# DPDK's own maintainer checks on our driver and guide, as a patch that
# replaces upstream's in each DPDK release tree.
#
#   bash devtools/dpdk-checks.sh [--no-debian] [DPDK-TREE-OR-TARBALL...]
#
# Trees: DPDK 22.11 from Debian's source package (.cache/dpdk-src) first,
# then one per argument, a DPDK source tree or a tarball of one (git
# archive of a release tag, e.g. dpdk-24.11.6.tar.xz). For each tree:
#
#  1. a git copy of it in .cache/checks/<version>-<id>/src (made once; tag
#     "upstream"), reset to upstream, and one commit on top that puts our
#     drivers/net/vdev_netvsc and doc/guides/nics/vdev_netvsc.rst (and the
#     guide's images) in place of upstream's;
#  2. that tree's devtools/checkpatches.sh on that commit (git
#     format-patch) and on our net/failsafe fixes (failsafe/patches, as
#     they are: made against 26.07, and for stable), with the kernel's
#     scripts/checkpatch.pl (Debian's linux-source-6.1, unpacked into
#     .cache/checkpatch; or DPDK_CHECKPATCH_PATH) and codespell's
#     dictionary (Debian's codespell): every ERROR/WARNING/CHECK line and
#     every other report. The copies have no history: the commits that
#     the fixes' Fixes: tags name are looked up in DPDK_GIT_DIR when given
#     (a DPDK clone's .git), else not (devtools/lib.sh, fixes_lookup).
#     The other checks are on our driver only; that the fixes apply and
#     build with no warning, and their checks against 26.07 patch by
#     patch, are devtools/release-matrix.sh's and upstream-series.sh's;
#  3. the tree's devtools/check-meson.py and check-spdx-tag.sh over the
#     whole tree: the lines that name our files (upstream's own findings
#     elsewhere are shown, not counted); check-dup-includes.sh on our
#     driver's directory: every line;
#  4. every script of the tree's devtools/cocci/ through its
#     devtools/cocci.sh, on a copy of that devtools/ next to our driver
#     alone (cocci.sh rewrites the tree it lies in, in place): each hunk
#     it would change is a finding;
#  5. the guides built with Sphinx as DPDK's doc build does
#     (buildtools/call-sphinx-build.py, sphinx-build -a): warnings that
#     name our guide or driver. The result is cached, keyed by the tree
#     and the guide's files; the build output stays in the tree's cache
#     directory, so a rebuild rereads only what changed.
#
# A cell is a finding count, or "-" when that check could not run here
# (tool missing: devtools/setup.sh installs them all). A tree passes with
# 0 findings in every cell, fails with any finding, and is skipped when a
# check could not run and nothing was found. The table goes to stdout and
# .cache/checks/checks.txt; each tree's reports are in its cache
# directory (checkpatch.txt, meson.txt, spdx.txt, dup-includes.txt,
# cocci.diff, sphinx.txt). The last line is
# "dpdk-checks: N passed, N failed, N skipped" (one per tree). Exit status
# 0 when every tree passed, 1 when one failed, 77 when none failed but
# one was skipped.
#
# Each check's count is kept in the tree's cache directory, keyed by our
# driver's and guide's files and this script: a run on the same files
# reuses it (.ci/run keeps CHECKS_CACHE between clones).
# Environment: CHECKS_CACHE (default .cache/checks), DPDK_CHECKPATCH_PATH,
# DPDK_CHECKPATCH_CODESPELL (a codespell dictionary.txt), DPDK_GIT_DIR.

set -uo pipefail
export LC_ALL=C
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$top/devtools/lib.sh"
cache=${CHECKS_CACHE:-$top/.cache/checks}
debian=1
inputs=()
while [ $# -gt 0 ]; do
    case $1 in
    --no-debian) debian=0 ;;
    -h|--help) sed -n '3,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;;
    -*) echo "dpdk-checks: unknown option $1" >&2; exit 2 ;;
    *) inputs+=("$1") ;;
    esac
    shift
done

log() { printf 'dpdk-checks: %s\n' "$*"; }
tlog() { printf 'dpdk-checks: [%s] %s\n' "$ver" "$*"; }
ver=-
mkdir -p "$cache" || exit 1
command -v git >/dev/null || { log "SKIP: git is needed (devtools/setup.sh)"; exit 77; }

# Our files in a DPDK tree, and the author of the commit that puts them
# there: the repository's git author, named after the project
our_paths=(drivers/net/vdev_netvsc doc/guides/nics/vdev_netvsc.rst)
our_re='drivers/net/vdev_netvsc|doc/guides/nics/vdev_netvsc|nics/img/vdev_netvsc'
email=$(git -C "$top" log -1 --format=%ae 2>/dev/null)
[ -n "$email" ] || email=$(sed -n 's/^M: .*<\(.*\)>$/\1/p' "$top/MAINTAINERS" | head -n 1)
author="vdev_netvsc authors <${email:-dev@vdev-netvsc.invalid}>"
# fixed dates: the same sources give the same commits
export GIT_AUTHOR_DATE='2026-01-01T00:00:00Z' GIT_COMMITTER_DATE='2026-01-01T00:00:00Z'
git_in() { git -C "$src" -c user.name="${author% <*}" -c user.email="$email" \
    -c core.autocrlf=false -c commit.gpgsign=false "$@"; }

# ---------------------------------------------------------------------------
# tools

# the kernel's checkpatch.pl and codespell's dictionary (devtools/lib.sh)
kernel_checkpatch "$top"
[ -n "$checkpatch" ] || log "no checkpatch.pl (Debian's linux-source-6.1): checkpatches.sh skipped"
[ -n "$codespell" ] || { log "no codespell dictionary (Debian's codespell): checkpatches.sh skipped"; checkpatch=; }
spatch=$(command -v spatch) || log "no spatch (Debian's coccinelle): cocci skipped"
fixes_lookup || exit 1
fs_patches=("$top"/failsafe/patches/*.patch)
[ -f "${fs_patches[0]}" ] || { log "no failsafe/patches/*.patch"; exit 1; }
log "checkpatches.sh on our driver and ${#fs_patches[@]} fail-safe fixes (commits of Fixes: tags $fixes_how)"
sphinx=$(command -v sphinx-build) || log "no sphinx-build (Debian's python3-sphinx): doc build skipped"

# ---------------------------------------------------------------------------
# the tree: $dir/src, a git repository with upstream tagged

# release_dir (devtools/lib.sh): sets dir and src, a git copy of the tree
# with upstream tagged, keyed by the tarball's or the tree's identity

# our driver and guide over upstream's, as one commit; writes $dir/ours.patch
commit_ours() {
    local f
    git_in reset -q --hard upstream && git_in clean -q -fdx || return 1
    rm -rf "$src/drivers/net/vdev_netvsc"
    cp -r "$top/drivers/net/vdev_netvsc" "$src/drivers/net/vdev_netvsc"
    cp "$top/doc/guides/nics/vdev_netvsc.rst" "$src/doc/guides/nics/"
    for f in "$top"/doc/guides/nics/img/*; do
        [ -f "$f" ] && cp "$f" "$src/doc/guides/nics/img/"
    done
    git_in add -A "${our_paths[@]}" doc/guides/nics/img &&
    git_in commit -q -F - <<EOF &&
net/vdev_netvsc: replace the driver and its guide

The driver and guide of the vdev_netvsc project, as one patch, for
DPDK's maintainer checks.

Signed-off-by: $author
EOF
    git_in format-patch --find-renames --no-stat --stdout -1 HEAD > "$dir/ours.patch"
}

# ---------------------------------------------------------------------------
# the checks: each sets n (findings, or - when it could not run)

check_patch() {
    local out=$dir/checkpatch.txt
    n=-
    [ -n "$checkpatch" ] || return 0
    (cd "$src" && env "${fixes_env[@]}" DPDK_CHECKPATCH_PATH="$checkpatch" \
        DPDK_CHECKPATCH_CODESPELL="$codespell" \
        sh devtools/checkpatches.sh "$dir/ours.patch" "${fs_patches[@]}") > "$out" 2>&1
    local rc=$? reports
    # checkpatch.pl's findings, and the lines of checkpatches.sh's own
    # checks (forbidden tokens, tags, release notes: "Warning in <file>:")
    n=$(grep -cE '^(ERROR|WARNING|CHECK):' "$out")
    reports=$(grep -cE '^Warning in ' "$out")
    n=$((n + reports))
    [ $rc = 0 ] || [ "$n" != 0 ] || n=1     # a report of a kind not counted above
    [ "$n" = 0 ] || grep -E -A4 '^(ERROR|WARNING|CHECK):|^Warning in ' "$out" | head -60
}

# lines of report file $1 that name our files; shows the others
count_ours() {
    local out=$1 other
    n=$(grep -cE "$our_re" "$out")
    [ "$n" = 0 ] || grep -E "$our_re" "$out" | head -20
    other=$(grep -vcE "$our_re" "$out")
    [ "$other" = 0 ] || tlog "${out##*/}: $other lines about upstream's own files (not counted)"
}

check_meson() {
    (cd "$src" && python3 devtools/check-meson.py -d .) > "$dir/meson.txt" 2>&1
    count_ours "$dir/meson.txt"
}

check_spdx() {
    (cd "$src" && sh devtools/check-spdx-tag.sh) 2>&1 | grep -v '^total:' > "$dir/spdx.txt"
    count_ours "$dir/spdx.txt"
}

# on our driver's directory, as the script's usage line allows: the whole
# tree costs two processes per C file of DPDK
check_dup_includes() {
    sh "$src/devtools/check-dup-includes.sh" "$src/drivers/net/vdev_netvsc" \
        > "$dir/dup-includes.txt" 2>&1
    n=$(grep -c . "$dir/dup-includes.txt")
    [ "$n" = 0 ] || head -20 "$dir/dup-includes.txt"
}

# cocci.sh works in place on the tree it lies in: give it one holding
# only the tree's devtools/ and our driver, and count what it changed
check_cocci() {
    local mini=$dir/cocci
    n=-
    [ -n "$spatch" ] || return 0
    rm -rf "$mini"
    mkdir -p "$mini/drivers/net"
    cp -r "$src/devtools" "$mini/devtools"
    cp -r "$top/drivers/net/vdev_netvsc" "$mini/drivers/net/vdev_netvsc"
    SPATCH=$spatch sh "$mini/devtools/cocci.sh" > "$dir/cocci.txt" 2>&1
    diff -ru "$top/drivers/net/vdev_netvsc" "$mini/drivers/net/vdev_netvsc" > "$dir/cocci.diff"
    n=$(grep -c '^@@' "$dir/cocci.diff")
    [ "$n" = 0 ] || head -40 "$dir/cocci.diff"
    ls "$src"/devtools/cocci/*.cocci | wc -l > "$dir/cocci.count"
}

# DPDK's doc build: doc/guides/meson.build runs
# buildtools/call-sphinx-build.py sphinx-build <version> <src> <dst> -a
check_doc() {
    local key out=$dir/sphinx.txt
    n=-
    [ -n "$sphinx" ] || return 0
    key=$( { cat "$dir/id"; cd "$top" && find doc/guides/nics -type f -name '*vdev_netvsc*' \
        -print0 | sort -z | xargs -0 sha256sum; sha256sum "$sphinx"; } | sha256sum | cut -c1-16)
    if [ "$(cat "$dir/doc.key" 2>/dev/null)" = "$key" ] && [ -f "$out" ]; then
        tlog "guides: cached result"
    else
        rm -f "$dir/doc.key"
        mkdir -p "$dir/doc"     # 22.11's wrapper does not make it
        tlog "guides: sphinx-build (a minute or more per tree the first time)"
        (cd "$src" && python3 buildtools/call-sphinx-build.py "$sphinx" "$ver" \
            "$src/doc/guides" "$dir/doc" -a) > "$out" 2>&1 ||
            echo "sphinx-build failed: ERROR" >> "$out"
        # a failed build is tried again on the next run
        grep -q '^sphinx-build failed' "$out" || echo "$key" > "$dir/doc.key"
    fi
    # sphinx's own lines ("file:line: WARNING: ...", "ERROR", "CRITICAL")
    grep -E 'WARNING|ERROR|CRITICAL|SEVERE' "$out" > "$dir/sphinx-warnings.txt"
    count_ours "$dir/sphinx-warnings.txt"
    # a failed build is ours to fix whatever file it names
    if grep -q '^sphinx-build failed' "$out"; then
        tail -20 "$dir/doc/sphinx_html.out" 2>/dev/null
        n=$((n + 1))
    fi
}

# ---------------------------------------------------------------------------
# the rows

# what the checks read of ours, and the script itself
ours_key=$(cd "$top" && {
    find drivers/net/vdev_netvsc doc/guides/nics -type f -name '*vdev_netvsc*' -print0 |
        sort -z | xargs -0 sha256sum
    find drivers/net/vdev_netvsc -type f -print0 | sort -z | xargs -0 sha256sum
    sha256sum failsafe/patches/*.patch devtools/dpdk-checks.sh
    echo "${DPDK_GIT_DIR:-}"
} | sha256sum | cut -c1-16)

rows=()
fmt='%-9s %-7s %-10s %-5s %-5s %-7s %-5s %-5s %-5s %-4s %s'
passed=0 failed=0 skipped=0

one_tree() {
    local in=$1 kind=$2 t0=$SECONDS cells status total=0 skip=0 c c0
    ver=${in##*/}
    if ! release_dir "$in" devtools/checkpatches.sh git; then
        rows+=("$(printf "$fmt" "$ver" "$kind" - - - - - - - FAIL 0s)")
        failed=$((failed + 1))
        return
    fi
    ver=$(cat "$src/VERSION")
    echo "${dir##*-}" > "$dir/id"
    log "=== DPDK $ver ($in)"
    if ! commit_ours; then
        tlog "FAIL: cannot commit our driver into the tree"
        rows+=("$(printf "$fmt" "$ver" "$kind" - - - - - - - FAIL $((SECONDS - t0))s)")
        failed=$((failed + 1))
        return
    fi
    cells=()
    for c in check_patch check_meson check_spdx check_dup_includes check_cocci check_doc; do
        c0=$SECONDS
        # a check's count is kept, keyed by what it reads of ours and by
        # this script: the same driver and guide are not checked twice
        if [ "$(cat "$dir/$c.key" 2>/dev/null)" = "$ours_key" ] && [ -s "$dir/$c.n" ]; then
            n=$(cat "$dir/$c.n")
            tlog "${c#check_}: $n (kept from a run on the same files)"
        else
            rm -f "$dir/$c.key"
            $c
            tlog "${c#check_}: $n ($((SECONDS - c0)) s)"
            if [ "$n" != - ]; then
                echo "$n" > "$dir/$c.n"
                echo "$ours_key" > "$dir/$c.key"
            fi
        fi
        cells+=("$n")
        if [ "$n" = - ]; then skip=1; else total=$((total + n)); fi
    done
    if [ $total != 0 ]; then status=FAIL; failed=$((failed + 1))
    elif [ $skip = 1 ]; then status=SKIP; skipped=$((skipped + 1))
    else status=PASS; passed=$((passed + 1)); fi
    rows+=("$(printf "$fmt" "$ver" "$kind" "${cells[@]}" "$total" "$status" \
        "$((SECONDS - t0))s")")
    tlog "$status: $total findings in $((SECONDS - t0)) s"
    # leave the copy on upstream, as the next run expects
    git_in reset -q --hard upstream
}

if [ $debian = 1 ]; then
    if [ -f "$top/.cache/dpdk-src/VERSION" ]; then
        one_tree "$top/.cache/dpdk-src" debian
    else
        log "no .cache/dpdk-src (devtools/setup.sh fetches it): no Debian 22.11 row"
        rows+=("$(printf "$fmt" 22.11 debian - - - - - - - SKIP 0s)")
        skipped=$((skipped + 1))
    fi
fi
for in in "${inputs[@]}"; do
    case $in in /*) ;; *) in=$PWD/$in ;; esac
    one_tree "$in" tarball
done

{
    echo
    # shellcheck disable=SC2059
    printf "$fmt\n" release source checkpatch meson spdx dup-inc cocci guide total row time
    printf '%s\n' "${rows[@]}"
    echo
    echo "Findings on our driver and guide as a patch replacing upstream's:"
    echo "checkpatch: devtools/checkpatches.sh (checkpatch.pl with codespell), on it"
    echo "and on our ${#fs_patches[@]} net/failsafe fixes (commits of Fixes: tags $fixes_how);"
    echo "meson, spdx, dup-inc: check-meson.py, check-spdx-tag.sh,"
    echo "check-dup-includes.sh; cocci: hunks devtools/cocci.sh would change;"
    echo "guide: Sphinx warnings of DPDK's doc build. -: could not run here."
} | tee "$cache/checks.txt"
echo "dpdk-checks: $passed passed, $failed failed, $skipped skipped"
[ $failed = 0 ] || exit 1
[ $skipped = 0 ] || exit 77
exit 0
