#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright 2026 The vdev_netvsc authors
"""Our driver's files as the tree of one DPDK release takes them.

    python3 devtools/intree-driver.py DPDK-TREE DRIVER-DIR OUT-DIR

In DPDK's tree there is one release and no test hook: the headers that
exist for the others (DROPPED below: vdev_netvsc_compat.h, what differs
between releases; vdev_netvsc_fault.h, the fault-injection tests'
allocation hook) are left out, and what they give the driver is resolved
for the release of DPDK-TREE (its VERSION, its lib/ headers):

 - each dropped header is evaluated with unifdef: RTE_VERSION_NUM(...)
   against the tree's version, a symbol the tree's lib/ headers define
   (RTE_LOG_LINE ...) defined, another RTE_* that no meson.build sets
   (not a build option) undefined, one of ours (VDEV_NETVSC_*, VSC_*)
   that no driver file defines (a build option such as the fault
   injection's) undefined; the comment that opens a branch goes with its
   #if;
 - its macros of our name space (VDEV_NETVSC_*, VSC_*) are expanded where
   the driver uses them: VSC_ALLOC(failed, call) becomes call, whatever
   its line breaks, VDEV_NETVSC_TEL_ADD_U64(...) the release's telemetry
   call, VDEV_NETVSC_VDEV_CLEANUP_SAFE its value (and the driver files
   are run through unifdef with it, so that an #if on it loses its dead
   branch);
 - what else it defines (DRV_LOG on RTE_LOG_LINE, RTE_LOGTYPE_...) takes
   the place of its #include in the driver's header that includes it, and
   its #includes join that header's, where still needed.

The rest is copied as it is. Everything goes into OUT-DIR (made anew).
Fails, naming the file and line, when a dropped header's #if cannot be
resolved, a .c file includes a dropped header with definitions left, or
when the result still has, in code or in meson.build, a dropped header's
name or include, VSC_ALLOC, VDEV_NETVSC_FAULT*, or any other macro or
function of a dropped header. Mentions in comments are listed as notes.
"""

import os
import re
import shutil
import subprocess
import sys

DROPPED = ("vdev_netvsc_compat.h", "vdev_netvsc_fault.h")
OURS = re.compile(r"(VDEV_NETVSC|VSC)_\w+")
# always an error in the result, whatever the headers say
FORBIDDEN = [r"VSC_ALLOC", r"VDEV_NETVSC_FAULT\w*", r"vdev_netvsc_fault_\w+"]
# headers a dropped one includes only for its own use: kept where the
# result still uses what they declare
HELPER_ONLY = {
    "rte_version.h": r"\bRTE_VER",
    "stdarg.h": r"\bva_(list|start|end|arg|copy)\b",
}
DIRECTIVE = re.compile(r"^\s*#\s*(\w+)")
COND = ("if", "ifdef", "ifndef", "elif", "else", "endif")
MAX_COLS = 100      # DPDK's line length (checkpatches.sh)


class Fail(Exception):
    pass


def code_mask(text, strings=False):
    """For each character of C text: True where it is code (not in a
    comment, nor, unless strings, in a string or character literal)."""
    mask = bytearray(len(text))
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            i = n if j < 0 else j + 2
        elif text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            if strings:
                mask[i:j + 1] = b"\1" * len(mask[i:j + 1])
            i = j + 1
        else:
            mask[i] = 1
            i += 1
    return mask


def code_only(text, strings=False):
    mask = code_mask(text, strings)
    return "".join(c if mask[i] or c == "\n" else " " for i, c in enumerate(text))


def comments_only(text):
    mask = code_mask(text, True)
    return "".join(" " if mask[i] and c != "\n" else c for i, c in enumerate(text))


def line_of(text, pos):
    return text.count("\n", 0, pos) + 1


def parse_args(text, mask, open_at):
    """Arguments of the call whose '(' is at open_at: (spans, close)."""
    depth, start, spans = 0, open_at + 1, []
    for i in range(open_at, len(text)):
        if not mask[i]:
            continue
        c = text[i]
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
            if depth == 0:
                spans.append((start, i))
                return spans, i
        elif c == "," and depth == 1:
            spans.append((start, i))
            start = i + 1
    raise Fail("unbalanced parentheses at line %d" % line_of(text, open_at))


