#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Checks of the Debian package that devtools/package.sh built into
# build-deb/ (it builds it first when there is none):
#
#  1. lintian --pedantic on the .changes (source and binary packages): no
#     error, no warning (debian/*lintian-overrides says why of each it
#     overrides).
#  2. The package's life, piuparts-style, on this machine's own Debian, in
#     a private mount namespace whose /usr, /var and /etc are overlays on
#     a tmpfs: apt and dpkg run for real there, and nothing of it reaches
#     the machine. Revision 2 of the same source (package.sh --revision 2)
#     is the upgrade.
#       before     Debian's librte-net-vdev-netvsc23 and librte-net-failsafe23
#                  files match their .md5sums; the list of every file of
#                  theirs (dpkg -L) with its checksum or link target
#       install    apt-get install ./vdev-netvsc_<v>-1_<arch>.deb: ours in
#                  the plugin directory, Debian's diverted (*.distro),
#                  dpdk-pmdinfo.py shows our parameters
#       Debian's   dpkg -i of Debian's two packages again (.cache/debs, as
#       upgrade    an upgrade of them would): ours stay
#       upgrade    to revision 2: ours, diverted still
#       remove     no diversion left, Debian's files as before
#       purge      (installed again first): nothing of ours left, Debian's
#                  files as before, byte for byte
#  3. autopkgtest with the null virt server (debian/tests: Debian's own
#     dpdk-testpmd on the installed package), in the same kind of
#     namespace: autopkgtest installs the package there.
#
#   bash devtools/package-check.sh
#
# Needs root and unshare -m (skips, 77, otherwise). Prints PASS/FAIL lines,
# then "package: N passed, N failed".

set -uo pipefail
export LC_ALL=C
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=$top/build-deb
PKG=vdev-netvsc
DISTRO=(librte-net-vdev-netvsc23 librte-net-failsafe23)
LIBS=(librte_net_vdev_netvsc librte_net_failsafe)
PASS=0 FAIL=0
pass() { PASS=$((PASS + 1)); echo "PASS: $*"; }
fail() { FAIL=$((FAIL + 1)); echo "FAIL: $*"; }
check() { local d=$1; shift; if "$@"; then pass "$d"; else fail "$d"; fi; }
say() { echo "# $*"; }
finish() {
    echo
    echo "package: $PASS passed, $FAIL failed"
    [ $FAIL = 0 ]
    exit
}

if [ "${1:-}" != __inner ]; then
    [ "$(id -u)" = 0 ] || { echo "SKIP: needs root (dpkg, apt, mount namespaces)"; exit 77; }
    unshare -m true 2>/dev/null || { echo "SKIP: no mount namespaces here"; exit 77; }
    if ! ls "$out"/vdev-netvsc_*-1_*.changes >/dev/null 2>&1; then
        bash "$top/devtools/package.sh" || { echo "FAIL: devtools/package.sh"; exit 1; }
    fi
    bash "$top/devtools/package.sh" --revision 2 --out "$out/upgrade" > "$out/upgrade.log" 2>&1 ||
        { tail -n 20 "$out/upgrade.log"; echo "FAIL: devtools/package.sh --revision 2"; exit 1; }
    exec unshare -m --propagation private bash "$0" __inner
fi

arch=$(dpkg --print-architecture)
changes=$(ls "$out"/vdev-netvsc_*-1_"$arch".changes | head -n 1)
deb1=$(ls "$out"/vdev-netvsc_*-1_"$arch".deb | head -n 1)
deb2=$(ls "$out"/upgrade/vdev-netvsc_*-2_"$arch".deb | head -n 1)
say "packages: $(basename "$deb1"), upgrade $(basename "$deb2")"

# --- 1. lintian
lint=$(lintian --pedantic --info "$changes" 2>&1 | grep -v '^running with root')
echo "$lint" | grep -E '^[EWIPXO]: ' | sed 's/^/#   lintian: /'
check "lintian: no error or warning" bash -c "! grep -Eq '^[EW]: ' <<< \"\$1\"" _ "$lint"

