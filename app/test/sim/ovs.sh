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
#  1. ours, dpdk-devargs=net_failsafe_vsc0, then a fresh OVS with
#     dpdk-devargs=class=eth,mac=<eth1's MAC>: the port comes up in a
#     netdev bridge with eth1's MAC (so does the bridge's own port), carries
#     nothing while there is no VF on a kernel without tap's remote= (no
#     tap sub-device) and answers through the tap where it works, then, with the VF added after the port started (DPDK
#     22.11's fail-safe crashes when a sub-device present at start goes
#     away), the driver's telemetry (dpdk-telemetry.py, as a user would
#     ask OVS's DPDK) shows the VF attached, and the bridge's port
#     (198.18.1.2) pings the peer (198.18.1.1): every answer once, OVS's
#     port counters and the VF's (its peer end) growing with the pings,
#     nothing on the synthetic path or the NetVSC. Then the VF goes and
#     comes back at another PCI address: in the second run, where a null
#     device is DPDK port 0, the pings go through the new VF as before; in
#     the first, where the fail-safe port is port 0, fail-safe 22.11 has
#     reset port 0's fast path, and a NOTE says how many were answered.
#  2. upstream's driver (simguest create --upstream, the distro's plugin):
#     class=eth,mac=<eth1's MAC> finds no port (its port's MAC is random:
#     no sub-device could be probed when it was made, no VF yet and no tap
#     on this kernel) and OVS reports an error for that interface, while
#     net_failsafe_vsc0 finds it. Skipped where tap's remote= works.

source "$(dirname "$0")/lib.sh"
sim_setup --vf

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
# with EAL-ARGS as dpdk-extra, then ovs-vswitchd (back once DPDK is up and
# the database read); its log, with DPDK's and the driver's lines, in
# OVS_LOG. 0 when both run.
ovs_start() {
	local t0
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
	sg_exec "$OVS_VSWITCHD" "unix:$OVS_DIR/db.sock" \
		--pidfile="$OVS_DIR/ovs-vswitchd.pid" --unixctl="$OVS_DIR/ovs-vswitchd.ctl" \
		--log-file="$OVS_LOG" -vconsole:off -vfile:dpdk:dbg \
		--detach --no-chdir >> "$SIM_LOG" 2>&1 || return 1
	OVS_PID=$(cat "$OVS_DIR/ovs-vswitchd.pid")
	log "ovs$OVS_RUN: ovs-vswitchd $OVS_PID up in $(( ($(date +%s%N) - t0) / 1000000 )) ms (log: $OVS_LOG)"
	return 0
}

