# SPDX-License-Identifier: BSD-3-Clause
# Copyright 2026 The vdev_netvsc authors
#
# Common part of the simulated-guest scenarios: sourced by each <name>.sh.
#
# Environment (meson sets it; defaults suit a manual run from the source
# tree with a build in ./build):
#   VSC_PLUGIN      our plugin (librte_net_vdev_netvsc.so...)
#   FAKE_VF_PLUGIN  the fake VF plugin ("" when not built: VF scenarios skip)
#   FAILSAFE_PLUGIN the fail-safe we ship (failsafe/: the release's with our
#                   fixes), in place of the distro's in every guest unless a
#                   scenario asks for the distro's (sim_setup --stock-failsafe);
#                   "" keeps the distro's
#   VSC_APP         vsc_app
#   SIMGUEST        simguest
#   SIM_LOGDIR      where the EAL/driver logs go
#   SIM_VERBOSE=1   also print every line vsc_app prints
#   SIM_INSTALLED=1 the driver and fail-safe installed in DPDK's plugin
#                   directory (the package, "ninja install"), which EAL
#                   loads from there, with no -d: VSC_PLUGIN and
#                   FAILSAFE_PLUGIN are not used

SIM_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SIM_TOP=$(cd "$SIM_HERE/../../.." && pwd)
SIM_NAME=$(basename "$0" .sh)
: "${SIMGUEST:=$SIM_HERE/simguest}"
: "${VSC_PLUGIN:=$SIM_TOP/build/librte_net_vdev_netvsc.so}"
: "${VSC_APP:=$SIM_TOP/build/app/test/sim/vsc_app}"
: "${FAKE_VF_PLUGIN=$SIM_TOP/build/app/test/fake_vf/librte_net_fake_vf.so}"
: "${FAILSAFE_PLUGIN=$SIM_TOP/build/failsafe/librte_net_failsafe.so}"
: "${SIM_LOGDIR:=$SIM_TOP/build/app/test/sim/logs}"

# Output: the Test Anything Protocol (meson test's protocol: 'tap'): one
# "ok N - ..." / "not ok N - ..." line per check, everything else a "# "
# line, the plan "1..N" at the end (finish). A known defect's check is
# marked "# TODO <defect>" (SIM_TODO=<defect> before pass/fail/check...):
# meson counts it as an expected failure while it fails, and its pass
# (the defect gone) as a failure. The exit status is 0 once the plan is
# out (the verdict is in the lines). SIM_EXIT_STATUS=1, for callers that
# read the status (devtools/soak.sh, the install test, autopkgtest):
# 1 when a check failed, 77 when the scenario cannot run here.
SIM_PASS=0
SIM_FAIL=0
SIM_TODO_N=0
SIM_SKIP_N=0
SIM_FAILED=()

