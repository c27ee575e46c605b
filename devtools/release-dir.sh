# SPDX-License-Identifier: BSD-3-Clause
# Copyright 2026 The vdev_netvsc authors
#
# Sourced by release-matrix.sh, dpdk-checks.sh and upstream-series.sh: a
# DPDK release, given as a source tree or a tarball of one, copied once
# into the caller's $cache, where later runs (and other clones sharing the
# cache) find it again. The caller defines log(), and git_in() (git in
# $src) for the "git" form.

# release_dir INPUT MARKER [git]: sets dir (the release's cache directory,
# $cache/<VERSION>-<id>) and src ($dir/src). The id is the tarball's hash,
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