def is_postfix_call(expr):
    """Whether expr is one call such as f(x) or a->f(x): the parentheses
    of a macro body (call) add nothing around it."""
    m = re.match(r"[A-Za-z_]\w*(\s*(->|\.)\s*\w+)*\s*\(", expr)
    if not m:
        return False
    mask = code_mask(expr)
    try:
        _, close = parse_args(expr, mask, m.end() - 1)
    except Fail:
        return False
    return close == len(expr) - 1


def one_line(expr):
    """expr on one line, when it has no comment."""
    if "/*" in expr or "//" in expr:
        return None
    parts = [p.strip() for p in expr.split("\n")]
    out = parts[0]
    for p in parts[1:]:
        out += p if out.endswith(("(", "[")) or p.startswith((")", "]")) else " " + p
    return out


def expand_macros(text, macros, where):
    """Expand the uses of macros (name -> (params or None, body)) in the
    code of text."""
    if not macros:
        return text
    pattern = re.compile(r"\b(%s)\b" % "|".join(map(re.escape, macros)))
    pos = 0
    while True:
        mask = code_mask(text)
        m = next((m for m in pattern.finditer(text, pos) if mask[m.start()]), None)
        if m is None:
            return text
        params, body = macros[m.group(1)]
        start, end = m.start(), m.end()
        if params is None:
            repl = body
        else:
            o = end
            while o < len(text) and text[o] in " \t\n":
                o += 1
            if o >= len(text) or text[o] != "(":
                raise Fail("%s:%d: %s without its arguments"
                           % (where, line_of(text, start), m.group(1)))
            spans, close = parse_args(text, mask, o)
            args = [text[a:b].strip() for a, b in spans]
            if args == [""] and not params:
                args = []
            if len(args) != len(params):
                raise Fail("%s:%d: %s takes %d arguments, given %d"
                           % (where, line_of(text, start), m.group(1),
                              len(params), len(args)))
            end = close + 1
            sub = dict(zip(params, args))
            if len(params) > 0 and body.strip() in ["(%s)" % p for p in params] \
                    and is_postfix_call(sub[body.strip()[1:-1]]):
                repl = sub[body.strip()[1:-1]]
            else:
                repl = re.sub(r"\b(%s)\b" % "|".join(map(re.escape, params)),
                              lambda p: sub[p.group(1)], body) if params else body
            if "\n" in repl:
                flat = one_line(repl)
                bol = text.rfind("\n", 0, start) + 1
                eol = text.find("\n", end)
                eol = len(text) if eol < 0 else eol
                if flat is not None and len(
                        (text[bol:start] + flat + text[end:eol]).expandtabs(8)) <= MAX_COLS:
                    repl = flat
        text = text[:start] + repl + text[end:]
        pos = start       # the expansion may hold another use


def version_num(version):
    """RTE_VERSION of a VERSION such as 26.07.0 or 26.11.0-rc1."""
    m = re.match(r"(\d+)\.(\d+)\.(\d+)(-rc(\d+))?", version)
    if not m:
        raise Fail("VERSION %r: not a DPDK version" % version)
    release = int(m.group(5)) if m.group(5) else 99
    return int(m.group(1)) << 24 | int(m.group(2)) << 16 | int(m.group(3)) << 8 | release


def subst_version_num(text):
    """RTE_VERSION_NUM(a, b, c, d) as a number, on directive lines."""
    def one(line):
        if not DIRECTIVE.match(line):
            return line
        return re.sub(r"RTE_VERSION_NUM\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*\)",
                      lambda m: str(int(m[1]) << 24 | int(m[2]) << 16 | int(m[3]) << 8 | int(m[4])),
                      line)
    return "\n".join(one(l) for l in text.split("\n"))


def functions(text):
    """Names of the functions that text declares or defines (DPDK style:
    the name at the start of its line, or after its type on one line)."""
    return re.findall(r"^(?:[A-Za-z_][\w \t*]*[ \t*])?([A-Za-z_]\w*)\((?:void|[^;{\n]*)\)[ \t]*;?[ \t]*$",
                      code_only(text), re.M)


def guard_of(text):
    """The include guard of a header: the first #ifndef X, #define X."""
    m = re.search(r"^\s*#\s*ifndef\s+(\w+)\s*\n\s*#\s*define\s+\1\b", text, re.M)
    return m.group(1) if m else None


def cond_symbols(text):
    """Identifiers that the conditionals of text test."""
    syms = set()
    for line in code_only(text).split("\n"):
        d = DIRECTIVE.match(line)
        if d and d.group(1) in ("if", "ifdef", "ifndef", "elif"):
            syms |= set(re.findall(r"\b[A-Za-z_]\w*\b", line[d.end():]))
    return syms - {"defined"}


