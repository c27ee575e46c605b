#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright 2026 The vdev_netvsc authors
"""Turn the benchmark's raw samples into the table, results.csv and the
data files plot.gp draws.

    report.py DIR               (DIR holds samples.csv and meta.txt; bench.sh
                                 runs it)
    report.py DIR --markdown FILE
                                also write the results block of
                                app/test/bench/README.md, markers included,
                                to FILE (devtools/benchmark.sh --update-doc
                                puts it in place of the README's)
    report.py --p6 DIR          only P6 (DIR/p6.csv, p6-meta.csv: servicing.sh)
    report.py --p7 DIR          only P7 (the p7 samples: datapath.sh)

Prints the table: metric, ours, upstream, ratio ours/upstream, target, met?
then P7 (data path, ratios to the bare VF) and P6 (servicing loss) when
measured. Exit status: 0 when every target of ours is met, 2 when one is
missed, 1 when there is nothing to report.
"""

import csv
import math
import os
import statistics
import sys
import textwrap

ARGS = sys.argv[1:]
ONLY = ARGS.pop(0)[2:] if ARGS and ARGS[0] in ("--p6", "--p7") else None
D = ARGS[0] if ARGS else "."
MARKDOWN = ARGS[2] if len(ARGS) == 3 and ARGS[1] == "--markdown" else None
if len(ARGS) > 1 and (ONLY or MARKDOWN is None):
    sys.exit("report.py: unexpected arguments %s (usage: report.py DIR"
             " [--markdown FILE] | --p6 DIR | --p7 DIR)" % " ".join(ARGS[1:]))
# the lines around the results block of app/test/bench/README.md
# (devtools/benchmark.sh finds them by "<!-- results: begin" and "end")
MD_BEGIN = ("<!-- results: begin, filled by devtools/benchmark.sh;"
            " do not edit by hand -->")
MD_END = "<!-- results: end -->"
DRIVERS = ("ours", "upstream")


def load():
    data = {}
    if not os.path.exists(os.path.join(D, "samples.csv")):
        return data
    with open(os.path.join(D, "samples.csv")) as f:
        for r in csv.DictReader(f):
            key = (r["phase"], r["driver"], r["param"])
            data.setdefault(key, []).append((int(r["rep"]), float(r["value"])))
    return data


DATA = load()


def load_meta():
    meta = {}
    try:
        for line in open(os.path.join(D, "meta.txt")):
            k, _, v = line.strip().partition(" ")
            meta.setdefault(k, v)
    except OSError:
        pass
    return meta


META = load_meta()
# the netdevices in the guests of P2, P3 and P4 (bench.sh's BENCH_P2_SIZE)
P2_N = int(META.get("p2_size", "1000"))


def values(phase, driver, param):
    return [v for _, v in DATA.get((phase, driver, param), [])]


def median(x):
    return statistics.median(x) if x else None


def pct(x, p):
    """Nearest-rank percentile."""
    if not x:
        return None
    s = sorted(x)
    k = max(1, math.ceil(p / 100.0 * len(s)))
    return s[k - 1]


def share(phase, driver, param):
    """Per repetition: the driver's process minus its baseline process."""
    tot = dict(DATA.get((phase, driver, param), []))
    base = dict(DATA.get((phase, driver + "-base", param), []))
    return [tot[r] - base[r] for r in sorted(tot) if r in base]


ROWS = []
MISSED = []


def fmt(v, unit):
    if v is None:
        return "-"
    if unit == "x":
        return "%.2f" % v
    a = abs(v)
    if a >= 100:
        return "%.0f" % v
    if a >= 10:
        return "%.1f" % v
    if a >= 1:
        return "%.2f" % v
    return "%.3f" % v


def ratio(o, u):
    if o is None or u is None or u == 0:
        return None
    return o / u


def row(metric, unit, o, u, target="", met=None, n=("", ""), rat="auto"):
    r = ratio(o, u) if rat == "auto" else rat
    if met is False:
        MISSED.append(metric)
    ROWS.append({
        "metric": metric, "unit": unit, "ours": o, "upstream": u,
        "ratio": r, "target": target,
        "met": "" if met is None else ("yes" if met else "NO"),
        "n_ours": n[0], "n_upstream": n[1],
    })


