#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright 2026 The vdev_netvsc authors
"""udp_flow: a numbered UDP flow and its echo, for the soak (soak.sh).

  udp_flow.py send --src IP --dst IP [--rate PPS] --status FILE --dump FILE
      Sends UDP datagrams from SRC:SPORT to DST:DPORT at RATE per second,
      each carrying its sequence number and send time, and reads their
      echoes (testpmd's 5tswap sends them back with addresses and ports
      swapped) on the same socket. Every 50 ms it replaces FILE with one
      line "sent <n> recv <n> last <us>" (last: the send time of the newest
      packet echoed, 0 before any). On SIGTERM or SIGINT it writes DUMP
      (per packet: send time in us and whether it came back) and exits.

  udp_flow.py analyze --dump FILE --windows FILE
      WINDOWS has one line per VF cycle, "<cycle> <from_us> <to_us>": the
      time span in which the host sent the NetVSC's traffic through the VF
      (from the end of the VF's addition to the start of its removal).
      Prints "key value" lines: packets sent and echoed inside the windows,
      and from each window's first echoed packet on (the VF attached),
      outside the windows, the attach delay (first echoed packet's send
      time minus the window's start) and the windows with no echo at all.

Times are CLOCK_REALTIME in microseconds, as bash's $EPOCHREALTIME.
"""

import argparse
import array
import bisect
import os
import selectors
import signal
import socket
import struct
import sys
import time

SPORT = 40000
DPORT = 40001
HDR = struct.Struct("!QQ")  # sequence number, send time (us)
SIZE = 128  # bytes of UDP payload


def now_us():
    return time.time_ns() // 1000


def cmd_send(a):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    sock.bind((a.src, SPORT))
    sock.setblocking(False)
    sent_at = array.array("q")
    echoed = bytearray()
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    sel = selectors.DefaultSelector()
    sel.register(sock, selectors.EVENT_READ)
    period = 1.0 / a.rate
    pad = bytes(SIZE - HDR.size)
    recv = 0
    last = 0
    t0 = time.monotonic()
    next_status = 0.0
    seq = 0
    while not stop:
        now = time.monotonic()
        # every packet due by now (catches up after a slow moment)
        while t0 + seq * period <= now:
            t = now_us()
            try:
                sock.sendto(HDR.pack(seq, t) + pad, (a.dst, DPORT))
            except OSError:
                pass  # counted as sent: it was not delivered
            sent_at.append(t)
            echoed.append(0)
            seq += 1
        while True:
            try:
                data = sock.recv(2048)
            except (BlockingIOError, InterruptedError):
                break
            if len(data) < HDR.size:
                continue
            s, t = HDR.unpack_from(data)
            if s < seq and not echoed[s] and sent_at[s] == t:
                echoed[s] = 1
                recv += 1
                last = max(last, t)
        if now >= next_status:
            tmp = a.status + ".tmp"
            with open(tmp, "w") as f:
                f.write("sent %d recv %d last %d\n" % (seq, recv, last))
            os.replace(tmp, a.status)
            next_status = now + 0.05
        wait = t0 + seq * period - time.monotonic()
        if wait > 0:
            sel.select(min(wait, 0.05))
    # echoes still on their way
    end = time.monotonic() + 0.2
    while time.monotonic() < end:
        try:
            data = sock.recv(2048)
        except (BlockingIOError, InterruptedError):
            time.sleep(0.01)
            continue
        s, t = HDR.unpack_from(data)
        if s < seq and not echoed[s] and sent_at[s] == t:
            echoed[s] = 1
    with open(a.dump, "wb") as f:
        f.write(struct.pack("!Q", seq))
        sent_at.tofile(f)
        f.write(echoed)
    return 0


def cmd_analyze(a):
    with open(a.dump, "rb") as f:
        (n,) = struct.unpack("!Q", f.read(8))
        sent_at = array.array("q")
        sent_at.fromfile(f, n)
        echoed = f.read(n)
    wins = []
    with open(a.windows) as f:
        for line in f:
            w = line.split()
            if len(w) >= 3:
                wins.append((int(w[0]), int(w[1]), int(w[2])))
    wins.sort(key=lambda w: w[1])
    in_win = bytearray(n)
    s_win = e_win = s_att = e_att = 0
    delays = []
    no_echo = []
    for cyc, lo, hi in wins:
        i = bisect.bisect_left(sent_at, lo)
        j = bisect.bisect_right(sent_at, hi)
        first = None
        for k in range(i, j):
            in_win[k] = 1
            if echoed[k] and first is None:
                first = k
        s_win += j - i
        e_win += sum(echoed[i:j])
        if first is None:
            no_echo.append(cyc)
            continue
        delays.append((sent_at[first] - lo) // 1000)
        s_att += j - first
        e_att += sum(echoed[first:j])
    s_out = n - sum(in_win)
    e_out = sum(e for e, w in zip(echoed, in_win) if e and not w)
    print("windows %d" % len(wins))
    print("sent_total %d" % n)
    print("echoed_total %d" % sum(echoed))
    print("sent_present %d" % s_win)
    print("echoed_present %d" % e_win)
    print("sent_attached %d" % s_att)
    print("echoed_attached %d" % e_att)
    print("sent_absent %d" % s_out)
    print("echoed_absent %d" % e_out)
    if delays:
        delays.sort()
        print("attach_ms_mean %d" % (sum(delays) // len(delays)))
        print("attach_ms_p50 %d" % delays[len(delays) // 2])
        print("attach_ms_max %d" % delays[-1])
    print("windows_no_echo %d" % len(no_echo))
    print("windows_no_echo_list %s" % (",".join(map(str, no_echo[:20])) or "-"))
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("send")
    s.add_argument("--src", required=True)
    s.add_argument("--dst", required=True)
    s.add_argument("--rate", type=float, default=500)
    s.add_argument("--status", required=True)
    s.add_argument("--dump", required=True)
    z = sub.add_parser("analyze")
    z.add_argument("--dump", required=True)
    z.add_argument("--windows", required=True)
    a = p.parse_args()
    return cmd_send(a) if a.cmd == "send" else cmd_analyze(a)


if __name__ == "__main__":
    sys.exit(main())
