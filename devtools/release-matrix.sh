#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The release matrix: our driver on every DPDK release given, built in-tree
# and as a plugin, and the tests run on each release's own EAL, buses,
# fail-safe and testpmd.
#
#   bash devtools/release-matrix.sh [OPTIONS] [DPDK-TREE-OR-TARBALL...]
#
# Rows: DPDK 22.11 from Debian first (the in-tree build from Debian's source
# package in .cache/dpdk-src, the plugin against the installed libdpdk),
# then one per argument, a DPDK source tree or a tarball of one (git
# archive of a release tag, e.g. dpdk-24.11.6.tar.xz). For each row:
#
#  1. in-tree: a copy of the tree with our drivers/net/vdev_netvsc in place
#     of upstream's, and our fail-safe: upstream's drivers/net/failsafe
#     with failsafe/patches applied (failsafe/apply.sh) and the marker
#     failsafe/failsafe_fixes.c added to its build and exported from its
#     .so; built as a minimal shared DPDK (bus/pci, bus/vdev,
#     mempool/ring, net/null, net/tap, net/failsafe, net/vdev_netvsc,
#     dpdk-testpmd, only the libraries those need, driver SDK headers) and
#     installed into a private prefix. Column "in-tree": compiler warnings
#     in the build steps of our driver and of the patched fail-safe.
#  2. testpmd: that prefix's dpdk-testpmd, which loads the in-tree driver
#     from the prefix's plugin directory, in a throwaway network namespace
#     on a veth pair: port net_failsafe_vsc0 must show the veth's MAC.
#  3. plugin: the standalone build (top meson.build: the plugin, our
#     fail-safe, vsc_app, the fake VF PMD, the unit tests) against that
#     prefix (PKG_CONFIG_PATH, -Ddpdk_source=the tree, seen through links
#     with upstream's drivers/net/failsafe, which the build patches).
#     Column "plugin": its compiler warnings, all targets.
#  4. tests, with meson test in the plugin build: "check" (suite build: the
#     plugin's soname, exports, pmdinfo), "fake_vf" (the fake VF PMD alone,
#     and under the release's installed fail-safe without our driver), then
#     the sim scenarios: the release's EAL loads our standalone plugin with
#     -d, simguest hides the in-tree copy in the prefix's plugin directory
#     (SIMGUEST_PMD_DIR) and puts the standalone build's fail-safe (the
#     release's with our patches, FAILSAFE_PLUGIN) in place of the
#     prefix's. A scenario of the list that the plugin build has no test
#     for (no app/test/sim/<name>.sh) is a FAIL, never left out.
#     Column "fs": "ours" when both the in-tree and the standalone
#     librte_net_failsafe export the marker vdev_netvsc_failsafe_fixes
#     (on Debian's row "ours*": fake_vf runs the fail-safe installed in
#     Debian's plugin directory, the distro's unless ours is installed).
#
# A cell is PASS, FAIL, SKIP (could not run here, e.g. not root), or XFAIL:
# the test failed as a known DPDK defect of that release makes it fail
# (the list is below, "known_defects"; each entry names the defect and what
# its failure looks like, and any other failure stays FAIL). XPASS, a
# known failure that did not happen, counts as a failure so that the list
# gets looked at. A row passes when both builds have 0 warnings and no
# cell is FAIL or XPASS, and "fs" is "ours".
#
# Builds are cached in .cache/rel/<version>-<id>/ (src, build, prefix,
# plugin), keyed by the DPDK input and by hashes of our sources, the
# fail-safe patches and marker included: a second run with nothing
# changed builds nothing and only runs the tests. A driver or fail-safe
# patch change rebuilds only our driver and the fail-safe in the DPDK
# tree (all of their files, to count their warnings) and the standalone
# build.
#
# Options:
#   --no-debian       no 22.11 row from Debian's packages
#   --in-tree-only    steps 1 and 2 only (devtools/build-in-tree.sh)
#   --scenarios "A B" sim scenarios (default: every app/test/sim/*.sh; the
#                     long ones on some rows only, see "some_rows" below)
#   -j N              build jobs (default: JOBS, else 2)
# Environment: JOBS, SMOKE_TIMEOUT (s, default 120), MATRIX_CACHE (where
# the builds go: default .cache/rel, or ~/.cache/vn-pmd-rel-<hash> when the
# tree lies below a world-writable directory such as /tmp, where EAL
# refuses plugins), MATRIX_SIM_FROM (the standalone build's testlog.json:
# Debian's row takes the scenarios' results from it instead of running
# them again on the same build; devtools/test.sh sets it).
#
# The table goes to stdout and <cache>/matrix.txt; the last line is
# "matrix: N passed, N failed, N skipped" (one per row). Exit status 0
# when no row failed, 1 otherwise, 77 when no row could run at all.