def check(cond_parts):
    """All parts must hold; None parts (not measured) make it unknown."""
    if any(c is None for c in cond_parts):
        return None
    return all(cond_parts)


def sizes():
    s = set()
    for (ph, _, param) in DATA:
        if ph == "p1":
            s.add(int(param.split("@")[1]))
    return sorted(s)


def p1_p5():
    ns = sizes()
    lines = []
    for n in ns:
        for variant, what in (("routed", "4 NetVSCs routed, no port"),
                              ("ports", "4 ports created")):
            o = values("p1", "ours", "%s@%d" % (variant, n))
            u = values("p1", "upstream", "%s@%d" % (variant, n))
            mo, mu = median(o), median(u)
            target, met = "", None
            if variant == "routed" and n == max(ns) and n >= 3000:
                target = "ratio <= 0.1"
                r = ratio(mo, mu)
                met = None if r is None else r <= 0.1
            row("P1 probe, %s, %d netdevices" % (what, n), "ms", mo, mu,
                target, met, (len(o), len(u)))
        lines.append((n,
                      median(values("p1", "ours", "routed@%d" % n)),
                      median(values("p1", "upstream", "routed@%d" % n)),
                      median(values("p1", "ours", "ports@%d" % n)),
                      median(values("p1", "upstream", "ports@%d" % n))))
    with open(os.path.join(D, "p1.dat"), "w") as f:
        f.write("# netdevices ours_routed upstream_routed ours_ports upstream_ports (ms, medians)\n")
        for t in lines:
            f.write(" ".join("NaN" if v is None else "%g" % v for v in t) + "\n")
    if len(ns) >= 2:
        lo, hi = ns[0], ns[-1]
        g = {}
        for d in DRIVERS:
            a = median(values("p1", d, "routed@%d" % lo))
            b = median(values("p1", d, "routed@%d" % hi))
            g[d] = ratio(b, a)
        met = None if g["ours"] is None else g["ours"] <= 1.5
        row("P5 probe growth P1@%d / P1@%d (routed)" % (hi, lo), "x",
            g["ours"], g["upstream"], "ours <= 1.5", met)


def p2():
    for nv in (1, 4):
        param = "nv%d" % nv
        for phase, unit, label, absmax in (
                ("p2cpu", "ms/s", "CPU", 0.5), ("p2sys", "1/s", "syscalls", 90)):
            so, su = share(phase, "ours", param), share(phase, "upstream", param)
            if not so and not su:
                continue
            mo, mu = median(so), median(su)
            r = None if mo is None or not mu else max(mo, 0.0) / mu
            parts = [None if r is None else r <= 0.01]
            target = "ratio <= 0.01"
            if nv == 4:
                parts.append(None if mo is None else mo <= absmax)
                target += ", ours <= %g %s" % (absmax, "ms/s" if unit == "ms/s" else "/s")
            row("P2 idle %s, driver share, %d NetVSC%s x %d" %
                (label, nv, "s" if nv > 1 else "", P2_N), unit, mo, mu, target,
                check(parts), (len(so), len(su)), rat=r)
            # totals and baselines, for the record
            for who in ("", "-base"):
                to = median(values(phase, "ours" + who, param))
                tu = median(values(phase, "upstream" + who, param))
                row("  (%s of the %s process)" %
                    (label, "driver's" if who == "" else "baseline"),
                    unit, to, tu)
    with open(os.path.join(D, "p2.dat"), "w") as f:
        f.write("# NetVSCs, medians of the whole process: ours ours-base upstream"
                " upstream-base CPU ms/s, then the same for syscalls/s\n")
        for nv in (1, 4):
            cells = []
            for phase in ("p2cpu", "p2sys"):
                for who in ("ours", "ours-base", "upstream", "upstream-base"):
                    m = median(values(phase, who, "nv%d" % nv))
                    cells.append("NaN" if m is None else "%g" % m)
            f.write("%d %s\n" % (nv, " ".join(cells)))


def cdf(name, x):
    with open(os.path.join(D, name), "w") as f:
        s = sorted(x)
        for i, v in enumerate(s):
            f.write("%g %g\n" % (v, (i + 1) / len(s)))
        if not s:
            f.write("NaN NaN\n")


