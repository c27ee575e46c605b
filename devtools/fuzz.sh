#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Build the libFuzzer targets (app/test/fuzz) with clang and run each for
# SECONDS (default 600), one after the other:
#   bash devtools/fuzz.sh [SECONDS]
# Each run starts from the repository's corpus (app/test/fuzz/corpus/<t>,
# read only) and the inputs earlier runs found (<build>/fuzz-work/<t>,
# where new ones go). Per target it prints libFuzzer's final stats
# (-print_final_stats), its coverage (cov, ft) and corpus size, and at the
# end the total of executions. A crash, leak, UB report or failed
# invariant ends that target's run: its input is saved as
# <build>/fuzz-work/<t>-crash-* (or -leak-, -timeout-, -oom-); fix the
# driver, then add the input to app/test/fuzz/corpus/<t> as a regression.
# Exit status: 0 when every target ran clean, 1 otherwise, 77 when clang
# with libFuzzer is not there (devtools/setup.sh installs it).
# Environment: FUZZ_BUILD_DIR (default build-fuzz), FUZZ_TARGETS (e.g.
# "args link"), FUZZ_CC (default clang-14, else clang), FUZZ_RESULTS (a
# file that gets one "<target> pass|fail <executions>" line each).

set -uo pipefail
export LC_ALL=C
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top" || exit 1
secs=${1:-600}
[[ $secs =~ ^[0-9]+$ ]] && [ "$secs" -gt 0 ] || {
    echo "usage: $0 [SECONDS]" >&2
    exit 2
}
bld=${FUZZ_BUILD_DIR:-build-fuzz}
targets=${FUZZ_TARGETS:-args sysfs link}
src=$top/app/test/fuzz
results=${FUZZ_RESULTS:-/dev/null}

cc=${FUZZ_CC:-}
if [ -z "$cc" ]; then
    for c in clang-14 clang; do
        command -v "$c" >/dev/null 2>&1 && { cc=$c; break; }
    done
fi
if [ -z "$cc" ]; then
    echo "SKIP: fuzz: no clang (apt-get install clang-14 libclang-rt-14-dev)"
    exit 77
fi

echo "=== fuzz build ($bld, CC=$cc)"
if [ ! -f "$bld/build.ninja" ]; then
    CC=$cc meson setup "$bld" -Dfuzz=enabled < /dev/null
else
    meson setup --reconfigure "$bld" -Dfuzz=enabled < /dev/null
fi || { echo "fuzz: meson setup failed (is libclang-rt-14-dev installed?)"; exit 1; }
ninja -C "$bld" fuzz < /dev/null || { echo "fuzz: the build failed"; exit 1; }

work=$bld/fuzz-work
[[ $work = /* ]] || work=$top/$work
mkdir -p "$work"
export ASAN_OPTIONS=halt_on_error=1:detect_leaks=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
# libFuzzer's input length cap, per target (the link target's records)
declare -A max_len=([args]=1024 [sysfs]=4096 [link]=8192)

total=0 bad=0
summary=()
for t in $targets; do
    exe=$bld/app/test/fuzz/fuzz_$t
    [ -x "$exe" ] || { echo "fuzz: $exe not built"; bad=$((bad + 1)); continue; }
    mkdir -p "$work/$t"
    dict=()
    [ -f "$src/$t.dict" ] && dict=(-dict="$src/$t.dict")
    log=$work/$t.log
    echo "=== fuzz_$t: ${secs} s"
    "$exe" "${dict[@]}" -max_total_time="$secs" -timeout=10 \
        -rss_limit_mb=2048 -max_len="${max_len[$t]:-4096}" \
        -print_final_stats=1 -artifact_prefix="$work/$t-" \
        "$work/$t" "$src/corpus/$t" > "$log" 2>&1 < /dev/null
    rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
    last=$(grep -a -E '^#[0-9]+' "$log" | tail -n 1)
    cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<< "$last")
    ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<< "$last")
    corp=$(sed -n 's/.* corp: \([0-9]*\/[0-9]*[a-zA-Z]*\).*/\1/p' <<< "$last")
    grep -a '^stat::' "$log"
    execs=${execs:-0}
    total=$((total + execs))
    if [ $rc = 0 ] && ! grep -a -q -E 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:|FUZZ_CHECK' "$log"; then
        verdict=pass
    else
        verdict=fail
        bad=$((bad + 1))
        echo "--- fuzz_$t failed (exit $rc), end of $log:"
        grep -a -v '^#[0-9]' "$log" | tail -n 40
        ls "$work/$t"-* 2>/dev/null | sed 's/^/artifact: /'
    fi
    line=$(printf 'fuzz_%-6s %-4s %10s execs %7s/s  cov %-5s ft %-6s corpus %s' \
        "$t" "$verdict" "$execs" "${rate:-0}" "${cov:-?}" "${ft:-?}" "${corp:-?}")
    echo "$line"
    summary+=("$line")
    echo "$t $verdict $execs" >> "$results"
done

echo "=== fuzz summary (${secs} s per target)"
printf '%s\n' "${summary[@]}"
echo "fuzz: $total executions in total, $bad target(s) failed"
[ $bad = 0 ]
