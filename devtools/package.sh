#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Build the Debian packages of this checkout into build-deb/:
#
#   bash devtools/package.sh [--revision N] [--out DIR]
#
#  1. What the build needs is fetched as devtools/setup.sh does (it runs
#     it when .cache/dpdk-src is not Debian's dpdk source of the installed
#     libdpdk-dev version): Debian's packages, and that source.
#  2. The source package vdev-netvsc_<ours>+dpdk<DPDK>-<N> is laid out in
#     build-deb/vdev-netvsc-<ours>+dpdk<DPDK>/:
#     - vdev-netvsc_<upstream>.orig.tar.xz: the checkout's files (those git
#       tracks or would, as they are in the work tree), debian/ left out;
#     - vdev-netvsc_<upstream>.orig-dpdk.tar.xz, component "dpdk": what the
#       build reads of Debian's dpdk source (.cache/dpdk-src): the driver
#       SDK headers (lib/eal/include, lib/ethdev, drivers/bus), pmdinfogen
#       (buildtools), the fail-safe PMD (drivers/net/failsafe), VERSION,
#       ABI_VERSION, license and Debian's copyright and changelog of it;
#     - debian/, whose changelog's first entry takes this version, and
#       whose control builds against exactly that libdpdk-dev.
#     <ours> is the first entry's in debian/changelog, <DPDK> the
#     installed libdpdk-dev's upstream version: a package is built for one
#     DPDK. --revision N (default 1, the changelog's) adds an entry: a
#     higher version of the same source, for the upgrade check.
#  3. dpkg-buildpackage -us -uc there: no network, it reads only what the
#     source package holds.
#
# Output: build-deb/ (or DIR, emptied first): *.deb, *.dsc, *.changes and
# the tarballs, build.log; the last line names the .changes. Needs root
# only to install what is missing.

set -euo pipefail
export LC_ALL=C
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=$top/build-deb
rev=1
log() { printf 'package: %s\n' "$*"; }
die() { printf 'package: error: %s\n' "$*" >&2; exit 1; }

while [ $# -gt 0 ]; do
    case $1 in
    --revision) rev=$2; shift ;;
    --out) out=$(mkdir -p "$2" && cd "$2" && pwd) || die "cannot use $2"; shift ;;
    -h|--help) sed -n '3,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;;
    *) die "unknown argument $1" ;;
    esac
    shift
done
[[ $rev =~ ^[1-9][0-9]*$ ]] || die "--revision takes a number from 1, not '$rev'"
# emptied below: never the tree itself or a directory above it
case $top/ in "$out"/*) die "--out $out would hold the source tree" ;; esac

# 1. what the build needs
dpdk_deb=$(dpkg-query -W -f='${Version}' libdpdk-dev 2>/dev/null || true)
if [ -z "$dpdk_deb" ] || ! command -v dpkg-buildpackage >/dev/null ||
   ! dpkg-query -W -f='${db:Status-Status}' debhelper 2>/dev/null | grep -qx installed ||
   [ "$(cat "$top/.cache/dpdk-src/.debian-version" 2>/dev/null)" != "$dpdk_deb" ]; then
    log "running devtools/setup.sh for what the build needs"
    bash "$top/devtools/setup.sh" || die "devtools/setup.sh failed"
    dpdk_deb=$(dpkg-query -W -f='${Version}' libdpdk-dev)
fi
src=$top/.cache/dpdk-src
[ "$(cat "$src/.debian-version" 2>/dev/null)" = "$dpdk_deb" ] ||
    die ".cache/dpdk-src is not Debian's dpdk $dpdk_deb"
dpdk_up=${dpdk_deb#*:}
dpdk_up=${dpdk_up%-*}

# 2. the source package's layout
ours=$(sed -n '1s/^vdev-netvsc (\([^+]*\)+dpdk[^)]*).*/\1/p' "$top/debian/changelog")
[ -n "$ours" ] || die "debian/changelog: no 'vdev-netvsc (<version>+dpdk<DPDK>-<N>)' first line"
upver=$ours+dpdk$dpdk_up
version=$upver-$rev
stage=$out/vdev-netvsc-$upver
log "vdev-netvsc $version, for Debian's DPDK $dpdk_deb"
rm -rf "$out"
mkdir -p "$stage"
if git -C "$top" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git -C "$top" ls-files -z --cached --others --exclude-standard |
        while IFS= read -r -d '' f; do
            [ -e "$top/$f" ] || [ -L "$top/$f" ] && printf '%s\0' "$f"
        done | sort -zu | (cd "$top" && tar --null -T - -cf -) |
        tar -C "$stage" -xf - || die "cannot copy the checkout's files"
    epoch=$(git -C "$top" log -1 --format=%ct)