def p3():
    o = values("p3", "ours", "detect")
    u = values("p3", "upstream", "detect")
    cdf("p3_ours.dat", o)
    cdf("p3_upstream.dat", u)
    if not o and not u:
        return
    for label, fn in (("min", min), ("median", median),
                      ("p99", lambda x: pct(x, 99)), ("max", max)):
        a = fn(o) if o else None
        b = fn(u) if u else None
        target, met = "", None
        if label == "p99":
            target = "ours <= 5 ms"
            met = None if a is None else a <= 5
        row("P3 VF detection latency, %s" % label, "ms", a, b, target, met,
            (len(o), len(u)))


def p4():
    h = {d: values("p4hotplug", d, "pci") for d in DRIVERS}
    if h["ours"] or h["upstream"]:
        row("P4 context: PCI hot-plug of the VF alone (EAL + fake VF PMD), median",
            "ms", median(h["ours"]), median(h["upstream"]), "", None,
            (len(h["ours"]), len(h["upstream"])))
    for hp in (100, 2000):
        o = values("p4", "ours", "hp%d" % hp)
        u = values("p4", "upstream", "hp%d" % hp)
        cdf("p4_ours_%d.dat" % hp, o)
        cdf("p4_upstream_%d.dat" % hp, u)
        if not o and not u:
            continue
        lim = hp / 2.0 + 5
        mo = median(o)
        row("P4 VF attach, hotplug_poll=%d ms, median" % hp, "ms", mo,
            median(u), "ours <= %g ms" % lim,
            None if mo is None else mo <= lim, (len(o), len(u)))
        row("P4 VF attach, hotplug_poll=%d ms, p99" % hp, "ms", pct(o, 99),
            pct(u, 99), "", None, (len(o), len(u)))
        # the driver's part (line in the pipe) and fail-safe's (the rest)
        lines = {}
        rest = {}
        for d in DRIVERS:
            t = dict(DATA.get(("p4", d, "hp%d" % hp), []))
            li = dict(DATA.get(("p4line", d, "hp%d" % hp), []))
            lines[d] = list(li.values())
            rest[d] = [t[r] - li[r] for r in t if r in li]
        row("  (of which: VF -> line in the pipe, median)", "ms",
            median(lines["ours"]), median(lines["upstream"]))
        row("  (of which: line -> VF port, fail-safe, median)", "ms",
            median(rest["ours"]), median(rest["upstream"]))
    # a VF's return to a started port, default settings (bench.sh p4_return)
    for kind, what in (("same", "same address"), ("new", "new address"),
                       ("all", "all")):
        o = values("p4ret", "ours", kind)
        u = values("p4ret", "upstream", kind)
        if not o and not u:
            continue
        row("P4 VF return (%s), median" % what, "ms", median(o), median(u))
        mo = max(o) if o else None
        row("P4 VF return (%s), max" % what, "ms", mo,
            max(u) if u else None,
            "ours <= 50 ms, n >= 20" if kind == "all" else "",
            None if kind != "all" or mo is None else mo <= 50 and len(o) >= 20,
            (len(o), len(u)))


def p4_return_samples():
    """The raw samples of P4 on return, as the issue asks."""
    out = []
    for d in DRIVERS:
        for kind in ("same", "new"):
            v = sorted(DATA.get(("p4ret", d, kind), []))
            if v:
                out.append("P4 return %s, %s address (ms): %s" % (
                    d, kind, " ".join("%.1f" % x for _, x in v)))
    return out


# P7: data path through the fail-safe port against the bare VF port
# (datapath.sh). Per mode and layout: Mpps per core-second of the
# forwarding lcore (the main figure), and the wall-clock Mpps of the same
# windows (the core being shared, for the record).
P7_MODES = ("txonly", "io")
P7_LAYOUTS = (("bare", "bare VF port (no fail-safe, no vdev_netvsc)"),
              ("start-stock", "VF at start, distro's fail-safe"),
              ("start-ours", "VF at start, our fail-safe"),
              ("late-stock", "VF attached after start, distro's fail-safe"),
              ("late-ours", "VF attached after start, our fail-safe"))
P7_TARGET = 0.95


