#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright 2026 The vdev_netvsc authors
"""Write the seed inputs of fuzz_link (see the format in fuzz_link.c).

    python3 app/test/fuzz/link_seeds.py app/test/fuzz/corpus/link

The world (fuzz_link.c): NetVSCs eth0 (2, routed), eth1 (3), eth2 (4);
VFs enP1s1 (5, master eth1, 7870:00:02.0), enP2s1 (6, MANA, upper_eth2,
no master), enP3s1 (7, eth1's MAC, no master); veth7 (8, not a NetVSC);
enP5s1 (9, PCI address too long); enP4s1 and eth3 are in sysfs only.
Crash inputs found later are added as they are, not from here.
"""

import os
import struct
import sys

RTM_NEWLINK, RTM_DELLINK, RTM_NEWADDR = 16, 17, 20
NLMSG_NOOP, NLMSG_ERROR, NLMSG_DONE, NLMSG_OVERRUN = 1, 2, 3, 4
NLM_F_MULTI = 2
IFLA_ADDRESS, IFLA_IFNAME, IFLA_MASTER = 1, 3, 10
IFLA_LINKINFO, IFLA_INFO_KIND = 18, 1
ENOBUFS_REC, EINTR_REC, EAGAIN_REC, EIO_REC = 0, 1, 2, 3


def mac(x):
    return bytes([0x00, 0x0d, 0x3a, 0x00, 0x00, x])


def attr(kind, payload):
    n = 4 + len(payload)
    return struct.pack('<HH', n, kind) + payload + b'\0' * ((4 - n % 4) % 4)


def msg(kind, payload, flags=0, seq=0, length=None):
    n = 16 + len(payload)
    hdr = struct.pack('<IHHII', n if length is None else length, kind,
                      flags, seq, 0)
    return hdr + payload + b'\0' * ((4 - n % 4) % 4)


def link(kind, ifindex, name=None, addr=None, master=None, flags=0,
         extra=b''):
    body = struct.pack('<BxHiII', 0, 1, ifindex, 0x1043, 0)
    if name is not None:
        body += attr(IFLA_IFNAME, name.encode() + b'\0')
    if addr is not None:
        body += attr(IFLA_ADDRESS, addr)
    if master is not None:
        body += attr(IFLA_MASTER, struct.pack('<I', master))
    return msg(kind, body + extra, flags)


def done():
    return msg(NLMSG_DONE, struct.pack('<i', 0), NLM_F_MULTI)


def rec(kind, payload=b''):
    return struct.pack('<BH', kind, len(payload)) + payload


def dgram(*msgs):
    return rec(0, b''.join(msgs))


def error(which):
    return rec(1, bytes([which]))


def answer(body):
    """the next query's answer: a message of this body"""
    return rec(6, body)


def answer_error(which):
    """the next query's answer: ENODEV, EINVAL, EPERM, EBUSY, then
    recvmsg() failing with ENOBUFS"""
    return rec(2, bytes([which]))


def link_body(ifindex, name, addr, master=None):
    return link(RTM_NEWLINK, ifindex, name, addr, master)[16:]


def end():
    return rec(3)


def setup(args=0, novmbus=False):
    return bytes([args | (8 if novmbus else 0)])


