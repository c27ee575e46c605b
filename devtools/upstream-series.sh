#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The upstream patch series: our fixes of fail-safe's VF removal path,
# then our driver and guide in place of DPDK's, as small patches against
# a DPDK 26.07 tree, then the proof that it applies and builds patch by
# patch.
#
#   bash devtools/upstream-series.sh [--no-check] DPDK-26.07-TREE-OR-TARBALL [OUTDIR]
#
#  1. A git copy of the tree in .cache/series/<version>-<id>/src (made
#     once; tag "upstream"). The series is made on top of it: first the
#     net/failsafe fixes of failsafe/patches/, applied with git am (their
#     date and message; sent by the series' author, the M: of
#     drivers/net/vdev_netvsc/ in MAINTAINERS, who signs them off and
#     adds himself to the tree's .mailmap in the first one, as DPDK asks
#     of a new contributor), then our driver, committed from this
#     repository's current files with that author, fixed dates and
#     messages (below). The driver's files are those DPDK's tree takes
#     (devtools/intree-driver.py, into <version>-<id>/driver): without
#     vdev_netvsc_compat.h and vdev_netvsc_fault.h, their macros resolved
#     for the tree's release (unifdef), and the run fails when anything
#     of them is left. It is written with git format-patch into OUTDIR
#     (default .cache/series/patches), with a cover letter
#     (0000-cover-letter.patch: doc/upstream/cover_letter.txt, its first
#     line the subject): the same files give the same patches, byte for
#     byte. Each intermediate meson.build is ours with only the sources
#     present so far; the release-notes entry
#     (doc/upstream/release_notes.rst) goes among the driver entries of the
#     tree's newest doc/guides/rel_notes/release_*.rst.
#  2. The check: the copy reset to upstream, then for each patch, git am,
#     an incremental build of the minimal DPDK of devtools/release-matrix.sh
#     (devtools/lib.sh: bus/pci, bus/vdev, mempool/ring, net/null,
#     net/tap, net/failsafe, net/vdev_netvsc, dpdk-testpmd; the first
#     build takes minutes, it is kept in
#     .cache/series/<version>-<id>/build), with no warning in the build
#     steps of our driver and of fail-safe, and the tree's
#     devtools/checkpatches.sh (the kernel's checkpatch.pl and codespell's
#     dictionary, as devtools/dpdk-checks.sh finds them) with no finding.
#     Then, on the whole series, the tree's devtools/check-git-log.sh
#     (subjects, bodies, tags, .mailmap) with no finding.
#     The copy has no history, so neither can look up the commits that
#     the fail-safe fixes' Fixes: tags name: with DPDK_GIT_DIR (the .git
#     of a DPDK clone with its history and tags) they are looked up there
#     (hash and title), else checkpatch's UNKNOWN_COMMIT_ID and
#     check-git-log's "Wrong 'Fixes' reference" are ignored.
#
# One line per patch (am, build, warnings, checkpatch findings) and one
# for the commit messages, then "upstream-series: N passed, N failed,
# N skipped" (one per patch, one for the commit messages, skipped when
# the tree has no check-git-log.sh or the series does not apply). Exit
# status 0 when nothing failed, 1 otherwise, 77 when it cannot run (no
# tree given, no meson/ninja/git/unifdef).
#
# --no-check: step 1 only.
# Environment: SERIES_CACHE (default .cache/series), JOBS (build jobs,
# default 2), DPDK_CHECKPATCH_PATH, DPDK_CHECKPATCH_CODESPELL,
# DPDK_GIT_DIR.

set -uo pipefail
export LC_ALL=C
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$top/devtools/lib.sh"
cache=${SERIES_CACHE:-$top/.cache/series}
jobs=${JOBS:-2}
check=1 args=()
for a in "$@"; do
    case $a in
    -h|--help) sed -n '3,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;;
    --no-check) check=0 ;;
    *) args+=("$a") ;;
    esac
