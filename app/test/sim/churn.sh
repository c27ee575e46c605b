#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright 2026 The vdev_netvsc authors
#
# VF churn: SIM_CHURN_CYCLES (else SIM_CHURN_DEFAULT_CYCLES, which meson
# sets to 100, else 1000) add/remove cycles of the VF
# under a running, started port. Every appearance must be delivered: the
# VF port appears (RTE_ETH_EVENT_NEW) in every cycle and goes in every
# cycle; the fd count ends where it started. Mixed in: the two PCI
# addresses alternate (live migration), a VF renamed right after
# appearing, an old-kernel VF (MAC only), master changes while attached,
# and NetVSC renames.

source "$(dirname "$0")/lib.sh"
sim_setup --vf

N=${SIM_CHURN_CYCLES:-${SIM_CHURN_DEFAULT_CYCLES:-1000}}
HP=20
sg_add_netvsc eth1
sg_add_netvsc eth2
NV=eth1
ADDRS=(7870:00:02.0 9a3c:00:02.0)

app_start --vdev=net_vdev_netvsc0,hotplug_poll=$HP || { fail "EAL did not start"; finish; }
app_cmd start
app_cmd ports
check_ports "start" $HP -- eth1 eth2
FDS0=$(app_fds)
PORTS0=$(app_ports)

missed=0 gone_missed=0 stayed=0 t0=$(date +%s%N) max=0 sum=0
for ((i = 1; i <= N; i++)); do
	pci=${ADDRS[i % 2]}
	vf=enP${i}s1
	app_cmd mark
	case $((i % 10)) in
	3)	# renamed right after appearing, before it is up
		sg_add_vf $NV $pci --name tmp$i --down &&
			sg_rename tmp$i $vf && sg_ip link set $vf up ;;
	5)	sg_add_vf $NV $pci --name $vf --old-kernel ;;
	*)	sg_add_vf $NV $pci --name $vf ;;
	esac || { fail "cycle $i: cannot add the VF"; break; }
	if app_cmd "wait-vf $pci 5000" 30; then
		ms=$(app_word vf-new 8)
		sum=$((sum + ms)); [ "$ms" -gt $max ] && max=$ms
	else
		missed=$((missed + 1))
		[ $missed -le 5 ] && fail "cycle $i: VF $vf at $pci not attached"
	fi
	if [ $((i % 10)) = 7 ]; then
		# master away and back while attached: stays attached
		app_cmd "count-events destroy $pci"; d0=$(app_word "events " 4)
		sg_master $vf none && sg_master $vf $NV
		app_cmd "sleep $((HP * 3))"
		app_cmd "count-events destroy $pci"
		[ "$(app_word "events " 4)" = "$d0" ] || {
			stayed=$((stayed + 1)); [ $stayed -le 5 ] && fail "cycle $i: master change detached the VF"; }
	fi
	app_cmd mark
	sg_del_vf $vf || { fail "cycle $i: cannot remove the VF"; break; }
	if ! app_cmd "wait-vf-gone $pci 5000" 30; then
		gone_missed=$((gone_missed + 1))
		[ $gone_missed -le 5 ] && fail "cycle $i: VF $vf at $pci not detached"
	fi
	if [ $((i % 100)) = 50 ]; then
		# the NetVSC renamed between two cycles
		if [ $NV = eth1 ]; then new=eth1b; else new=eth1; fi
		sg_rename $NV $new && NV=$new
	fi
	[ $((i % 100)) = 0 ] && log "$i cycles, $(( ($(date +%s%N) - t0) / 1000000 / i )) ms each"
done
n=$((i - 1))
expect_eq "$n cycles: VF attached every time" "$missed" 0
expect_eq "$n cycles: VF detached every time" "$gone_missed" 0
expect_eq "$n cycles: master changes never detached it" "$stayed" 0
[ $n -gt 0 ] && log "attach after appearance: mean $((sum / n)) ms, max $max ms (hotplug_poll=$HP)"
app_cmd "count-events new ${ADDRS[0]}"; a=$(app_word "events " 4)
app_cmd "count-events new ${ADDRS[1]}"; b=$(app_word "events " 4)
expect_eq "VF ports created" "$((a + b))" "$n"
expect_eq "fds after $n cycles" "$(app_fds)" "$FDS0"
expect_eq "ports after $n cycles (MACs, devargs)" "$(app_ports)" "$PORTS0"
app_stop
expect_eq "exit status" "$APP_RC" 0
finish