# skip REASON: the scenario cannot run here: TAP's skip plan (before any
# check), or, once checks ran, the end with the reason as a comment
skip() {
	if [ $((SIM_PASS + SIM_FAIL + SIM_TODO_N + SIM_SKIP_N)) = 0 ]; then
		echo "1..0 # SKIP $*"
		[ "${SIM_EXIT_STATUS:-0}" = 1 ] && exit 77
		exit 0
	fi
	echo "# SKIP: the rest: $*"
	finish
}
# dpdk_at_least MAJOR.MINOR: the DPDK the scenario runs on (DPDK_VERSION,
# from meson) is that release or a later one
dpdk_at_least() {
	local v=${DPDK_VERSION:?DPDK_VERSION is not set (meson test sets it)}
	[ $((10#${v%%.*} * 100 + 10#$(echo "$v" | cut -d. -f2))) -ge \
	  $((10#${1%%.*} * 100 + 10#${1#*.})) ]
}
log() { echo "# $*"; }

# sim_result ok|not-ok TEXT: one TAP line, its number the count so far;
# the first line of TEXT is the description (a '#' there would start a
# directive), further lines follow as comments
sim_result() {
	local n=$((SIM_PASS + SIM_FAIL + SIM_TODO_N + SIM_SKIP_N)) first=${2%%$'\n'*} todo=
	first=${first//#/_}
	[ -n "${SIM_TODO:-}" ] && todo=" # TODO ${SIM_TODO//#/_}"
	if [ "$1" = ok ]; then
		echo "ok $n - $first$todo"
	else
		echo "not ok $n - $first$todo"
	fi
	[ "$first" = "$2" ] || printf '%s\n' "${2#*$'\n'}" | sed 's/^/#   /'
}

pass() {
	if [ -n "${SIM_TODO:-}" ]; then
		# the defect is gone: meson counts it (UNEXPECTEDPASS) as a failure
		SIM_TODO_N=$((SIM_TODO_N + 1))
		SIM_FAILED+=("$* (passed: the defect \"$SIM_TODO\" is gone)")
	else
		SIM_PASS=$((SIM_PASS + 1))
	fi
	sim_result ok "$*"
}
# sim_skip_check DESCRIPTION REASON: a check that cannot run here
sim_skip_check() {
	SIM_SKIP_N=$((SIM_SKIP_N + 1))
	echo "ok $((SIM_PASS + SIM_FAIL + SIM_TODO_N + SIM_SKIP_N)) - ${1//#/_} # SKIP ${2//#/_}"
}
fail() {
	if [ -n "${SIM_TODO:-}" ]; then
		SIM_TODO_N=$((SIM_TODO_N + 1))
	else
		SIM_FAIL=$((SIM_FAIL + 1))
		SIM_FAILED+=("$*")
	fi
	sim_result not-ok "$*"
}

# check DESCRIPTION COMMAND...: pass when COMMAND succeeds
check() {
	local d=$1
	shift
	if "$@"; then pass "$d"; else fail "$d"; fi
}

# check_not DESCRIPTION COMMAND...: pass when COMMAND fails
check_not() {
	local d=$1
	shift
	if "$@"; then fail "$d"; else pass "$d"; fi
}

# expect_eq DESCRIPTION ACTUAL EXPECTED
expect_eq() {
	if [ "$2" = "$3" ]; then
		pass "$1"
	else
		fail "$1: got '$2', expected '$3'"
	fi
}

# expect_answers DESCRIPTION GOT N: GOT answers to N pings, of which one
# in 25 may be lost (at least one): a loaded machine delays a reply past
# ping's wait now and then; a path that stops loses them all
expect_answers() {
	local min=$(( $3 - ($3 + 24) / 25 ))
	if [ "$2" -ge "$min" ] 2>/dev/null && [ "$2" -le "$3" ]; then
		pass "$1: $2 of $3 answered"
	else
		fail "$1: $2 of $3 answered, expected at least $min"
	fi
}

# expect_match DESCRIPTION ACTUAL EXTENDED-REGEX
expect_match() {
	if [[ $2 =~ $3 ]]; then
		pass "$1"
	else
		fail "$1: '$2' does not match /$3/"
		return 1
	fi
}

upper() { echo "${1^^}"; }

# sim_defect WHAT: a failure that shows a known DPDK defect (finish_stock)
SIM_DEFECTS=()
sim_defect() { SIM_DEFECTS+=("$*"); }

# finish_stock DEFECTS: the end of a scenario run on the distro's fail-safe,
# whose known DEFECTS it must show (meson: should_fail). A failed check
# with the defects' signature (sim_defect) makes the test FAIL, which
# meson turns into EXPECTEDFAIL; every check passing, UNEXPECTEDPASS
# (a failure): the distro fixed them; checks failed without the
# signature: exit 99 (meson: ERROR).
finish_stock() {
	local n=$((SIM_PASS + SIM_FAIL + SIM_TODO_N + SIM_SKIP_N))
	log "$SIM_NAME: $SIM_PASS passed, $SIM_FAIL failed (the distro's fail-safe)"
	if [ $SIM_FAIL = 0 ]; then
		log "XPASS: the distro's fail-safe passed: its defects ($1) are gone (update the guide and README)"
		echo "1..$n"
		exit 0
	elif [ ${#SIM_DEFECTS[@]} -gt 0 ]; then
		log "XFAIL: DPDK fail-safe defects: $1"
		printf '%s\n' "${SIM_DEFECTS[@]}" | sed 's/^/#   /'
		echo "1..$n"
		exit 0
	fi
	log "failed checks, without the defects' signature:"
	printf '%s\n' "${SIM_FAILED[@]}" | sed 's/^/#   /'
	echo "1..$n"
	exit 99
}

# the end of every scenario: the plan
finish() {
	if [ ${#SIM_FAILED[@]} -gt 0 ]; then
		log "failed checks:"
		printf '%s\n' "${SIM_FAILED[@]}" | sed 's/^/#   /'
		if [ -s "${SIM_LOG:-}" ]; then
			log "--- last lines of $SIM_LOG"
			tail -n "${SIM_LOG_TAIL:-40}" "$SIM_LOG" | sed 's/^/# /'
			log "---"
		fi
	fi
	log "$SIM_NAME: $SIM_PASS passed, $SIM_FAIL failed, $SIM_TODO_N of known defects (TODO)"
	echo "1..$((SIM_PASS + SIM_FAIL + SIM_TODO_N + SIM_SKIP_N))"
	[ "${SIM_EXIT_STATUS:-0}" = 1 ] && [ ${#SIM_FAILED[@]} -gt 0 ] && exit 1
	exit 0
}

# ---------------------------------------------------------------------------

# sim_setup [--vf|--no-vf] [--upstream] [--stock-failsafe]: checks, then a
# new guest (destroyed on exit). --vf: the fake VF plugin is needed (skip
# without it); --no-vf: not loaded (its VF ports would be top-level ports
# where no fail-safe takes them); --stock-failsafe: the distro's fail-safe,
# not ours (SIM_FAILSAFE says which runs).
sim_setup() {
	local need_vf=0 upstream="" r fs=()
	while [ $# -gt 0 ]; do
		case $1 in
		--vf) need_vf=1 ;;
		--no-vf) FAKE_VF_PLUGIN="" ;;
		--upstream) upstream=--upstream ;;
		--stock-failsafe) FAILSAFE_PLUGIN="" ;;
		esac
		shift
	done
	[ "$(id -u)" = 0 ] || skip "needs root (network and mount namespaces)"
	# a write to a vsc_app or testpmd that died fails, rather than kill us
	trap '' PIPE
	[ -r "$SIMGUEST" ] || skip "simguest not found at $SIMGUEST"
	# shellcheck source=simguest
	source "$SIMGUEST"
	r=$(sg_check) || skip "$r"
	[ -x "$VSC_APP" ] || skip "vsc_app not built ($VSC_APP)"
	if [ "${SIM_INSTALLED:-0}" = 1 ]; then
		# the guest keeps the plugin directory's driver and fail-safe
		upstream=--upstream FAILSAFE_PLUGIN=""
		VSC_PLUGIN=$(ls "$(sg_pmd_dir)"/librte_net_vdev_netvsc.so.*.* 2>/dev/null | head -n 1)
		[ -n "$VSC_PLUGIN" ] || skip "no vdev_netvsc installed in $(sg_pmd_dir)"
	fi
	[ -f "$VSC_PLUGIN" ] || skip "our plugin not built ($VSC_PLUGIN)"
	if [ $need_vf = 1 ]; then
		[ -n "$FAKE_VF_PLUGIN" ] && [ -f "$FAKE_VF_PLUGIN" ] ||
			skip "the fake VF plugin (app/test/fake_vf) is not built"
	fi
	VSC_PLUGIN=$(readlink -f "$VSC_PLUGIN")
	[ -n "$FAKE_VF_PLUGIN" ] && [ -f "$FAKE_VF_PLUGIN" ] &&
		FAKE_VF_PLUGIN=$(readlink -f "$FAKE_VF_PLUGIN")
	mkdir -p "$SIM_LOGDIR"
	SIM_LOG=$SIM_LOGDIR/$SIM_NAME-$$.log
	: > "$SIM_LOG"
	log "log: $SIM_LOG"
	# leftovers of killed runs
	sg_destroy_all --stale
	SIM_FAILSAFE="the plugin directory's (distro's, or as installed)"
	[ "${SIM_INSTALLED:-0}" = 1 ] && log "driver: as installed ($VSC_PLUGIN)"
	if [ -n "$FAILSAFE_PLUGIN" ]; then
		[ -f "$FAILSAFE_PLUGIN" ] || skip "our fail-safe not built ($FAILSAFE_PLUGIN)"
		fs=(--failsafe "$FAILSAFE_PLUGIN")
		SIM_FAILSAFE="ours ($FAILSAFE_PLUGIN)"
	fi
	# as root, nothing above stops it: a guest that cannot be made is a
	# failure (simguest's error is above)
	sg_create $upstream "${fs[@]}" ||
		{ fail "create a simulated guest (simguest create failed)"; finish; }
	log "fail-safe: $SIM_FAILSAFE"
	log "guest: $SG_ID"
	sg_on_exit sim_app_kill
	sim_eal_args
}

# sim_setup_vf [--stock]: sim_setup --vf, on the distro's fail-safe with
# --stock (STOCK=1, the scenario named <name>-stock), else on ours
sim_setup_vf() {
	STOCK=0
	if [ "${1:-}" = --stock ]; then
		STOCK=1
		SIM_NAME=$SIM_NAME-stock
		sim_setup --vf --stock-failsafe
	else
		sim_setup --vf
	fi
}

# SIM_EAL: the EAL arguments of every run in the guest
sim_eal_args() {
	SIM_EAL=(-l 0 --no-huge -m 128 --no-shconf --no-telemetry
		 --file-prefix "$SG_ID"
		 --log-level=pmd.net.vdev_netvsc:debug
		 --log-level=pmd.net.failsafe:info)
	[ "${SIM_INSTALLED:-0}" = 1 ] || SIM_EAL+=(-d "$VSC_PLUGIN")
	if [ -n "$FAKE_VF_PLUGIN" ] && [ -f "$FAKE_VF_PLUGIN" ]; then
		SIM_EAL+=(-d "$FAKE_VF_PLUGIN")
	fi
}

# Whether this kernel lets tap's remote= work, as the tap PMD itself says
# (simguest's tap-check). The driver must then add the tap sub-device to
# every port, and must not otherwise. Asked once per scenario (about
# 0.3 s; 15 s in the kernel tier).
sim_tap_expected() {
	if [ -z "${SIM_TAP:-}" ]; then
		SIM_TAP=0
		sg_tap_check "$VSC_APP" > /dev/null && SIM_TAP=1
		log "tap remote= on this kernel ($(uname -r)): $([ $SIM_TAP = 1 ] && echo works || echo fails), says the tap PMD"
	fi
	[ "$SIM_TAP" = 1 ]
}

# devargs_split ARGS: the top-level comma-separated parts, one a line
devargs_split() {
	awk '{
		depth = 0; part = ""
		for (i = 1; i <= length($0); i++) {
			c = substr($0, i, 1)
			if (c == "(") depth++
			if (c == ")") depth--
			if (c == "," && depth == 0) { print part; part = ""; continue }
			part = part c
		}
		print part
	}' <<< "$1"
}

# check_devargs LABEL ARGS N IFNAME [HOTPLUG_POLL]
# The fail-safe devargs of port net_failsafe_vsc<N> of NetVSC IFNAME hold
# exactly: fd(<n>), mac=<the NetVSC's MAC>, hotplug_poll=<ms> when given,
# and dev(net_tap_vsc<N>,remote=<IFNAME>) when this kernel lets tap's
# remote= work (sim_tap_expected). The order is not checked: the driver
# puts fd() last (see vdev_netvsc_context.c) where the design had it first.
check_devargs() {
	local label=$1 args=$2 n=$3 ifn=$4 hp=$5 mac p bad="" fd=0 m=0 h=0 t=0
	mac=$(upper "$(sg_mac "$ifn")")
	while IFS= read -r p; do
		case $p in
		fd\([0-9]*\)) [[ $p =~ ^fd\([0-9]+\)$ ]] && fd=$((fd + 1)) || bad+=" $p" ;;
		mac=*) [ "$(upper "${p#mac=}")" = "$mac" ] && m=$((m + 1)) || bad+=" $p" ;;
		hotplug_poll=*) [ -n "$hp" ] && [ "$p" = "hotplug_poll=$hp" ] && h=$((h + 1)) || bad+=" $p" ;;
		"dev(net_tap_vsc$n,remote=$ifn)") sim_tap_expected && t=$((t + 1)) || bad+=" $p" ;;
		*) bad+=" $p" ;;
		esac
	done < <(devargs_split "$args")
	[ $fd = 1 ] || bad+=" (fd() $fd times)"
	[ $m = 1 ] || bad+=" (mac=$mac $m times)"
	[ -z "$hp" ] || [ $h = 1 ] || bad+=" (hotplug_poll=$hp $h times)"
	! sim_tap_expected || [ $t = 1 ] || bad+=" (tap sub-device missing)"
	if [ -z "$bad" ]; then
		pass "$label: devargs $args"
	else
		fail "$label: devargs '$args' wrong:$bad"
	fi
}

# check_ports LABEL [HOTPLUG_POLL] -- IFNAME...: the "port" lines in APP_LINES
# (the output of a ports command) are exactly one per IFNAME, named
# net_failsafe_vsc<N> (N distinct), with that netdevice's MAC and devargs
check_ports() {
	local label=$1 hp="" ifn i want=() lines=() name mac args n seen="" id
	shift
	if [ "$1" != -- ]; then hp=$1; shift; fi
	shift
	for ifn in "$@"; do want+=("$(upper "$(sg_mac "$ifn")")"); done
	for i in "${APP_LINES[@]}"; do
		case $i in "port "*) lines+=("$i") ;; esac
	done
	expect_eq "$label: number of ports" "${#lines[@]}" "$#"
	for i in "${lines[@]}"; do
		read -r _ id name mac args <<< "$i"
		expect_match "$label: port name $name" "$name" '^net_failsafe_vsc[0-9]+$' || continue
		n=${name#net_failsafe_vsc}
		case " $seen " in *" $n "*) fail "$label: port number $n twice" ;; esac
		seen+=" $n"
		ifn=""
		for i in "$@"; do
			[ "$(upper "$(sg_mac "$i")")" = "$mac" ] && ifn=$i
		done
		if [ -z "$ifn" ]; then
			fail "$label: port $name has MAC $mac, of none of: $*"
			continue
		fi
		pass "$label: $name is $ifn ($mac)"
		check_devargs "$label: $name" "$args" "$n" "$ifn" "$hp"
	done
}

# ---------------------------------------------------------------------------
# vsc_app as a coprocess: app_start, app_cmd, app_stop

APP_PID=""
APP_LINES=()

# app_start [EAL args...]: starts vsc_app in the guest; 0 when EAL is up
app_start() {
	[ -z "$APP_PID" ] || app_stop
	echo "=== vsc_app ${SIM_EAL[*]} $*" >> "$SIM_LOG"
	coproc VSC { exec nsenter --net="/run/netns/$SG_GNS" --mount="$SG_DIR/mnt" \
		--wd="$PWD" -- "$VSC_APP" "${SIM_EAL[@]}" "$@" -- 2>>"$SIM_LOG"; }
	APP_PID=$VSC_PID
	exec {APP_IN}>&"${VSC[1]}" {APP_OUT}<&"${VSC[0]}"
	local line
	if ! IFS= read -r -t 120 -u "$APP_OUT" line; then
		echo "vsc_app died or hung while EAL started" >&2
		app_reap
		return 1
	fi
	echo ">>> $line" >> "$SIM_LOG"
	[ "${SIM_VERBOSE:-0}" = 1 ] && echo "#  < $line"
	if [ "$line" != "eal-init ok" ]; then
		echo "vsc_app: $line" >&2
		app_reap
		return 1
	fi
	return 0
}

# app_cmd COMMAND [TIMEOUT_S]: run one command; its output lines are in
# APP_LINES (without the final ok/err line); returns 0 on "ok"
app_cmd() {
	local cmd=$1 t=${2:-60} line
	APP_LINES=()
	[ -n "$APP_PID" ] || { echo "app_cmd $cmd: no vsc_app" >&2; return 2; }
	echo "<<< $cmd" >> "$SIM_LOG"
	[ "${SIM_VERBOSE:-0}" = 1 ] && echo "#  > $cmd"
	printf '%s\n' "$cmd" >&"$APP_IN" 2>/dev/null || { app_reap; return 2; }
	while IFS= read -r -t "$t" -u "$APP_OUT" line; do
		echo ">>> $line" >> "$SIM_LOG"
		[ "${SIM_VERBOSE:-0}" = 1 ] && echo "#  < $line"
		case $line in
		"ok "*) return 0 ;;
		"err "*) return 1 ;;
		esac
		APP_LINES+=("$line")
	done
	echo "app_cmd $cmd: vsc_app died or did not answer in ${t}s" >&2
	app_reap
	return 2
}

# the first output line of the last command that starts with $1
app_line() {
	local l
	for l in "${APP_LINES[@]}"; do
		case $l in "$1"*) echo "$l"; return 0 ;; esac
	done
	return 1
}

# word $2 (1-based) of the line starting with $1
app_word() {
	local l
	l=$(app_line "$1") || return 1
	awk -v n="$2" '{ print $n }' <<< "$l"
}

# "port" lines as "name mac devargs", sorted by name
app_ports() {
	app_cmd ports || return 1
	local l
	for l in "${APP_LINES[@]}"; do
		case $l in "port "*) awk '{ print $3, $4, $5 }' <<< "$l" ;; esac
	done | sort
}

