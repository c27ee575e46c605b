#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright 2026 The vdev_netvsc authors
#
# The demo: a simulated Azure guest (app/test/sim/simguest) with two
# NetVSC interfaces, eth1 and eth2 (eth2 routed: left to the kernel), eth1
# with its accelerated-networking VF, as a guest boots. Debian's
# dpdk-testpmd starts in icmpecho mode on the port our driver auto-probes
# for eth1 (port 0, running on the VF from the start), and the peer side
# pings it while the VF goes away for host servicing (detached: the replies
# go on through the NetVSC, the port's tap sub-device), comes back at the
# same PCI address (re-attached), goes again and comes back at another
# one, as after a live migration. Prints a timeline of it all, with the
# path the peer's packets take (counted on the peer's side of each path).
#
#   sudo bash devtools/demo.sh
#
# The fallback through the NetVSC is tap's remote=, which needs sch_multiq
# and cls_flower: where the running kernel lacks them (the tap PMD says
# so), the demo runs itself inside Debian's own kernel booted in QEMU
# (app/test/kernel/vm.sh, 3 to 5 minutes) rather than hide the fallback.
# DEMO_NO_VM=1 runs it here anyway, without the fallback.
#
# It runs on the fail-safe we ship (failsafe/: DPDK 22.11's with our fixes,
# build/failsafe), in place of the distro's, whose removal of a VF present
# at start crashes testpmd.
#
# Needs root (network and mount namespaces). Builds first when needed:
# devtools/setup.sh (packages, DPDK sources) then meson setup build &&
# ninja -C build. Everything it creates is removed at the end, also on
# Ctrl-C. Environment: BUILD_DIR (default build), DEMO_KEEP_LOG=1 keeps
# the raw logs (their path is printed).

