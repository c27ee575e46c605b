#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright 2026 The vdev_netvsc authors
#
# Bad devargs, every class: rte_vdev_init returns an error, no port is
# created and no file descriptor is left behind. Both ways in: at run time
# (init command, next to an ignore=1 instance so that no automatic one
# runs), and on the EAL command line (EAL starts, the device fails, no port).

source "$(dirname "$0")/lib.sh"
sim_setup

sg_add_netvsc eth1
sg_add_netvsc eth2
M1=$(sg_mac eth1)
LONG=abcdefghijklmnop   # 16 characters: IFNAMSIZ is 16 with the NUL

BAD=(
	"unknown key|foo=1"
	"unknown key after a good one|iface=eth1,bar=2"
	"key without value: iface|iface"
	"key without value: mac|mac"
	"key without value: force|force"
	"empty value: iface=|iface="
	"empty value: mac=|mac="
	"invalid MAC: too short|mac=00:15:5d:00:01"
	"invalid MAC: not hex|mac=00:15:5d:00:01:zz"
	"invalid MAC: too long|mac=00:15:5d:00:01:01:02"
	"invalid MAC: garbage|mac=hello"
	"over-long iface|iface=$LONG"
	"force=2|force=2"
	"force=-1|force=-1"
	"force=yes|force=yes"
	"ignore=2|ignore=2"
	"hotplug_poll not a number|hotplug_poll=fast"
	"hotplug_poll negative|hotplug_poll=-5"
	"duplicate iface|iface=eth1,iface=eth1"
	"duplicate mac|mac=$M1,mac=$M1"
	"duplicate force|force=1,force=1"
	"duplicate ignore|ignore=1,ignore=1"
	"duplicate hotplug_poll|hotplug_poll=100,hotplug_poll=200"
)

# at run time
if app_start --vdev=net_vdev_netvsc0,ignore=1; then
	expect_eq "ignore=1 instance: ports" "$(app_nports)" 0
	FDS0=$(app_fds)
	i=1
	for b in "${BAD[@]}"; do
		label=${b%%|*} args=${b#*|}
		app_cmd "init net_vdev_netvsc$i $args"
		ret=$(app_word "ret " 2)
		if [[ $ret =~ ^-[0-9]+$ ]]; then
			pass "init $label ($args): error $ret"
		else
			fail "init $label ($args): rte_vdev_init returned '$ret', expected an error"
			app_cmd "uninit net_vdev_netvsc$i"
		fi
		expect_eq "init $label: ports" "$(app_nports)" 0
		expect_eq "init $label: fds" "$(app_fds)" "$FDS0"
		i=$((i + 1))
	done
	# and a good one still works afterwards
	app_cmd "init net_vdev_netvsc$i iface=eth1"
	expect_eq "good devargs after the bad ones: ret" "$(app_word "ret " 2)" 0
	expect_eq "good devargs after the bad ones: ports" "$(app_nports)" 1
	app_cmd "uninit net_vdev_netvsc$i"
	expect_eq "good devargs removed: ports" "$(app_nports)" 0
	expect_eq "good devargs removed: fds" "$(app_fds)" "$FDS0"
	app_stop
else
	fail "EAL did not start with ignore=1"
fi

# on the EAL command line
for b in "${BAD[@]}"; do
	label=${b%%|*} args=${b#*|}
	app_run "--vdev=net_vdev_netvsc0,$args" -- ports
	if [ "$(app_line "eal-init")" = "eal-init ok" ]; then
		expect_eq "--vdev $label: ports" "$(app_word "ports " 2)" 0
	else
		# EAL 22.11 goes on when a vdev fails: a failed start is a failure
		fail "--vdev $label: $(app_line eal-init)"
	fi
done

finish