app_nports() { app_cmd ports >/dev/null && app_word "ports " 2; }
app_fds() { app_cmd fds >/dev/null && app_word "fds " 2; }

app_reap() {
	[ -n "$APP_PID" ] || return 0
	exec {APP_IN}>&- {APP_OUT}<&- 2>/dev/null
	wait "$APP_PID" 2>/dev/null
	APP_RC=$?
	APP_PID=""
	return 0
}

# app_stop: quit, wait; APP_RC holds vsc_app's exit status
app_stop() {
	[ -n "$APP_PID" ] || return 0
	local pid=$APP_PID i
	printf 'quit\n' >&"$APP_IN" 2>/dev/null
	exec {APP_IN}>&- 2>/dev/null
	for i in $(seq 100); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$pid" 2>/dev/null && kill -TERM "$pid" 2>/dev/null
	app_reap
	echo "=== vsc_app exit $APP_RC" >> "$SIM_LOG"
}

sim_app_kill() {
	[ -n "$APP_PID" ] && kill -TERM "$APP_PID" 2>/dev/null
	app_reap
}

# app_run [EAL args...] -- COMMANDS...: a one-shot vsc_app, output lines in
# APP_LINES, exit status in APP_RC
app_run() {
	local eal=() out
	while [ $# -gt 0 ] && [ "$1" != -- ]; do eal+=("$1"); shift; done
	shift
	echo "=== vsc_app (one shot) ${SIM_EAL[*]} ${eal[*]} -- $*" >> "$SIM_LOG"
	out=$(nsenter --net="/run/netns/$SG_GNS" --mount="$SG_DIR/mnt" --wd="$PWD" -- \
		timeout 120 "$VSC_APP" "${SIM_EAL[@]}" "${eal[@]}" -- "$@" 2>>"$SIM_LOG" </dev/null)
	APP_RC=$?
	mapfile -t APP_LINES <<< "$out"
	printf '>>> %s\n' "${APP_LINES[@]}" >> "$SIM_LOG"
	echo "=== exit $APP_RC" >> "$SIM_LOG"
	[ "${SIM_VERBOSE:-0}" = 1 ] && printf '#  < %s\n' "${APP_LINES[@]}"
	return $APP_RC
}

# app_subport PCI: the subport line of the VF port named PCI (or PCI_...)
app_subport() {
	app_cmd ports >/dev/null || return 1
	local l
	for l in "${APP_LINES[@]}"; do
		case $l in "subport "*" $1 "*|"subport "*" $1_"*) echo "$l"; return 0 ;; esac
	done
	return 1
}

