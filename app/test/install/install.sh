#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright 2026 The vdev_netvsc authors
#
# "ninja install" and "ninja uninstall-pmd" as a Debian user runs them, in
# a private mount namespace whose dpkg database and DPDK plugin directory
# are throwaway copies, so that the machine itself is never changed:
#  1. install: our librte_net_vdev_netvsc and librte_net_failsafe take the
#     distro's names in the plugin directory, the distro's files are
#     diverted (dpkg-divert --rename, package vdev-netvsc) to *.distro;
#  2. Debian's own dpdk-testpmd with the installed fail-safe survives the
#     removal of a VF that was there at start (sim/vf_removal.sh: icmpecho
#     on port 0 and two NetVSCs, on the plugin directory as installed),
#     and our driver does not warn about the fail-safe it finds;
#  3. uninstall: no diversion left, and the distro's files are back byte
#     for byte (their checksums in dpkg's .md5sums).
# Needs root and unshare -m; skips (77) otherwise.
#
# Environment (meson sets it): BUILD_DIR, PMD_DIR, and the sim scenarios'
# (VSC_PLUGIN, FAKE_VF_PLUGIN, VSC_APP, SIMGUEST, SIM_LOGDIR,
# SIMGUEST_PMD_DIR).

set -u
HERE=$(cd "$(dirname "$0")" && pwd)
: "${BUILD_DIR:?}" "${PMD_DIR:?}" "${ABI:?}"
SO=${ABI%%.*}
PKG=vdev-netvsc
LIBS=(librte_net_vdev_netvsc librte_net_failsafe)
PASS=0 FAIL=0
pass() { PASS=$((PASS + 1)); echo "PASS: $*"; }
fail() { FAIL=$((FAIL + 1)); echo "FAIL: $*"; }
check() { local d=$1; shift; if "$@"; then pass "$d"; else fail "$d"; fi; }