# ovs_stop: ovs-vswitchd removes its bridges and ports (exit --cleanup),
# then both daemons are gone; their log goes to SIM_LOG. 0 when all
# went as asked.
ovs_stop() {
	local rc=0 p i
	[ -n "$OVS_DIR" ] || return 0
	if [ -n "$OVS_PID" ]; then
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

# wait_log REGEX SECONDS: until OVS_LOG matches; ms waited, or 1
wait_log() {
	local t0 end
	t0=$(date +%s%N)
	end=$(( $(date +%s) + $2 ))
	while [ "$(date +%s)" -le $end ]; do
		if grep -Eq -- "$1" "$OVS_LOG"; then
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

# what a user gives (--vdev), then what the simulated guest needs
OURS_EXTRA=(--vdev=net_vdev_netvsc0,iface=eth1,hotplug_poll=100
	    -d "$VSC_PLUGIN" -d "$FAKE_VF_PLUGIN"
	    --no-huge --legacy-mem -m 256 --file-prefix "$SG_ID"
	    --log-level=pmd.net.vdev_netvsc:debug --log-level=pmd.net.failsafe:info)

# through_vf LABEL VF [--note]: PINGS pings of the peer from the bridge's
# port, each answered once, through VF only: OVS's port counters and the
# VF's (its peer end) grow with them, the synthetic path and the NetVSC
# (kernel) see none of it. With --note, only say how many were answered.
through_vf() {
	local label=$1 vf=$2 vpeer r d c0 c1 s0 s1 v0 v1 syn0 syn1 nv0 nv1 drx dtx
	vpeer=$(sg_vf_get "$vf" peer)
	# the first answer (ARP learnt) before counting
	ping_peer 1 0.2 > /dev/null
	s0=$(port_stats "$OFPORT")
	v0="$(netdev_stat "$SG_PNS" "$vpeer" rx) $(netdev_stat "$SG_PNS" "$vpeer" tx)"
	syn0=$(netdev_stat "$SG_PNS" "vsynp$N" tx)
	nv0=$(netdev_stat "$SG_GNS" eth1 rx)
	read -r r d <<< "$(ping_peer $PINGS 0.05)"
	s1=$(port_stats "$OFPORT")
	v1="$(netdev_stat "$SG_PNS" "$vpeer" rx) $(netdev_stat "$SG_PNS" "$vpeer" tx)"
	syn1=$(netdev_stat "$SG_PNS" "vsynp$N" tx)
	nv1=$(netdev_stat "$SG_GNS" eth1 rx)
	if [ "${3:-}" = --note ]; then
		log "NOTE: $label: $r of $PINGS pings answered"
		return
	fi
	expect_eq "$label: answers to $PINGS pings" "$r" $PINGS
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

# wait_vf LABEL PCI: fail-safe runs on the VF at PCI, and says so in
# telemetry
wait_vf() {
	local label=$1 pci=$2 ms tel
	if ms=$(wait_log "fail-safe runs on VF $pci" 15); then
		pass "$label: fail-safe runs on the VF $pci $ms ms after it appeared"
	else
		fail "$label: fail-safe not on the VF $pci after 15 s"
	fi
	tel=$(telemetry "/vdev_netvsc/info,eth1")
	log "$label: telemetry: $tel"
	expect_match "$label: telemetry: eth1's port runs on the VF" "$tel" \
		"\"port\": \"net_failsafe_vsc0\".*\"vf_pci\": \"$pci\".*\"vf_attached\": 1"
}

# ovs_ours LABEL DEVARGS [--null-port0]: one fresh OVS, the port of eth1
# found by DEVARGS, the VF added, traffic through it; the VF removed and
# back at another PCI address (host servicing, live migration), traffic
# again; everything stopped and the VF removed. --null-port0: a null
# device first in dpdk-extra, so that the fail-safe port is not DPDK port
# 0: fail-safe 22.11 resets port 0's fast path when it removes a
# sub-device, which leaves OVS's port 0 without Rx and Tx for good.
ovs_ours() {
	local label=$1 devargs=$2 extra=("${OURS_EXTRA[@]}") port_no=0 r d
	if [ "${3:-}" = --null-port0 ]; then
		extra=(--vdev=net_null0 "${extra[@]}")
		port_no=1
	fi
	if ! ovs_start "${extra[@]}"; then
		fail "$label: OVS did not start: $(tail -n 3 "$OVS_LOG" | tr '\n' ' ')"
		ovs_stop
		return
	fi
	expect_eq "$label: DPDK initialized" "$(vsctl get Open_vSwitch . dpdk_initialized)" true
	expect_eq "$label: our plugin serves the driver" "$(sg_which_driver "$OVS_PID")" "$VSC_PLUGIN"
	check "$label: the driver made net_failsafe_vsc0 for eth1" \
		grep -q "vdev_netvsc: eth1 -> net_failsafe_vsc0" "$OVS_LOG"

	vsctl add-br $BR -- set Bridge $BR datapath_type=netdev >> "$SIM_LOG" 2>&1
	# n_rxq: the tap PMD takes only as many Rx queues as Tx queues, and
	# OVS gives a port a Tx queue per PMD thread and one more (2 here)
	vsctl add-port $BR $PORT -- set Interface $PORT type=dpdk \
		"options:dpdk-devargs=\"$devargs\"" options:n_rxq=2 >> "$SIM_LOG" 2>&1
	OFPORT=$(iface_get $PORT ofport)
	expect_eq "$label: no error on $PORT" "$(iface_get $PORT error)" "[]"
	expect_match "$label: $PORT has an OpenFlow port ($OFPORT)" "$OFPORT" '^[1-9][0-9]*$' ||
		{ ovs_stop; return; }
	expect_eq "$label: $PORT admin_state" "$(iface_get $PORT admin_state)" up
	# fail-safe reports its link up with no sub-device at all
	expect_eq "$label: no VF: $PORT link_state" "$(iface_get $PORT link_state)" up
	expect_eq "$label: $PORT has eth1's MAC" "$(iface_get $PORT mac_in_use)" "$MAC"
	expect_eq "$label: $PORT driver" "$(iface_get $PORT status:driver_name)" net_failsafe
	expect_eq "$label: $PORT is DPDK port $port_no" "$(iface_get $PORT status:port_no)" $port_no
	# OVS gives the bridge's own port the MAC of its one physical port:
	# the address the network expects from this NetVSC
	expect_eq "$label: the bridge's port $BR has eth1's MAC" "$(sg_mac $BR)" "$MAC"
	sg_exec ip addr add "$GUEST/24" dev $BR && sg_exec ip link set $BR up

	if sim_tap_expected; then
		# the first may go while ARP resolves (slow under TCG)
		read -r r d <<< "$(ping_peer 5 0.2)"
		check "$label: no VF: answers to 5 pings through the tap ($r)" [ "$r" -ge 4 ]
		expect_eq "$label: no VF: the host sends through the NetVSC" "$(sg_datapath eth1)" synthetic
	else
		read -r r d <<< "$(ping_peer 3 0.2)"
		expect_eq "$label: no VF, no tap sub-device: answers to 3 pings" "$r" 0
	fi

	# the VF, after the port started
	sg_add_vf eth1 $VF_PCI --name $VF
	wait_vf "$label" $VF_PCI
	expect_eq "$label: the host sends through the VF" "$(sg_datapath eth1)" vf
	expect_eq "$label: VF: $PORT link_state" "$(iface_get $PORT link_state)" up
	expect_eq "$label: $PORT still has eth1's MAC" "$(iface_get $PORT mac_in_use)" "$MAC"
	through_vf "$label" $VF

	# servicing: the VF goes, and comes back elsewhere
	sg_del_vf $VF
	check "$label: ovs-vswitchd survives the VF's removal" kill -0 "$OVS_PID"
	expect_eq "$label: VF gone: $PORT keeps its OpenFlow port" "$(iface_get $PORT ofport)" "$OFPORT"
	sg_add_vf eth1 $VF2_PCI --name $VF2
	wait_vf "$label: VF back" $VF2_PCI
	expect_eq "$label: VF back: $PORT keeps eth1's MAC" "$(iface_get $PORT mac_in_use)" "$MAC"
	if [ $port_no = 0 ]; then
		through_vf "$label: VF back, port 0 reset by fail-safe" $VF2 --note
	else
		through_vf "$label: VF back" $VF2
	fi

	check "$label: OVS stopped" ovs_stop
	check_not "$label: no $BR left in the guest" sg_exec ip link show $BR 2>/dev/null
	sg_del_vf $VF2
}

ovs_ours "ours, net_failsafe_vsc0" net_failsafe_vsc0
ovs_ours "ours, class=eth,mac=, null port 0" "class=eth,mac=$MAC" --null-port0

# ---------------------------------------------------------------------------
# 2. upstream's driver: the distro's plugin, no VF

# upstream's port takes the MAC of its first sub-device probed: where
# tap's remote= works, its tap's, eth1's; the contrast needs a kernel
# without it
if sim_tap_expected; then
	log "upstream: skipped: tap's remote= works here, its tap gives upstream's port eth1's MAC"
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
	expect_match "upstream: class=eth,mac= finds no port (error)" "$err" \
		"Error attaching device 'class=eth,mac=$UMAC'"
	expect_eq "upstream: class=eth,mac= has no OpenFlow port" "$(iface_get dpdk-mac ofport)" -1
	vsctl add-port $BR $PORT -- set Interface $PORT type=dpdk \
		options:dpdk-devargs=net_failsafe_vsc0 >> "$SIM_LOG" 2>&1
	expect_eq "upstream: net_failsafe_vsc0: no error" "$(iface_get $PORT error)" "[]"
	expect_match "upstream: net_failsafe_vsc0 has an OpenFlow port" \
		"$(iface_get $PORT ofport)" '^[1-9][0-9]*$'
	umac=$(iface_get $PORT mac_in_use)
	log "upstream: net_failsafe_vsc0 has MAC $umac, eth1 $UMAC"
	check "upstream: the port's MAC is not eth1's ($umac)" test "$umac" != "$UMAC"
	check "upstream: OVS stopped" ovs_stop
else
	fail "upstream: OVS did not start: $(tail -n 3 "$OVS_LOG" | tr '\n' ' ')"
	ovs_stop
fi

expect_eq "nothing in the host's OVS directories" "$(host_ovs_state)" "$HOST_OVS0"
finish
