#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright 2026 The vdev_netvsc authors
#
# Open vSwitch as a client: Debian's DPDK build of ovs-vswitchd
# (openvswitch-switch-dpdk: OVS 3.1 on DPDK 22.11), run by its path (the
# system's ovs-vswitchd alternative is left alone), in the simulated
# guest, with an ovsdb-server on a fresh database, both with a private
# directory under the guest's, and started and stopped here: no service,
# nothing in the host's /run/openvswitch.
#
# The guest's mount namespace hides the distro's vdev_netvsc plugin, so the
# driver can only be ours, given with -d in dpdk-extra, as are the fake VF
# PMD and what a guest without hugepages needs: --no-huge, and
# --legacy-mem, without which OVS 3.1 adds --in-memory to the EAL
# arguments, which EAL refuses with --no-huge, and ovs-vswitchd aborts.
#
#  1. ours, in the layout Azure users run: eth1's VF is there when
#     ovs-vswitchd starts (EAL probes it, fail-safe takes it over) and when
#     OVS adds the port, found by dpdk-devargs=net_failsafe_vsc0, then, in
#     a fresh OVS, by dpdk-devargs=class=eth,mac=<eth1's MAC>. The port
#     comes up in a netdev bridge with eth1's MAC (so does the bridge's own
#     port) and runs on the VF (the driver's telemetry, as a user would ask
#     OVS's DPDK); the bridge's port (198.18.1.2) pings the peer
#     (198.18.1.1): every answer once, OVS's port counters and the VF's
#     (its peer end) growing with the pings, nothing on the synthetic path
#     or the NetVSC. Then the VF goes (host servicing): ovs-vswitchd lives
#     on, the interface shows no error, and the port answers nothing (no
#     tap sub-device on a kernel without tap's remote=) or answers through
#     the tap where it works. The VF comes back at the same PCI address,
#     goes again, and comes back at a new one (live migration): each time
#     fail-safe runs on it again and every ping is answered through it
#     (the time from the VF's appearance to the first answer is logged).
#  2. upstream's driver (simguest create --upstream, the distro's plugin):
#     class=eth,mac=<eth1's MAC> finds no port (its port's MAC is random:
#     no sub-device could be probed when it was made, no VF yet and no tap
#     on this kernel) and OVS reports an error for that interface, while
#     net_failsafe_vsc0 finds it. Skipped where tap's remote= works.
#
# With --stock (meson test sim-ovs-stock), run 1 by net_failsafe_vsc0 only,
# on the distro's fail-safe, whose removal path has two defects (fail-safe
# keeps its fast bursts in rte_eth_fp_ops after a removal, and releases the
# removed port twice): the VF's removal must show them, ovs-vswitchd dying
# or the port carrying nothing once the VF is back. Exit status as
# vf_removal.sh's: 1 (should_fail: EXPECTEDFAIL) when a check failed with
# that signature: XFAIL; 0 (UNEXPECTEDPASS, a failure) when every check
# passed: XPASS, the distro fixed it; 99 (ERROR) for any other failure.

source "$(dirname "$0")/lib.sh"
sim_setup_vf "$@"

: "${OVS_VSWITCHD:=/usr/lib/openvswitch-switch-dpdk/ovs-vswitchd-dpdk}"
: "${OVS_SCHEMA:=/usr/share/openvswitch/vswitch.ovsschema}"
[ -x "$OVS_VSWITCHD" ] && [ -f "$OVS_SCHEMA" ] ||
	skip "Open vSwitch with DPDK is not installed (Debian package openvswitch-switch-dpdk)"
for t in ovsdb-tool ovsdb-server ovs-vsctl ovs-appctl ovs-ofctl ping dpdk-telemetry.py; do
	command -v $t >/dev/null || skip "no $t (Debian packages openvswitch-switch-dpdk, iputils-ping, dpdk)"
done