def drop_branch_comments(text):
    """The comment that opens a branch of a conditional says why the
    branch exists: it goes with the conditional."""
    lines, out, i = text.split("\n"), [], 0
    while i < len(lines):
        out.append(lines[i])
        d = DIRECTIVE.match(lines[i])
        i += 1
        if d and d.group(1) in COND[:5] and i < len(lines) and lines[i].lstrip().startswith("/*"):
            while i < len(lines) and "*/" not in lines[i]:
                i += 1
            i += 1
    return "\n".join(out)


def unifdef(text, defs, where):
    args = ["unifdef", "-x", "2", "-B"]
    for name, value in sorted(defs.items()):
        args.append("-U" + name if value is None else "-D%s=%s" % (name, value))
    p = subprocess.run(args, input=text, capture_output=True, text=True)
    if p.returncode == 2:
        raise Fail("%s: unifdef: %s" % (where, p.stderr.strip()))
    return p.stdout


def split_items(body):
    """A header's body as items (kind, data, text, comment): kind include
    (data: delimiter and name), define (data: name, params or None,
    value), other, or comment (a comment alone)."""
    lines, items, i, comment = body.split("\n"), [], 0, None
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            if comment is not None:
                items.append(("comment", None, None, comment))
                comment = None
            i += 1
            continue
        j = i
        if line.lstrip().startswith("/*"):
            while "*/" not in lines[j]:
                j += 1
            if comment is not None:
                items.append(("comment", None, None, comment))
            comment = "\n".join(lines[i:j + 1])
            i = j + 1
            continue
        if line.lstrip().startswith("#"):
            while lines[j].endswith("\\"):
                j += 1
            text = "\n".join(lines[i:j + 1])
            flat = re.sub(r"\\\n", " ", text)
            inc = re.match(r"\s*#\s*include\s*([<\"])([^>\"]+)[>\"]", flat)
            dfn = re.match(r"\s*#\s*define\s+(\w+)(\(([^)]*)\))?\s*(.*)$", flat, re.S)
            if inc:
                items.append(("include", (inc.group(1), inc.group(2)), text, comment))
            elif dfn:
                params = None if dfn.group(2) is None else \
                    [p.strip() for p in dfn.group(3).split(",") if p.strip()]
                items.append(("define", (dfn.group(1), params, dfn.group(4).strip()), text, comment))
            else:
                items.append(("other", None, text, comment))
        else:
            depth = 0
            while True:
                code = code_only(lines[j])
                depth += code.count("{") - code.count("}")
                if depth == 0 and (code.rstrip().endswith((";", "}"))):
                    break
                j += 1
                if j >= len(lines):
                    raise Fail("unterminated declaration: %s" % line)
            items.append(("other", None, "\n".join(lines[i:j + 1]), comment))
        comment = None
        i = j + 1
    if comment is not None:
        items.append(("comment", None, None, comment))
    return items


class Tree:
    """What the DPDK tree declares: its version, the macros its lib/
    headers define, the names of its headers, the text of lib/'s."""

    def __init__(self, root):
        self.root = root
        with open(os.path.join(root, "VERSION")) as f:
            self.version = f.read().strip()
        self.rte_version = version_num(self.version)
        self.defines, self.headers, texts = set(), set(), []
        for top in ("lib", "drivers", "config"):
            for d, _, files in os.walk(os.path.join(root, top)):
                for name in files:
                    if not name.endswith(".h"):
                        continue
                    self.headers.add(name)
                    if top == "drivers":
                        continue
                    with open(os.path.join(d, name), errors="replace") as f:
                        t = f.read()
                    texts.append(t)
                    self.defines |= set(re.findall(r"^\s*#\s*define\s+(\w+)", t, re.M))
        self.lib_text = "\n".join(texts)
        # the build options' macros (rte_build_config.h) come from meson
        mesons = []
        for d, _, files in os.walk(root):
            if "meson.build" in files:
                with open(os.path.join(d, "meson.build"), errors="replace") as f:
                    mesons.append(f.read())
        self.meson_text = "\n".join(mesons)


