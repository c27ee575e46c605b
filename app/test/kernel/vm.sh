#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright 2026 The vdev_netvsc authors
#
# vm.sh: run one command inside Debian's own kernel, booted in QEMU over
# this machine's userland, and return its exit status.
#
#   vm.sh [--mem MB] [--smp N] [--timeout S] [--save DIR] [--] COMMAND [ARGS...]
#
# The guest sees this machine's / read-only over 9p with a tmpfs laid over
# it (every installed package, the source and build trees; what it writes
# stays in the guest), the kernel's modules at /lib/modules, and a job
# directory shared read-write at the same path as here: $VM_JOB, also in
# the command's environment, is where it leaves files for the host:
# --save DIR copies what it left in $VM_JOB/save (logs) to DIR. The
# command runs as root, in the current directory, with this environment.
# Its output is printed as it comes.
#
# The kernel: devtools/setup.sh fetches Debian's linux-image-<ver>-amd64
# with apt-get download and unpacks it in .cache/kernel/root (modules
# indexed with depmod -b); VSC_KERNEL_DIR names another such tree.
# KVM does not work on these machines: the guest runs under TCG, about
# 10 s to userland, 50-70x slower than native for DPDK's control path.
#
# Exit status: the command's; 77 when no VM can run here (no QEMU, no
# kernel: the line says which; with VM_TAP=1, 0 and TAP's "1..0 # SKIP
# <reason>"); 124 when the timeout (default 600 s)
# ends it; 125 when the VM ended without the command's status.
# VM_KEEP=1 keeps the job directory (its path is printed).

set -uo pipefail
export LC_ALL=C

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../../.." && pwd)
mem=2048
smp=2
timeout=600
save=
while [ $# -gt 0 ]; do
	case $1 in
	--mem) mem=$2; shift ;;
	--smp) smp=$2; shift ;;
	--timeout) timeout=$2; shift ;;
	--save) save=$2; shift ;;
	--) shift; break ;;
	-*) echo "vm.sh: unknown option $1" >&2; exit 2 ;;
	*) break ;;
	esac
	shift
done
[ $# -gt 0 ] || { sed -n '5,7p' "$0" | sed 's/^# //' >&2; exit 2; }

# VM_TAP=1 (the kernel suite's tests, which speak TAP): TAP's skip plan
skip() {
	[ "${VM_TAP:-0}" = 1 ] && { echo "1..0 # SKIP $*"; exit 0; }
	echo "SKIP: $*"
	exit 77
}
[ "$(id -u)" = 0 ] || skip "needs root (the guest shares this machine's / as root)"
qemu=$(command -v qemu-system-x86_64) || skip "no qemu-system-x86_64 (Debian package qemu-system-x86)"
busybox=$(command -v busybox) || skip "no busybox (Debian package busybox-static)"
file -L "$busybox" 2>/dev/null | grep -q 'dynamically linked' &&
	skip "busybox is not static (Debian package busybox-static)"
kdir=${VSC_KERNEL_DIR:-$top/.cache/kernel/root}
vmlinuz=$(ls "$kdir"/boot/vmlinuz-* 2>/dev/null | sort -V | tail -n 1)
[ -n "$vmlinuz" ] || skip "no kernel in $kdir (devtools/setup.sh fetches Debian's)"
kver=${vmlinuz##*/vmlinuz-}
moddir=$kdir/lib/modules/$kver
[ -f "$moddir/modules.dep" ] || skip "no modules.dep in $moddir (devtools/setup.sh runs depmod -b)"

# the job directory: EAL refuses plugins below a world-writable directory,
# but the job only holds data
job=$(mktemp -d "${TMPDIR:-/tmp}/vsc-vm.XXXXXX") || exit 1
chmod 755 "$job"
cleanup() {
	[ -n "${qpid:-}" ] && kill -KILL "$qpid" 2>/dev/null
	[ -n "${tpid:-}" ] && kill "$tpid" 2>/dev/null
	if [ -n "$save" ] && [ -d "$job/save" ]; then
		mkdir -p "$save" && cp -a "$job/save/." "$save/"
	fi
	if [ "${VM_KEEP:-0}" = 1 ]; then
		echo "vm.sh: job directory kept: $job" >&2
	else
		rm -rf "$job"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# the initramfs: static busybox, stage 1, the modules a 9p root needs
ird=$job/initramfs
mkdir -p "$ird/bin" "$ird/modules" "$ird/proc" "$ird/sys" "$ird/dev"
cp "$busybox" "$ird/bin/busybox"
cp "$here/initramfs-init" "$ird/init"
chmod 755 "$ird/init"
for m in virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev \
	 virtio_pci netfs fscache 9pnet 9pnet_virtio 9p overlay; do
	f=$(awk -F: -v m="/$m.ko" 'substr($1, length($1) - length(m) + 1) == m { print $1; exit }' \
		"$moddir/modules.dep")
	[ -n "$f" ] && cp "$moddir/$f" "$ird/modules/"
done
(cd "$ird" && find . | "$busybox" cpio -o -H newc 2>/dev/null) > "$job/initramfs.cpio" ||
	{ echo "vm.sh: cannot build the initramfs" >&2; exit 1; }
rm -rf "$ird"

# the job: stage 2, environment, working directory, command
cp "$here/guest.sh" "$job/guest.sh"
export VM_JOB=$job
declare -px | grep -Ev '^declare -[a-zA-Z-]* (BASH|BASHOPTS|EUID|PPID|SHELLOPTS|SHLVL|UID|PWD|OLDPWD|_|TERM|DISPLAY|XAUTHORITY|SSH_[A-Z_]*)=' \
	> "$job/env"
pwd > "$job/cwd"
printf '%q ' "$@" > "$job/cmd"
echo >> "$job/cmd"
: > "$job/out"
mkdir -p "$job/save"

"$qemu" -accel tcg,thread=multi -cpu max -smp "$smp" -m "$mem" \
	-nodefaults -display none -no-reboot -nic none \
	-serial "file:$job/console" \
	-kernel "$vmlinuz" -initrd "$job/initramfs.cpio" \
	-append "console=ttyS0 quiet loglevel=3 panic=-1 mitigations=off vsc.job=$job" \
	-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
	-virtfs "local,path=$(dirname "$moddir"),mount_tag=modules,security_model=none,readonly=on" \
	-virtfs "local,path=$job,mount_tag=job,security_model=none" \
	> "$job/qemu.log" 2>&1 &
qpid=$!
tail -n +1 -f --pid="$qpid" "$job/out" 2>/dev/null &
tpid=$!
end=$((SECONDS + timeout))
while kill -0 "$qpid" 2>/dev/null; do
	if [ $SECONDS -ge $end ]; then
		echo "vm.sh: timeout after ${timeout}s" >&2
		kill -KILL "$qpid" 2>/dev/null
		wait "$qpid" 2>/dev/null
		qpid=
		exit 124
	fi
	sleep 0.5
done
wait "$qpid" 2>/dev/null
qpid=
wait "$tpid" 2>/dev/null
tpid=
if [ ! -s "$job/rc" ]; then
	echo "vm.sh: the VM ended without the command's exit status" >&2
	tail -n 30 "$job/qemu.log" "$job/console" >&2 2>/dev/null
	exit 125
fi
exit "$(cat "$job/rc")"