set -uo pipefail
export LC_ALL=C
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cache=${MATRIX_CACHE:-$top/.cache/rel}
jobs=${JOBS:-2}
debian=1 in_tree_only=0
# every scenario script: one the build has no test for fails its cell
scenarios=$(cd "$top/app/test/sim" && ls -- *.sh | sed 's/\.sh$//' | grep -vx lib | tr '\n' ' ')
# Scenarios that run on some rows only, for CI's time or because they
# cannot run on others: <scenario> <rows> (Debian's row is "debian", any
# other its release's major.minor). Their other cells show "n/a".
#   churn, soak: the long ones (about 4 min together): Debian's 22.11, and
#     24.11, the LTS Debian 13 ships, with 50 churn cycles (100 in the
#     plain suite)
#   ovs: Debian's Open vSwitch is built on Debian's DPDK 22.11, and loads
#     only a plugin built for it
some_rows=(
    "churn debian 24.11"
    "soak debian 24.11"
    "ovs debian"
)
export SIM_CHURN_CYCLES=${SIM_CHURN_CYCLES:-50}
# LISA's timeline in 5 s windows on every row (10 s in the plain suite)
export VF_REMOVAL_LISA_S=${VF_REMOVAL_LISA_S:-5}
inputs=()
while [ $# -gt 0 ]; do
    case $1 in
    --no-debian) debian=0 ;;
    --in-tree-only) in_tree_only=1 ;;
    --scenarios) scenarios=$2; shift ;;
    -j) jobs=$2; shift ;;
    -h|--help) sed -n '3,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;;
    -*) echo "release-matrix: unknown option $1" >&2; exit 2 ;;
    *) inputs+=("$1") ;;
    esac
    shift
done

# Known DPDK defects that make a test fail on some releases, one a line:
#   <test> <first release> <grep -E pattern of its output> <defect>
# (release "major.minor", compared with the row's "major.minor.patch";
# the pattern must match the failed test's output)
#
# None now. fail-safe's double release of a removed VF's port (SIGSEGV on
# VF removal since 23.11) and its crashes on removal during bursts were
# listed here: every row now runs fail-safe with our fixes
# (failsafe/patches), so a VF removal that fails is a FAIL.
known_defects=(
)

# EAL refuses plugins below a world-writable directory (such as /tmp): a
# tree there keeps its release builds in ~/.cache instead
source "$top/devtools/lib.sh"
if [ -z "${MATRIX_CACHE:-}" ] && [ -n "$(world_writable_ancestor "$top")" ]; then
    cache=${XDG_CACHE_HOME:-$HOME/.cache}/vn-pmd-rel-$(printf '%s' "$top" | md5sum | cut -c1-8)
    echo "matrix: $(world_writable_ancestor "$top") is world-writable and EAL refuses plugins below it: builds in $cache"
fi

log() { printf 'matrix: %s\n' "$*"; }
rlog() { printf 'matrix: [%s] %s\n' "$rel" "$*"; }
is_root() { [ "$(id -u)" = 0 ]; }
rel=-
mkdir -p "$cache" && chmod 0755 "$cache" || exit 1

# sha256 of the contents and names of the build inputs under the given
# paths (scripts and documents excluded: they do not change a build)
tree_hash() {
    (cd "$top" && find "$@" -type f ! -name '*.sh' ! -name '*.md' ! -name '*.py' \
        ! -name '*.gp' ! -name '*.png' -print0 2>/dev/null | sort -z |
        xargs -0 sha256sum) | sha256sum | cut -c1-16
}
drv_hash=$(tree_hash drivers/net/vdev_netvsc)
plugin_hash=$(tree_hash drivers app/test failsafe meson.build meson_options.txt devtools/version.map.in)