def p7_lines():
    if not any(k[0] == "p7" for k in DATA):
        return []
    cells = {}
    modes = [m for m in P7_MODES if any(k[0] == "p7" and k[2] == m for k in DATA)]
    for m in modes:
        for lay, _ in P7_LAYOUTS:
            c, w = values("p7", lay, m), values("p7wall", lay, m)
            cells[(m, lay)] = (median(c), median(w), len(c),
                               max(c) if c else None)
    out = ["P7 data path: testpmd on one forwarding core (-l 0-1 --nb-cores=1),"
           " the fake VF with FAKE_VF_SINK=1",
           "Mpps per core-second of the forwarding lcore (median of n runs of"
           " %s s), x bare = ratio to the bare VF port," % META.get("p7_seconds", "?"),
           "best = ratio of the fastest runs (the least disturbed), wall ="
           " wall-clock Mpps (the two cores are shared: for the record)"]
    head = "%-46s" % "layout" + "".join(
        "%9s %6s %6s %6s %3s" % (m + " Mpps", "x bare", "best", "wall", "n")
        for m in modes)
    out += [head, "-" * len(head)]
    missed = []
    with open(os.path.join(D, "p7.csv"), "w", newline="") as f:
        cw = csv.writer(f)
        cw.writerow(["mode", "layout", "mpps_core", "ratio_bare", "mpps_best",
                     "ratio_bare_best", "mpps_wall", "ratio_bare_wall", "n"])
        g = lambda v: "" if v is None else "%.4g" % v
        for lay, label in P7_LAYOUTS:
            line = "%-46s" % label
            for m in modes:
                c, w, n, b = cells[(m, lay)]
                bc, bw, _, bb = cells[(m, "bare")]
                r, rw, rb = ratio(c, bc), ratio(w, bw), ratio(b, bb)
                line += "%9s %6s %6s %6s %3s" % (
                    fmt(c, "Mpps"), "-" if r is None or lay == "bare" else "%.3f" % r,
                    "-" if rb is None or lay == "bare" else "%.3f" % rb,
                    fmt(w, "Mpps"), n)
                cw.writerow([m, lay, g(c), g(r), g(b), g(rb), g(w), g(rw), n])
                if lay.endswith("-ours") and (r is None or r < P7_TARGET):
                    missed.append("%s %s %s" % (m, lay, "-" if r is None else "%.3f" % r))
            out.append(line)
    what = "target ours >= %.2f x bare, %s, both layouts" % (P7_TARGET, " and ".join(modes))
    out += p7_alt_lines()
    if missed:
        MISSED.append("P7 ours >= %.2f x bare (%s)" % (P7_TARGET, ", ".join(missed)))
        out.append("%s: NOT met (%s)" % (what, ", ".join(missed)))
    else:
        out.append("%s: met" % what)
    return out


def p7_alt_cells():
    """fs_cost (datapath.sh): {(mode, fs): (median ratio, min, max, n,
    median bare Mpps, median fail-safe Mpps)}"""
    cells = {}
    for m in P7_MODES:
        for fs in ("stock", "ours"):
            r = values("p7alt", fs, m)
            if r:
                cells[(m, fs)] = (median(r), min(r), max(r), len(r),
                                  median(values("p7altbare", fs, m)),
                                  median(values("p7altfs", fs, m)))
    return cells


def p7_alt_lines():
    cells = p7_alt_cells()
    if not cells:
        return []
    out = ["", "P7 in one process (fs_cost): the fail-safe port (VF at start) and a"
           " bare port of the same VF PMD,",
           "bursts alternating in rounds of a few ms; ratio = fail-safe Mpps /"
           " bare Mpps of the same run (median of n runs, min-max)"]
    head = "%-24s %7s %13s %3s %10s %10s" % ("mode, fail-safe", "ratio", "min-max",
                                          "n", "bare Mpps", "fs Mpps")
    out += [head, "-" * len(head)]
    for (m, fs), (r, lo, hi, n, b, f) in sorted(cells.items()):
        out.append("%-24s %7.3f %13s %3d %10s %10s" % (
            "%s, %s" % (m, "distro's" if fs == "stock" else "ours"), r,
            "%.3f-%.3f" % (lo, hi), n, fmt(b, "Mpps"), fmt(f, "Mpps")))
    return out


# P6: servicing loss (servicing.sh: p6.csv, p6-meta.csv)
P6_PHASES = (("present0", "VF present (since the start)"),
             ("removal1", "1st removal (to 2 s after)"), ("away1", "VF away 5 s"),
             ("return1", "return, same PCI address"),
             ("present1", "VF present again"),
             ("removal2", "2nd removal (to 2 s after)"), ("away2", "VF away 5 s"),
             ("return2", "return, new PCI address"),
             ("present2", "VF present again"), ("total", "total"))