done
in=${args[0]:-}
outdir=${args[1]:-$cache/patches}
log() { printf 'upstream-series: %s\n' "$*"; }
[ -n "$in" ] || { log "SKIP: no DPDK 26.07 tree or tarball given"; exit 77; }
case $in in /*) ;; *) in=$PWD/$in ;; esac
case $outdir in /*) ;; *) outdir=$PWD/$outdir ;; esac
for t in git meson ninja python3; do
    command -v $t >/dev/null || { log "SKIP: $t is needed (devtools/setup.sh)"; exit 77; }
done
mkdir -p "$cache" || exit 1

# who sends the series: the driver's maintainer in MAINTAINERS, so that
# the same files give the same patches, whoever made the last commit
ident=$(awk -v RS= '/\nF: drivers\/net\/vdev_netvsc\// { print }' "$top/MAINTAINERS" |
    sed -n 's/^M: \(.* <.*@.*>\)$/\1/p' | head -n 1)
[ -n "$ident" ] || { log "MAINTAINERS: no M: line for drivers/net/vdev_netvsc/"; exit 1; }
name=${ident% <*} email=${ident##*<} email=${email%>}
signoff="Signed-off-by: $ident"
export GIT_AUTHOR_DATE='2026-01-01T00:00:00Z' GIT_COMMITTER_DATE='2026-01-01T00:00:00Z'
git_in() { git -C "$src" -c user.name="$name" -c user.email="$email" \
    -c core.autocrlf=false -c commit.gpgsign=false -c am.threeWay=false "$@"; }

# ---------------------------------------------------------------------------
# the tree: a git copy with upstream tagged (devtools/lib.sh), in our own
# cache

release_dir "$in" devtools/checkpatches.sh git || exit 1
ver=$(cat "$src/VERSION")
case $ver in 26.07*) ;; *) log "note: DPDK $ver, the series is meant for 26.07" ;; esac
drv=drivers/net/vdev_netvsc
# our driver as DPDK's tree takes it: no vdev_netvsc_compat.h (one
# release there), no vdev_netvsc_fault.h (no test hook), their macros
# resolved for the tree's release (devtools/intree-driver.py)
command -v unifdef > /dev/null || { log "SKIP: unifdef is needed (devtools/setup.sh)"; exit 77; }
ours=$dir/driver
python3 "$top/devtools/intree-driver.py" "$src" "$top/$drv" "$ours" | sed 's/^intree-driver: /upstream-series: /' &&
    [ "${PIPESTATUS[0]}" = 0 ] || { log "cannot make the driver's files for DPDK $ver"; exit 1; }
# our fail-safe fixes, first in the series, in order
fs_patches=("$top"/failsafe/patches/*.patch)
[ -f "${fs_patches[0]}" ] || { log "no failsafe/patches/*.patch"; exit 1; }

# ---------------------------------------------------------------------------
# 1. the series

# meson.build with only the sources among "$@". Upstream's vdev_netvsc.c
# stays until the patch that replaces it, and with it (upstream_c=1) the
# compiler flags of upstream's meson.build that it needs (no -Wvla ...).
upstream_c=1
put_meson() {
    local keep=" $* "
    {
    awk -v keep="$keep" '
        /^sources = files\(/ { inlist = 1; print; next }
        inlist && /^\)/ { inlist = 0 }
        inlist {
            f = $0; gsub(/[ ,\x27]/, "", f)
            if (index(keep, " " f " ") == 0) next
        }
        { print }' "$ours/meson.build"
    if [ $upstream_c = 1 ]; then
        git_in show "upstream:$drv/meson.build" | sed '1,/^sources = /d'
    fi
    } > "$src/$drv/meson.build"
}

# our identity, in its place in the tree's .mailmap (the tree's own tool
# when it has one, which keeps the order its check wants)
add_mailmap() {
    if [ -f "$src/devtools/mailmap-ctl.py" ]; then
        python3 "$src/devtools/mailmap-ctl.py" --mailmap "$src/.mailmap" add "$ident"
    else
        python3 - "$src/.mailmap" "$ident" <<'PY'
import sys
path, new = sys.argv[1], sys.argv[2] + "\n"
lines = open(path).readlines()
at = next((i for i, l in enumerate(lines) if l.lower() > new.lower()), len(lines))
open(path, "w").writelines(lines[:at] + [new] + lines[at:])
PY
    fi || { log "cannot add $ident to .mailmap"; return 1; }
}

# put FILE... from our driver into the tree
put() { local f; for f in "$@"; do cp "$ours/$f" "$src/$drv/$f"; done; }

# commit MESSAGE (subject, blank line, body) with our sign-off
commit() {
    git_in add -A "$drv" doc >/dev/null &&
    printf '%s\n\n%s\n' "$1" "$signoff" | git_in commit -q -F - ||
        { log "cannot commit: ${1%%$'\n'*}"; exit 1; }
}

# the newest release notes of the tree, with our entry at the end of the
# driver updates in "New Features" (before the first entry that sorts
# after "Updated Microsoft vdev_netvsc" among the Updated/Added driver
# entries, else before "Removed Items")
put_release_notes() {
    local notes
    notes=$(ls "$src"/doc/guides/rel_notes/release_[0-9]*_[0-9]*.rst | sort -V | tail -n 1)
    python3 - "$notes" "$top/doc/upstream/release_notes.rst" <<'PY'
import re, sys
path, entry = sys.argv[1], open(sys.argv[2]).read().rstrip("\n") + "\n"
lines = open(path).read().split("\n")
start = next(i for i, l in enumerate(lines) if l == "New Features")
end = next(i for i in range(start + 2, len(lines))
           if i + 1 < len(lines) and re.fullmatch(r"-+", lines[i + 1]) and lines[i])
at = end
for i in range(start, end):
    m = re.match(r"\* \*\*Updated (.*) (ethernet |net )?driver", lines[i])
    if m and m.group(1).lower() > "microsoft vdev_netvsc":
        at = i
        break
if at == end:               # before the blank lines that end the section
    while lines[at - 1] == "":
        at -= 1
    lines[at:at] = [""] + entry.split("\n")[:-1]
else:
    lines[at:at] = entry.split("\n")[:-1] + [""]
open(path, "w").write("\n".join(lines))
PY
}

make_series() {
    local p author sender msg first=1
    git_in reset -q --hard upstream && git_in clean -q -fdx || exit 1
    for p in "${fs_patches[@]}"; do
        git_in am -q "$p" > "$dir/am.log" 2>&1 ||
            { sed 's/^/  | /' "$dir/am.log" | head -20; git_in am --abort > /dev/null 2>&1
              log "failsafe/patches/${p##*/} does not apply to DPDK $ver"; exit 1; }
        # failsafe/patches are this repository's work: sent by the series'
        # author (his sign-off in place of theirs), unless theirs is a
        # known DPDK contributor; their date and message stay
        author=$(git_in log -1 --format='%an <%ae>') sender=$author
        msg=$(git_in log -1 --format=%B)
        if [ "$author" != "$ident" ] && ! grep -qxF "$author" "$src/.mailmap" 2>/dev/null; then
            sender=$ident
            msg=${msg//"Signed-off-by: $author"/"$signoff"}
        fi
        # a new contributor adds himself to .mailmap in his first patch
        if [ $first = 1 ] && [ -f "$src/.mailmap" ] && ! grep -qxF "$ident" "$src/.mailmap"; then
            add_mailmap || exit 1
        fi
        first=0
        if [ "$sender" != "$author" ] || [ -n "$(git_in status --porcelain)" ]; then
            git_in add -A .mailmap &&
            printf '%s\n' "$msg" | git_in commit -q --amend --author="$sender" -F - ||
                { log "cannot commit failsafe/patches/${p##*/} as $sender"; exit 1; }
        fi
    done
    upstream_c=1
    put vdev_netvsc_private.h
    put_meson vdev_netvsc.c
    commit "net/vdev_netvsc: add private header and libnl dependency

The reworked driver is split into small files, one concern each, that
share the types and functions of vdev_netvsc_private.h.

The driver learns about interfaces and routes from netlink through
libnl-route-3; without it the driver is not built, like other drivers
with an external dependency. Upstream's vdev_netvsc.c is still the
only source file, with its compiler flags, until the patch that
replaces it."

    put vdev_netvsc_sysfs.c
    put_meson vdev_netvsc.c vdev_netvsc_sysfs.c
    commit "net/vdev_netvsc: find NetVSC and PCI netdevices in sysfs

Reading the class_id of every netdevice costs one open per netdevice of
the system. The VMBus and PCI device trees in sysfs list the few
netdevices that matter: the NetVSC interfaces, and the PCI netdevices
that may be their VFs; the upper_ links give a VF's master as well."

    put vdev_netvsc_nl.c
    put_meson vdev_netvsc.c vdev_netvsc_sysfs.c vdev_netvsc_nl.c
    commit "net/vdev_netvsc: add Netlink link and address queries

Link attributes (name, MAC address, master, state) and addresses come
from rtnetlink through libnl-route-3. The address dump is read to its
end and filtered by the kernel where it can, so that an interface with
many addresses, or a system with many interfaces, is not misread; an
IPv6 link-local address does not make an interface routed. A separate
socket subscribed to link events lets the driver react to a VF instead
of polling for it."

    put vdev_netvsc_snapshot.c
    put_meson vdev_netvsc.c vdev_netvsc_sysfs.c vdev_netvsc_nl.c vdev_netvsc_snapshot.c
    commit "net/vdev_netvsc: add a snapshot of the candidate netdevices

One pass over sysfs and netlink gives the NetVSC interfaces and PCI
netdevices with their links, and whether each NetVSC carries routes.
Selection and VF pairing then work on this snapshot, and the link
monitor keeps it up to date from events instead of rescanning."

    put vdev_netvsc_args.c
    put_meson vdev_netvsc.c vdev_netvsc_sysfs.c vdev_netvsc_nl.c vdev_netvsc_snapshot.c \
        vdev_netvsc_args.c
    commit "net/vdev_netvsc: parse device arguments with kvargs

iface= and mac= may now repeat and mix, and hotplug_poll is passed on
to fail-safe. Bad arguments, unknown keys and duplicate flags fail the
probe with a message that names them, instead of a probe that returns
0 and leaves the mistake unnoticed."

    put vdev_netvsc_select.c
    put_meson vdev_netvsc.c vdev_netvsc_sysfs.c vdev_netvsc_nl.c vdev_netvsc_snapshot.c \
        vdev_netvsc_args.c vdev_netvsc_select.c
    commit "net/vdev_netvsc: select interfaces and pair VFs

Named interfaces are taken even when routed, with a warning; otherwise
every unrouted NetVSC interface is. The VF enslaved to a NetVSC is
preferred; a PCI netdevice with the same MAC address is taken only
when it has no master, so that a device enslaved elsewhere is not
taken by mistake. A MANA VF is named with its MAC address as well, to
attach the right port of the shared PCI device."

    put vdev_netvsc_context.c vdev_netvsc_failsafe.c
    put_meson vdev_netvsc.c vdev_netvsc_sysfs.c vdev_netvsc_nl.c vdev_netvsc_snapshot.c \
        vdev_netvsc_args.c vdev_netvsc_select.c vdev_netvsc_context.c vdev_netvsc_failsafe.c
    commit "net/vdev_netvsc: create a fail-safe port per interface

Each port gets the NetVSC's MAC address from the start, so that a port
created while no sub-device can be probed does not get a random one.
The pipe to fail-safe holds the current VF only, is empty while there
is none, and is written only when something changed: a VF that comes
back at another PCI address is attached again instead of fail-safe
retrying a stale line for ever. Ports are removed through the public
device API only. The first port checks that its fail-safe carries the
fixes of its VF removal path, and warns when it does not."

    put vdev_netvsc.c vdev_netvsc_monitor.c
    upstream_c=0
    put_meson vdev_netvsc.c vdev_netvsc_sysfs.c vdev_netvsc_nl.c vdev_netvsc_snapshot.c \
        vdev_netvsc_args.c vdev_netvsc_select.c vdev_netvsc_context.c vdev_netvsc_failsafe.c \
        vdev_netvsc_monitor.c
    commit "net/vdev_netvsc: probe from snapshot and follow link events

The probe takes a snapshot, selects interfaces and creates their ports;
link events from netlink, read on an interrupt handler, then keep the
snapshot and the ports' VFs up to date. This replaces the alarm that
rescanned every netdevice of the system once per second for as long as
the process runs: an idle process costs nothing, and a new VF is seen
within milliseconds. A socket overrun triggers a fresh snapshot rather
than a missed VF."

    put vdev_netvsc_telemetry.c
    cp "$ours/meson.build" "$src/$drv/meson.build"
    commit "net/vdev_netvsc: add telemetry commands

/vdev_netvsc/list gives the fail-safe ports of every instance, and
/vdev_netvsc/info the state of one port (its NetVSC interface, its VF,
whether fail-safe runs on the VF, the lines written to the pipe, link
events and resyncs), to tell why a VF is or is not used without
turning on debug logs."

    cp "$top/doc/guides/nics/vdev_netvsc.rst" "$src/doc/guides/nics/"
    local f
    for f in "$top"/doc/guides/nics/img/*vdev_netvsc*; do
        [ -f "$f" ] && cp "$f" "$src/doc/guides/nics/img/"
    done
    commit "net/vdev_netvsc: update the guide

Describe how interfaces and VFs are chosen, every device argument, the
pipe to fail-safe, hot-plug, removal, kernel requirements and
limitations of the reworked driver, and how it differs from the
previous one."

    put_release_notes
    commit "net/vdev_netvsc: announce the rework in release notes

The driver changes how it finds VFs and what fail-safe sees; users
upgrading should know."

    [ -z "$(git_in status --porcelain)" ] || { log "series left files uncommitted"; exit 1; }
    # the series' end must be our files for this release exactly
    diff -r "$ours" "$src/$drv" > /dev/null ||
        { log "the series does not end with our driver"; exit 1; }
    rm -rf "$outdir"
    mkdir -p "$outdir"
    git_in format-patch -q --no-signature --find-renames --cover-letter -o "$outdir" \
        upstream..HEAD || { log "git format-patch failed"; exit 1; }
    # the cover letter's subject and text
    python3 - "$outdir/0000-cover-letter.patch" "$top/doc/upstream/cover_letter.txt" <<'PY' ||
import sys
path, text = sys.argv[1], open(sys.argv[2]).read().strip("\n").split("\n")
letter = open(path).read()
assert "*** SUBJECT HERE ***" in letter and "*** BLURB HERE ***" in letter
letter = letter.replace("*** SUBJECT HERE ***", text[0], 1)
letter = letter.replace("*** BLURB HERE ***", "\n".join(text[1:]).strip("\n"), 1)
open(path, "w").write(letter)
PY
        { log "cannot write the cover letter"; exit 1; }
    git_in reset -q --hard upstream
}

t0=$SECONDS
make_series
mapfile -t patches < <(ls "$outdir"/*.patch | grep -v '/0000-cover-letter\.patch$')
log "${#patches[@]} patches and a cover letter in $outdir"
[ $check = 1 ] || exit 0

# ---------------------------------------------------------------------------
# 2. the check: apply, build, checkpatches.sh, patch by patch

kernel_checkpatch "$top"       # devtools/lib.sh
cp_ok=1
[ -n "$checkpatch" ] && [ -n "$codespell" ] ||
    { cp_ok=0; log "no checkpatch.pl or codespell dictionary: checkpatch column FAIL (devtools/setup.sh)"; }
# the commits of Fixes: tags, in DPDK's history when given (devtools/lib.sh)
fixes_lookup || exit 1
log "commits of Fixes: tags $fixes_how"

# the minimal DPDK of devtools/release-matrix.sh (devtools/lib.sh),
# without installing
bld=$dir/build
minimal_dpdk_options "$src"
opts=("${dpdk_opts[@]}")

git_in reset -q --hard upstream && git_in clean -q -fdx
if [ ! -f "$bld/build.ninja" ] || [ "$(cat "$bld/.vn-options" 2>/dev/null)" != "${opts[*]}" ]; then
    rm -rf "$bld"
    log "meson setup, and the first build of DPDK $ver (minutes)"
    meson setup "${opts[@]}" "$bld" "$src" > "$dir/setup.log" 2>&1 ||
        { tail -30 "$dir/setup.log"; log "FAIL: meson setup (log: $dir/setup.log)"; exit 1; }
    echo "${opts[*]}" > "$bld/.vn-options"
fi
# upstream as it is, so that each patch's build is incremental
ninja -C "$bld" -j"$jobs" > "$dir/build-upstream.log" 2>&1 ||
    { grep -E -A8 'FAILED|error' "$dir/build-upstream.log" | head -40
      log "FAIL: DPDK $ver itself does not build (log: $dir/build-upstream.log)"; exit 1; }

# DPDK's devtools/check-git-log.sh on the series' commits, the tree at the
# series' end (its .mailmap). Our copy has no history, so the commits
# that Fixes: tags name are not in it: with DPDK_GIT_DIR, the copy's
# "upstream" commit is grafted, for this check only, onto the release's
# commit there (its objects borrowed, not copied); without it, the finding
# "Wrong 'Fixes' reference" is ignored, as checkpatch's UNKNOWN_COMMIT_ID
# is. Sets gitlog (findings) and gitlog_how.
gitlog_check() {
    local out=$dir/check-git-log.txt ignore="Wrong 'Fixes' reference:" base= rc up counts
    local genv=()
    gitlog_how="Fixes: references not looked up (no DPDK_GIT_DIR)"
    if [ -n "${DPDK_GIT_DIR:-}" ]; then
        base=$(git --git-dir="$DPDK_GIT_DIR" rev-parse -q --verify "v${ver%.0}^{commit}") ||
            { log "DPDK_GIT_DIR=$DPDK_GIT_DIR has no tag v${ver%.0}"; gitlog=1; return; }
        up=$(git_in rev-parse 'upstream^{commit}')
        genv=(GIT_ALTERNATE_OBJECT_DIRECTORIES="$DPDK_GIT_DIR/objects" GIT_REPLACE_REF_BASE=refs/vn-graft/)
        env "${genv[@]}" git -C "$src" replace -f --graft "$up" "$base" ||
            { log "cannot graft the copy onto v${ver%.0} of $DPDK_GIT_DIR"; gitlog=1; return; }
        ignore=
        gitlog_how="Fixes: references looked up in $DPDK_GIT_DIR"
    fi
    (cd "$src" && env "${genv[@]}" sh devtools/check-git-log.sh -r upstream..HEAD) > "$out" 2>&1
    rc=$?
    [ -z "$base" ] || git -C "$src" update-ref -d "refs/vn-graft/$up"
    # its findings: the indented lines under each heading
    counts=$(awk -v ign="$ignore" '
        /^\t/ { if (skip) i++; else n++; next }
        /^$|^Invalid patch|^[0-9]+\/[0-9]+ valid patch/ { next }
        { skip = (ign != "" && index($0, ign) == 1) }
        END { print n + 0, i + 0 }' "$out")
    gitlog=${counts% *}
    [ "${counts#* }" = 0 ] || gitlog_how="$gitlog_how: ${counts#* } ignored"
    # a failure with nothing to show is a failure still
    [ $rc = 0 ] || [ "$gitlog" != 0 ] || [ "${counts#* }" != 0 ] || gitlog=1
    [ "$gitlog" = 0 ] || awk -v ign="$ignore" '/^[^\t]/ { skip = (ign != "" && index($0, ign) == 1) }
        !skip' "$out" | head -40
}

passed=0 failed=0 skipped=0 applied=0 rows=()
fmt='%-68s %-4s %-5s %-8s %-10s %s'
for p in "${patches[@]}"; do
    n=${p##*/}
    pt0=$SECONDS am=FAIL build=- warn=- cpf=- status=FAIL
    if git_in am -q "$p" > "$dir/am.log" 2>&1; then
        am=ok applied=$((applied + 1))
        if ninja -C "$bld" -j"$jobs" > "$dir/build-$n.log" 2>&1; then
            build=ok
            warn=$(awk '/^\[[0-9]+\/[0-9]+\] / { ours = /vdev_netvsc|failsafe/ }
                ours && /warning:/ { n++ } END { print n + 0 }' "$dir/build-$n.log")
            [ "$warn" = 0 ] || grep -A6 'warning:' "$dir/build-$n.log" | head -30
        else
            build=FAIL
            grep -E -B2 -A8 'error|FAILED' "$dir/build-$n.log" | head -40
        fi
    else
        sed 's/^/  | /' "$dir/am.log" | head -20
        git_in am --abort > /dev/null 2>&1
    fi
    if [ $cp_ok = 1 ]; then
        (cd "$src" && env "${fixes_env[@]}" DPDK_CHECKPATCH_PATH="$checkpatch" \
            DPDK_CHECKPATCH_CODESPELL="$codespell" \
            sh devtools/checkpatches.sh "$p") > "$dir/checkpatch-$n.txt" 2>&1
        rc=$?
        cpf=$(grep -cE '^(ERROR|WARNING|CHECK):|^Warning in ' "$dir/checkpatch-$n.txt")
        [ $rc = 0 ] || [ "$cpf" != 0 ] || cpf=1
        [ "$cpf" = 0 ] || grep -E -A4 '^(ERROR|WARNING|CHECK):|^Warning in ' "$dir/checkpatch-$n.txt" | head -30
    fi
    if [ $am = ok ] && [ $build = ok ] && [ "$warn" = 0 ] && [ "$cpf" = 0 ]; then
        status=PASS passed=$((passed + 1))
    else
        failed=$((failed + 1))
    fi
    rows+=("$(printf "$fmt" "$n" "$am" "$build" "$warn" "$cpf" "$status $((SECONDS - pt0))s")")
    log "$n: $status"
    [ $am = ok ] || break       # the rest cannot apply
done
patches_passed=$passed
gitlog=- gitlog_how= gitlog_status=SKIP
if [ ! -f "$src/devtools/check-git-log.sh" ]; then
    gitlog_how="DPDK $ver has no devtools/check-git-log.sh"
elif [ $applied != ${#patches[@]} ]; then
    gitlog_how="not run: the series does not apply"
else
    gitlog_check
    if [ "$gitlog" = 0 ]; then gitlog_status=PASS; else gitlog_status=FAIL; fi
fi
log "commit messages (check-git-log.sh): $gitlog_status"
# the copy goes back to upstream: the next run builds from there
git_in reset -q --hard upstream

{
    echo
    # shellcheck disable=SC2059
    printf "$fmt\n" "patch (DPDK $ver)" am build warnings checkpatch result
    printf '%s\n' "${rows[@]}"
    printf "$fmt\n" "commit messages: devtools/check-git-log.sh" - - - "$gitlog" "$gitlog_status"
    echo
    echo "am: git am on the tree with the patches before; build: ninja of the minimal"
    echo "DPDK; warnings: in the build steps of our driver and fail-safe; checkpatch:"
    echo "findings of the tree's devtools/checkpatches.sh (commits of Fixes: tags"
    echo "$fixes_how)."
    echo "Commit messages: findings of the tree's devtools/check-git-log.sh on the"
    echo "series ($gitlog_how)."
    echo "Patches and cover letter in $outdir."
} | tee "$cache/series.txt"
log "done in $((SECONDS - t0)) s"
failed=$((${#patches[@]} - patches_passed))     # those after a patch that did not apply too
case $gitlog_status in
PASS) passed=$((passed + 1)) ;;
FAIL) failed=$((failed + 1)) ;;
*) skipped=$((skipped + 1)) ;;
esac
echo "upstream-series: $passed passed, $failed failed, $skipped skipped"
[ $failed = 0 ] || exit 1
exit 0