VF=enP30832s1
VF_PCI=7870:00:02.0
VF2=enP39484s1
VF2_PCI=9a3c:00:02.0
PINGS=20
BR=br0
PORT=dpdk-vsc

# the host's OVS directories, which nothing here may touch
host_ovs_state() {
	ls -d /run/openvswitch /var/run/openvswitch 2>/dev/null | sort -u
}
HOST_OVS0=$(host_ovs_state)

# ---------------------------------------------------------------------------
# a private Open vSwitch in the guest: ovs_start, vsctl, ovs_stop

OVS_RUN=0
OVS_DIR=""
OVS_PID=""
OVSDB_PID=""

vsctl() { ovs-vsctl --db="unix:$OVS_DIR/db.sock" --timeout=60 "$@"; }
appctl() { timeout 60 ovs-appctl --timeout=30 -t "$OVS_DIR/$1.ctl" "${@:2}"; }

# ovs_start EAL-ARGS...: ovsdb-server on a fresh database, DPDK turned on
# with EAL-ARGS as dpdk-extra, then ovs-vswitchd (back once DPDK is up);
# its log, with DPDK's and the driver's lines, in OVS_LOG. 0 when both run.
ovs_start() {
	local t0 end
	OVS_RUN=$((OVS_RUN + 1))
	OVS_DIR=$SG_DIR/ovs$OVS_RUN
	OVS_LOG=$SIM_LOGDIR/$SIM_NAME-$$-vswitchd$OVS_RUN.log
	mkdir -p "$OVS_DIR"
	: > "$OVS_LOG"
	# every OVS tool and daemon: nothing in /etc/openvswitch, /run/openvswitch
	export OVS_RUNDIR=$OVS_DIR OVS_DBDIR=$OVS_DIR OVS_LOGDIR=$OVS_DIR \
		OVS_SYSCONFDIR=$OVS_DIR
	echo "=== ovs$OVS_RUN: dpdk-extra $*" >> "$SIM_LOG"
	ovsdb-tool create "$OVS_DIR/conf.db" "$OVS_SCHEMA" >> "$SIM_LOG" 2>&1 || return 1
	sg_exec ovsdb-server "$OVS_DIR/conf.db" --remote="punix:$OVS_DIR/db.sock" \
		--pidfile="$OVS_DIR/ovsdb-server.pid" --unixctl="$OVS_DIR/ovsdb-server.ctl" \
		--log-file="$OVS_DIR/ovsdb-server.log" -vconsole:off \
		--detach --no-chdir >> "$SIM_LOG" 2>&1 || return 1
	OVSDB_PID=$(cat "$OVS_DIR/ovsdb-server.pid")
	vsctl --no-wait init &&
	vsctl --no-wait set Open_vSwitch . other_config:dpdk-init=true \
		"other_config:dpdk-extra=\"$*\"" \
		other_config:per-port-memory=true \
		other_config:pmd-maxsleep=10000 || return 1
	# per-port-memory: a mempool the size of the port's queues, not
	# OVS's shared 256k mbufs (halved until they fit); pmd-maxsleep:
	# the PMD thread sleeps when idle instead of spinning a core
	t0=$(date +%s%N)
	# not detached but our child, so that its exit status tells how it
	# died: nsenter (sg_exec's, but not in a function's subshell) execs it
	nsenter --net="/run/netns/$SG_GNS" --mount="$SG_DIR/mnt" --wd="$PWD" -- \
		"$OVS_VSWITCHD" "unix:$OVS_DIR/db.sock" \
		--pidfile="$OVS_DIR/ovs-vswitchd.pid" --unixctl="$OVS_DIR/ovs-vswitchd.ctl" \
		--log-file="$OVS_LOG" -vconsole:off -vfile:dpdk:dbg \
		--no-chdir < /dev/null >> "$SIM_LOG" 2>&1 &
	OVS_PID=$!
	# up once it has set DPDK up, as it says in the database
	end=$(( $(date +%s) + 120 ))
	until [ "$(vsctl --no-wait get Open_vSwitch . dpdk_initialized 2>/dev/null)" = true ]; do
		kill -0 "$OVS_PID" 2>/dev/null && [ "$(date +%s)" -le $end ] || return 1
		sleep 0.1
	done
	log "ovs$OVS_RUN: ovs-vswitchd $OVS_PID up in $(( ($(date +%s%N) - t0) / 1000000 )) ms (log: $OVS_LOG)"
	return 0
}