# our fail-safe: the patches (in order), their count (the marker's value)
# and everything that makes the in-tree copy, apply.sh included
fs_patches=("$top"/failsafe/patches/*.patch)
[ -f "${fs_patches[0]}" ] && [ -f "$top/failsafe/failsafe_fixes.c" ] ||
    { echo "release-matrix: no failsafe/patches/*.patch or failsafe/failsafe_fixes.c" >&2; exit 1; }
fs_count=${#fs_patches[@]}
fs_hash=$( (cd "$top" && sha256sum failsafe/patches/*.patch failsafe/failsafe_fixes.c \
    failsafe/apply.sh failsafe/version.map.in) | sha256sum | cut -c1-16)

# "23.11.7" -> 2311
ver_num() { local a=${1%%.*} b=${1#*.}; b=${b%%.*}; echo $((10#$a * 100 + 10#$b)); }

# ---------------------------------------------------------------------------
# 1. the DPDK source tree of a row, in $dir/src, with our driver in it

# release_dir (devtools/lib.sh): sets dir (the row's cache directory) and
# src, unpacking a tarball or copying a tree the first time

# Put our driver over the tree's drivers/net/vdev_netvsc. Files are copied
# only when their content differs (ninja then rebuilds what changed), and
# meson.build is touched when the file set changes.
drop_in_driver() {
    local ours=$top/drivers/net/vdev_netvsc drv=$src/drivers/net/vdev_netvsc f n regen=0
    [ -f "$drv/.vn-ours" ] || { rm -rf "$drv"; mkdir -p "$drv"; touch "$drv/.vn-ours"; }
    for f in "$drv"/*; do
        [ -e "$f" ] || continue
        [ -e "$ours/${f##*/}" ] || [ "${f##*/}" = version.map ] || { rm -rf "$f"; regen=1; }
    done
    # 21.11 wants a version.map in every driver (from 22.11 a default)
    if grep -q "fs.is_file(version_map)" "$src/drivers/meson.build"; then
        [ ! -e "$drv/version.map" ] || { rm -f "$drv/version.map"; regen=1; }
    else
        sed "s/@SO_VERSION@/$(cut -d. -f1 "$src/ABI_VERSION")/" \
            "$top/devtools/version.map.in" > "$drv/version.map.new"
        if cmp -s "$drv/version.map.new" "$drv/version.map"; then
            rm -f "$drv/version.map.new"
        else
            mv "$drv/version.map.new" "$drv/version.map"
            regen=1
        fi
    fi
    for f in "$ours"/*; do
        n=${f##*/}
        [ -e "$drv/$n" ] || regen=1
        if [ -d "$f" ]; then
            rm -rf "${drv:?}/$n"; cp -r "$f" "$drv/$n"; regen=1
        elif ! cmp -s "$f" "$drv/$n"; then
            cp "$f" "$drv/$n"
            [ "$n" != meson.build ] || regen=1
        fi
    done
    [ $regen = 0 ] || touch "$drv/meson.build"
}

# upstream's drivers/net/failsafe of the row's input ($in), kept once in
# $dir/failsafe-upstream: the tree's own copy gets our patches
failsafe_upstream() {
    local up=$dir/failsafe-upstream
    [ -f "$up/.complete" ] && return 0
    rm -rf "$up"
    mkdir -p "$up/drivers/net"
    if [ -f "$in" ]; then
        tar -xf "$in" -C "$up" --strip-components=1 --wildcards '*/drivers/net/failsafe/*'
    else
        cp -r "$in/drivers/net/failsafe" "$up/drivers/net/"
    fi && [ -f "$up/drivers/net/failsafe/failsafe_ether.c" ] ||
        { rlog "FAIL: no drivers/net/failsafe in $in"; return 1; }
    touch "$up/.complete"
}

# Our fail-safe in the tree's drivers/net/failsafe, as failsafe/meson.build
# builds it standalone: upstream's sources with failsafe/patches applied,
# and the marker failsafe_fixes.c (-DFAILSAFE_FIXES=<patches>) added to
# upstream's meson.build and exported. How a driver exports: up to 24.11
# its own version.map (else drivers/version.map, which exports nothing);
# from 25.11 buildtools/gen-version-map.py makes the map from the
# sources' RTE_EXPORT_* lines (a driver's version.map is ignored). Files
# are copied only when their content differs, as for our driver.
drop_in_failsafe() {
    local fsd=$src/drivers/net/failsafe up=$dir/failsafe-upstream new=$dir/failsafe-new f
    failsafe_upstream || return 1
    rm -rf "$new"
    bash "$top/failsafe/apply.sh" "$up" "$new" "${fs_patches[@]}" ||
        { rlog "FAIL: failsafe/patches do not apply to DPDK $ver's fail-safe"; return 1; }
    cp "$top/failsafe/failsafe_fixes.c" "$new/"
    { cat "$up/drivers/net/failsafe/meson.build"
      printf '\n# vdev_netvsc: the marker of our fixes (failsafe/failsafe_fixes.c)\n'
      printf "sources += files('failsafe_fixes.c')\n"
      printf "cflags += '-DFAILSAFE_FIXES=%s'\n" "$fs_count"
    } > "$new/meson.build"
    if grep -q gen_version_map "$src/drivers/meson.build"; then
        printf '\n#include <eal_export.h>\nRTE_EXPORT_SYMBOL(vdev_netvsc_failsafe_fixes)\n' \
            >> "$new/failsafe_fixes.c"
    else
        sed "s/@SO_VERSION@/$(cut -d. -f1 "$src/ABI_VERSION")/" \
            "$top/failsafe/version.map.in" > "$new/version.map"
    fi
    for f in "$fsd"/*; do
        [ -e "$new/${f##*/}" ] || rm -f "$f"
    done
    for f in "$new"/*; do
        cmp -s "$f" "$fsd/${f##*/}" || cp "$f" "$fsd/"
    done
    rm -rf "$new"
}

