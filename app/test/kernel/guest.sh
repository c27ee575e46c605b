#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright 2026 The vdev_netvsc authors
#
# Stage 2 of the kernel tier's VM (see vm.sh), PID 1 in the overlay root:
# the mounts a Debian userland expects, then the job's command, its output
# and exit status written to the job directory, then power off.

job=$(cd "$(dirname "$0")" && pwd)
export PATH=/usr/sbin:/usr/bin:/sbin:/bin

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs dev /dev
mkdir -p /dev/pts /dev/shm /dev/hugepages
mount -t devpts -o newinstance,ptmxmode=0666 devpts /dev/pts
mount -t tmpfs -o mode=1777 shm /dev/shm
ln -sfn /proc/self/fd /dev/fd
# static nodes udev would make: opening them loads their module
mkdir -p /dev/net
[ -e /dev/net/tun ] || mknod -m 666 /dev/net/tun c 10 200
ln -sfn /proc/self/fd/0 /dev/stdin
ln -sfn /proc/self/fd/1 /dev/stdout
ln -sfn /proc/self/fd/2 /dev/stderr
# /tmp needs nothing: the overlay is writable (and holds the job)
mount -t tmpfs -o mode=0755 run /run
mount -t cgroup2 cgroup2 /sys/fs/cgroup 2>/dev/null
hostname vsc-vm
ip link set lo up

# the host's environment of the job, then its working directory
# shellcheck disable=SC1091
source "$job/env"
cd "$(cat "$job/cwd")" || cd /
bash "$job/cmd" > "$job/out" 2>&1 < /dev/null
echo $? > "$job/rc"
sync
echo o > /proc/sysrq-trigger
sleep 60