# ---------------------------------------------------------------------------
# Debian's dpdk-testpmd in the guest, interactive, fed through a FIFO:
# testpmd_start, testpmd_cmd, testpmd_wait, testpmd_stop. Its output goes to
# $TP_OUT, line-buffered (stdbuf); TP_PID is its pid (nsenter and stdbuf
# exec it).

TP_PID=""
: "${TESTPMD:=dpdk-testpmd}"

# testpmd_start [EAL args...] -- [testpmd args...]
testpmd_start() {
	local eal=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do eal+=("$1"); shift; done
	shift
	command -v "$TESTPMD" >/dev/null || { echo "no $TESTPMD" >&2; return 1; }
	TP_RUN=$((${TP_RUN:-0} + 1))
	TP_OUT=$SIM_LOGDIR/$SIM_NAME-$$-testpmd$TP_RUN.out
	TP_FIFO=$SG_DIR/testpmd.in
	rm -f "$TP_FIFO"
	mkfifo "$TP_FIFO"
	: > "$TP_OUT"
	# testpmd wants a forwarding lcore, and more memory than vsc_app
	local tp=("${SIM_EAL[@]}") i
	for i in "${!tp[@]}"; do
		[ "${tp[$i]}" = -m ] && tp[$((i + 1))]=512
		[ "${tp[$i]}" = -l ] && tp[$((i + 1))]=0-1
	done
	echo "=== testpmd ${tp[*]} ${eal[*]} -- $*" >> "$SIM_LOG"
	nsenter --net="/run/netns/$SG_GNS" --mount="$SG_DIR/mnt" --wd="$PWD" -- \
		stdbuf -oL -eL "$TESTPMD" "${tp[@]}" "${eal[@]}" -- "$@" \
		< "$TP_FIFO" > "$TP_OUT" 2>&1 &
	TP_PID=$!
	exec {TP_IN}> "$TP_FIFO"
	sg_on_exit testpmd_kill
	testpmd_wait 'testpmd> |Press enter to exit|Start automatic packet forwarding|start packet forwarding' 120
}