# ovs_stop: ovs-vswitchd removes its bridges and ports (exit --cleanup),
# then both daemons are gone; their log goes to SIM_LOG. 0 when all
# went as asked (ovs-vswitchd exits 0).
ovs_stop() {
	local rc=0 p i alive=0
	[ -n "$OVS_DIR" ] || return 0
	# a dead ovs-vswitchd (the stock run) is told apart by ovs_alive
	if [ -n "$OVS_PID" ] && kill -0 "$OVS_PID" 2>/dev/null; then
		alive=1
		appctl ovs-vswitchd exit --cleanup >> "$SIM_LOG" 2>&1 || rc=1
	fi
	[ -z "$OVSDB_PID" ] || appctl ovsdb-server exit >> "$SIM_LOG" 2>&1 || rc=1
	for p in $OVS_PID $OVSDB_PID; do
		for ((i = 0; i < 100; i++)); do
			kill -0 "$p" 2>/dev/null || break
			sleep 0.1
		done
		if kill -0 "$p" 2>/dev/null; then
			kill -KILL "$p" 2>/dev/null
			rc=1
		fi
	done
	if [ $alive = 1 ]; then
		wait "$OVS_PID" 2>/dev/null || rc=1
	fi
	{ echo "--- ovs-vswitchd log"; cat "$OVS_LOG"; echo "---"; } >> "$SIM_LOG"
	rm -rf "${OVS_DIR:?}"
	OVS_PID="" OVSDB_PID="" OVS_DIR=""
	return $rc
}

ovs_kill() {
	[ -z "$OVS_PID" ] || kill -KILL "$OVS_PID" 2>/dev/null
	[ -z "$OVSDB_PID" ] || kill -KILL "$OVSDB_PID" 2>/dev/null
	OVS_PID="" OVSDB_PID=""
}
sg_on_exit ovs_kill

# iface_get IFACE COLUMN: a column of an Interface record, quotes removed
iface_get() { vsctl get Interface "$1" "$2" 2>/dev/null | tr -d '"'; }

# link_wait IFACE STATE: IFACE's link_state once it is STATE, or after
# 10 s: OVS's DPDK watchdog reads the ports' links every 5 s
link_wait() {
	local i l
	for ((i = 0; i < 50; i++)); do
		l=$(iface_get "$1" link_state)
		[ "$l" = "$2" ] && break
		sleep 0.2
	done
	echo "$l"
}

# port_stats OFPORT: "<rx packets> <tx packets>" of the bridge's port, read
# from the datapath now (the database's copy lags by up to 5 s)
port_stats() {
	ovs-ofctl dump-ports "unix:$OVS_DIR/$BR.mgmt" "$1" 2>/dev/null | awk '
		/rx pkts=/ { sub(/.*rx pkts=/, ""); sub(/,.*/, ""); rx = $0 }
		/tx pkts=/ { sub(/.*tx pkts=/, ""); sub(/,.*/, ""); tx = $0 }
		END { print rx + 0, tx + 0 }'
}

# netdev_stat NS DEV rx|tx: packets DEV received or sent, in namespace NS
netdev_stat() {
	nsenter --net="/run/netns/$1" cat /proc/net/dev |
		awk -v d="$2:" -v f="$3" '$1 == d { n = (f == "rx" ? $3 : $11) } END { print n + 0 }'
}

# log_lines: the number of lines in OVS_LOG now, for wait_log's FROM
log_lines() { wc -l < "$OVS_LOG"; }