def p6_lines():
    path = os.path.join(D, "p6.csv")
    if not os.path.exists(path):
        return []
    rows, meta = {}, {}
    for r in csv.DictReader(open(path)):
        rows[(r["driver"], r["phase"])] = (int(r["sent"]), int(r["lost"]),
                                           int(r["outage_ms"]))
    try:
        for r in csv.DictReader(open(os.path.join(D, "p6-meta.csv"))):
            meta.setdefault((r["driver"], r["key"]), r["value"])
    except OSError:
        pass
    drivers = [d for d in DRIVERS if (d, "total") in rows]

    def cell(d, p):
        s, lost, o = rows.get((d, p), (0, 0, 0))
        return "%d/%d" % (lost, s) + (" (%d ms)" % o if lost else "")
    out = ["P6 servicing loss, VF present at start: lost/sent pings (every %s ms)"
           " and the longest outage;" % meta.get(("all", "rate_ms"), "?"),
           "kernel %s; while the VF is away: %s" % (
               meta.get(("all", "kernel"), "?"), meta.get(("all", "away"), "?")),
           "ours = our driver and fail-safe, upstream = Debian's driver and"
           " fail-safe"]
    head = "%-40s" % "phase" + "".join("%22s" % d for d in drivers)
    out += [head, "-" * len(head)]
    for p, n in P6_PHASES:
        out.append("%-40s" % n + "".join("%22s" % cell(d, p) for d in drivers))
    used = []
    for d in drivers:
        s, lost, _ = rows.get((d, "vf_in_use_after_return"), (2, 2, 0))
        used.append("%d of %d" % (s - lost, s))
    out.append("%-40s" % "VF used again after its return" +
               "".join("%22s" % u for u in used))
    for k, what in ((1, "same"), (2, "new")):
        cells = []
        for d in drivers:
            v = meta.get((d, "back%d_ms" % k), "?")
            cells.append(v + " ms" if v.isdigit() else v)
        out.append("%-40s" % ("VF back (%s PCI address) -> 1st answer" % what) +
                   "".join("%22s" % c for c in cells))
    for d in drivers:
        out.append("%s: testpmd %s" % (d, meta.get((d, "testpmd"), "?")))
        if (d, "fast_path_reset") in meta:
            out.append("%s: fail-safe reset a live port's fast path: %s"
                       % (d, meta[(d, "fast_path_reset")]))
    return out


def find(metric):
    for r in ROWS:
        if r["metric"] == metric:
            return r
    return None


def short_target(t):
    """'ratio <= 0.01, ours <= 90 /s' -> '<= 0.01 x up., <= 90 /s'."""
    parts = []
    for p in filter(None, (x.strip() for x in t.split(","))):
        if p.startswith("ratio "):
            parts.append(p[len("ratio "):] + " x up.")
        elif p.startswith("ours "):
            parts.append(p[len("ours "):])
        else:
            parts.append(p)
    return ", ".join(parts)


def md_cell(v):
    return str(v).replace("|", "\\|")


def md_grid(cells):
    """A Markdown table, its first row the header."""
    out = ["| " + " | ".join(md_cell(c) for c in cells[0]) + " |",
           "| " + " | ".join("---" for _ in cells[0]) + " |"]
    return out + ["| " + " | ".join(md_cell(c) for c in r) + " |"
                  for r in cells[1:]]


def md_wrap(text):
    # no break inside a kernel release such as 6.18.44-fc-v1045
    return textwrap.wrap(text, 74, break_on_hyphens=False,
                         break_long_words=False)