# --- the throwaway system
scratch=$(mktemp -d /run/vsc-package.XXXXXX)
trap 'umount -l /usr /var /etc 2>/dev/null; umount -l "$scratch" 2>/dev/null; rm -rf "$scratch"' EXIT
mount -t tmpfs -o mode=0755 vsc-package "$scratch" || { echo "FAIL: no tmpfs"; exit 1; }
# the files below stay readable through the overlays
cp "$deb1" "$deb2" "$scratch/" && cp "$top"/.cache/debs/*.deb "$scratch/" 2>/dev/null
for d in usr var etc; do
    mkdir -p "$scratch/$d.up" "$scratch/$d.work" &&
        mount -t overlay "overlay-$d" \
            -o "lowerdir=/$d,upperdir=$scratch/$d.up,workdir=$scratch/$d.work" "/$d" ||
        { echo "FAIL: cannot put an overlay on /$d"; exit 1; }
done
deb1=$scratch/$(basename "$deb1") deb2=$scratch/$(basename "$deb2")
pmd=$(pkg-config --variable=pmdsdir libdpdk 2>/dev/null)
[ -d "$pmd" ] || pmd=$(dirname "$(dpkg -L librte-net-failsafe23 | grep '/pmds-.*\.so\.[0-9]*\.[0-9]*$' | head -n 1)")
abi=${pmd##*/pmds-}
so=${abi%%.*}
say "plugin directory $pmd"

