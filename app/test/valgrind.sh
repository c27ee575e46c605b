# shellcheck shell=bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright 2026 The vdev_netvsc authors
#
# The memcheck run of the scripts whose program runs the driver
# (unit/probe.sh, fault/fault.sh): sourced after unit/lib.sh, whose
# unit_skip, unit_ok and unit_not_ok it uses. Defines functions only.
# It checks the malloc side of "no leak", which the program itself
# cannot see, and memory errors where the driver is to blame.

# vg_require NAME FILE: skips NAME where memcheck cannot run FILE
vg_require() {
	command -v valgrind >/dev/null 2>&1 || unit_skip "$1 needs valgrind"
	# -Db_sanitize builds (devtools/sanitize.sh): ASan and memcheck exclude each other
	LC_ALL=C readelf -d "$2" 2>/dev/null | grep -q 'NEEDED.*libasan' &&
		unit_skip "$1: ${2##*/} is built with AddressSanitizer, which valgrind cannot run"
}

# vg_cmd LOG: sets VG_CMD, the words that run the words after them under
# memcheck, its report in LOG
vg_cmd() {
	# shellcheck disable=SC2034 # for callers
	VG_CMD=(valgrind --tool=memcheck --leak-check=full
		--show-leak-kinds=definite --errors-for-leak-kinds=definite
		--num-callers=30 --log-file="$1")
}

# vg_records LOG START DEPTH RE: the records of LOG (blocks that begin
# with a line matching START and end at a blank "==PID==" line) where
# one of the first DEPTH stack frames ("at 0x", "by 0x") matches RE
vg_records() {
	awk -v start="$2" -v depth="$3" -v re="$4" '
		function done() {
			if (ours) print rec
			inrec = 0
		}
		$0 ~ start { inrec = 1; rec = $0; frames = 0; ours = 0; next }
		inrec && /^==[0-9]+== *$/ { done(); next }
		inrec {
			rec = rec "\n" $0
			if ($0 ~ /(at|by) 0x/ && ++frames <= depth && $0 ~ re)
				ours = 1
		}
		END { if (inrec) done() }
	' "$1"
}

# vg_check LOG SAVE RE ERROR_DEPTH: the TAP checks of a memcheck report
# LOG (kept as SAVE): no definitely lost block with a frame matching RE
# (the driver's: what it allocates, through DPDK or libnl too, is its to
# free), no memory error with one among its first ERROR_DEPTH frames
# (fewer than all: another PMD's own errors, reached from a port the
# driver creates, are not ours). Returns 1 when there is no report.
vg_check() {
	local log=$1 save=$2 re=$3 depth=$4 summary
	if [ ! -s "$log" ]; then
		unit_not_ok "valgrind wrote its log"
		return 1
	fi
	cp "$log" "$save"
	echo "# full log: $save"
	summary=$(grep -E 'definitely lost:' "$log" | sed 's/^==[0-9]*== *//')
	echo "# valgrind: ${summary:-no leak summary}"
	summary=$(grep -E 'ERROR SUMMARY' "$log" | tail -1 | sed 's/^==[0-9]*== *//')
	echo "# valgrind: ${summary:-no error summary}"
	vg_verdict "valgrind: no definitely lost block allocated by vdev_netvsc" \
		"$(vg_records "$log" 'definitely lost in loss record' 1000 "$re")"
	vg_verdict "valgrind: no memory error in vdev_netvsc frames" \
		"$(vg_records "$log" \
			'^==[0-9]+== (Invalid|Conditional|Use of uninit|Syscall param)' \
			"$depth" "$re")"
}

# vg_verdict CHECK RECORDS: CHECK is ok when there are no RECORDS, else
# not ok with the records as TAP comments
vg_verdict() {
	if [ -n "$2" ]; then
		unit_not_ok "$1"
		echo "$2" | sed 's/^/# /'
	else
		unit_ok "$1"
	fi
}