def md_results(meta):
    """The results block of app/test/bench/README.md: the targets, and what
    else explains them."""
    ns = sizes()
    big = max(ns) if ns else 3000
    want = []
    for n in ns:
        want.append(("P1", "discovery, %d netdevs" % n,
                     "P1 probe, 4 NetVSCs routed, no port, %d netdevices" % n))
    want.append(("P1", "4 ports made, %d netdevs" % big,
                 "P1 probe, 4 ports created, %d netdevices" % big))
    for label, m in (("idle CPU, 4 ports", "P2 idle CPU, driver share, 4 NetVSCs"),
                     ("idle syscalls, 4 ports", "P2 idle syscalls, driver share, 4 NetVSCs"),
                     ("idle CPU, 1 port", "P2 idle CPU, driver share, 1 NetVSC"),
                     ("idle syscalls, 1 port", "P2 idle syscalls, driver share, 1 NetVSC")):
        want.append(("P2", label, "%s x %d" % (m, P2_N)))
    want.append(("P3", "detection median", "P3 VF detection latency, median"))
    want.append(("P3", "detection p99", "P3 VF detection latency, p99"))
    for hp in (100, 2000):
        want.append(("P4", "attach median, %d ms" % hp,
                     "P4 VF attach, hotplug_poll=%d ms, median" % hp))
        want.append(("P4", "attach p99, %d ms" % hp,
                     "P4 VF attach, hotplug_poll=%d ms, p99" % hp))
    want.append(("P5", "growth, %d / %d netdevs" % (big, ns[0] if ns else 100),
                 "P5 probe growth P1@%d / P1@%d (routed)" % (big, ns[0] if ns else 100)))
    units = {"ms": " ms", "ms/s": " ms/s", "1/s": " /s", "x": " x"}
    cells = [("Id", "Measure", "Target", "Ours", "Upstream", "Ratio", "Met")]
    for pid, label, metric in want:
        r = find(metric)
        if r is None:
            continue
        u = units.get(r["unit"], "")
        t = short_target(r["target"])
        cells.append((pid, label, t or "-",
                      fmt(r["ours"], r["unit"]) + u,
                      fmt(r["upstream"], r["unit"]) + u,
                      "-" if r["ratio"] is None else "%.3g" % r["ratio"],
                      r["met"] or "-"))
    n = lambda m: (find(m) or {}).get("n_ours", 0)
    out = [MD_BEGIN, "",
           "P1 to P5, %s (medians; ratio = ours / upstream):"
           % meta.get("date", "?")[:10], ""]
    if len(cells) > 1:
        out += md_grid(cells) + [""]
    out += md_wrap(
        "Conditions of the run: DPDK %s (Debian), kernel %s, two cores;"
        " two simulated guests (`app/test/sim/simguest`) made alike, the"
        " fake VF PMD standing in for the VF; syscalls counted with %s."
        " Samples per driver: P1 %s fresh processes per size, P2 %s windows"
        " of 8 s against a baseline process with the same fail-safe ports,"
        " P3 %s, P4 %s (poll 100 ms) and %s (poll 2000 ms) fresh processes."
        " P2 gives the driver's share: its process minus the baseline"
        " process, so values near zero, either side, are noise." % (
            meta.get("dpdk", "?"), meta.get("kernel", "?"),
            meta.get("syscount", "?"),
            n("P1 probe, 4 NetVSCs routed, no port, %d netdevices" % big),
            n("P2 idle CPU, driver share, 4 NetVSCs x %d" % P2_N),
            n("P3 VF detection latency, median"),
            n("P4 VF attach, hotplug_poll=100 ms, median"),
            n("P4 VF attach, hotplug_poll=2000 ms, median"))) + [""]
    # the plot beside the README, where devtools/benchmark.sh --update-doc
    # copies it
    out += md_wrap(
        "![Probe time against netdevices (P1), idle CPU and system calls of"
        " the driver's process and of its fail-safe ports alone (P2), and"
        " the distributions of VF detection (P3) and attach (P4)"
        " latencies](results.png)")
    out += [""] + md_p7() + [MD_END]
    return "\n".join(out) + "\n"


