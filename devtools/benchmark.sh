#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The benchmark, in one command (root, Debian 12):
#   bash devtools/benchmark.sh [--update-doc] [--no-run] [--only P6,P7]
#
# Our net_vdev_netvsc against Debian's (librte_net_vdev_netvsc.so.23.0),
# side by side in one run, in two identical simulated Hyper-V guests:
# probe time (P1, P5), idle cost (P2), VF detection latency (P3) and VF
# attach end to end (P4); then the data-path cost of our fail-safe port
# against the bare VF, stock and our fail-safe, VF at start and attached
# late (P7), and servicing loss with the VF present at start, ours against
# upstream's driver and fail-safe (P6: in Debian's own kernel under QEMU
# where this kernel cannot run tap's remote=, as here; P6_WHERE=here keeps
# it in this kernel, without the tap). About 30 minutes on two cores.
#
# 1. devtools/setup.sh when the DPDK sources are missing (packages, then
#    Debian's dpdk source package into .cache/dpdk-src)
# 2. builds (meson setup, or --reconfigure when the benchmark is not yet
#    registered; ninja)
# 3. runs app/test/bench/bench.sh: prints the table (metric, ours, upstream,
#    ratio ours/upstream, target, met?) and writes
#      <build>/bench/results.csv   the table
#      <build>/bench/results.png   the plots (gnuplot)
#      <build>/bench/results.txt   the table as printed
#      <build>/bench/samples.csv   every sample; logs/ the EAL/driver logs
# The same runs as: meson test -C build --benchmark -v
#
# --update-doc  then rewrites the results block of the bench document
#               (app/test/bench/README.md, Markdown, between its
#               "<!-- results: begin" and "<!-- results: end" lines) and
#               copies the plot it shows to app/test/bench/results.png
# --no-run      builds and measures nothing: with --update-doc, uses the
#               results of the last run in <build>/bench
# --only LIST   measures only these of P1,P2,P3,P4,P6,P7 (comma-separated,
#               case-insensitive): "--only p6,p7" takes about 20 minutes
#               (BENCH_PHASES of bench.sh); not with --update-doc
# --vm          measures, instead, what needs tap's remote= (a kernel with
#               sch_multiq and cls_flower), inside Debian's own kernel booted
#               in QEMU (app/test/kernel/vm.sh): P6, servicing loss, and P2
#               with the tap present (app/test/bench/vm_bench.sh); results in
#               <build>/bench-vm (p6.txt, p2/results.txt). About 15 minutes.
#
# Environment: BUILD_DIR (default build; under ~/.cache when the tree lies
# below a world-writable directory, as devtools/test.sh does),
# BENCH_QUICK=1 for a smoke run of a few minutes, BENCH_STRICT=1 to exit 1
# when a target of ours is missed, and the BENCH_* and P6_*/P7_* settings of
# bench.sh.
# Exit status: bench.sh's (0 measured, 1 error, 77 cannot run here).

set -uo pipefail
export LC_ALL=C
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top" || exit 1
say() { printf 'benchmark: %s\n' "$*"; }

update_doc=0 run=1 vm=0 only=""
while [ $# -gt 0 ]; do
    case $1 in
    --update-doc) update_doc=1 ;;
    --no-run) run=0 ;;
    --vm) vm=1 ;;
    --only) only=${2:-}; shift ;;
    --only=*) only=${1#--only=} ;;
    -h|--help) sed -n '4,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;;
    *) say "unknown argument $1 (--update-doc, --no-run, --vm, --only LIST)"; exit 2 ;;
    esac
    shift
done
if [ -n "$only" ]; then
    only=$(tr 'A-Z,' 'a-z ' <<< "$only")
    for p in $only; do
        case $p in p[1-4]|p6|p7) ;; *) say "--only: no phase $p (P1-P4, P6, P7)"; exit 2 ;; esac
    done
    # the README's block holds every figure: a partial run would drop some
    [ $update_doc = 0 ] || { say "--update-doc needs a full run, not --only"; exit 2; }
    export BENCH_PHASES=$only
