# SPDX-License-Identifier: BSD-3-Clause
# Copyright 2026 The vdev_netvsc authors
#
# Functions the devtools scripts share; sourced, defines nothing else.
# Callers define log() (and git_in() for release_dir's "git" form).

# world_writable_ancestor DIR: the tests' own check (EAL refuses plugins
# below a world-writable directory), with the rest of their plugin sandbox
# shellcheck source=../app/test/sandbox.sh
source "$(dirname "${BASH_SOURCE[0]}")/../app/test/sandbox.sh"

# build_dir TOP KIND DEFAULT: where builds of the tree TOP whose plugins
# EAL must load go: DEFAULT, or, when TOP lies below a world-writable
# directory, ~/.cache/vn-pmd-KIND-<hash of TOP> (made with mode 0755, and
# said on stderr)
build_dir() {
    local ww d
    ww=$(world_writable_ancestor "$1")
    if [ -z "$ww" ]; then
        echo "$3"
        return
    fi
    d=${XDG_CACHE_HOME:-$HOME/.cache}/vn-pmd-$2-$(printf '%s' "$1" | md5sum | cut -c1-8)
    mkdir -p "$d" && chmod 0755 "$d"
    echo "$ww is world-writable and EAL refuses plugins below it: building in $d" >&2
    echo "$d"
}

# kernel_checkpatch TOP: sets checkpatch to the kernel's checkpatch.pl
# ($DPDK_CHECKPATCH_PATH, or scripts/checkpatch.pl with its spelling.txt
# and const_structs.checkpatch unpacked once from Debian's linux-source
# into TOP/.cache/checkpatch), or to nothing; and codespell to codespell's
# dictionary ($DPDK_CHECKPATCH_CODESPELL, or Debian's codespell's), or to
# nothing. DPDK's checkpatches.sh needs both.
kernel_checkpatch() {
    local ksrc
    checkpatch=${DPDK_CHECKPATCH_PATH:-$1/.cache/checkpatch/checkpatch.pl}
    if [ -z "${DPDK_CHECKPATCH_PATH:-}" ] && [ ! -x "$checkpatch" ]; then
        ksrc=$(ls -1 /usr/src/linux-source-*.tar.* 2>/dev/null | sort -V | tail -n 1)
        if [ -n "$ksrc" ]; then
            log "unpacking scripts/checkpatch.pl from $ksrc"
            mkdir -p "$1/.cache/checkpatch"
            tar -xf "$ksrc" -C "$1/.cache/checkpatch" --strip-components=2 --wildcards \
                '*/scripts/checkpatch.pl' '*/scripts/spelling.txt' \
                '*/scripts/const_structs.checkpatch' || rm -f "$checkpatch"
        fi
    fi
    [ -x "$checkpatch" ] || checkpatch=
    codespell=${DPDK_CHECKPATCH_CODESPELL:-$(python3 -c 'import codespell_lib, os; print(os.path.join(os.path.dirname(codespell_lib.__file__), "data", "dictionary.txt"))' 2>/dev/null)}
    [ -f "$codespell" ] || codespell=
}

