# SPDX-License-Identifier: BSD-3-Clause
# Copyright 2026 The vdev_netvsc authors
#
# results.png from the data files report.py writes (run in that directory):
#   p1.dat  p2.dat  p3_{ours,upstream}.dat  p4_{ours,upstream}_{100,2000}.dat

set terminal pngcairo size 1800,1000 font "sans,10"
set output "results.png"
set multiplot layout 2,3 title "net\\_vdev\\_netvsc: ours vs upstream (DPDK 22.11, simulated Hyper-V guests)" font ",13"
set grid
set key top left

ours = "#1f77b4"
up = "#d62728"

# P1/P5: probe time against netdevices
set title "P1 probe time (median of fresh processes)"
set xlabel "netdevices in the guest"
set ylabel "rte\\_vdev\\_init wall time (ms)"
set logscale xy
set xrange [70:4000]
plot "p1.dat" using 1:2 with linespoints lw 2 pt 7 lc rgb ours title "ours, 4 NetVSCs routed", \
     "" using 1:3 with linespoints lw 2 pt 7 lc rgb up title "upstream, 4 NetVSCs routed", \
     "" using 1:4 with linespoints lw 2 pt 6 dt 2 lc rgb ours title "ours, 4 ports created", \
     "" using 1:5 with linespoints lw 2 pt 6 dt 2 lc rgb up title "upstream, 4 ports created"
unset logscale
unset xrange

# P2: idle cost of the whole process, driver's and baseline
set title "P2 idle CPU after probe (1000 netdevices)"
set xlabel "NetVSC ports"
set ylabel "CPU ms per second (log)"
set logscale y
set xrange [0.5:4.5]
set xtics ("1" 1, "4" 4)
set key top left
plot "p2.dat" using 1:2 with linespoints lw 2 pt 7 lc rgb ours title "ours: process", \
     "" using 1:3 with linespoints lw 1 pt 6 dt 3 lc rgb ours title "ours: its fail-safe ports alone", \
     "" using 1:4 with linespoints lw 2 pt 7 lc rgb up title "upstream: process", \
     "" using 1:5 with linespoints lw 1 pt 6 dt 3 lc rgb up title "upstream: its fail-safe ports alone"
set title "P2 idle syscalls after probe (1000 netdevices)"
set ylabel "syscalls per second (log)"
plot "p2.dat" using 1:6 with linespoints lw 2 pt 7 lc rgb ours title "ours: process", \
     "" using 1:7 with linespoints lw 1 pt 6 dt 3 lc rgb ours title "ours: its fail-safe ports alone", \
     "" using 1:8 with linespoints lw 2 pt 7 lc rgb up title "upstream: process", \
     "" using 1:9 with linespoints lw 1 pt 6 dt 3 lc rgb up title "upstream: its fail-safe ports alone"
unset logscale
unset xrange
set xtics autofreq

# P3: detection latency CDF
set title "P3 VF detection: netdevice created -> line in fail-safe's pipe"
set xlabel "latency (ms, log)"
set ylabel "fraction of samples"
set logscale x
set yrange [0:1.02]
set key bottom right
plot "p3_ours.dat" using 1:2 with steps lw 2 lc rgb ours title "ours", \
     "p3_upstream.dat" using 1:2 with steps lw 2 lc rgb up title "upstream"
unset logscale

# P4: attach end to end CDF, one panel per poll interval
set xlabel "latency (ms)"
set ylabel "fraction of samples"
set key bottom right
set title "P4 VF attach, hotplug\\_poll=100 ms: netdevice -> fail-safe's VF port"
plot "p4_ours_100.dat" using 1:2 with steps lw 2 lc rgb ours title "ours", \
     "p4_upstream_100.dat" using 1:2 with steps lw 2 lc rgb up title "upstream"
set title "P4 VF attach, hotplug\\_poll=2000 ms (fail-safe's default)"
plot "p4_ours_2000.dat" using 1:2 with steps lw 2 lc rgb ours title "ours", \
     "p4_upstream_2000.dat" using 1:2 with steps lw 2 lc rgb up title "upstream"

unset multiplot