# The tree as upstream has it, for the standalone build's -Ddpdk_source
# (failsafe/meson.build applies our patches to its drivers/net/failsafe
# itself): links to $src's files but for drivers/net/failsafe, upstream's
# copy. Sets view.
upstream_view() {
    local e
    view=$dir/upstream-view
    failsafe_upstream || return 1
    rm -rf "$view"
    mkdir -p "$view/drivers/net"
    for e in "$src"/*; do
        [ "${e##*/}" = drivers ] || ln -s "$e" "$view/"
    done
    for e in "$src"/drivers/*; do
        [ "${e##*/}" = net ] || ln -s "$e" "$view/drivers/"
    done
    for e in "$src"/drivers/net/*; do
        [ "${e##*/}" = failsafe ] || ln -s "$e" "$view/drivers/net/"
    done
    ln -s "$dir/failsafe-upstream/drivers/net/failsafe" "$view/drivers/net/failsafe"
}

# the marker of our fixes among the dynamic symbols of library $1
has_marker() {
    [ -f "$1" ] && nm -D --defined-only "$1" 2>/dev/null | grep -qw vdev_netvsc_failsafe_fixes
}

# ---------------------------------------------------------------------------
# 2. the in-tree build, installed into $dir/prefix

# the minimal DPDK of a tree (devtools/lib.sh), installed into the row's
# prefix
intree_options() {
    minimal_dpdk_options "$src"
    opts=(--prefix="$dir/prefix" "${dpdk_opts[@]}")
}

# warnings printed for the build steps of our driver and of the patched
# fail-safe in ninja output $1
driver_warnings() {
    awk '/^\[[0-9]+\/[0-9]+\] / { ours = /vdev_netvsc|failsafe/ }
        ours && /warning:/ { n++ } END { print n + 0 }' "$1"
}
all_warnings() { grep -c 'warning:' "$1"; }