# every file of Debian's two packages: its path with its md5sum, link
# target or "dir"
distro_state() {
    local p f
    for p in "${DISTRO[@]}"; do
        dpkg -L "$p" 2>/dev/null | while read -r f; do
            if [ -L "$f" ]; then echo "$f -> $(readlink "$f")"
            elif [ -d "$f" ]; then echo "$f dir"
            elif [ -f "$f" ]; then echo "$f $(md5sum < "$f" | cut -d' ' -f1)"
            else echo "$f missing"
            fi
        done
    done | sort
}
# Debian's files match dpkg's .md5sums of them
md5sums_ok() {
    local p m
    for p in "${DISTRO[@]}"; do
        m=$(ls /var/lib/dpkg/info/"$p"{,:*}.md5sums 2>/dev/null | head -n 1)
        [ -n "$m" ] || return 1
        (cd / && md5sum --quiet -c "$m") || return 1
    done
}
diversions() { dpkg-divert --list | grep -c " by $PKG\$"; }
# ours_in_place VERSION: the plugin directory has the package's files
ours_in_place() {
    local x=$scratch/x lib
    rm -rf "$x" && dpkg-deb -x "$1" "$x" || return 1
    for lib in "${LIBS[@]}"; do
        cmp -s "$pmd/$lib.so.$abi" "$x$pmd/$lib.so.$abi" || return 1
        [ "$(readlink "$pmd/$lib.so.$so")" = "$lib.so.$abi" ] || return 1
    done
}
# distro_aside: Debian's files diverted, byte for byte its .md5sums' ones
distro_aside() {
    local lib n p sum want
    for lib in "${LIBS[@]}"; do
        for n in "$lib.so.$abi" "$lib.so.$so"; do
            [ "$(dpkg-divert --listpackage "$pmd/$n")" = $PKG ] || return 1
        done
        p=${lib//_/-}$so
        want=$(cat /var/lib/dpkg/info/"$p"{,:*}.md5sums 2>/dev/null | grep " ${pmd#/}/$lib.so.$abi\$" | cut -d' ' -f1)
        sum=$(md5sum < "$pmd/$lib.so.$abi.distro" | cut -d' ' -f1)
        [ -n "$want" ] && [ "$sum" = "$want" ] || return 1
    done
}

# installed STEP DEB: apt-get install ./DEB, then the package is DEB's
# version, its plugins in place and Debian's files aside
installed() {
    local step=$1 deb=$2 v
    v=$(dpkg-deb -f "$deb" Version)
    apt-get install -y "$deb" > "$scratch/apt-$step.log" 2>&1
    check "$step: apt-get install ./$(basename "$deb")" [ $? = 0 ]
    check "$step: $PKG $v installed" \
        [ "$(dpkg-query -W -f='${db:Status-Status} ${Version}' $PKG)" = "installed $v" ]
    check "$step: our plugins of $v in $pmd" ours_in_place "$deb"
    check "$step: four diversions (.so.$abi, .so.$so of both plugins)" [ "$(diversions)" = 4 ]
    check "$step: Debian's files aside, byte for byte" distro_aside
}

# --- 2. the package's life
md5sums_ok
check "before: Debian's plugin files match their .md5sums" [ $? = 0 ]
distro_state > "$scratch/state.before"
ls -l --time-style=+ "$pmd" > "$scratch/pmds.before"
check "before: no diversion by $PKG" [ "$(diversions)" = 0 ]

installed install "$deb1"
check "install: our fail-safe has the fixes' marker" \
    bash -c "nm -D --defined-only '$pmd/librte_net_failsafe.so.$abi' | grep -q ' vdev_netvsc_failsafe_fixes'"
info=$(dpdk-pmdinfo.py "$pmd/librte_net_vdev_netvsc.so.$abi" 2>&1)
say "dpdk-pmdinfo.py: $(tr -d '\n' <<< "$info" | tr -s ' ' | cut -c1-200)"
check "install: dpdk-pmdinfo.py shows our parameters (hotplug_poll)" \
    grep -q 'hotplug_poll=<int>' <<< "$info"
check "install: the guide in /usr/share/doc/$PKG" [ -f /usr/share/doc/$PKG/vdev_netvsc.rst.gz ]

dpkg -i "$scratch"/librte-net-*.deb > "$scratch/dpkg-distro.log" 2>&1
check "Debian's upgrade: dpkg -i of Debian's two packages" [ $? = 0 ]
check "Debian's upgrade: ours stay in place" ours_in_place "$deb1"
check "Debian's upgrade: Debian's new files aside" distro_aside

installed upgrade "$deb2"

apt-get remove -y $PKG > "$scratch/apt3.log" 2>&1
check "remove: apt-get remove $PKG" [ $? = 0 ]
check "remove: no diversion left" [ "$(diversions)" = 0 ]
md5sums_ok
check "remove: Debian's files match their .md5sums" [ $? = 0 ]
distro_state > "$scratch/state.removed"
check "remove: every file of Debian's packages as before" diff "$scratch/state.before" "$scratch/state.removed"
check "remove: the plugin directory as before" \
    diff "$scratch/pmds.before" <(ls -l --time-style=+ "$pmd")

apt-get install -y "$deb2" > "$scratch/apt4.log" 2>&1 &&
    apt-get purge -y $PKG > "$scratch/apt5.log" 2>&1
check "purge: installed again, then apt-get purge $PKG" [ $? = 0 ]
check "purge: dpkg knows no $PKG" bash -c "! dpkg-query -W -f='\${db:Status-Status}' $PKG 2>/dev/null | grep -q ."
check "purge: no diversion left" [ "$(diversions)" = 0 ]
check "purge: no /usr/share/doc/$PKG" [ ! -e /usr/share/doc/$PKG ]
md5sums_ok
check "purge: Debian's files match their .md5sums" [ $? = 0 ]
distro_state > "$scratch/state.purged"
check "purge: every file of Debian's packages as before, byte for byte" \
    diff "$scratch/state.before" "$scratch/state.purged"
check "purge: the plugin directory as before" \
    diff "$scratch/pmds.before" <(ls -l --time-style=+ "$pmd")

# --- 3. autopkgtest, null virt server: it installs the package
dsc=$(ls "$out"/vdev-netvsc_*-1.dsc | head -n 1)
autopkgtest --output-dir "$scratch/autopkgtest" "$deb1" "$dsc" -- null \
    > "$scratch/autopkgtest.log" 2>&1
rc=$?
grep -E '^(PASS|FAIL|SKIP|ok |not ok |1\.\.0|# )|^testpmd +(PASS|FAIL|SKIP)' "$scratch/autopkgtest.log" | sed 's/^/#   /'
[ $rc = 0 ] || tail -n 30 "$scratch/autopkgtest.log"
check "autopkgtest (null): debian/tests/testpmd passes on the installed package (exit $rc)" [ $rc = 0 ]
cp "$scratch/autopkgtest.log" "$out/autopkgtest.log" 2>/dev/null
finish