else
    tar -C "$top" --exclude=./.git --exclude='./build*' --exclude=./.cache -cf - . |
        tar -C "$stage" -xf - || die "cannot copy the source tree"
    epoch=$(stat -c %Y "$top/debian/changelog")
fi
[ -f "$stage/debian/control" ] || die "no debian/ in the checkout's files"
# same bytes for the same inputs
tarx() { tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$epoch" "$@"; }
(cd "$out" && tarx --exclude="vdev-netvsc-$upver/debian" \
    -cJf "vdev-netvsc_$upver.orig.tar.xz" "vdev-netvsc-$upver") ||
    die "cannot make the orig tarball"
# the dpdk component, top directory dpdk-<version>/ (dpkg-source unpacks
# it as dpdk/)
parts=(VERSION ABI_VERSION license buildtools lib/eal/include lib/ethdev
    drivers/bus drivers/net/failsafe debian/copyright debian/changelog)
for p in "${parts[@]}"; do
    [ -e "$src/$p" ] || die "Debian's dpdk source has no $p"
done
rm -rf "$out/dpdk-$dpdk_up"
mkdir -p "$out/dpdk-$dpdk_up"
(cd "$src" && tar -cf - --exclude=.pc "${parts[@]}") | tar -C "$out/dpdk-$dpdk_up" -xf - ||
    die "cannot copy Debian's dpdk source"
(cd "$out" && tarx -cJf "vdev-netvsc_$upver.orig-dpdk.tar.xz" "dpdk-$dpdk_up") ||
    die "cannot make the dpdk component tarball"
mv "$out/dpdk-$dpdk_up" "$stage/dpdk"
# built against exactly the DPDK its dpdk component is from
sed -i "s/^ libdpdk-dev,\$/ libdpdk-dev (= $dpdk_deb),/" "$stage/debian/control"
grep -q "^ libdpdk-dev (= $dpdk_deb),\$" "$stage/debian/control" ||
    die "debian/control: no ' libdpdk-dev,' build dependency line to pin"
if [ "$rev" != 1 ]; then
    {
        echo "vdev-netvsc ($version) bookworm; urgency=medium"
        echo
        echo "  * Rebuild, revision $rev."
        echo
        echo " -- $(sed -n 's/^Maintainer: //p' "$stage/debian/control")  $(date -R -u -d "@$epoch")"
        echo
        cat "$stage/debian/changelog"
    } > "$stage/debian/changelog.new"
    mv "$stage/debian/changelog.new" "$stage/debian/changelog"
else
    sed -i "1s/^vdev-netvsc ([^)]*)/vdev-netvsc ($version)/" "$stage/debian/changelog"
fi

# 3. the build
log "dpkg-buildpackage -us -uc in $stage"
(cd "$stage" && dpkg-buildpackage -us -uc -jauto) > "$out/build.log" 2>&1 || {
    tail -n 40 "$out/build.log" >&2
    die "dpkg-buildpackage failed (log: $out/build.log)"
}
changes=$out/vdev-netvsc_${version}_$(dpkg-architecture -qDEB_HOST_ARCH).changes
[ -f "$changes" ] || die "no $changes"
(cd "$out" && ls -1 -- *.deb *.dsc *.tar.* *.changes) | sed 's/^/package:   /'
log "built $changes"
