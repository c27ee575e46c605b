#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Checks of the built plugin that need no DPDK run (meson test suite "build"):
#   check-plugin.sh <librte_net_vdev_netvsc.so> <so major>
# - soname librte_net_vdev_netvsc.so.<major>, linked with libnl-route-3;
# - DPDK's version script applied: no symbol exported but the version node;
# - the pmdinfo strings (pmdinfogen) name net_vdev_netvsc with its params,
#   as dpdk-pmdinfo.py (Debian's dpdk package) shows them.

set -uo pipefail
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH
so=$1 major=$2
fail=0
bad() { echo "FAIL: $*"; fail=1; }
ok() { echo "ok: $*"; }

dyn=$(readelf -d "$so") || { echo "FAIL: readelf $so"; exit 1; }
soname=$(sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p' <<<"$dyn")
[ "$soname" = "librte_net_vdev_netvsc.so.$major" ] && ok "soname $soname" ||
    bad "soname is '$soname', want librte_net_vdev_netvsc.so.$major"
grep -q 'NEEDED.*\[libnl-route-3\.so' <<<"$dyn" && ok "linked with libnl-route-3" ||
    bad "not linked with libnl-route-3"

exported=$(nm -D --defined-only "$so" | awk '$2 != "A" { print $3 }')
[ -z "$exported" ] && ok "no exported symbols" ||
    bad "exported symbols (version script not applied?): $(echo $exported)"

info=$(dpdk-pmdinfo.py "$so") || { bad "dpdk-pmdinfo.py failed"; info='[]'; }
echo "$info"
python3 - "$info" <<'PY' || fail=1
import json, sys
drivers = {d.get("name"): d for d in json.loads(sys.argv[1])}
d = drivers.get("net_vdev_netvsc")
if d is None:
    print("FAIL: pmdinfo has no driver net_vdev_netvsc (RTE_PMD_REGISTER_VDEV + pmdinfogen)")
    sys.exit(1)
print("ok: pmdinfo names net_vdev_netvsc")
if not d.get("params"):
    print("FAIL: pmdinfo has no params string (RTE_PMD_REGISTER_PARAM_STRING)")
    sys.exit(1)
print("ok: params " + d["params"])
PY
exit $fail