fi

source "$top/devtools/lib.sh"
bld=${BUILD_DIR:-$(build_dir "$top" build build)}

# the bench README's results block and plot from <build>/bench
update_doc() {
    local out=$1 doc=app/test/bench/README.md
    [ -f "$out/samples.csv" ] || { say "no results in $out: run the benchmark first"; return 1; }
    [ "$(grep -c '^<!-- results: begin' "$doc")" = 1 ] &&
        [ "$(grep -c '^<!-- results: end' "$doc")" = 1 ] ||
        { say "$doc needs one '<!-- results: begin' and one '<!-- results: end' line"; return 1; }
    rm -f "$out/results.md"
    python3 app/test/bench/report.py "$out" --markdown "$out/results.md" > /dev/null
    [ -s "$out/results.md" ] || { say "no results block made"; return 1; }
    python3 - "$doc" "$out/results.md" <<'PY' || { say "$doc left as it was"; return 1; }
import sys
doc, block = sys.argv[1], open(sys.argv[2]).read()
lines = open(doc).read().split("\n")
b = next(i for i, l in enumerate(lines) if l.startswith("<!-- results: begin"))
e = next(i for i, l in enumerate(lines) if l.startswith("<!-- results: end"))
if e < b:
    sys.exit("benchmark: %s: '<!-- results: end' comes before its begin" % doc)
new = lines[:b] + block.rstrip("\n").split("\n") + lines[e + 1:]
open(doc, "w").write("\n".join(new))
PY
    if [ -f "$out/results.png" ]; then
        cp "$out/results.png" app/test/bench/results.png
    else
        say "warning: no $out/results.png to copy"
    fi
    say "updated $doc and app/test/bench/results.png"
}

rc=0
if [ $run = 1 ]; then
    if [ ! -f .cache/dpdk-src/drivers/bus/vdev/bus_vdev_driver.h ] ||
       ! command -v gnuplot >/dev/null || ! command -v meson >/dev/null; then
        say "running devtools/setup.sh"
        bash devtools/setup.sh < /dev/null || { say "setup failed"; exit 1; }
    fi
    if [ ! -f "$bld/build.ninja" ]; then
        meson setup "$bld" < /dev/null || exit 1
    elif ! grep -q vsc_bench "$bld/build.ninja"; then
        # app/test picks up new test directories only when reconfigured
        meson setup --reconfigure "$bld" < /dev/null || exit 1
    fi
    ninja -C "$bld" < /dev/null || exit 1
fi
[ -d "$bld" ] || { say "no build directory $bld"; exit 1; }
bld=$(cd "$bld" && pwd)
if [ $run = 1 ]; then
    export VSC_PLUGIN=$bld/librte_net_vdev_netvsc.so
    export VSC_BENCH=$bld/app/test/bench/vsc_bench
    export SIMGUEST=$top/app/test/sim/simguest
    export BENCH_OUT=$bld/bench
    export FAILSAFE_PLUGIN=$bld/failsafe/librte_net_failsafe.so
    if [ -f "$bld/app/test/fake_vf/librte_net_fake_vf.so" ]; then
        export FAKE_VF_PLUGIN=$bld/app/test/fake_vf/librte_net_fake_vf.so
    else
        export FAKE_VF_PLUGIN=""
    fi
    export VSC_APP=$bld/app/test/sim/vsc_app
    if [ $vm = 1 ]; then
        rm -rf "$bld/bench-vm"
        bash app/test/kernel/vm.sh --timeout 3000 --save "$bld/bench-vm" -- \
            bash app/test/bench/vm_bench.sh < /dev/null
        rc=$?
        say "results: $bld/bench-vm/p6.txt, $bld/bench-vm/p2/results.txt"
        exit $rc
    fi
    bash app/test/bench/bench.sh < /dev/null
    rc=$?
fi
if [ $update_doc = 1 ] && [ "$rc" = 0 ]; then
    update_doc "$bld/bench" || rc=1
fi
exit $rc