# sets intree_ok (1/0), intree_warn, intree_s (0 when cached)
build_in_tree() {
    local bld=$dir/build key t0=$SECONDS first=0
    intree_ok=0 intree_warn=- intree_s=0
    intree_options
    key=$(printf '%s\n' "$drv_hash" "$fs_hash" "${opts[@]}" | sha256sum | cut -c1-16)
    if [ "$(cat "$dir/intree.key" 2>/dev/null)" = "$key" ] &&
       [ -x "$dir/prefix/bin/dpdk-testpmd" ]; then
        intree_warn=$(cat "$dir/intree.warn")
        intree_ok=1
        rlog "in-tree build cached ($intree_warn warnings in our driver and fail-safe)"
        return 0
    fi
    rm -f "$dir/intree.key"
    drop_in_driver
    drop_in_failsafe || return 1
    # every file of ours compiles again, so that its warnings are counted
    touch "$src"/drivers/net/vdev_netvsc/*.[ch] "$src"/drivers/net/failsafe/*.[ch]
    if [ ! -f "$bld/build.ninja" ] || [ "$(cat "$bld/.vn-options" 2>/dev/null)" != "${opts[*]}" ]; then
        rm -rf "$bld"
        first=1
        rlog "meson setup (in-tree)"
        meson setup "${opts[@]}" "$bld" "$src" > "$dir/setup.log" 2>&1 ||
            { tail -30 "$dir/setup.log"; rlog "FAIL: meson setup (log: $dir/setup.log)"; return 1; }
        echo "${opts[*]}" > "$bld/.vn-options"
    fi
    grep -q '^#define RTE_NET_VDEV_NETVSC 1' "$bld/rte_build_config.h" ||
        { grep -n -A3 'vdev_netvsc' "$dir/setup.log" | tail -20
          rlog "FAIL: DPDK's meson did not enable net/vdev_netvsc"; return 1; }
    rlog "ninja -j$jobs (in-tree$([ $first = 1 ] && echo ", a few minutes"))"
    if ! ninja -C "$bld" -j"$jobs" > "$dir/build.log" 2>&1; then
        grep -E -B2 -A8 'error|FAILED' "$dir/build.log" | head -60
        rlog "FAIL: in-tree build (log: $dir/build.log)"
        return 1
    fi
    intree_warn=$(driver_warnings "$dir/build.log")
    [ $first = 0 ] || all_warnings "$dir/build.log" > "$dir/dpdk.warn"
    grep -A6 -E '(vdev_netvsc|failsafe).*warning:' "$dir/build.log" | head -40
    rm -rf "$dir/prefix"
    meson install -C "$bld" --no-rebuild --quiet > "$dir/install.log" 2>&1 ||
        { tail -20 "$dir/install.log"; rlog "FAIL: meson install"; return 1; }
    # the installed fail-safe must be ours: the marker is exported
    has_marker "$(intree_failsafe)" ||
        { rlog "FAIL: the in-tree librte_net_failsafe ($(intree_failsafe)) does not" \
            "export vdev_netvsc_failsafe_fixes"; return 1; }
    echo "$intree_warn" > "$dir/intree.warn"
    echo "$key" > "$dir/intree.key"
    intree_ok=1
    intree_s=$((SECONDS - t0))
    rlog "in-tree built and installed in $intree_s s: $intree_warn warnings in our driver and fail-safe" \
        "($(cat "$dir/dpdk.warn" 2>/dev/null || echo ?) in DPDK's first full build)"
}

# the in-tree fail-safe installed in the prefix's plugin directory
intree_failsafe() {
    find "$dir/prefix/lib" -name 'librte_net_failsafe.so.*' -type f 2>/dev/null | sort | head -n 1
}

# ---------------------------------------------------------------------------
# 3. testpmd smoke test: CMD... is the testpmd to run; sets smoke

smoke_test() {
    local out=$dir/smoke.log ns=vn-mx-$$ veth=vnmx0 mac rc info
    smoke=FAIL
    is_root || { smoke=SKIP; rlog "testpmd: SKIP (not root)"; return 0; }
    command -v ip >/dev/null || { smoke=SKIP; rlog "testpmd: SKIP (no ip)"; return 0; }
    if ! { ip netns add "$ns" &&
           ip -n "$ns" link add "$veth" type veth peer name vnmx1 &&
           ip -n "$ns" link set lo up && ip -n "$ns" link set vnmx1 up &&
           ip -n "$ns" link set "$veth" up; } 2>/dev/null; then
        ip netns del "$ns" 2>/dev/null
        smoke=SKIP
        rlog "testpmd: SKIP (no network namespace with a veth pair here)"
        return 0
    fi
    mac=$(ip -n "$ns" -o link show dev "$veth" | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p')
    printf 'show port info all\nquit\n' |
        timeout -k 5 "${SMOKE_TIMEOUT:-120}" ip netns exec "$ns" "$@" \
            --no-huge -m 512 --no-shconf --no-pci \
            --vdev="net_vdev_netvsc,iface=$veth,force=1" \
            -- -i --total-num-mbufs=2048 > "$out" 2>&1
    rc=$?
    ip netns del "$ns" 2>/dev/null
    info=$(awk '/Infos for port/ { p = 1 } p' "$out")
    if [ $rc = 0 ] && grep -q 'Device name: net_failsafe_vsc0' <<<"$info" &&
       grep -qi "MAC address: $mac" <<<"$info"; then
        smoke=PASS
        rlog "testpmd: port net_failsafe_vsc0 with $veth's MAC $mac"
    else
        sed 's/^/  | /' "$out" | tail -30
        rlog "FAIL: testpmd (exit $rc) shows no net_failsafe_vsc0 with MAC $mac (log: $out)"
    fi
}

# ---------------------------------------------------------------------------
# 4. the standalone build and the tests

# build_plugin [meson setup args...]: in $dir/plugin, with the caller's
# PKG_CONFIG_PATH; writes plugin_ok, plugin_warn, plugin_s to $dir/plugin.result
build_plugin() {
    local bld=$dir/plugin key t0=$SECONDS ok=0 warn=- s=0
    # $top: a build directory belongs to one source tree (one clone)
    key=$(printf '%s\n' "$top" "$plugin_hash" "$(cat "$dir/intree.key" 2>/dev/null)" \
        "${PKG_CONFIG_PATH:-}" "$@" | sha256sum | cut -c1-16)
    if [ "$(cat "$dir/plugin.key" 2>/dev/null)" = "$key" ] && [ -f "$bld/build.ninja" ] &&
       ninja -C "$bld" > "$dir/plugin-rebuild.log" 2>&1; then
        warn=$(cat "$dir/plugin.warn")
        ok=1
        rlog "plugin build cached ($warn warnings)"
    else
        rm -rf "$bld" "$dir/plugin.key"
        rlog "meson setup (plugin) $*"
        if ! meson setup "$@" "$bld" "$top" > "$dir/plugin-setup.log" 2>&1; then
            tail -30 "$dir/plugin-setup.log"
            rlog "FAIL: meson setup of the plugin (log: $dir/plugin-setup.log)"
        else
            rlog "ninja -j$jobs (plugin, tests)"
            if ! ninja -C "$bld" -j"$jobs" > "$dir/plugin-build.log" 2>&1; then
                grep -E -B2 -A8 'error|FAILED' "$dir/plugin-build.log" | head -60
                rlog "FAIL: plugin build (log: $dir/plugin-build.log)"
            else
                warn=$(all_warnings "$dir/plugin-build.log")
                grep -B2 -A6 'warning:' "$dir/plugin-build.log" | head -40
                echo "$warn" > "$dir/plugin.warn"
                echo "$key" > "$dir/plugin.key"
                ok=1
                s=$((SECONDS - t0))
                rlog "plugin built in $s s: $warn warnings"
            fi
        fi
    fi
    printf 'plugin_ok=%s plugin_warn=%s plugin_s=%s\n' $ok "$warn" $s > "$dir/plugin.result"
}

# runs_here SCENARIO: true when SCENARIO runs on this row (some_rows)
runs_here() {
    local e name rows r here
    here=$kind
    [ "$kind" = debian ] || here=$(echo "$ver" | cut -d. -f1,2)
    for e in "${some_rows[@]}"; do
        read -r name rows <<< "$e"
        [ "$name" = "$1" ] || continue
        for r in $rows; do [ "$r" = "$here" ] && return 0; done
        return 1
    done
    return 0
}

# run_tests: meson test in $dir/plugin with the caller's environment;
# writes "<test> PASS|FAIL|SKIP" lines to $dir/tests.result and each
# test's output to $dir/out/<test>.txt. A scenario the build has no test
# for is a FAIL (meson test would refuse the whole list)
# sim_from TEST: TEST's result in MATRIX_SIM_FROM (a meson testlog.json)
# into tests.result and out/TEST.txt; false when it is not there
sim_from() {
    [ -f "${MATRIX_SIM_FROM:-}" ] || return 1
    python3 - "$MATRIX_SIM_FROM" "$1" "$dir/out" >> "$dir/tests.result" <<'PY'
import json, os, sys
for line in open(sys.argv[1]):
    line = line.strip()
    if not line:
        continue
    t = json.loads(line)
    if t.get("name", "").split(" / ")[-1] != sys.argv[2]:
        continue
    r = {"OK": "PASS", "EXPECTEDFAIL": "PASS", "SKIP": "SKIP"}.get(t.get("result"), "FAIL")
    with open(os.path.join(sys.argv[3], sys.argv[2] + ".txt"), "w") as f:
        f.write("from %s: result %s, %.1f s\n" % (sys.argv[1], t.get("result"),
                t.get("duration", 0)))
    print(sys.argv[2], r)
    sys.exit(0)
sys.exit(1)
PY
}

run_tests() {
    local bld=$dir/plugin names=(plugin fake_vf) s json=$dir/plugin/meson-logs/matrix.json known
    rm -rf "$json" "$dir/tests.result" "$dir/out"
    mkdir -p "$dir/out"
    known=" $(meson test -C "$bld" --no-rebuild --list < /dev/null 2>/dev/null |
        sed 's/.* \/ //' | tr '\n' ' ') "
    for s in $scenarios; do
        if ! runs_here "$s"; then
            echo "sim-$s n/a" >> "$dir/tests.result"
            continue
        fi
        # Debian's row is the standalone build itself: the scenarios that
        # its meson test ran (MATRIX_SIM_FROM, its testlog.json) stand
        if [ "$kind" = debian ] && sim_from "sim-$s"; then
            continue
        fi
        if [[ $known == *" sim-$s "* ]]; then
            names+=("sim-$s")
            continue
        fi
        if [ -f "$top/app/test/sim/$s.sh" ]; then
            echo "the plugin build has no test sim-$s (app/test/sim/meson.build)"
        else
            echo "no scenario script app/test/sim/$s.sh"
        fi > "$dir/out/sim-$s.txt"
        echo "sim-$s FAIL" >> "$dir/tests.result"
        rlog "FAIL: sim-$s: $(cat "$dir/out/sim-$s.txt")"
    done
    rlog "meson test ${names[*]}"
    meson test -C "$bld" --no-rebuild --print-errorlogs --logbase matrix \
        "${names[@]}" < /dev/null > "$dir/tests.log" 2>&1
    awk '/^Summary of Failures|^Ok:/ { exit } /^ *[0-9]+\/[0-9]+ / { print "  " $0 }' "$dir/tests.log"
    [ -f "$json" ] || { rlog "FAIL: meson test wrote no $json (log: $dir/tests.log)"; return 1; }
    python3 - "$json" "$dir/out" >> "$dir/tests.result" <<'PY'
import json, os, sys
for line in open(sys.argv[1]):
    line = line.strip()
    if not line:
        continue
    t = json.loads(line)
    name = t.get("name", "").split(" / ")[-1]
    r = {"OK": "PASS", "EXPECTEDFAIL": "PASS", "SKIP": "SKIP"}.get(t.get("result"), "FAIL")
    with open(os.path.join(sys.argv[2], name + ".txt"), "w") as f:
        f.write("result: %s, returncode %s, %.1f s\n" % (t.get("result"),
                t.get("returncode"), t.get("duration", 0)))
        f.write(t.get("stdout") or "")
        f.write(t.get("stderr") or "")
    print(name, r)
PY
    return 0
}

# known_defect TEST: when a known defect concerns TEST on this row's
# release (ver), sets kd to XFAIL (it failed, and its output shows that
# defect) or XPASS (it passed), and defect to the defect's name
known_defect() {
    local t=$1 e name first pat d
    kd= defect=
    for e in "${known_defects[@]}"; do
        read -r name first pat d <<< "$e"
        [ "$name" = "$t" ] && [ "$(ver_num "$ver")" -ge "$(ver_num "$first")" ] || continue
        case ${res[$t]:-} in
        PASS) kd=XPASS defect=$d ;;
        FAIL) tr '\n' ' ' < "$dir/out/$t.txt" | grep -Eq -- "$pat" && kd=XFAIL defect=$d ;;
        esac
        return
    done
}

# ---------------------------------------------------------------------------
# the rows

declare -A res
rows=() notes=()
row() { rows+=("$(printf "$fmt" "$@")"); }
fmt='%-9s %-7s %-5s %-7s %-7s'
hdr=(release source fs in-tree testpmd)
if [ $in_tree_only = 0 ]; then
    fmt+=' %-6s %-6s %-7s'
    hdr+=(plugin check fake_vf)
    for s in $scenarios; do fmt+=" %-$((${#s} > 5 ? ${#s} : 5))s"; hdr+=("$s"); done
fi
fmt+=' %-5s %-6s %s'
hdr+=(row build time)
passed=0 failed=0 skipped=0

# fs_cell: sets fs to "ours" when the in-tree fail-safe (testpmd, fake_vf)
# and the standalone one (the sim scenarios) export our marker, "stock"
# when one does not, "-" when they were not built; on Debian's row, whose
# fake_vf runs the fail-safe of Debian's plugin directory, "ours*" when
# that one is the distro's
fs_cell() {
    local lib
    fs=-
    [ "$intree_ok" = 1 ] || return 0
    has_marker "$(intree_failsafe)" || { fs=stock; return 0; }
    fs=ours
    [ $in_tree_only = 0 ] || return 0
    [ "$plugin_ok" = 1 ] || { fs=-; return 0; }
    lib=$(find "$dir/plugin/failsafe" -name 'librte_net_failsafe.so.*' -type f 2>/dev/null | head -n 1)
    has_marker "$lib" || { fs=stock; rlog "the standalone fail-safe ${lib:-(none)} has no marker"; return 0; }
    [ "$kind" = debian ] || return 0
    lib=$(env -u PKG_CONFIG_PATH pkg-config --variable=libdir libdpdk)/dpdk/pmds-$(cat "$src/ABI_VERSION")
    has_marker "$lib/librte_net_failsafe.so" || fs='ours*'
}

# one_row KIND INPUT: KIND debian (plugin against the installed libdpdk) or
# prefix (plugin against the row's own install)
one_row() {
    local kind=$1 in=$2 t0=$SECONDS cells=() status=PASS all t c pfx_lib pfx_testpmd
    res=()
    smoke=- plugin_ok=0 plugin_warn=- plugin_s=0 intree_warn=- intree_s=0
    rel=${in##*/}
    if ! release_dir "$in" drivers/bus/vdev/rte_bus_vdev.h; then
        cells=("$rel" "$kind" - FAIL -)
        [ $in_tree_only = 1 ] || for t in plugin check fake_vf $scenarios; do cells+=(-); done
        row "${cells[@]}" FAIL 0s 0s
        failed=$((failed + 1))
        return
    fi
    ver=$(cat "$src/VERSION")
    rel=$ver
    log "=== DPDK $ver ($in)"
    build_in_tree
    pfx_lib=$dir/prefix/lib
    pfx_testpmd=$dir/prefix/bin/dpdk-testpmd
    if [ "$intree_ok" = 1 ]; then
        smoke_test env LD_LIBRARY_PATH="$pfx_lib" "$pfx_testpmd"
    fi
    if [ $in_tree_only = 0 ]; then
        rm -f "$dir/plugin.result" "$dir/tests.result"
        if [ $kind = debian ]; then
            # Debian's libdpdk, its plugin directory and dpdk-testpmd, and
            # the build's default -Ddpdk_source (.cache/dpdk-src)
            (unset PKG_CONFIG_PATH LD_LIBRARY_PATH TESTPMD
             build_plugin
             grep -q plugin_ok=1 "$dir/plugin.result" && run_tests)
        elif [ "$intree_ok" = 1 ] && upstream_view; then
            # the tree with upstream's fail-safe: the build patches it
            (export PKG_CONFIG_PATH=$dir/prefix/lib/pkgconfig
             build_plugin -Ddpdk_source="$view"
             export LD_LIBRARY_PATH=$pfx_lib TESTPMD=$pfx_testpmd
             grep -q plugin_ok=1 "$dir/plugin.result" && run_tests)
        fi
        [ -f "$dir/plugin.result" ] && eval "$(cat "$dir/plugin.result")"
        if [ -f "$dir/tests.result" ]; then
            while read -r t c; do res[$t]=$c; done < "$dir/tests.result"
        fi
        for t in fake_vf $(printf 'sim-%s ' $scenarios); do
            known_defect "$t"
            [ -n "$kd" ] || continue
            res[$t]=$kd
            notes+=("$ver $t: $kd, known DPDK defect $defect")
        done
    fi

    # which fail-safe the row runs
    fs_cell
    [ "$fs" != - ] && [ "${fs%\*}" = ours ] || status=FAIL

    # the cells, and the row's status
    cells=("$ver" "$kind" "$fs")
    if [ "$intree_ok" = 1 ]; then cells+=("$intree_warn"); else cells+=(FAIL); fi
    [ "$intree_ok" = 1 ] && [ "$intree_warn" = 0 ] || status=FAIL
    cells+=("$smoke")
    all=$smoke
    if [ $in_tree_only = 0 ]; then
        if [ "$plugin_ok" = 1 ]; then cells+=("$plugin_warn"); else cells+=(FAIL); fi
        [ "$plugin_ok" = 1 ] && [ "$plugin_warn" = 0 ] || status=FAIL
        for t in plugin fake_vf $(printf 'sim-%s ' $scenarios); do
            cells+=("${res[$t]:--}")
            [ "${res[$t]:-}" = n/a ] || all+=" ${res[$t]:-FAIL}"
        done
    fi
    case " $all " in
    *" FAIL "*|*" XPASS "*) status=FAIL ;;
    *" SKIP "*) [ $status = FAIL ] || status=SKIP ;;
    esac
    cells+=("$status" "$((intree_s + plugin_s))s" "$((SECONDS - t0))s")
    row "${cells[@]}"
    log "[$ver] row $status in $((SECONDS - t0)) s (in-tree build ${intree_s} s," \
        "plugin build ${plugin_s} s; 0 s = cached)"
    case $status in
    PASS) passed=$((passed + 1)) ;;
    SKIP) skipped=$((skipped + 1)) ;;
    *) failed=$((failed + 1)) ;;
    esac
}

