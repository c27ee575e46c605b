#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Install script of the standalone build (meson.add_install_script), once
# for our plugin and once for our fail-safe (failsafe/meson.build):
#   pmd-install.sh <built librte_net_<name>.so.X.Y> <pmd dir> <so major>
#
# Puts the library into <pmd dir> as librte_net_<name>.so.X.Y with the
# .so.X and .so links, the names the distro's plugin has. Files of those
# names that a Debian package owns are first diverted with
#   dpkg-divert --package vdev-netvsc --rename --add --divert <file>.distro
# so that a package upgrade writes the distro's new copy aside instead of
# over ours (EAL's directory loader ignores the .distro names).
# devtools/uninstall.sh undoes it. With DESTDIR set (staging for a package)
# the files are only copied.

set -euo pipefail
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH

[ $# = 3 ] || { echo "usage: $0 <built library> <pmd dir> <so major>" >&2; exit 2; }
src=$1 dir=$2 major=$3
pkg=vdev-netvsc
real=$(basename "$src")         # librte_net_vdev_netvsc.so.23.0
lib=${real%%.so.*}.so           # librte_net_vdev_netvsc.so
names=("$real" "$lib.$major" "$lib")
destdir=${DESTDIR:-}
run() {
    echo "+ $*"
    [ -n "${MESON_INSTALL_DRY_RUN:-}" ] || "$@"
}

if [ -z "$destdir" ] && command -v dpkg-divert >/dev/null; then
    for n in "${names[@]}"; do
        f=$dir/$n
        owner=$(dpkg-divert --listpackage "$f")
        if [ "$owner" = "$pkg" ]; then
            continue        # diverted by an earlier install
        elif [ -n "$owner" ]; then
            echo "pmd-install: $f is already diverted by $owner" >&2
            exit 1
        fi
        if dpkg-query -S "$f" >/dev/null 2>&1; then
            run dpkg-divert --package "$pkg" --rename --divert "$f.distro" --add "$f"
        fi
    done
fi

run install -d "$destdir$dir"
run install -m 0755 "$src" "$destdir$dir/$real"
run ln -sfn "$real" "$destdir$dir/$lib.$major"
run ln -sfn "$lib.$major" "$destdir$dir/$lib"
echo "pmd-install: installed $destdir$dir/$real"