# testpmd_wait REGEX [TIMEOUT_S]: until the output matches (0) or testpmd
# exits or the time is over (1)
testpmd_wait() {
	local re=$1 t=${2:-30} end
	end=$(( $(date +%s) + t ))
	while [ "$(date +%s)" -le $end ]; do
		grep -Eq -- "$re" "$TP_OUT" 2>/dev/null && return 0
		kill -0 "$TP_PID" 2>/dev/null || { grep -Eq -- "$re" "$TP_OUT"; return; }
		sleep 0.1
	done
	return 1
}

# testpmd_cmd COMMAND: one interactive command
testpmd_cmd() {
	echo "<<< testpmd: $1" >> "$SIM_LOG"
	printf '%s\n' "$1" >&"$TP_IN"
}

# testpmd_stop [--sigint]: quit (interactive) or enter (non-interactive),
# or SIGINT (as LISA stops it), then wait; TP_RC holds its exit status
testpmd_stop() {
	[ -n "$TP_PID" ] || return 0
	local i
	if [ "${1:-}" = --sigint ]; then
		kill -INT "$TP_PID" 2>/dev/null
	else
		printf 'quit\n\n' >&"$TP_IN" 2>/dev/null
	fi
	for i in $(seq 150); do
		kill -0 "$TP_PID" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$TP_PID" 2>/dev/null; then
		kill -INT "$TP_PID"
		sleep 2
		kill -KILL "$TP_PID" 2>/dev/null
	fi
	wait "$TP_PID" 2>/dev/null
	TP_RC=$?
	exec {TP_IN}>&-
	TP_PID=""
	{ echo "--- testpmd output (exit $TP_RC)"; cat "$TP_OUT"; echo "---"; } >> "$SIM_LOG"
}

