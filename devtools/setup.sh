#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Prepare a Debian 12 machine to build, test and demo the vdev_netvsc PMD.
# Run as root from anywhere; safe to run again (work already done is skipped).
#
#  1. apt-get install every build, test and demo dependency
#     (skipped when they are all installed already).
#  2. Fetch Debian's own kernel (linux-image-<ver>-amd64, the version
#     linux-image-amd64 depends on) with apt-get download into
#     .cache/kernel, unpacked and its modules indexed (depmod -b): the
#     kernel tier boots it in QEMU (app/test/kernel/vm.sh).
#  3. Fetch Debian's `dpdk` source package of exactly the installed
#     libdpdk-dev version with `apt-get source`, through a private apt
#     configuration under .cache/apt (deb-src entries derived from the
#     system's own apt sources; /etc/apt is never touched), and unpack it
#     with Debian's patches applied into .cache/dpdk-src: Debian ships no
#     driver SDK headers (bus_vdev_driver.h, ethdev_driver.h, ...) and no
#     pmdinfogen, the standalone build takes both from there.
#  4. Fetch Debian's packages of the two plugins ours replace
#     (librte-net-vdev-netvsc23, librte-net-failsafe23) at the installed
#     version into .cache/debs, for devtools/package-check.sh.
#
# Environment: SETUP_SKIP_APT=1 skips step 1 (e.g. when not root but the
# packages are there).

set -euo pipefail
export LC_ALL=C DEBIAN_FRONTEND=noninteractive
# Debian's tools, not a python3 or meson some other installer put first
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cache=$top/.cache
log() { printf 'setup: %s\n' "$*"; }
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }

packages=(
    # build
    gcc libc6-dev meson ninja-build pkg-config
    libdpdk-dev libnl-3-dev libnl-route-3-dev
    python3 python3-pyelftools
    # DPDK tools (dpdk-testpmd, dpdk-pmdinfo.py) and the distro's plugins
    dpdk dpdk-dev
    # fetching and unpacking the DPDK sources
    dpkg-dev xz-utils ca-certificates
    # building DPDK releases (devtools/release-matrix.sh): EAL needs libnuma
    libnuma-dev
    # DPDK's maintainer checks (devtools/dpdk-checks.sh,
    # devtools/upstream-series.sh): the kernel's scripts/checkpatch.pl (in
    # linux-source's tarball), its codespell dictionary, coccinelle's
    # spatch for devtools/cocci.sh, Sphinx for the guides
    # (gawk: their awk scripts need more than mawk); unifdef resolves the
    # compat header for the upstream series (devtools/intree-driver.py)
    linux-source-6.1 codespell coccinelle python3-sphinx python3-sphinx-rtd-theme gawk
    unifdef
    # tests, simulated guest and demo
    iproute2 iputils-ping util-linux procps strace kmod valgrind gnuplot-nox
    # Open vSwitch as a client (sim-ovs): Debian's DPDK build of
    # ovs-vswitchd, run by its path; the scenario starts its own daemons
    openvswitch-switch-dpdk
    # the benchmark counts syscalls with perf (strace when perf cannot)
    linux-perf
    # the kernel tier: Debian's kernel in QEMU, a static busybox initramfs
    qemu-system-x86 busybox-static file
    # fuzz targets (clang's libFuzzer, ASan, UBSan: devtools/fuzz.sh) and
    # the sanitizer build (gcc's runtimes, readelf: devtools/sanitize.sh)
    clang-14 libclang-rt-14-dev libasan8 libubsan1 binutils
    git
    # the Debian package (devtools/package.sh, devtools/package-check.sh)
    debhelper lintian autopkgtest
)

missing_packages() {
    local p st
    for p in "${packages[@]}"; do
        st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
        [ "$st" = installed ] || printf '%s\n' "$p"
    done
}

install_packages() {
    local missing
    if [ "${SETUP_SKIP_APT:-0}" = 1 ]; then
        log "SETUP_SKIP_APT=1: not installing packages"
        return
    fi
    missing=$(missing_packages)
    if [ -z "$missing" ]; then
        log "all ${#packages[@]} packages already installed"
        return
    fi
    [ "$(id -u)" = 0 ] || die "must run as root to install: $(echo $missing)"
    log "installing: $(echo $missing)"
    apt-get update
    # shellcheck disable=SC2086
    apt-get install -y --no-install-recommends "${packages[@]}"
}

# deb-src entries for the system's own deb entries, one-line format
deb_src_list() {
    local f
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -f "$f" ] || continue
        sed -n 's/^[[:space:]]*deb[[:space:]]/deb-src /p' "$f"
    done
}

# deb-src stanzas for the system's own deb stanzas, deb822 format
deb_src_sources() {
    local f
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        awk '
            function flush() {
                if (stanza != "" && has_deb && enabled) printf "%s\n", stanza
                stanza = ""; has_deb = 0; enabled = 1
            }
            BEGIN { enabled = 1 }
            /^[[:space:]]*$/ { flush(); next }
            /^#/ { next }
            tolower($1) == "types:" {
                for (i = 2; i <= NF; i++) if ($i == "deb") has_deb = 1
                stanza = stanza "Types: deb-src\n"; next
            }
            tolower($1) == "enabled:" && tolower($2) == "no" { enabled = 0 }
            { stanza = stanza $0 "\n" }
            END { flush() }
        ' "$f"
    done
}

