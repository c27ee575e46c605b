#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Drop our drivers/net/vdev_netvsc into a DPDK source tree of the installed
# version, build a minimal DPDK with it, and smoke-test the result with the
# tree's own dpdk-testpmd in a throwaway network namespace.
#
#   bash devtools/build-in-tree.sh
#
# The tree is a copy of .cache/dpdk-src (devtools/setup.sh fills it) kept in
# .cache/dpdk-intree, built in .cache/dpdk-intree/build; a second run only
# rebuilds what changed. DPDK is configured static (-Ddefault_library=static)
# so testpmd carries every driver: no plugin loading, wherever the tree is.
#
# Smoke test: namespace vn-smoke-<pid> with a veth pair (vnsmoke0, with no
# address, and its peer vnsmoke1 with 198.18.0.1/24), then
#   dpdk-testpmd --no-huge -m 512 --no-shconf --no-pci
#       --vdev=net_vdev_netvsc,iface=vnsmoke0,force=1 -- -i
# fed "show port info all" and "quit"; it passes when port
# net_failsafe_vsc0 shows vnsmoke0's MAC address.
#
# Exit: 0 pass, 1 fail, 77 skipped (one line says why).
# Environment: JOBS (default 2), SMOKE_TIMEOUT seconds (default 120).

set -euo pipefail
export LC_ALL=C
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
src=$top/.cache/dpdk-src
tree=$top/.cache/dpdk-intree
bld=$tree/build
jobs=${JOBS:-2}
log() { printf 'in-tree: %s\n' "$*"; }
skip() { printf 'in-tree: SKIP: %s\n' "$*"; exit 77; }
die() { printf 'in-tree: FAIL: %s\n' "$*"; exit 1; }

if [ ! -f "$src/.debian-version" ]; then
    [ "$(id -u)" = 0 ] || skip "no DPDK sources in .cache/dpdk-src and not root to fetch them (run devtools/setup.sh)"
    bash "$top/devtools/setup.sh"
fi
for p in meson ninja cc; do
    command -v $p >/dev/null || skip "$p is not installed (run devtools/setup.sh)"
done

# 1. the tree: a copy of the sources, with our driver in place of upstream's
if [ ! -f "$tree/.debian-version" ] || ! cmp -s "$src/.debian-version" "$tree/.debian-version"; then
    log "copying .cache/dpdk-src to .cache/dpdk-intree"
    rm -rf "$tree"
    cp -a "$src" "$tree.tmp"
    mv "$tree.tmp" "$tree"
fi
# Files are copied only when their content differs, with a new mtime, and
# meson.build is touched when the file set changes: ninja then rebuilds
# (and meson reconfigures) exactly what changed.
ours=$top/drivers/net/vdev_netvsc
drv=$tree/drivers/net/vdev_netvsc
[ -f "$drv/.vn-ours" ] || { rm -rf "$drv"; mkdir -p "$drv"; touch "$drv/.vn-ours"; }
regen=0
for f in "$drv"/*; do
    [ -e "$f" ] || continue
    [ -e "$ours/${f##*/}" ] || { rm -rf "$f"; regen=1; }
done
for f in "$ours"/*; do
    n=${f##*/}
    [ -e "$drv/$n" ] || regen=1
    if [ -d "$f" ]; then
        rm -rf "$drv/$n"; cp -r "$f" "$drv/$n"; regen=1
    elif ! cmp -s "$f" "$drv/$n"; then
        cp "$f" "$drv/$n"
        [ "$n" != meson.build ] || regen=1
    fi
done
[ $regen = 0 ] || touch "$drv/meson.build"
log "drivers/net/vdev_netvsc: ours ($(cd "$drv" && ls | tr '\n' ' '))"