command -v meson >/dev/null && command -v ninja >/dev/null ||
    { echo "release-matrix: SKIP: meson and ninja are needed (devtools/setup.sh)"; exit 77; }
if [ $debian = 1 ]; then
    if [ ! -f "$top/.cache/dpdk-src/.debian-version" ] && is_root; then
        bash "$top/devtools/setup.sh" < /dev/null || log "devtools/setup.sh failed"
    fi
    if [ -f "$top/.cache/dpdk-src/.debian-version" ]; then
        one_row debian "$top/.cache/dpdk-src"
    else
        log "no .cache/dpdk-src (devtools/setup.sh fetches it): no Debian 22.11 row"
        skipped=$((skipped + 1))
    fi
fi
for in in "${inputs[@]}"; do
    case $in in /*) ;; *) in=$PWD/$in ;; esac
    one_row prefix "$in"
done

{
    echo
    # shellcheck disable=SC2059
    printf "$fmt\n" "${hdr[@]}"
    printf '%s\n' "${rows[@]}"
    echo
    echo "fs: the fail-safe the row runs, ours: the release's with failsafe/patches"
    echo "($fs_count patches), in-tree and standalone (marker vdev_netvsc_failsafe_fixes"
    echo "exported); ours*: fake_vf runs the distro's installed one (Debian's row)."
    [ -f "${MATRIX_SIM_FROM:-}" ] &&
        echo "Debian's row: the scenarios' results are the standalone meson test's."
    echo "in-tree: warnings compiling our driver and that fail-safe inside DPDK;"
    echo "testpmd: that build's testpmd shows net_failsafe_vsc0 (our fail-safe);"
    echo "plugin: warnings of the standalone build (driver, fail-safe and tests);"
    echo "check, fake_vf and the scenarios: meson tests run on the release (FAIL"
    echo "for a scenario without a test). XFAIL: failed as a known DPDK defect"
    echo "makes it (devtools/release-matrix.sh, known_defects: none now). n/a:"
    echo "not run on this row: churn and soak (the long ones) run on Debian's"
    echo "22.11 and on 24.11 ($SIM_CHURN_CYCLES churn cycles there), ovs on Debian's"
    echo "only (Debian's Open vSwitch links its DPDK 22.11). build: seconds"
    echo "spent building (0: all cached); time: the whole row."
    [ ${#notes[@]} = 0 ] || printf '  %s\n' "${notes[@]}"
} | tee "$cache/matrix.txt"
echo "matrix: $passed passed, $failed failed, $skipped skipped"
[ $failed = 0 ] || exit 1
[ $passed != 0 ] || exit 77
exit 0