VF_NEW = link(RTM_NEWLINK, 10, 'enP4s1', mac(1), 3)
SEEDS = {
    # the VF of eth1 goes: its MAC peer enP3s1 takes over; then a new one
    'vf-gone-mac-peer': setup() + dgram(link(RTM_DELLINK, 5, 'enP1s1',
                                              mac(1), 3)) + end(),
    'vf-replaced': setup() + dgram(link(RTM_DELLINK, 5, 'enP1s1', mac(1), 3))
    + end() + dgram(VF_NEW) + end(),
    'vf-moved-master': setup() + dgram(link(RTM_NEWLINK, 5, 'enP1s1', mac(1),
                                            4)) + end(),
    'netvsc-renamed': setup(1) + dgram(link(RTM_NEWLINK, 3, 'eth9', mac(1)))
    + end(),
    'vf-renamed': setup() + dgram(link(RTM_NEWLINK, 5, 'vf0', mac(1), 3)),
    'mana-gone-back': setup(3) + dgram(link(RTM_DELLINK, 6, 'enP2s1',
                                            mac(2))) + end()
    + dgram(link(RTM_NEWLINK, 6, 'enP2s1', mac(2))) + end(),
    'netvsc-gone': setup(2) + dgram(link(RTM_DELLINK, 3, 'eth1', mac(1)))
    + end(),
    'multipart': setup() + dgram(
        link(RTM_DELLINK, 5, 'enP1s1', mac(1), 3, NLM_F_MULTI),
        link(RTM_NEWLINK, 10, 'enP4s1', mac(1), 3, NLM_F_MULTI), done()),
    'multipart-unfinished': setup() + dgram(
        link(RTM_NEWLINK, 10, 'enP4s1', mac(1), 3, NLM_F_MULTI)) + end()
    + dgram(link(RTM_DELLINK, 5, 'enP1s1', mac(1), 3)),
    'nlmsg-error': setup() + dgram(msg(NLMSG_ERROR, struct.pack('<i', -105)
                                       + msg(RTM_NEWLINK, b'')))
    + dgram(VF_NEW),
    'noop-overrun-msgs': setup() + dgram(msg(NLMSG_NOOP, b''),
                                         msg(NLMSG_OVERRUN, b''), VF_NEW),
    'truncated': setup() + rec(0, link(RTM_NEWLINK, 10, 'enP4s1', mac(1),
                                       3)[:30]),
    'length-past-end': setup() + rec(0, msg(RTM_NEWLINK, b'\0' * 16,
                                            length=400)),
    'short-mac': setup() + dgram(link(RTM_NEWLINK, 10, 'enP4s1',
                                      b'\0\x0d\x3a', 3)),
    'linkinfo': setup() + dgram(link(RTM_NEWLINK, 10, 'enP4s1', mac(1), 3,
                                     extra=attr(IFLA_LINKINFO, attr(
                                         IFLA_INFO_KIND, b'vlan\0')))),
    'overrun-resync': setup() + dgram(VF_NEW) + error(ENOBUFS_REC) + end(),
    'overrun-resync-named': setup(5) + error(ENOBUFS_REC)
    + dgram(link(RTM_DELLINK, 5, 'enP1s1', mac(1), 3)) + end(),
    'overrun-full-dump': setup(7) + error(ENOBUFS_REC) + end(),
    'overrun-novmbus': setup(1, True) + error(ENOBUFS_REC) + end(),
    'overrun-answer-errors': setup() + error(ENOBUFS_REC)
    + answer_error(0) + answer_error(3) + answer_error(4) + end()
    + error(ENOBUFS_REC) + answer_error(2) + end(),
    'overrun-answer-link': setup(4) + answer(link_body(3, 'eth1', mac(1)))
    + answer(link_body(12, 'enP1s1', mac(1), 3)) + error(ENOBUFS_REC)
    + end(),
    'eintr-eio': setup() + error(EINTR_REC) + dgram(VF_NEW) + error(EIO_REC)
    + dgram(link(RTM_DELLINK, 10, 'enP4s1', mac(1), 3)) + end(),
    'mac-only-vf': setup(6) + dgram(link(RTM_NEWLINK, 11, 'enP3s1',
                                         mac(0))) + end(),
    'long-address': setup() + dgram(link(RTM_DELLINK, 6, 'enP2s1', mac(2)),
                                    link(RTM_NEWLINK, 9, 'enP5s1', mac(2))),
    'ifindex-zero': setup() + dgram(link(RTM_NEWLINK, 0, 'enP4s1', mac(1),
                                         3)),
    'answer-master-negative': setup(1) + error(ENOBUFS_REC)
    + answer(link_body(3, 'eth1', mac(1), 0xf7000000))
    + answer(link_body(3, 'eth1', mac(1), 0xf7000000)) + end(),
}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), 'corpus', 'link')
    os.makedirs(out, exist_ok=True)
    for name, data in SEEDS.items():
        with open(os.path.join(out, name), 'wb') as f:
            f.write(data)


if __name__ == '__main__':
    main()