set -uo pipefail
export LC_ALL=C
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bld=${BUILD_DIR:-build}
case $bld in /*) ;; *) bld=$top/$bld ;; esac
say() { printf '%s\n' "$*"; }
die() { printf 'demo: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "needs root (network and mount namespaces): sudo bash $0"

# --- build when needed
plugin=$bld/librte_net_vdev_netvsc.so
fakevf=$bld/app/test/fake_vf/librte_net_fake_vf.so
failsafe=$bld/failsafe/librte_net_failsafe.so
if [ ! -f "$plugin" ] || [ ! -f "$fakevf" ] || [ ! -f "$failsafe" ] ||
   [ ! -f "$bld/build.ninja" ]; then
	say "demo: building (devtools/setup.sh, meson, ninja) ..."
	if [ ! -f "$top/.cache/dpdk-src/drivers/bus/vdev/bus_vdev_driver.h" ] ||
	   ! command -v dpdk-testpmd >/dev/null || ! command -v meson >/dev/null; then
		bash "$top/devtools/setup.sh" < /dev/null || die "devtools/setup.sh failed"
	fi
	if [ ! -f "$bld/build.ninja" ]; then
		(cd "$top" && meson setup "$bld" > /dev/null) || die "meson setup $bld failed"
	fi
	ninja -C "$bld" > /dev/null || die "ninja -C $bld failed"
fi
# EAL refuses plugins under a world-writable directory
plugin=$(readlink -f "$plugin")
fakevf=$(readlink -f "$fakevf")
failsafe=$(readlink -f "$failsafe")
command -v dpdk-testpmd >/dev/null || die "no dpdk-testpmd (Debian package dpdk)"
vsc_app=$bld/app/test/sim/vsc_app

# --- the guest (destroyed by the EXIT trap simguest installs)
# shellcheck source=../app/test/sim/simguest
source "$top/app/test/sim/simguest"
msg=$(sg_check) || die "cannot simulate a guest here: $msg"
sg_destroy_all --stale

# --- the fallback needs tap's remote=: here, or in Debian's kernel in QEMU
tap=$(sg_tap_check "$vsc_app")
if [ "$tap" != works ] && [ -z "${VM_JOB:-}" ] && [ "${DEMO_NO_VM:-0}" != 1 ]; then
	say "demo: this kernel ($(uname -r)) cannot run tap's remote= (the tap PMD"
	say "      refuses it: no sch_multiq or cls_flower), so a port here would have no"
	say "      path through the NetVSC while the VF is away. Running the demo inside"
	say "      Debian's own kernel booted in QEMU instead (3 to 5 minutes) ..."
	[ -f "$top/.cache/kernel/root/lib/modules/$(ls "$top/.cache/kernel/root/lib/modules" 2>/dev/null | head -n 1)/modules.dep" ] ||
		bash "$top/devtools/setup.sh" < /dev/null || die "devtools/setup.sh failed"
	trap - EXIT
	# only the job directory outlives the VM: kept logs come out there
	saved=$(mktemp -d "${TMPDIR:-/tmp}/vdev_netvsc-demo.XXXXXX")
	DEMO_SAVED=$saved bash "$top/app/test/kernel/vm.sh" --timeout 600 --save "$saved" -- bash "$0"
	rc=$?
	rmdir "$saved" 2>/dev/null
	exit $rc
fi
if [ "$tap" = works ]; then
	fallback="the NetVSC (tap)"
else
	fallback=""
	say "demo: DEMO_NO_VM=1 on a kernel without tap's remote=: no fallback path"
fi
now() { printf '%s' "$EPOCHREALTIME"; }
note() { printf '%s host %s\n' "$(now)" "$*" >> "$events"; }
# note_added TEXT: a note at the time simguest's last VF appeared (it
# builds the VF's sysfs first, which takes seconds in QEMU)
note_added() {
	printf '%s.%s host %s\n' "${SG_VF_ADDED_US:0:-6}" "${SG_VF_ADDED_US: -6}" "$*" >> "$events"
}
# stamp SOURCE: prefix each line read with the time it arrived
stamp() { while IFS= read -r l; do printf '%s %s %s\n' "$EPOCHREALTIME" "$1" "$l"; done; }

T0=$(now)
sg_create --failsafe "$failsafe" > /dev/null || die "cannot create the simulated guest"
logdir=$(mktemp -d "${TMPDIR:-/tmp}/vdev_netvsc-demo.XXXXXX")
drop_logs() {
	if [ "${DEMO_KEEP_LOG:-0}" = 1 ] && [ -n "${DEMO_SAVED:-}" ]; then
		find "$logdir" -maxdepth 1 -type f -exec cp {} "$VM_JOB/save/" \;
	fi
	[ "${DEMO_KEEP_LOG:-0}" = 1 ] || rm -rf "$logdir"
}
sg_on_exit drop_logs
events=$logdir/events   # "<epoch.us> <source> <text>", one a line
tp_log=$logdir/testpmd
sg_add_netvsc eth1 && sg_add_netvsc eth2 --routed4 || die "cannot add the NetVSCs"
GUEST=$(sg_guest_ip eth1)
note "guest ready ($(uname -r)): NetVSC eth1 ($(sg_mac eth1)), NetVSC eth2 ($(sg_mac eth2), has 198.19.2.2: the kernel's)"
note "DPDK's fail-safe PMD: ours, ${failsafe#"$top"/} (22.11 with our VF removal fixes)"
# the VF is there before the application starts, as on Azure
sg_add_vf eth1 7870:00:02.0 --name enP30832s1 || die "cannot add the VF"
note_added "VF enP30832s1 of eth1 at PCI 7870:00:02.0 (same MAC as eth1), there at boot"

# --- testpmd, as a user runs it: no --vdev (our driver probes eth1 by
# itself), -b keeps EAL's own PCI probe off the VF, which fail-safe takes:
# the fail-safe port is port 0, the only one testpmd polls
mkfifo "$logdir/in"
nsenter --net="/run/netns/$SG_GNS" --mount="$SG_DIR/mnt" --wd="$top" -- \
	stdbuf -oL -eL dpdk-testpmd -l 0-1 --no-huge -m 512 --no-shconf \
	--no-telemetry --file-prefix "$SG_ID" -d "$plugin" -d "$fakevf" \
	--log-level=pmd.net.vdev_netvsc:info -b 7870:00:02.0 \
	-- --forward-mode=icmpecho --total-num-mbufs=4096 \
	< "$logdir/in" > >(stamp testpmd | tee "$tp_log" >> "$events") 2>&1 &
TP_PID=$!
sg_on_exit "kill -TERM $TP_PID"
exec 7> "$logdir/in"

wait_for() { # wait_for REGEX SECONDS [FILE]
	local end=$((SECONDS + $2))
	while [ $SECONDS -le $end ]; do
		grep -Eq -- "$1" "${3:-$events}" && return 0
		kill -0 "$TP_PID" 2>/dev/null || return 1
		sleep 0.2
	done
	return 1
}
say "demo: starting dpdk-testpmd in the guest ..."
wait_for 'Press enter to exit' 180 || { tail -20 "$tp_log"; die "testpmd did not start"; }

# --- which path the peer's packets take: its end of the synthetic path
# (vsynp<n>: to the NetVSC, then the tap) and its ends of the VFs (pv*),
# sampled every 250 ms by one shell inside the peer's namespace (no
# process per sample: the kernel tier's QEMU makes each one costly)
N=$(sg_netvsc_get eth1 n)
mkfifo "$logdir/tick"
nsenter --net="/run/netns/$SG_PNS" -- bash -c '
	exec 9<> "$1"
	syn0=-1 vf0=-1
	while :; do
		syn=0 vf=0
		while read -r line; do
			line=${line/:/: }
			read -r name _ _ _ _ _ _ _ _ _ txp _ <<< "$line"
			case $name in
			"vsynp$2:") syn=$txp ;;
			pv*:) vf=$((vf + txp)) ;;
			esac
		done < /proc/net/dev
		# the path that carried most of the last 250 ms (VF ends come
		# and go: a counter that shrank counts as nothing)
		ds=$((syn - syn0)) dv=$((vf - vf0))
		if [ $syn0 -ge 0 ] && [ $dv -gt 0 ] && [ $dv -ge $ds ]; then
			echo "path vf"
		elif [ $syn0 -ge 0 ] && [ $ds -gt 0 ]; then
			echo "path synthetic"
		fi
		syn0=$syn vf0=$vf
		read -r -t 0.25 -u 9
	done' sampler "$logdir/tick" "$N" > >(stamp path >> "$events") 2>/dev/null &
SAMPLER_PID=$!
sg_on_exit "kill -TERM $SAMPLER_PID"

# attached PCI N SECONDS: the driver saw fail-safe take the VF at PCI for
# the Nth time (it says so when fail-safe takes a VF it did not run on as
# the port was created)
attached() {
	local end=$((SECONDS + $3))
	while [ $SECONDS -le $end ]; do
		[ "$(grep -c "fail-safe runs on VF $1" "$events")" -ge "$2" ] && return 0
		kill -0 "$TP_PID" 2>/dev/null || return 1
		sleep 0.2
	done
	return 1
}

# --- the peer pings the guest through whatever path there is
nsenter --net="/run/netns/$SG_PNS" -- ping -n -D -O -i 0.2 -W 1 "$GUEST" \
	> >(stamp ping >> "$events") 2>&1 &
PING_PID=$!
sg_on_exit "kill -TERM $PING_PID"
note "peer starts pinging $GUEST every 200 ms"
sleep 3

say "demo: host servicing: the VF goes away ..."
note "host servicing: eth1's traffic back to the synthetic path, VF enP30832s1 removed"
sg_del_vf enP30832s1
sleep 5

say "demo: servicing done: the VF comes back at the same PCI address ..."
sg_add_vf eth1 7870:00:02.0 --name enP30832s1 || die "cannot add the VF again"
note_added "VF enP30832s1 back at PCI 7870:00:02.0"
attached 7870:00:02.0 1 90 || say "demo: fail-safe did not take the VF"
sleep 3

say "demo: live migration: the VF goes, and comes back at another PCI address ..."
note "live migration: eth1's traffic back to the synthetic path, VF enP30832s1 removed"
sg_del_vf enP30832s1
sleep 5
sg_add_vf eth1 9a3c:00:02.0 --name enP39484s1 || die "cannot add the VF again"
note_added "VF enP39484s1 appears at PCI 9a3c:00:02.0 (on the new host)"
attached 9a3c:00:02.0 1 90 || say "demo: fail-safe did not take the VF"
sleep 3

kill -TERM "$SAMPLER_PID" 2>/dev/null
kill -INT "$PING_PID" 2>/dev/null
wait "$PING_PID" 2>/dev/null
printf '\n' >&7   # testpmd: "Press enter to exit"
for _ in $(seq 100); do kill -0 "$TP_PID" 2>/dev/null || break; sleep 0.1; done
wait "$TP_PID" 2>/dev/null
tp_rc=$?
exec 7>&-
sleep 0.2

# --- the timeline
say ""
say "Timeline (seconds since the start)"
say "----------------------------------"
sort -s -n -k1,1 "$events" > "$events.sorted"
# two passes: the first notes which pings were answered at all (under QEMU
# a reply may come after ping said "no answer yet")
awk -v t0="$T0" -v fallback="$fallback" '
# lines are sorted by time at the end: a gap in the replies is told
# where it began, once its end is known
function at(t, what) { printf "%.6f\t  %8.3f  %s\n", t, t - t0, what }
function via(p) { return p == "vf" ? "the VF" : p == "synthetic" ? fallback : "" }
function replies(t) {
	if (!seen++)
		at(t, "traffic: echo replies from testpmd" (via(path) != "" ? ", through " via(path) : ""))
	else if (gap == 1)
		at(gap_t, "traffic: 1 ping unanswered")
	else {
		at(gap_t, "traffic: no replies (" gap " pings unanswered)")
		at(t, "traffic: replies again")
	}
	gap = 0
}
function seq(l) { sub(/.*icmp_seq=/, "", l); sub(/[^0-9].*/, "", l); return l }
NR == FNR { if ($2 == "ping" && /bytes from/) got[seq($0)] = 1; next }
{
	t = $1; src = $2; $1 = ""; $2 = ""; line = substr($0, 3)
	if (src == "host") { at(t, "host:    " line); next }
	if (src == "path") {
		# a path counts once it carried two samples in a row: while
		# simguest plugs a VF in, the peer bridge learns both ways
		p = line; sub(/^path /, "", p)
		raw = p
		n = (p == cand) ? n + 1 : 1
		cand = p
		if (n < 2 || p == path)
			next
		path = p
		if (wait_path) {
			replies(t)
			wait_path = 0
		} else if (up && via(p) != "")
			at(t, "traffic: replies now through " via(p))
		next
	}
	if (src == "ping") {
		if (line ~ /bytes from/) {
			answered++
			by[raw]++
			if (!up) {
				# said once the path is known
				if (path != "")
					replies(t)
				else
					wait_path = 1
				up = 1
			}
		} else if (line ~ /no answer yet/ && !(seq(line) in got)) {
			lost++
			if (up) { gap_t = t; up = 0 }
			gap++
		}
		next
	}
	if (match(line, /vdev_netvsc: [^ ]+ -> net_failsafe_vsc[0-9]+/)) {
		split(substr(line, RSTART, RLENGTH), w, " ")
		at(t, "driver:  port " w[4] " created for NetVSC " w[2])
	} else if (line ~ /vdev_netvsc: .*devargs:/) {
		sub(/.*devargs: /, "", line); at(t, "         its fail-safe devargs: " line)
	} else if (line ~ /vdev_netvsc: .*skipped/) {
		sub(/.*vdev_netvsc: /, "", line); at(t, "driver:  " line)
	} else if (line ~ /vdev_netvsc: .*offered/) {
		sub(/.*vdev_netvsc: [^ ]+ /, "", line); at(t, "driver:  VF seen: " line)
	} else if (line ~ /vdev_netvsc: .*runs on VF/) {
		sub(/.*vdev_netvsc: /, "", line); at(t, "driver:  attached: " line)
	} else if (line ~ /vdev_netvsc: .*is gone/) {
		sub(/.*vdev_netvsc: [^ ]+ /, "", line); at(t, "driver:  " line)
	} else if (line ~ /vdev_netvsc: .*lacks/) {
		sub(/.*vdev_netvsc: /, "", line); at(t, "driver:  " line)
	} else if (line ~ /^fake_vf [^ ]+ on /) {
		at(t, "VF PMD:  probed by fail-safe: " substr(line, 9))
	} else if (line ~ /^fake_vf .*removal event/) {
		at(t, "VF PMD:  netdevice gone, removal event to fail-safe")
	} else if (line ~ /Port [0-9]+ is closed/ && !stopping) {
		at(t, "ethdev:  VF port closed: detached from fail-safe")
	} else if (line ~ /Press enter to exit/) {
		at(t, "testpmd: forwarding (icmpecho) on port 0")
	} else if (line ~ /Telling cores to stop/) {
		stopping = 1; at(t, "testpmd: stopping")
	}
}
END {
	if (gap)
		at(gap_t, "traffic: no replies from here on (" gap " pings unanswered)")
	printf "9999999999\t\n9999999999\t  pings answered: %d", answered
	if (fallback != "")
		printf " (through %s: %d, through the VF: %d)", fallback, by["synthetic"], by["vf"]
	printf ", unanswered: %d\n", lost
}
' "$events.sorted" "$events.sorted" | sort -s -n -k1,1 | cut -f2-
say ""
grep -A3 'Forward statistics for port' "$tp_log" | sed -n 's/^[0-9.]* testpmd //p' |
	grep -E 'statistics|RX-packets|TX-packets' | sed 's/^ */  /'
say ""
if [ "$tp_rc" = 0 ]; then
	say "demo: testpmd exited cleanly; removing the simulated guest"
else
	say "demo: testpmd exited with status $tp_rc (log: $tp_log)"
	DEMO_KEEP_LOG=1
fi
[ "${DEMO_KEEP_LOG:-0}" = 1 ] && say "demo: raw logs in ${DEMO_SAVED:-$logdir}"
exit 0