# wait_log REGEX SECONDS [FROM]: until OVS_LOG matches after its first
# FROM lines; ms waited, or 1
wait_log() {
	local t0 end
	t0=$(date +%s%N)
	end=$(( $(date +%s) + $2 ))
	while [ "$(date +%s)" -le $end ]; do
		if tail -n +$(( ${3:-0} + 1 )) "$OVS_LOG" | grep -Eq -- "$1"; then
			echo $(( ($(date +%s%N) - t0) / 1000000 ))
			return 0
		fi
		sleep 0.05
	done
	return 1
}

# telemetry COMMAND[,PARAMS]: the answer of ovs-vswitchd's DPDK telemetry
# (a JSON line keyed by COMMAND)
telemetry() {
	echo "$1" | sg_exec timeout 20 dpdk-telemetry.py -f "$SG_ID" 2>/dev/null |
		grep -F "{\"${1%%,*}\": "
}

# first_answer SINCE_US SECONDS: ms from SINCE_US (EPOCHREALTIME without
# its dot) to the first answer to pings of the peer sent every 50 ms from
# the bridge's port (ping's own time stamp of it), or 1 when none came in
# SECONDS
first_answer() {
	local t
	t=$(sg_exec ping -n -D -i 0.05 -c 1 -w "$2" "$PEER" 2>/dev/null |
		sed -n 's/^\[\([0-9]*\)\.\([0-9]*\)\] .* bytes from .*/\1\2/p' | head -n 1)
	[ -n "$t" ] || return 1
	echo $(( (10#$t - $1) / 1000 ))
}

# ping_peer N INTERVAL: "<answers> <duplicates>" to N pings of the peer
ping_peer() {
	sg_exec ping -n -q -c "$1" -i "$2" -W 1 "$PEER" 2>/dev/null | awk '
		/packets transmitted/ {
			for (i = 1; i <= NF; i++) {
				if ($(i + 1) == "received,") r = $i
				if ($(i + 1) == "duplicates,") d = substr($i, 2)
			}
		}
		END { print r + 0, d + 0 }'
}

# ---------------------------------------------------------------------------
# 1. our driver

sg_add_netvsc eth1
MAC=$(sg_mac eth1)
PEER=$(sg_peer_ip eth1)
GUEST=$(sg_guest_ip eth1)
N=$(sg_netvsc_get eth1 n)
if sim_tap_expected; then
	NO_VF_PATH="through the tap"
else
	NO_VF_PATH="no tap sub-device on this kernel: none"
fi

# what a user gives (--vdev), then what the simulated guest needs
# (hotplug_poll: fail-safe looks for a returning VF every 100 ms, not 2 s)
OURS_EXTRA=(--vdev=net_vdev_netvsc0,iface=eth1,hotplug_poll=100
	    -d "$VSC_PLUGIN" -d "$FAKE_VF_PLUGIN"
	    --no-huge --legacy-mem -m 256 --file-prefix "$SG_ID"
	    --log-level=pmd.net.vdev_netvsc:debug --log-level=pmd.net.failsafe:info)

# the VF eth1 has now, "" when none
CUR_VF=""

# through_vf LABEL VF: PINGS pings of the peer from the bridge's port,
# each answered once, through VF only: OVS's port counters and the VF's
# (its peer end) grow with them, the synthetic path and the NetVSC
# (kernel) see none of it.
through_vf() {
	local label=$1 vf=$2 vpeer r d c0 c1 s0 s1 v0 v1 syn0 syn1 nv0 nv1 drx dtx
	vpeer=$(sg_vf_get "$vf" peer)
	s0=$(port_stats "$OFPORT")
	v0="$(netdev_stat "$SG_PNS" "$vpeer" rx) $(netdev_stat "$SG_PNS" "$vpeer" tx)"
	syn0=$(netdev_stat "$SG_PNS" "vsynp$N" tx)
	nv0=$(netdev_stat "$SG_GNS" eth1 rx)
	read -r r d <<< "$(ping_peer $PINGS 0.05)"
	s1=$(port_stats "$OFPORT")
	v1="$(netdev_stat "$SG_PNS" "$vpeer" rx) $(netdev_stat "$SG_PNS" "$vpeer" tx)"
	syn1=$(netdev_stat "$SG_PNS" "vsynp$N" tx)
	nv1=$(netdev_stat "$SG_GNS" eth1 rx)
	expect_eq "$label: answers to $PINGS pings" "$r" $PINGS
	# a loss on a loaded machine is no defect; silence is
	[ "$r" != 0 ] || sim_defect "$label: the port carries nothing (0 of $PINGS pings answered)"
	expect_eq "$label: duplicate answers (the NetVSC got the VF's traffic too)" "$d" 0
	read -r c0 c1 <<< "$s0"
	read -r drx dtx <<< "$s1"
	drx=$((drx - c0)) dtx=$((dtx - c1))
	log "$label: OVS port $PORT: +$drx rx, +$dtx tx packets"
	check "$label: OVS port counters grew by the pings (rx +$drx, tx +$dtx >= $PINGS)" \
		test $drx -ge $PINGS -a $dtx -ge $PINGS
	read -r c0 c1 <<< "$v0"
	read -r drx dtx <<< "$v1"
	# the VF's peer end: what it received came from the guest's VF
	drx=$((drx - c0)) dtx=$((dtx - c1))
	log "$label: the VF (peer end $vpeer): +$drx from the guest, +$dtx to the guest"
	check "$label: the VF's counters grew by the pings (+$drx, +$dtx >= $PINGS)" \
		test $drx -ge $PINGS -a $dtx -ge $PINGS
	expect_eq "$label: packets the host sent on the synthetic path" $((syn1 - syn0)) 0
	expect_eq "$label: packets the NetVSC (kernel) received" $((nv1 - nv0)) 0
}

# vf_telemetry LABEL PCI ATTACHED: the driver's telemetry says eth1's port
# has the VF at PCI ("": none), attached (1) or not (0)
vf_telemetry() {
	local tel
	tel=$(telemetry "/vdev_netvsc/info,eth1")
	log "$1: telemetry: $tel"
	expect_match "$1: telemetry: eth1's port, VF ${2:-none}, vf_attached $3" "$tel" \
		"\"port\": \"net_failsafe_vsc0\".*\"vf_pci\": \"$2\".*\"vf_attached\": $3"
}

# ovs_alive LABEL: ovs-vswitchd still runs; otherwise a failure with its
# exit status, and 1
ovs_alive() {
	local st
	if kill -0 "$OVS_PID" 2>/dev/null; then
		pass "$1: ovs-vswitchd $OVS_PID still runs"
		return 0
	fi
	wait "$OVS_PID"
	st=$?
	[ $st -gt 128 ] && st="$st: signal $((st - 128)), $(kill -l $((st - 128)))"
	fail "$1: ovs-vswitchd $OVS_PID died (exit status $st)"
	sim_defect "$1: ovs-vswitchd died (exit status $st)"
	return 1
}

# not_ready LABEL: OVS's DPDK never said that a port's fast path was reset
# (fail-safe's second release of a removed port, up to DPDK 22.11)
not_ready() {
	local l
	if l=$(grep -m 1 "for not ready port" "$OVS_LOG"); then
		fail "$1: a port's fast path was reset under OVS"
		sim_defect "$1: ${l##*|}"
		return 1
	fi
	pass "$1: no port's fast path reset under OVS"
}

# vf_cycle LABEL PCI NAME: the VF goes (host servicing), then comes back
# at PCI as NAME: ovs-vswitchd survives, the interface keeps no error and
# its OpenFlow port, no answer without the VF (but through the tap where
# there is one); then fail-safe runs on the new VF and every ping is
# answered through it. 1 when ovs-vswitchd died or never answered again.
vf_cycle() {
	local label=$1 pci=$2 name=$3 old from r d ms fa fa_pid
	old=$(sg_vf_get "$CUR_VF" pci)
	from=$(log_lines)
	sg_del_vf "$CUR_VF"
	CUR_VF=""
	# fail-safe removes the sub-device at its next poll (100 ms); the
	# distro's defects strike there and at the next burst
	sleep 1
	ovs_alive "$label: VF gone" || return 1
	expect_eq "$label: VF gone: no error on $PORT" "$(iface_get $PORT error)" "[]"
	expect_eq "$label: VF gone: $PORT keeps its OpenFlow port" "$(iface_get $PORT ofport)" "$OFPORT"
	check "$label: VF gone: the driver says so" \
		grep -q "VF $old of eth1 is gone" <(tail -n +$((from + 1)) "$OVS_LOG")
	vf_telemetry "$label: VF gone" "" 0
	read -r r d <<< "$(ping_peer 5 0.2)"
	if sim_tap_expected; then
		check "$label: VF gone: answers to 5 pings ($NO_VF_PATH: $r)" [ "$r" -ge 4 ]
	else
		expect_eq "$label: VF gone: answers to 5 pings ($NO_VF_PATH)" "$r" 0
	fi
	# fail-safe shows the link of its Tx sub-device: none without a tap
	if sim_tap_expected; then
		log "$label: VF gone: $PORT link_state $(iface_get $PORT link_state)"
	else
		expect_eq "$label: VF gone: $PORT link_state" "$(link_wait $PORT down)" down
	fi
	ovs_alive "$label: VF gone, 5 pings later" || return 1

	from=$(log_lines)
	sg_add_vf eth1 "$pci" --name "$name"
	CUR_VF=$name
	# pings from now on, while fail-safe takes the VF
	fa=$SG_DIR/first_answer
	first_answer "$SG_VF_ADDED_US" 15 > "$fa" &
	fa_pid=$!
	if wait_log "fail-safe runs on VF $pci" 15 "$from" > /dev/null; then
		pass "$label: fail-safe runs on the VF $pci within $(( (${EPOCHREALTIME/./} - SG_VF_ADDED_US) / 1000 )) ms of its appearance"
	else
		fail "$label: fail-safe not on the VF $pci after 15 s"
	fi
	if wait $fa_pid && ms=$(< "$fa") && [ -n "$ms" ]; then
		pass "$label: first answer $ms ms after the VF appeared"
	else
		fail "$label: no answer through the VF $pci in 15 s"
		sim_defect "$label: the port carries nothing once the VF is back"
		ovs_alive "$label" || return 1
		not_ready "$label"
		return 1
	fi
	vf_telemetry "$label" "$pci" 1
	expect_eq "$label: the host sends through the VF" "$(sg_datapath eth1)" vf
	expect_eq "$label: $PORT keeps eth1's MAC" "$(iface_get $PORT mac_in_use)" "$MAC"
	through_vf "$label" "$name"
	expect_eq "$label: $PORT link_state" "$(link_wait $PORT up)" up
	ovs_alive "$label" || return 1
	not_ready "$label"
}

# ovs_ours LABEL DEVARGS: eth1's VF there, one fresh OVS, the port of eth1
# found by DEVARGS, traffic through the VF; the VF removed and back at the
# same PCI address, removed and back at another one (host servicing, live
# migration), traffic each time; everything stopped and the VF removed.
ovs_ours() {
	local label=$1 devargs=$2 t0 ms
	sg_add_vf eth1 $VF_PCI --name $VF
	CUR_VF=$VF
	if ! ovs_start "${OURS_EXTRA[@]}"; then
		fail "$label: OVS did not start: $(tail -n 3 "$OVS_LOG" | tr '\n' ' ')"
		ovs_stop
		sg_del_vf $CUR_VF
		return
	fi
	expect_eq "$label: DPDK initialized" "$(vsctl get Open_vSwitch . dpdk_initialized)" true
	expect_eq "$label: our plugin serves the driver" "$(sg_which_driver "$OVS_PID")" "$VSC_PLUGIN"
	check "$label: the driver made net_failsafe_vsc0 for eth1" \
		grep -q "vdev_netvsc: eth1 -> net_failsafe_vsc0" "$OVS_LOG"
	if [ $STOCK = 0 ]; then
		check "$label: the driver finds the fixes in fail-safe" \
			grep -q "carries the VF removal fixes" "$OVS_LOG"
	else
		check "$label: the driver warns that fail-safe lacks the fixes" \
			grep -q "lacks the fixes of its VF removal path" "$OVS_LOG"
	fi
	# EAL probed the VF at start; fail-safe took it as its sub-device
	check "$label: fail-safe took the VF present at start" \
		grep -q "Taking control of a probed sub device 0 named $VF_PCI" "$OVS_LOG"

	vsctl add-br $BR -- set Bridge $BR datapath_type=netdev >> "$SIM_LOG" 2>&1
	# n_rxq: where tap's remote= works, the port has a tap sub-device,
	# which takes only as many Rx queues as Tx queues, and OVS gives a
	# port a Tx queue per PMD thread and one more (2 here): without it,
	# no port (README, guide); no harm on this kernel's VF-only port
	vsctl add-port $BR $PORT -- set Interface $PORT type=dpdk \
		"options:dpdk-devargs=\"$devargs\"" options:n_rxq=2 >> "$SIM_LOG" 2>&1
	OFPORT=$(iface_get $PORT ofport)
	expect_eq "$label: no error on $PORT" "$(iface_get $PORT error)" "[]"
	expect_match "$label: $PORT has an OpenFlow port ($OFPORT)" "$OFPORT" '^[1-9][0-9]*$' ||
		{ ovs_stop; sg_del_vf $CUR_VF; return; }
	expect_eq "$label: $PORT admin_state" "$(iface_get $PORT admin_state)" up
	expect_eq "$label: $PORT link_state" "$(iface_get $PORT link_state)" up
	expect_eq "$label: $PORT has eth1's MAC" "$(iface_get $PORT mac_in_use)" "$MAC"
	expect_eq "$label: $PORT driver" "$(iface_get $PORT status:driver_name)" net_failsafe
	log "$label: $PORT is DPDK port $(iface_get $PORT status:port_no)"
	# OVS gives the bridge's own port the MAC of its one physical port:
	# the address the network expects from this NetVSC
	expect_eq "$label: the bridge's port $BR has eth1's MAC" "$(sg_mac $BR)" "$MAC"
	vf_telemetry "$label: VF at start" $VF_PCI 1
	expect_eq "$label: the host sends through the VF" "$(sg_datapath eth1)" vf
	sg_exec ip addr add "$GUEST/24" dev $BR && sg_exec ip link set $BR up
	t0=${EPOCHREALTIME/./}
	# ARP first; slow under a loaded machine
	if ms=$(first_answer "$t0" 30); then
		pass "$label: VF at start: first answer $ms ms after $BR came up"
		through_vf "$label: VF at start" $VF
	else
		fail "$label: VF at start: no answer in 30 s"
	fi

	if vf_cycle "$label: back at the same address" $VF_PCI $VF &&
		vf_cycle "$label: back at a new address" $VF2_PCI $VF2; then
		check "$label: OVS stopped" ovs_stop
		check_not "$label: no $BR left in the guest" sg_exec ip link show $BR 2>/dev/null
	else
		ovs_stop
	fi
	[ -z "$CUR_VF" ] || sg_del_vf "$CUR_VF"
	CUR_VF=""
}

if [ $STOCK = 1 ]; then
	ovs_ours "distro's fail-safe, net_failsafe_vsc0" net_failsafe_vsc0
	expect_eq "nothing in the host's OVS directories" "$(host_ovs_state)" "$HOST_OVS0"
	finish_stock "fast bursts kept in rte_eth_fp_ops after a removal; removed port released twice"
fi

ovs_ours "ours, net_failsafe_vsc0" net_failsafe_vsc0
ovs_ours "ours, class=eth,mac=" "class=eth,mac=$MAC"

# ---------------------------------------------------------------------------
# 2. upstream's driver: the distro's plugin, no VF

# upstream's port takes the MAC of its first sub-device probed: where
# tap's remote= works, its tap's, eth1's; the contrast needs a kernel
# without it
UPSTREAM_MAC_DEFECT="upstream's driver: its port's MAC is random without a sub-device at its creation"
if sim_tap_expected; then
	sim_skip_check "upstream: class=eth,mac= finds eth1's port" \
		"tap's remote= works here: its tap gives upstream's port eth1's MAC"
	expect_eq "nothing in the host's OVS directories" "$(host_ovs_state)" "$HOST_OVS0"
	finish
fi
sg_destroy
sg_create --upstream || { fail "cannot create an --upstream guest"; finish; }
sg_add_netvsc eth1
UMAC=$(sg_mac eth1)
UP_EXTRA=(--vdev=net_vdev_netvsc0,iface=eth1
	  --no-huge --legacy-mem -m 256 --file-prefix "$SG_ID"
	  --log-level=pmd.net.failsafe:info)
if ovs_start "${UP_EXTRA[@]}"; then
	drv=$(sg_which_driver "$OVS_PID")
	expect_match "upstream: the distro's driver is loaded" "$drv" \
		"^$(sg_pmd_dir)/librte_net_vdev_netvsc\\.so|/pmds-orig/librte_net_vdev_netvsc\\.so"
	check_not "upstream: our plugin is not loaded" grep -qF "$VSC_PLUGIN" <<< "$drv"
	vsctl add-br $BR -- set Bridge $BR datapath_type=netdev >> "$SIM_LOG" 2>&1
	# ovs-vsctl waits for OVS, which reports the error in the database
	vsctl add-port $BR dpdk-mac -- set Interface dpdk-mac type=dpdk \
		"options:dpdk-devargs=\"class=eth,mac=$UMAC\"" >> "$SIM_LOG" 2>&1
	err=$(iface_get dpdk-mac error)
	log "upstream: class=eth,mac=$UMAC: error \"$err\""
	# upstream's defect, expected failures until it is fixed: its port
	# takes the MAC of its first sub-device probed, none here (no VF,
	# no tap), so the port has a random MAC and eth1's finds nothing
	SIM_TODO=$UPSTREAM_MAC_DEFECT \
		expect_eq "upstream: class=eth,mac= finds eth1's port (no error)" "$err" "[]"
	SIM_TODO=$UPSTREAM_MAC_DEFECT \
		expect_match "upstream: class=eth,mac= has an OpenFlow port" \
		"$(iface_get dpdk-mac ofport)" '^[1-9][0-9]*$'
	vsctl add-port $BR $PORT -- set Interface $PORT type=dpdk \
		options:dpdk-devargs=net_failsafe_vsc0 >> "$SIM_LOG" 2>&1
	expect_eq "upstream: net_failsafe_vsc0: no error" "$(iface_get $PORT error)" "[]"
	expect_match "upstream: net_failsafe_vsc0 has an OpenFlow port" \
		"$(iface_get $PORT ofport)" '^[1-9][0-9]*$'
	umac=$(iface_get $PORT mac_in_use)
	log "upstream: net_failsafe_vsc0 has MAC $umac, eth1 $UMAC"
	SIM_TODO=$UPSTREAM_MAC_DEFECT \
		check "upstream: the port has eth1's MAC ($umac)" test "$umac" = "$UMAC"
	check "upstream: OVS stopped" ovs_stop
else
	fail "upstream: OVS did not start: $(tail -n 3 "$OVS_LOG" | tr '\n' ' ')"
	ovs_stop
fi

expect_eq "nothing in the host's OVS directories" "$(host_ovs_state)" "$HOST_OVS0"
finish