if [ "${1:-}" != __inner ]; then
	[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (dpkg-divert, mount namespaces)"; exit 77; }
	command -v dpkg-divert >/dev/null || { echo "SKIP: no dpkg-divert (not Debian)"; exit 77; }
	[ -d "$PMD_DIR" ] || { echo "SKIP: no plugin directory $PMD_DIR"; exit 77; }
	unshare -m true 2>/dev/null || { echo "SKIP: no mount namespaces here"; exit 77; }
	exec unshare -m --propagation private bash "$0" __inner
fi

# --- inside the private mount namespace
scratch=$(mktemp -d /run/vsc-install.XXXXXX)
trap 'umount -l /var/lib/dpkg "$PMD_DIR" 2>/dev/null; rm -rf "$scratch"' EXIT
mount -t tmpfs -o mode=0755 vsc-install "$scratch" || { echo "SKIP: no tmpfs"; exit 77; }
cp -a /var/lib/dpkg "$scratch/dpkg" && cp -a "$PMD_DIR" "$scratch/pmds" &&
	mount --bind "$scratch/dpkg" /var/lib/dpkg &&
	mount --bind "$scratch/pmds" "$PMD_DIR" || { echo "FAIL: cannot make the throwaway copies"; exit 1; }

# name -> the distro's md5sum, from dpkg's lists
declare -A distro_md5
for lib in "${LIBS[@]}"; do
	f=$PMD_DIR/$lib.so.$ABI
	owner=$(dpkg-query -S "$f" 2>/dev/null | cut -d: -f1)
	[ -n "$owner" ] || continue
	sum=$(grep " ${f#/}\$" /var/lib/dpkg/info/"$owner":*.md5sums 2>/dev/null | awk '{ print $1 }')
	distro_md5[$lib]=$sum
	expect=$(md5sum < "$f" | awk '{ print $1 }')
	check "before: $lib.so.$ABI is the distro's ($owner)" [ -n "$sum" ] && [ "$sum" = "$expect" ]
done

ls -l --time-style=+ "$PMD_DIR" | sort > "$scratch/pmds.before"
(cd "$PMD_DIR" && md5sum -- *.so.* 2>/dev/null | sort) > "$scratch/md5.before"

# 1. install
meson install --no-rebuild -C "$BUILD_DIR" > "$scratch/install.log" 2>&1
check "meson install" [ $? = 0 ]
sed 's/^/#   /' "$scratch/install.log" | grep -E 'dpkg-divert|installed' | head -20
for lib in "${LIBS[@]}"; do
	built=$(readlink -f "$BUILD_DIR/$([ "$lib" = librte_net_failsafe ] && echo failsafe/)$lib.so")
	check "installed: $lib.so.$ABI is ours" cmp -s "$PMD_DIR/$lib.so.$ABI" "$built"
	check "installed: $lib.so.$SO leads to it" [ "$(readlink -f "$PMD_DIR/$lib.so.$SO")" = "$PMD_DIR/$lib.so.$ABI" ]
	for n in "$lib.so.$ABI" "$lib.so.$SO"; do
		check "diverted: $n by $PKG" [ "$(dpkg-divert --listpackage "$PMD_DIR/$n")" = "$PKG" ]
		check "diverted: $n.distro is the distro's" [ -e "$PMD_DIR/$n.distro" ]
	done
done
check "installed fail-safe exports its marker" \
	bash -c "nm -D --defined-only '$PMD_DIR/librte_net_failsafe.so.$ABI' | grep -q ' vdev_netvsc_failsafe_fixes@'"

# 2. the VF removal scenarios, with the fail-safe as installed (the
# guest's plugin directory is the installed one: FAILSAFE_PLUGIN="")
# (icmpecho on port 0 and two NetVSCs: LISA's timeline takes a minute more)
# (SIM_EXIT_STATUS=1: its exit status says whether a check failed)
FAILSAFE_PLUGIN="" VF_REMOVAL_CASES="icmpecho two" SIM_EXIT_STATUS=1 \
	bash "$HERE/../sim/vf_removal.sh" > "$scratch/removal.log" 2>&1
rc=$?
grep -E '^(ok|not ok|1\.\.0|# fail-safe)' "$scratch/removal.log" | sed 's/^/#   /'
check "Debian's dpdk-testpmd survives VF removals on the installed fail-safe (vf_removal.sh exit $rc)" [ $rc = 0 ]
log=$(sed -n 's/^# log: //p' "$scratch/removal.log")
check "our driver does not warn about the installed fail-safe" \
	bash -c "! cat '$log' '${log%.log}'-testpmd*.out 2>/dev/null | grep -q 'lacks the fixes'"

# 3. uninstall
ninja -C "$BUILD_DIR" uninstall-pmd > "$scratch/uninstall.log" 2>&1
check "ninja uninstall-pmd" [ $? = 0 ]
check "no diversion of $PKG left" bash -c "! dpkg-divert --list | grep -q ' by $PKG\$'"
for lib in "${LIBS[@]}"; do
	[ -n "${distro_md5[$lib]:-}" ] || continue
	sum=$(md5sum < "$PMD_DIR/$lib.so.$ABI" | awk '{ print $1 }')
	check "uninstalled: $lib.so.$ABI is the distro's again (md5 $sum)" [ "$sum" = "${distro_md5[$lib]}" ]
	check "uninstalled: no $lib.so.$ABI.distro left" [ ! -e "$PMD_DIR/$lib.so.$ABI.distro" ]
done
ls -l --time-style=+ "$PMD_DIR" | sort > "$scratch/pmds.after"
(cd "$PMD_DIR" && md5sum -- *.so.* 2>/dev/null | sort) > "$scratch/md5.after"
check "uninstalled: the plugin directory's names as before" diff "$scratch/pmds.before" "$scratch/pmds.after"
check "uninstalled: every plugin byte for byte as before" cmp -s "$scratch/md5.before" "$scratch/md5.after"

echo
echo "install: $PASS passed, $FAIL failed"
[ $FAIL = 0 ]
