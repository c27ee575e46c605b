#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The unit, sim and fault suites against the driver built with AddressSanitizer
# and UndefinedBehaviorSanitizer (gcc, -Db_sanitize=address,undefined), as
# root on a machine devtools/setup.sh prepared:
#   bash devtools/sanitize.sh [MESON TEST ARGS...]    e.g. --suite unit
# Every program built here is instrumented (unit tests, unit_probe,
# vsc_app, the plugins); Debian's dpdk-testpmd is not, and gets the ASan
# runtime preloaded (app/test/sanitize/testpmd-asan, through lib.sh's
# TESTPMD). Any report stops its process (halt_on_error=1) and is written
# to <build>/sanitizer-logs/, whatever the test script checks: one more
# test, "sanitizer reports", fails when that directory is not empty. Leak
# checking is on; app/test/sanitize/lsan.supp names the DPDK functions
# whose own leaks are not ours. The valgrind setup does not run here
# (valgrind cannot run ASan code). sim-secondary skips (fail-safe 22.11 frees
# the primary's memory in a secondary, a bad free ASan always aborts), and
# sim-ovs (Debian's ovs-vswitchd cannot load an ASan plugin), and
# sim-vf_removal-stock (the distro's fail-safe crashing, as ASan reports it);
# sim-churn runs SIM_CHURN_CYCLES=50 cycles (100 in the plain suite; a VF
# attach takes about 3 times as long under ASan); sim-soak prints testpmd's
# RSS growth without bounding it (ASan's quarantine keeps freed memory).
# The last line is "N passed, N failed, N skipped"; exit status 0 when
# nothing failed. Environment: SANITIZE_BUILD_DIR (default build-asan, or
# under ~/.cache when the tree lies below a world-writable directory),
# SANITIZE_SKIPS (a file that gets a line per skipped test, with why).

set -uo pipefail
export LC_ALL=C
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top" || exit 1
san=$top/app/test/sanitize

source "$top/devtools/lib.sh"
# EAL refuses plugins below a world-writable directory (as devtools/test.sh)
bld=${SANITIZE_BUILD_DIR:-$(build_dir "$top" asan build-asan)}

passed=0 failed=0 skipped=0
skips=${SANITIZE_SKIPS:-/dev/null}
finish() {
    printf '\n%s passed, %s failed, %s skipped\n' "$passed" "$failed" "$skipped"
    [ "$failed" = 0 ]
    exit
}

echo "=== sanitizer build ($bld): gcc, -Db_sanitize=address,undefined"
opts=(-Db_sanitize=address,undefined -Db_lundef=false -Dfuzz=disabled
    -Dfault_injection=true)
if [ ! -f "$bld/build.ninja" ]; then
    CC=gcc meson setup "$bld" "${opts[@]}" < /dev/null
else
    meson setup --reconfigure "$bld" "${opts[@]}" < /dev/null
fi || { echo "sanitize: meson setup failed"; failed=1; finish; }
meson compile -C "$bld" < /dev/null ||
    { echo "sanitize: the build failed"; failed=1; finish; }

plugin=$bld/librte_net_vdev_netvsc.so
runtime=$(readelf -d "$plugin" | sed -n 's/.*NEEDED.*\[\(libasan\.so[.0-9]*\)\].*/\1/p')
[ -n "$runtime" ] || { echo "sanitize: $plugin is not built with ASan"; failed=1; finish; }

logs=$top/$bld
[[ $bld = /* ]] && logs=$bld
logs=$logs/sanitizer-logs
rm -rf "$logs"
mkdir -p "$logs"
export SANITIZE_PRELOAD=$runtime
export TESTPMD=$san/testpmd-asan
# ASan and UBSan share one log_path: the last one set wins
export ASAN_OPTIONS=halt_on_error=1:detect_leaks=1:log_path=$logs/report
export LSAN_OPTIONS=suppressions=$san/lsan.supp:print_suppressions=0
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:suppressions=$san/ubsan.supp:log_path=$logs/report
export SIM_CHURN_CYCLES=${SIM_CHURN_CYCLES:-50}
# LISA's timeline in 5 s windows (10 s in the plain suite)
export VF_REMOVAL_LISA_S=${VF_REMOVAL_LISA_S:-5}

# the unit, sim and fault tests but those that cannot run under ASan
declare -A skip_reason=(
    [sim-secondary]="fail-safe 22.11 frees the primary's memory in a secondary's rte_eal_cleanup(): a bad free, which ASan always aborts"
    [sim-ovs]="Debian's ovs-vswitchd is not instrumented and starts without the ASan runtime, so it cannot load the ASan plugin (its plain run is in the sim suite)"
    [sim-ovs-stock]="Debian's ovs-vswitchd cannot load the ASan plugin (its plain run is in the sim suite)"
    [sim-vf_removal-stock]="it shows the distro's fail-safe crashing, which ASan reports in its own way; our fail-safe and driver run sim-vf_removal under ASan"
)
tests=()
if [ $# = 0 ]; then
    while read -r t; do
        # "project:suite[+suite...] / name", not "ninja: ..."
        [[ $t =~ ^[^\ ]+:([a-z_]+\+)*(unit|sim|fault)(\+[a-z_]+)*\ /\  ]] || continue
        t=${t##* / }
        if [ -n "${skip_reason[$t]:-}" ]; then
            echo "SKIP: $t: ${skip_reason[$t]}"
            echo "sanitize: $t: ${skip_reason[$t]}" >> "$skips"
            skipped=$((skipped + 1))
        else
            tests+=("$t")
        fi
    done < <(meson test -C "$bld" --list --suite unit --suite sim --suite fault 2>/dev/null < /dev/null)
    [ ${#tests[@]} != 0 ] || { echo "sanitize: no unit, sim or fault test listed"; failed=$((failed + 1)); finish; }
fi

echo "=== meson test: unit, sim and fault suites (ASan runtime $runtime)"
rm -f "$bld/meson-logs/testlog.json"
start=$(date +%s)
if [ $# = 0 ]; then
    meson test -C "$bld" --print-errorlogs "${tests[@]}" < /dev/null
else
    meson test -C "$bld" --print-errorlogs "$@" < /dev/null
fi
echo "sanitize: the suites took $(( $(date +%s) - start )) s"
if [ -f "$bld/meson-logs/testlog.json" ]; then
    # counts, and each skipped test with the reason it gave
    read -r p f s < <(testlog_count "$bld/meson-logs/testlog.json" sanitize \
        "$skips" /dev/null) || { p=0; f=1; s=0; }
    passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
else
    echo "sanitize: meson test wrote no testlog.json"
    failed=$((failed + 1))
fi

# every report of every process, whatever its test checked
reports=("$logs"/*)
if [ -e "${reports[0]}" ]; then
    echo "=== sanitizer reports: FAIL (${#reports[@]} in $logs)"
    for r in "${reports[@]}"; do
        echo "--- $r"
        head -n 60 "$r"
    done
    failed=$((failed + 1))
else
    echo "=== sanitizer reports: none"
    passed=$((passed + 1))
fi
finish