class Dropped:
    """A dropped header resolved for the tree."""

    def __init__(self, name, text, tree, driver_defines):
        self.name = name
        guard = guard_of(text)
        src = drop_branch_comments(subst_version_num(text))
        defs = {"RTE_VERSION": tree.rte_version}
        for s in cond_symbols(src) - {guard, "RTE_VERSION"}:
            if s in tree.defines:
                defs[s] = 1
            elif OURS.fullmatch(s) and s not in driver_defines:
                defs[s] = None
            elif s.startswith("RTE_") and s not in tree.meson_text:
                defs[s] = None      # not in this release (not a build option)
        self.defs = defs
        out = unifdef(src, defs, name)
        m = re.search(r"^\s*#\s*define\s+%s\b.*?\n(.*)^\s*#\s*endif\b[^\n]*\n?\Z"
                      % re.escape(guard), out, re.S | re.M) if guard else None
        body = m.group(1) if m else out
        for line in body.split("\n"):
            d = DIRECTIVE.match(line)
            if d and d.group(1) in COND:
                raise Fail("%s: %s is not resolved for DPDK %s"
                           % (name, line.strip(), tree.version))
        self.includes, self.expand, self.keep = [], {}, []
        for kind, data, itext, comment in split_items(body.strip("\n")):
            if kind == "include":
                self.includes.append(data)
            elif kind == "define" and OURS.fullmatch(data[0]):
                self.expand[data[0]] = (data[1], data[2])
            elif kind != "comment":
                self.keep.append((itext, comment))
        # what must not be left anywhere: its macros and its functions
        # that the tree does not declare itself (a shim of an older
        # release), but those it hands on to the header that includes it
        kept_text = "\n".join(t for t, _ in self.keep)
        kept = set(re.findall(r"^\s*#\s*define\s+(\w+)", kept_text, re.M)) | \
            set(functions(kept_text))
        names = set(re.findall(r"^\s*#\s*define\s+(\w+)", text, re.M)) - kept
        for f in functions(text):
            if f not in kept and not re.search(r"\b%s\s*\(" % re.escape(f), tree.lib_text):
                names.add(f)
        self.forbidden = names


def add_includes(text, includes, tree, where):
    """Add includes ((delimiter, name)) to a header's own, each in the
    block of its kind (DPDK's headers, the system's), in order."""
    for delim, name in includes:
        if re.search(r"^\s*#\s*include\s*[<\"]%s[>\"]" % re.escape(name), text, re.M):
            continue
        lines = text.split("\n")
        incs = [(i, re.match(r"\s*#\s*include\s*<([^>]+)>", l).group(1))
                for i, l in enumerate(lines) if re.match(r"\s*#\s*include\s*<", l)]
        dpdk = name in tree.headers
        same = [(i, h) for i, h in incs if (h in tree.headers) == dpdk]
        new = "#include %s%s%s" % (delim, name, ">" if delim == "<" else '"')
        if same:
            # the last block of that kind: its lines, consecutive
            block = [same[-1]]
            for i, h in reversed(same[:-1]):
                if i == block[0][0] - 1:
                    block.insert(0, (i, h))
            at = next((i for i, h in block if h > name), block[-1][0] + 1)
            lines.insert(at, new)
        elif incs and dpdk:
            lines[incs[-1][0] + 1:incs[-1][0] + 1] = ["", new]
        elif incs:
            lines[incs[0][0]:incs[0][0]] = [new, ""]
        else:
            raise Fail("%s: no #include to add %s next to" % (where, name))
        text = "\n".join(lines)
    return text


def squeeze_blank(text):
    return re.sub(r"\n{3,}", "\n\n", text)


