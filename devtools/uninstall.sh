#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Undo "ninja -C build install": remove our librte_net_vdev_netvsc and
# librte_net_failsafe plugins and give the distro's files their names back
# (dpkg-divert --remove --rename). Also run by "ninja -C build
# uninstall-pmd". Safe to run again.
#   uninstall.sh [pmd dir]   default: the installed DPDK's <libdir>/dpdk/pmds-*

set -euo pipefail
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH
pkg=vdev-netvsc
libs=(librte_net_vdev_netvsc.so librte_net_failsafe.so)

if [ $# -ge 1 ]; then
    dirs=("$1")
else
    libdir=$(pkg-config --variable=libdir libdpdk 2>/dev/null || echo /usr/lib/x86_64-linux-gnu)
    dirs=("$libdir"/dpdk/pmds-*)
fi

restore() {     # <file diverted by us>
    echo "+ rm -f $1; dpkg-divert --package $pkg --rename --remove $1"
    rm -f "$1"
    dpkg-divert --package "$pkg" --rename --remove "$1"
}

for lib in "${libs[@]}"; do
    # every diversion of ours, wherever it was installed
    if command -v dpkg-divert >/dev/null; then
        dpkg-divert --list "*/$lib*" | awk -v p="$pkg" '$1 == "diversion" && $NF == p { print $3 }' |
        while read -r f; do
            restore "$f"
        done
    fi

    # ours installed where no package owns the names (-Dpmd_dir=...)
    for d in "${dirs[@]}"; do
        for f in "$d/$lib" "$d/$lib".*; do
            [ -e "$f" ] || [ -L "$f" ] || continue
            case $f in *.distro) continue ;; esac
            if command -v dpkg-query >/dev/null && dpkg-query -S "$f" >/dev/null 2>&1; then
                continue        # the distro's
            fi
            echo "+ rm -f $f"
            rm -f "$f"
        done
    done
done
echo "uninstall: done"