testpmd_kill() {
	[ -n "$TP_PID" ] && kill -KILL "$TP_PID" 2>/dev/null
	TP_PID=""
}

# testpmd_port_info FIELD PORT: a field of "show port info" for port PORT
testpmd_port_info() {
	awk -v f="$1" -v p="$2" '
		/Infos for port/ { cur = $(NF - 1) }
		cur == p && index($0, f ": ") == 1 { print substr($0, length(f) + 3); exit }
	' "$TP_OUT"
}

# ---------------------------------------------------------------------------
# pings from the peer side to a NetVSC's guest address

# sim_pings IFNAME N: answers to N pings (0 also when the peer end is gone
# with the VF: network unreachable)
sim_pings() {
	local n
	n=$(sg_peer_exec ping -n -q -c "$2" -i 0.2 -W 2 "$(sg_guest_ip "$1")" 2>/dev/null |
		sed -n 's/.* \([0-9]*\) received.*/\1/p')
	echo "${n:-0}"
}

# sim_first_answer IFNAME SECONDS: ms until a first answer, or fails
sim_first_answer() {
	local t0 end
	t0=$(date +%s%N)
	end=$(( $(date +%s) + $2 ))
	while [ "$(date +%s)" -lt $end ]; do
		if sg_peer_exec ping -n -q -c 1 -W 1 "$(sg_guest_ip "$1")" >/dev/null 2>&1; then
			echo $(( ($(date +%s%N) - t0) / 1000000 ))
			return 0
		fi
		sleep 0.1
	done
	return 1
}

# check_first_answer LABEL IFNAME SECONDS: IFNAME answers within SECONDS
check_first_answer() {
	local ms
	if ms=$(sim_first_answer "$2" "$3"); then
		pass "$1: first answer after $ms ms"
	else
		fail "$1: no answer in $3 s"
	fi
}