fetch_sources() {
    local version upstream apt dsc have opts tmp f
    version=$(dpkg-query -W -f='${Version}' libdpdk-dev 2>/dev/null) ||
        die "libdpdk-dev is not installed"
    upstream=${version#*:}
    upstream=${upstream%-*}
    if [ -f "$cache/dpdk-src/.debian-version" ] &&
       [ "$(cat "$cache/dpdk-src/.debian-version")" = "$version" ]; then
        log "DPDK sources $version already in .cache/dpdk-src"
        return
    fi

    apt=$cache/apt
    mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" \
        "$apt/sources.list.d" "$apt/src"
    deb_src_list > "$apt/sources.list"
    deb_src_sources > "$apt/sources.list.d/deb-src.sources"
    [ -s "$apt/sources.list" ] || [ -s "$apt/sources.list.d/deb-src.sources" ] ||
        die "no deb entries found in /etc/apt/sources.list{,.d} to derive deb-src from"
    opts=(-o "Dir::Etc::SourceList=$apt/sources.list"
          -o "Dir::Etc::SourceParts=$apt/sources.list.d"
          -o "Dir::State::Lists=$apt/lists"
          -o "Dir::Cache=$apt/cache"
          -o "APT::Sandbox::User=root")

    dsc=$apt/src/dpdk_${version#*:}.dsc
    have=1
    [ -f "$dsc" ] || have=0
    if [ $have = 1 ]; then
        # every file the .dsc names must be there
        for f in $(awk '/^Files:/{f=1;next} /^[^ ]/{f=0} f{print $3}' "$dsc"); do
            [ -f "$apt/src/$f" ] || have=0
        done
    fi
    if [ $have = 0 ]; then
        log "fetching Debian's dpdk source package $version"
        # a source entry that has no deb-src index must not stop us:
        # apt-get source below says whether what we need was found
        apt-get "${opts[@]}" update || log "warning: apt-get update reported errors"
        (cd "$apt/src" && apt-get "${opts[@]}" source --download-only "dpdk=$version") ||
            die "apt-get source dpdk=$version failed"
    else
        log "dpdk $version source package already downloaded"
    fi

    tmp=$cache/dpdk-src.tmp
    rm -rf "$tmp"
    log "unpacking into .cache/dpdk-src (with Debian's patches)"
    if ! (cd "$apt/src" && dpkg-source --no-check --no-copy -x "$dsc" "$tmp" >/dev/null); then
        log "dpkg-source failed; unpacking the orig tarball without Debian's patches"
        rm -rf "$tmp"
        mkdir -p "$tmp"
        tar -xf "$apt/src/dpdk_${upstream}.orig.tar."* -C "$tmp" --strip-components=1
    fi
    [ -f "$tmp/drivers/bus/vdev/bus_vdev_driver.h" ] ||
        die "unpacked tree has no drivers/bus/vdev/bus_vdev_driver.h"
    [ "$(cat "$tmp/VERSION")" = "$upstream" ] ||
        die "unpacked tree is DPDK $(cat "$tmp/VERSION"), installed is $upstream"
    echo "$version" > "$tmp/.debian-version"
    rm -rf "$cache/dpdk-src"
    mv "$tmp" "$cache/dpdk-src"
    log "DPDK $version sources ready in .cache/dpdk-src"
}

# Debian's own kernel, for the kernel tier: the image and its modules in
# .cache/kernel/root (boot/vmlinuz-<kver>, lib/modules/<kver>)
fetch_kernel() {
    local dir=$cache/kernel ver deb kver tmp
    ver=$(apt-cache depends linux-image-amd64 2>/dev/null |
        sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*-amd64\)$/\1/p' | head -n 1)
    [ -n "$ver" ] || die "cannot tell which kernel linux-image-amd64 depends on"
    kver=${ver#linux-image-}
    if [ -f "$dir/root/lib/modules/$kver/modules.dep" ] &&
       [ -f "$dir/root/boot/vmlinuz-$kver" ]; then
        log "kernel $kver already in .cache/kernel"
        return
    fi
    mkdir -p "$dir"
    deb=$(find "$dir" -maxdepth 1 -name "${ver}_*.deb" | head -n 1)
    if [ -z "$deb" ]; then
        log "fetching Debian's kernel $ver"
        (cd "$dir" && apt-get -o APT::Sandbox::User=root download "$ver") ||
            die "apt-get download $ver failed"
        deb=$(find "$dir" -maxdepth 1 -name "${ver}_*.deb" | head -n 1)
        [ -n "$deb" ] || die "apt-get download $ver left no .deb"
    fi
    tmp=$dir/root.tmp
    rm -rf "$tmp"
    dpkg-deb -x "$deb" "$tmp" || die "cannot unpack $deb"
    # the package ships no modules.dep
    depmod -b "$tmp" "$kver" || die "depmod -b failed for $kver"
    rm -rf "$dir/root"
    mv "$tmp" "$dir/root"
    rm -f "$deb"
    log "kernel $kver ready in .cache/kernel/root"
}

# Debian's own packages of the two plugins ours replace, at the installed
# version, into .cache/debs: devtools/package-check.sh reinstalls them
# under our package (an upgrade of Debian's must not touch ours)
fetch_distro_debs() {
    local dir=$cache/debs p v missing=()
    mkdir -p "$dir"
    for p in librte-net-vdev-netvsc23 librte-net-failsafe23; do
        v=$(dpkg-query -W -f='${Version}' "$p" 2>/dev/null) || continue
        [ -n "$(find "$dir" -maxdepth 1 -name "${p}_${v#*:}_*.deb")" ] || missing+=("$p=$v")
    done
    [ ${#missing[@]} != 0 ] || { log "Debian's plugin packages already in .cache/debs"; return; }
    log "fetching ${missing[*]}"
    (cd "$dir" && apt-get -o APT::Sandbox::User=root download "${missing[@]}") ||
        die "apt-get download ${missing[*]} failed"
}

install_packages
fetch_kernel
fetch_sources
fetch_distro_debs
