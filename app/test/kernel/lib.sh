# SPDX-License-Identifier: BSD-3-Clause
# Copyright 2026 The vdev_netvsc authors
#
# Common part of the kernel tier's scenarios, sourced after sim/lib.sh by
# each <name>.sh of this directory. They run inside Debian's own kernel
# booted in QEMU (vm.sh, which meson's kernel suite calls), where tap's
# remote= works: there the tap fallback must be there and carry traffic.

# with the time since the scenario began: the VM is slow, where is it?
log() { echo "# [${SECONDS}s] $*"; }

# kernel_setup [sim_setup options]: a simulated guest in the VM; logs go
# where vm.sh --save takes them. Outside the VM: skip. Every port must have
# its tap here: kernel-tap checks that the tap PMD's remote= works on this
# kernel, so the scenarios do not ask it again (an EAL start, ~20 s).
kernel_setup() {
	[ -n "${VM_JOB:-}" ] ||
		skip "runs inside the kernel tier's VM (app/test/kernel/vm.sh; meson test --suite kernel)"
	SIM_LOGDIR=$VM_JOB/save
	SIM_TAP=1
	sim_setup "$@"
	log "kernel $(uname -r)"
}

# tc_filters DEV: the number of flower filters on DEV's ingress
tc_filters() {
	nsenter --net="/run/netns/$SG_GNS" tc filter show dev "$1" ingress 2>/dev/null |
		grep -c '^filter .* flower'
}

# tc_ingress DEV: whether DEV has an ingress qdisc
tc_ingress() {
	nsenter --net="/run/netns/$SG_GNS" tc qdisc show dev "$1" 2>/dev/null |
		grep -q '^qdisc ingress '
}

# netdev_stat NS DEV rx|tx: packets DEV received or sent, in namespace NS
# (/proc/net/dev shows the reading process's network namespace)
# (0 when DEV is gone: its counters went with it)
netdev_stat() {
	nsenter --net="/run/netns/$1" cat /proc/net/dev |
		awk -v d="$2:" -v f="$3" '$1 == d { n = (f == "rx" ? $3 : $11) } END { print n + 0 }'
}

# app_line_with KIND WORD: the line of the last command starting with
# "KIND " whose space-separated words include WORD
app_line_with() {
	local l
	for l in "${APP_LINES[@]}"; do
		case $l in "$1 "*" $2 "*) echo "$l"; return 0 ;; esac
	done
	return 1
}

# check_taps LABEL IFNAME...: after a "ports" command, the port of each
# IFNAME has a sub-device net_tap_vsc<N> (N of its port), owned by
# fail-safe, with IFNAME's MAC (tap takes its remote's), and IFNAME's
# ingress carries tap's flower rules
check_taps() {
	local label=$1 ifn mac p n l
	shift
	for ifn in "$@"; do
		mac=$(upper "$(sg_mac "$ifn")")
		if ! p=$(app_line_with port "$mac"); then
			fail "$label: no port with $ifn's MAC"
			continue
		fi
		p=$(awk '{ print $3 }' <<< "$p")
		n=${p#net_failsafe_vsc}
		if ! l=$(app_line_with subport "net_tap_vsc$n"); then
			fail "$label: $p has no tap sub-device net_tap_vsc$n"
			continue
		fi
		expect_eq "$label: net_tap_vsc$n has $ifn's MAC" \
			"$(awk '{ print $4 }' <<< "$l")" "$mac"
		expect_match "$label: net_tap_vsc$n owned by fail-safe" "$l" ' owner Fail-safe$'
		check "$label: tap's flower rules on $ifn's ingress" \
			test "$(tc_filters "$ifn")" -ge 2
	done
}