# release_dir INPUT MARKER [git]: a DPDK release, given as a source tree or
# a tarball of one, copied once into the caller's $cache, where later runs
# (and other clones sharing the cache) find it again. Sets dir (the
# release's cache directory, $cache/<VERSION>-<id>) and src ($dir/src).
# The id is the tarball's hash,
# or the tree's path and VERSION; Debian's source package (a tree with
# .debian-version, written by setup.sh) is named by its version alone, so
# that it is the same wherever a clone keeps it. MARKER: a file, relative
# to the top of the tree, that tells a DPDK tree fit for the caller.
# "git": the copy is a git repository (without the input's .git and quilt
# .pc) whose one commit is tagged "upstream".
release_dir() {
    local in=$1 marker=$2 want_git=${3:-} id v tmp d
    if [ -f "$in" ]; then
        id=$(sha256sum "$in" | cut -c1-10)
    elif [ -f "$in/VERSION" ]; then
        in=$(cd "$in" && pwd)
        if [ -f "$in/.debian-version" ]; then
            id=$(cat "$in/VERSION" "$in/.debian-version" | sha256sum | cut -c1-10)
        else
            id=$({ echo "$in"; cat "$in/VERSION"; } | sha256sum | cut -c1-10)
        fi
    else
        log "$in: neither a DPDK source tree nor a tarball"
        return 1
    fi
    for d in "$cache"/*-"$id"; do
        [ -f "$d/src/VERSION" ] || continue
        [ -z "$want_git" ] || git -C "$d/src" rev-parse -q --verify upstream > /dev/null || continue
        dir=$d src=$d/src
        return 0
    done
    tmp=$cache/.new-$id
    rm -rf "$tmp"
    mkdir -p "$tmp/src"
    if [ -f "$in" ]; then
        log "unpacking $in"
        tar -xf "$in" -C "$tmp/src" --strip-components=1 ||
            { rm -rf "$tmp"; log "cannot unpack $in"; return 1; }
    else
        log "copying $in"
        cp -a "$in/." "$tmp/src/" || { rm -rf "$tmp"; return 1; }
        [ -z "$want_git" ] || rm -rf "$tmp/src/.git" "$tmp/src/.pc"
    fi
    [ -f "$tmp/src/VERSION" ] && [ -f "$tmp/src/$marker" ] ||
        { rm -rf "$tmp"; log "$in: not a DPDK source tree"; return 1; }
    src=$tmp/src
    if [ -n "$want_git" ]; then
        { git_in init -q && git_in add -A -f . &&
          git_in commit -q -m "DPDK $(cat "$src/VERSION")" && git_in tag upstream; } ||
            { rm -rf "$tmp"; log "cannot make a git copy of $in"; return 1; }
    fi
    v=$(cat "$tmp/src/VERSION")
    dir=$cache/$v-$id
    rm -rf "$dir"
    mv "$tmp" "$dir"
    src=$dir/src
}

# fixes_lookup: sets fixes_env, the environment under which DPDK's
# checkpatches.sh checks the commits that Fixes: tags name (our fail-safe
# fixes, failsafe/patches), and fixes_how, what it checks. Our copies of
# DPDK trees have no history: with DPDK_GIT_DIR (the .git of a DPDK clone
# with its history) checkpatch.pl looks them up there, hash and title;
# without it, its UNKNOWN_COMMIT_ID finding is ignored.
fixes_lookup() {
    if [ -n "${DPDK_GIT_DIR:-}" ]; then
        git --git-dir="$DPDK_GIT_DIR" rev-parse -q --verify 'v22.11^{commit}' > /dev/null ||
            { log "DPDK_GIT_DIR=$DPDK_GIT_DIR: not a DPDK repository with its tags"; return 1; }
        fixes_env=(GIT_DIR="$DPDK_GIT_DIR")
        fixes_how="looked up in $DPDK_GIT_DIR"
    else
        fixes_env=(DPDK_CHECKPATCH_OPTIONS="${DPDK_CHECKPATCH_OPTIONS:-} --ignore=UNKNOWN_COMMIT_ID")
        fixes_how="not looked up (no DPDK_GIT_DIR: UNKNOWN_COMMIT_ID ignored)"
    fi
}

# minimal_dpdk_options TREE: sets dpdk_opts to the meson options of the
# minimal shared DPDK that devtools/release-matrix.sh and
# devtools/upstream-series.sh build from the DPDK source tree TREE (bus/pci,
# bus/vdev, mempool/ring, net/null, net/tap, net/failsafe, net/vdev_netvsc,
# dpdk-testpmd, only the libraries those need, the driver SDK headers), as
# its meson_options.txt accepts them. Callers key their build caches by
# these strings: a change rebuilds DPDK from scratch.
minimal_dpdk_options() {
    local o=$1/meson_options.txt
    dpdk_opts=(--libdir=lib
        -Ddefault_library=shared -Dbuildtype=release -Dplatform=generic
        -Denable_drivers=bus/pci,bus/vdev,mempool/ring,net/null,net/tap,net/failsafe,net/vdev_netvsc)
    # 21.11 builds every app whose libraries are there
    grep -q "option('enable_apps'" "$o" && dpdk_opts+=(-Denable_apps=test-pmd)
    dpdk_opts+=(-Denable_docs=false -Dtests=false -Dexamples=
        -Dcheck_includes=false -Denable_driver_sdk=true)
    if grep -q "option('enable_libs'" "$o"; then
        # 23.11 and later: the mandatory libraries and net/tap's gso
        dpdk_opts+=(-Denable_libs=gso)
    else
        # 21.11 and 22.11: every library they let go of, except gso (net/tap)
        dpdk_opts+=(-Ddisable_libs=bitratestats,cfgfile,flow_classify,gpudev,gro,jobstats,kni,latencystats,metrics,node,pdump,pipeline,port,power,table,vhost)
    fi
    grep -q "option('enable_kmods'" "$o" && dpdk_opts+=(-Denable_kmods=false)
    return 0
}

# testlog_count JSON LABEL SKIPS FAILS: the results of one meson test run
# (its testlog.json) as "PASSED FAILED SKIPPED" on stdout: OK and
# EXPECTEDFAIL pass, SKIP skips, anything else (FAIL, ERROR, TIMEOUT,
# UNEXPECTEDPASS) fails. Appends "LABEL: test: reason" to SKIPS for each
# skipped test (the reason its TAP skip plan "1..0 # SKIP ..." or its
# "SKIP: ..." line gave) and "LABEL: test: result" to FAILS for each
# failed one; with a fifth argument "sim-root", a sim suite that skipped
# entirely counts as one more failure (as root, nothing end to end ran)
testlog_count() {
    python3 - "$@" <<'PY'
import json, re, sys
path, label, skips, fails = sys.argv[1:5]
sim_root = len(sys.argv) > 5 and sys.argv[5] == "sim-root"
n = {"p": 0, "f": 0, "s": 0}
sim = []
with open(skips, "a") as so, open(fails, "a") as fo:
    for line in open(path):
        if not line.strip():
            continue
        t = json.loads(line)
        r, name = t.get("result"), t.get("name", "")
        short = name.split(" / ")[-1]
        if re.search(r":([a-z_]+\+)*sim(\+[a-z_]+)* / ", name):
            sim.append(r)
        if r in ("OK", "EXPECTEDFAIL"):
            n["p"] += 1
        elif r == "SKIP":
            n["s"] += 1
            why = re.findall(r"^(?:1\.\.0 # SKIP|SKIP:?) *(.*)$", t.get("stdout") or "", re.M)
            so.write("%s: %s: %s\n" % (label, short, why[-1] if why else "no reason given"))
        else:
            n["f"] += 1
            fo.write("%s: %s: %s\n" % (label, short, r))
    if sim_root and sim and all(r == "SKIP" for r in sim):
        n["f"] += 1
        fo.write("%s: every sim test skipped, as root: the simulated guest cannot run here\n" % label)
print(n["p"], n["f"], n["s"])
PY
}