# 2. a minimal DPDK: the drivers the smoke test needs, testpmd, few libraries
opts=(
    -Ddefault_library=static
    -Dbuildtype=release -Doptimization=1
    -Denable_drivers=bus/pci,bus/vdev,mempool/ring,net/tap,net/failsafe,net/vdev_netvsc
    -Denable_apps=test-pmd
    # every library 22.11 lets go of, except gso (net/tap needs it)
    -Ddisable_libs=bitratestats,cfgfile,flow_classify,gpudev,gro,jobstats,kni,latencystats,metrics,node,pdump,pipeline,port,power,table,vhost
    -Denable_docs=false -Dtests=false -Dexamples= -Denable_kmods=false
    -Dcheck_includes=false
)
if [ ! -f "$bld/build.ninja" ] || [ "$(cat "$bld/.vn-options" 2>/dev/null)" != "${opts[*]}" ]; then
    rm -rf "$bld"
    log "meson setup ${opts[*]}"
    meson setup "${opts[@]}" "$bld" "$tree" > "$tree/setup.log" 2>&1 ||
        { tail -40 "$tree/setup.log"; die "meson setup failed (log: .cache/dpdk-intree/setup.log)"; }
    echo "${opts[*]}" > "$bld/.vn-options"
fi
grep -q '^#define RTE_NET_VDEV_NETVSC 1' "$bld/rte_build_config.h" ||
    { grep -n -A3 'vdev_netvsc' "$tree/setup.log" | tail -20
      die "DPDK's meson did not enable net/vdev_netvsc"; }
start=$SECONDS
log "ninja -j$jobs (a first build takes a few minutes)"
ninja -C "$bld" -j"$jobs" > "$tree/build.log" 2>&1 ||
    { grep -E -B2 -A8 'error|FAILED' "$tree/build.log" | head -80
      die "build failed (log: .cache/dpdk-intree/build.log)"; }
log "built in $((SECONDS - start)) s: $(grep -c 'warning:' "$tree/build.log" || true) compiler warnings"
grep -A4 'vdev_netvsc.*warning:' "$tree/build.log" | head -40 || true
testpmd=$bld/app/dpdk-testpmd
[ -x "$testpmd" ] || die "no $testpmd"

# 3. the smoke test
[ "$(id -u)" = 0 ] || skip "the smoke test needs root (ip netns)"
command -v ip >/dev/null || skip "ip (iproute2) is not installed"
ns=vn-smoke-$$
veth=vnsmoke0
cleanup() { ip netns del "$ns" 2>/dev/null || true; }
trap cleanup EXIT
trap 'exit 1' INT TERM
netns_setup() {
    ip netns add "$ns" &&
    ip -n "$ns" link add "$veth" type veth peer name vnsmoke1 &&
    ip -n "$ns" addr add 198.18.0.1/24 dev vnsmoke1 &&
    ip -n "$ns" link set lo up &&
    ip -n "$ns" link set vnsmoke1 up &&
    ip -n "$ns" link set "$veth" up &&
    ip netns exec "$ns" true
}
err=$(netns_setup 2>&1) || skip "cannot set up a network namespace with a veth pair here: $(echo $err)"
mac=$(ip -n "$ns" -o link show dev "$veth" | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p')
[ -n "$mac" ] || die "no MAC address for $veth"
log "smoke: namespace $ns, $veth MAC $mac"

out=$tree/smoke.log
set +e
printf 'show port info all\nquit\n' |
    timeout -k 5 "${SMOKE_TIMEOUT:-120}" ip netns exec "$ns" "$testpmd" \
        --no-huge -m 512 --no-shconf --no-pci \
        --vdev="net_vdev_netvsc,iface=$veth,force=1" \
        -- -i --total-num-mbufs=2048 > "$out" 2>&1
rc=$?
set -e
# the port's block of "show port info all"
info=$(awk '/Infos for port/ { p = 1 } p' "$out")
if grep -q 'Device name: net_failsafe_vsc0' <<<"$info" &&
   grep -qi "MAC address: $mac" <<<"$info" && [ $rc = 0 ]; then
    grep -E 'Infos for port|^MAC address|^Device name|^Driver name' "$out" | sed 's/^/  /'
    log "PASS: testpmd shows port net_failsafe_vsc0 with $veth's MAC $mac"
    exit 0
fi
sed 's/^/  | /' "$out" | tail -60
die "testpmd (exit $rc) did not show port net_failsafe_vsc0 with MAC $mac (log: .cache/dpdk-intree/smoke.log)"
