#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# apply.sh <DPDK tree> <out dir> <patch>...
# Copies the fail-safe PMD's sources (drivers/net/failsafe) of a DPDK
# release tree into <out dir> and applies our patches to them, in order.
# The patches are made against 26.07; on 21.11 and 22.11 one hunk's
# leading context differs (fs_lock()'s return was not checked there),
# hence --fuzz=3: the lines a hunk changes must still match exactly.

set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 <DPDK tree> <out dir> <patch>..." >&2; exit 2; }
tree=$1 out=$2
shift 2
work=$(mktemp -d "${TMPDIR:-/tmp}/failsafe-apply.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/drivers/net/failsafe" "$out"
cp "$tree"/drivers/net/failsafe/*.[ch] "$work/drivers/net/failsafe/"
for p in "$@"; do
    # the fail-safe PMD's files only: a patch may change its guide too
    if ! awk '/^diff --git / { keep = $3 ~ /^a\/drivers\/net\/failsafe\// }
              !seen_diff && !/^diff --git / { print; next }
              /^diff --git / { seen_diff = 1 }
              keep' "$p" |
         patch -d "$work" -p1 -s -f --fuzz=3 --no-backup-if-mismatch; then
        echo "apply.sh: $(basename "$p") does not apply to $tree" >&2
        exit 1
    fi
done
cp "$work"/drivers/net/failsafe/*.[ch] "$out/"