def md_p7():
    """P7 for the README's results block, when measured."""
    modes = [m for m in P7_MODES if any(k[0] == "p7" and k[2] == m for k in DATA)]
    if not modes:
        return []
    short = {"bare": "bare VF", "start-stock": "VF at start, distro's",
             "start-ours": "VF at start, ours",
             "late-stock": "VF attached late, distro's",
             "late-ours": "VF attached late, ours"}
    cells = [("Layout",) + tuple(modes)]
    for lay, _ in P7_LAYOUTS:
        row_ = [short[lay]]
        for m in modes:
            c = median(values("p7", lay, m))
            if lay == "bare":
                row_.append("-" if c is None else fmt(c, "Mpps") + " Mpps")
                continue
            r = ratio(c, median(values("p7", "bare", m)))
            row_.append("-" if r is None else "%.2f" % r)
        cells.append(tuple(row_))
    runs = "; ".join("`%s` %d" % (m, max(len(values("p7", lay, m))
                                         for lay, _ in P7_LAYOUTS))
                     for m in modes)
    huge = {"1": "2 MB hugepages as DPDK applications run",
            "0": "no hugepages (`P7_HUGE=0`)"}.get(META.get("p7_huge"))
    return md_wrap(
        "P7, data-path cost of fail-safe: Mpps per second of CPU the"
        " forwarding lcore got, through the fail-safe port against the same"
        " VF PMD used bare (the fake VF with `FAKE_VF_SINK`: no I/O), one"
        " forwarding core,%s cells in shuffled order, each run a window of"
        " %s s (`app/test/bench/datapath.sh`; runs per cell: %s). Target:"
        " ours at least %.2f of bare. Ratios to the bare VF:" % (
            " %s," % huge if huge else "", META.get("p7_seconds", "?"),
            runs, P7_TARGET)) + [""] + md_grid(cells) + [""] + md_p7_alt()


def md_p7_alt():
    cells = p7_alt_cells()
    if not cells:
        return []
    rows = [("Mode", "Fail-safe", "Ratio to bare", "Min-max", "Runs")]
    for (m, fs), (r, lo, hi, n, _, _) in sorted(cells.items()):
        rows.append(("`%s`" % m, "distro's" if fs == "stock" else "ours",
                     "%.2f" % r, "%.2f-%.2f" % (lo, hi), str(n)))
    return md_wrap(
        "The same in one process (`fs_cost`, `app/test/bench/fs_cost.c`): the"
        " fail-safe port, its VF there at start, and a bare port of the same"
        " VF PMD, bursts alternating in rounds of a few milliseconds so that"
        " whatever else the machine runs slows both alike:") + [""] + \
        md_grid(rows) + [""]


def main():
    if ONLY == "p6":
        lines = p6_lines()
        print("\n".join(lines) if lines else "no P6 results in %s" % D)
        return 0 if lines else 1
    if ONLY == "p7":
        lines = p7_lines()
        print("\n".join(lines) if lines else "no P7 samples in %s" % D)
        return 0 if lines else 1
    extra = p7_lines()
    p6 = p6_lines()
    if not DATA and not p6:
        print("no samples")
        return 1
    p1_p5()
    p2()
    p3()
    p4()
    meta = META
    with open(os.path.join(D, "results.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["metric", "unit", "ours", "upstream", "ratio", "target",
                    "met", "n_ours", "n_upstream"])
        for r in ROWS:
            w.writerow([r["metric"].strip(), r["unit"],
                        "" if r["ours"] is None else "%.6g" % r["ours"],
                        "" if r["upstream"] is None else "%.6g" % r["upstream"],
                        "" if r["ratio"] is None else "%.6g" % r["ratio"],
                        r["target"], r["met"], r["n_ours"], r["n_upstream"]])
    if ROWS:
        wm = max(len(r["metric"]) for r in ROWS)
        head = "%-*s %-5s %10s %10s %8s  %-26s %s" % (
            wm, "metric", "unit", "ours", "upstream", "ratio", "target", "met?")
        print("DPDK %s, kernel %s, syscalls counted with %s" % (
            meta.get("dpdk", "?"), meta.get("kernel", "?"),
            meta.get("syscount", "?")))
        print("medians; ratio = ours / upstream from the same run")
        print(head)
        print("-" * len(head))
        for r in ROWS:
            print("%-*s %-5s %10s %10s %8s  %-26s %s" % (
                wm, r["metric"], r["unit"], fmt(r["ours"], r["unit"]),
                fmt(r["upstream"], r["unit"]),
                "-" if r["ratio"] is None else ("%.3g" % r["ratio"]),
                r["target"], r["met"]))
        print()
    for lines in (p4_return_samples(), extra, p6):
        if lines:
            print("\n".join(lines))
            print()
    if MARKDOWN:
        with open(MARKDOWN, "w") as f:
            f.write(md_results(meta))
    if MISSED:
        print("targets missed by ours: %d (%s)" % (len(MISSED), "; ".join(MISSED)))
        return 2
    print("every target of ours measured is met")
    return 0


sys.exit(main())