def main(argv):
    if len(argv) != 4:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    tree_dir, drv, out = argv[1:]
    tree = Tree(tree_dir)
    files = sorted(f for f in os.listdir(drv) if os.path.isfile(os.path.join(drv, f)))
    texts = {}
    for f in files:
        with open(os.path.join(drv, f)) as fh:
            texts[f] = fh.read()
    sources = [f for f in files if f.endswith((".c", ".h")) and f not in DROPPED]
    driver_defines = set()
    for f in sources:
        driver_defines |= set(re.findall(r"^\s*#\s*define\s+(\w+)", texts[f], re.M))
    dropped = [Dropped(n, texts[n], tree, driver_defines) for n in DROPPED if n in texts]
    macros, forbidden, defs = {}, set(), {}
    for d in dropped:
        macros.update(d.expand)
        forbidden |= d.forbidden
        for s, v in d.defs.items():
            if v is None or s == "RTE_VERSION" or s in tree.defines:
                defs[s] = v
        for name, (params, body) in d.expand.items():
            numeric = params is None and re.fullmatch(r"-?\d+", body)
            defs[name] = body if numeric else 1
    notes = []
    include_re = re.compile(r'^[ \t]*#[ \t]*include[ \t]*[<"](%s)[>"]'
                            % "|".join(map(re.escape, DROPPED)), re.M)
    result = {}
    for f in sources:
        text = texts[f]
        included = include_re.findall(code_only(text, True))
        inline = [d for d in dropped if d.name in included and (d.keep or d.includes)]
        if inline and not f.endswith(".h"):
            raise Fail("%s includes %s, which defines %s for the driver: include the "
                       "driver's header instead" % (f, inline[0].name,
                                                    inline[0].keep[0][0].split("\n")[0]
                                                    if inline[0].keep else "includes"))
        for d in dropped:
            if d.name not in included:
                continue
            block = ""
            if d.keep:
                parts = []
                for itext, comment in d.keep:
                    if comment and parts:
                        parts.append("")
                    parts += ([comment] if comment else []) + [itext]
                block = "\n".join(parts) + "\n"
            m = re.search(r'^[ \t]*#[ \t]*include[ \t]*"%s"[^\n]*\n' % re.escape(d.name), text, re.M)
            if m is None:
                raise Fail("%s: cannot find the #include of %s" % (f, d.name))
            text = text[:m.start()] + block + text[m.end():]
        text = squeeze_blank(text)
        guard = guard_of(text)
        file_defs = {s: v for s, v in defs.items() if s != guard}
        for s in cond_symbols(text):
            if OURS.fullmatch(s) and s != guard and s not in driver_defines and s not in file_defs:
                file_defs[s] = None
        text = unifdef(subst_version_num(text), file_defs, f)
        text = squeeze_blank(expand_macros(text, macros, f))
        result[f] = text
    # the includes of the dropped headers, into the header that included them
    for d in dropped:
        for f in sources:
            if f.endswith(".h") and d.name in include_re.findall(code_only(texts[f], True)):
                # a helper-only header where a file uses it and does
                # not include it itself
                need = [(dl, h) for dl, h in d.includes
                        if h not in HELPER_ONLY or any(
                            re.search(HELPER_ONLY[h], code_only(t)) and not re.search(
                                r"^\s*#\s*include\s*<%s>" % re.escape(h), t, re.M)
                            for t in result.values())]
                result[f] = add_includes(result[f], need, tree, f)
    for f in files:
        if f in DROPPED or f in result:
            continue
        text = texts[f]
        if f == "meson.build":
            text = "".join(l for l in text.splitlines(True)
                           if not any(re.search(r"['\"]%s['\"]" % re.escape(n), l) for n in DROPPED))
        result[f] = text
    # what must not be left
    names = sorted(forbidden | set(FORBIDDEN))
    bad_re = re.compile(r"\b(%s)\b" % "|".join(names))
    file_re = re.compile("|".join(map(re.escape, DROPPED)))
    errors = []
    for f, text in sorted(result.items()):
        if f.endswith((".c", ".h")):
            code, comments = code_only(text, True), comments_only(text)
        else:
            code, comments = re.sub(r"#[^\n]*", "", text), re.sub(r"^[^#\n]*", "", text, flags=re.M)
        if f == "meson.build" and re.search(r"fault", code):
            errors.append("%s:%d: the fault injection"
                          % (f, line_of(code, re.search(r"fault", code).start())))
        for m in list(bad_re.finditer(code)) + list(file_re.finditer(code)):
            errors.append("%s:%d: %s" % (f, line_of(code, m.start()), m.group(0)))
        for m in list(bad_re.finditer(comments)) + list(file_re.finditer(comments)):
            notes.append("%s:%d: a comment names %s" % (f, line_of(comments, m.start()), m.group(0)))
    if errors:
        raise Fail("left in the driver for DPDK %s:\n  %s" % (tree.version, "\n  ".join(errors)))
    if os.path.exists(out):
        shutil.rmtree(out)
    os.makedirs(out)
    for f, text in result.items():
        with open(os.path.join(out, f), "w") as fh:
            fh.write(text)
        shutil.copymode(os.path.join(drv, f), os.path.join(out, f))
    print("intree-driver: %d files for DPDK %s, without %s; expanded %s"
          % (len(result), tree.version, " and ".join(d.name for d in dropped),
             ", ".join(sorted(macros)) or "nothing"))
    for n in notes:
        print("intree-driver: note: %s" % n)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except Fail as e:
        print("intree-driver: error: %s" % e, file=sys.stderr)
        sys.exit(1)
    except (OSError, subprocess.SubprocessError) as e:
        print("intree-driver: error: %s" % e, file=sys.stderr)
        sys.exit(1)
