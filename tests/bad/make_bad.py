#!/usr/bin/env python3
# make_bad.py - writes the generated inputs of tests/bad/: corrupt
# bytecode (gdlb/), made from the .gdlb of tests/golden/disasm/small.gdl one
# corruption per file, and the .gdl sources too long to write by hand (gdl/).
# The outputs are committed; the golden runner never calls this. Rerun it
# after a change of the bytecode format or the opcode list, then regenerate
# the expected files (bash tests/run_golden.sh --update tests/bad) and review
# the diff. The .gdl sources carry their expected diagnostics (tests/README.md).
#   usage: tests/bad/make_bad.py [path/to/gdl]   (default bin/gdl)
import os
import re
import struct
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(ROOT, "..", ".."))
GDL = sys.argv[1] if len(sys.argv) > 1 else os.path.join(REPO, "bin", "gdl")

HEADER = 28
SIZE_AT, HASH_AT = 12, 20


def opcodes():
    """Opcode numbers in the order of vm/opcodes.def."""
    names = re.findall(r"^OP\((\w+),", open(os.path.join(REPO, "vm", "opcodes.def")).read(), re.M)
    return {n: i for i, n in enumerate(names)}


def fnv1a(data):
    h = 1469598103934665603
    for i, b in enumerate(data):
        if HASH_AT <= i < HASH_AT + 8:
            b = 0
        h = ((h ^ b) * 1099511628211) & 0xFFFFFFFFFFFFFFFF
    return h


def seal(data):
    """Header size and content hash made right again, so the corruption is
    what the reader or verifier meets, not a hash mismatch."""
    b = bytearray(data)
    struct.pack_into("<I", b, SIZE_AT, len(b))
    struct.pack_into("<Q", b, HASH_AT, fnv1a(b))
    return bytes(b)


def sections(data):
    """tag -> (offset of the tag, offset of the payload, payload length)."""
    out, pos = {}, HEADER
    while pos + 8 <= len(data):
        tag = data[pos:pos + 4].decode("latin-1")
        (n,) = struct.unpack_from("<I", data, pos + 4)
        out[tag.rstrip("\0")] = (pos, pos + 8, n)
        pos += 8 + n
    return out


def code_at(data, pc):
    """File offset of code byte pc (CODE payload: u32 max_stack, u32 ncode, code)."""
    return sections(data)["CODE"][1] + 8 + pc


FACT_SIZE = 46          # bcfile.c: FACT_BYTES
OUTC_SIZE = 28          # bcfile.c: 6 u8, 8 u16, u32 after (at 22), after_param (1.5)
FACT_HEAD = 16          # u32 nfacts, u32 ninputs, u32 ndep_bits, u16 in_scope, u16 red_flagged
PARM_SIZE = 35          # bcfile.c: name, type, unit, section, value, range (18), text (1.3)
FACT_HEADER = 16        # bcfile.c: nfacts, ninputs, ndep_bits (u32 each), in_scope, red_flagged (u16)
FACT_SIZE = 48          # bcfile.c: name .. override (46), applies (1.4)


def fact_at(data, i, field):
    offsets = {"name": 0, "kind": 2, "type": 3, "min": 18, "max": 26}
    return sections(data)["FACT"][1] + FACT_HEAD + i * FACT_SIZE + offsets[field]


def param_at(data, i, field):
    offsets = {"type": 2, "text": 33}
    return sections(data)["PARM"][1] + 4 + i * PARM_SIZE + offsets[field]


def as_minor(data, minor, pcs):
    """The same program in an older format minor: for 1.5, OUTC without the
    table of texts in further languages that 1.6 appended (and no schedule in
    months, after_unit 2, which 1.6 added); PUSH_NUM where 1.5 has
    OTHERWISE (same operand) and OUTC records without the 'after_param' field
    that 1.5 appended; for 1.3 also FACT records without the 'applies' field
    that 1.4 appended, and for 1.2 also PARM records without the text field
    that 1.3 appended (a newer reader must still read them all)."""
    b = bytearray(data)
    if minor <= 5:
        tag, payload, n = sections(bytes(b))["OUTC"]
        (count,) = struct.unpack_from("<I", b, payload)
        for i in range(count):
            assert b[payload + 4 + i * OUTC_SIZE + 5] != 2, "a 1.5 file has no schedule in months"
        at = payload + 4 + count * OUTC_SIZE
        assert b[at:at + 4] == b"\0\0\0\0" and at + 4 == payload + n, "a 1.5 file has no texts in further languages"
        del b[at:at + 4]
        struct.pack_into("<I", b, tag + 4, n - 4)
    if minor <= 4:
        op = opcodes()
        for pc, name in pcs:
            if name == "OTHERWISE":
                struct.pack_into("<B", b, code_at(bytes(b), pc), op["PUSH_NUM"])
        tag, payload, n = sections(bytes(b))["OUTC"]
        (count,) = struct.unpack_from("<I", b, payload)
        for i in reversed(range(count)):
            at = payload + 4 + i * OUTC_SIZE + OUTC_SIZE - 2
            assert b[at:at + 2] == b"\xff\xff", "a 1.4 file has no 'after PARAM'"
            del b[at:at + 2]
        struct.pack_into("<I", b, tag + 4, n - 2 * count)
    if minor <= 3:
        tag, payload, n = sections(bytes(b))["FACT"]
        (count,) = struct.unpack_from("<I", b, payload)
        for i in reversed(range(count)):
            at = payload + FACT_HEADER + i * FACT_SIZE + FACT_SIZE - 2
            assert b[at:at + 2] == b"\xff\xff", "a 1.3 file has no 'classify ... when'"
            del b[at:at + 2]
        struct.pack_into("<I", b, tag + 4, n - 2 * count)
    if minor <= 2:
        tag, payload, n = sections(bytes(b))["PARM"]
        (count,) = struct.unpack_from("<I", b, payload)
        for i in reversed(range(count)):
            at = payload + 4 + i * PARM_SIZE + 33
            assert b[at:at + 2] == b"\xff\xff", "a 1.2 file has no string parameters"
            del b[at:at + 2]
        struct.pack_into("<I", b, tag + 4, n - 2 * count)
    struct.pack_into("<H", b, 10, minor)
    return bytes(b)


def patch(data, at, fmt, *values):
    b = bytearray(data)
    struct.pack_into(fmt, b, at, *values)
    return bytes(b)


def splice(data, at, remove, insert):
    return data[:at] + insert + data[at + remove:]


def replace_code(data, pcs, pc, remove, insert):
    """Code bytes pc..pc+remove replaced by insert, with the CODE section's
    length and ncode and the line table's later pcs moved to match (no jump
    may cross pc: the caller picks a place after the last one)."""
    assert all(at < pc for at, name in pcs if name == "CLASSIFY_ROW"), "a jump crosses the change"
    delta = len(insert) - remove
    s = sections(data)
    tag, payload, n = s["CODE"]
    b = bytearray(splice(data, code_at(data, pc), remove, insert))
    struct.pack_into("<I", b, tag + 4, n + delta)
    struct.pack_into("<I", b, payload + 4, struct.unpack_from("<I", b, payload + 4)[0] + delta)
    line_tag, line_payload, _ = sections(bytes(b))["LINE"]
    (count,) = struct.unpack_from("<I", b, line_payload)
    for i in range(count):
        at = line_payload + 4 + 12 * i
        (lpc,) = struct.unpack_from("<I", b, at)
        if lpc > pc:
            struct.pack_into("<I", b, at, lpc + delta)
    return bytes(b)


def build_small():
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "small.gdlb")
        env = dict(os.environ, GDL_PATH=os.path.join(REPO, "stdlib"))
        # a relative path: the file names its source, the same in every checkout
        subprocess.run([os.path.abspath(GDL), "build", "tests/golden/disasm/small.gdl", "-o", out],
                       check=True, env=env, cwd=REPO)
        return open(out, "rb").read()


def disasm_pcs(data):
    """(pc, name) of every instruction from the disassembler's listing, and
    the pc of each fact's first instruction by its heading ("date schedule-start:x")."""
    with tempfile.NamedTemporaryFile(suffix=".gdlb") as f:
        f.write(data)
        f.flush()
        text = subprocess.run([GDL, "disasm", f.name], check=True, capture_output=True, text=True).stdout
    pcs, facts, heading = [], {}, None
    for line in text.splitlines():
        m = re.match(r"^fact \d+ (\w+ \S+) <", line)
        if m:
            heading = m.group(1)
        m = re.match(r"^  ([0-9a-f]{4})  .{6}(\w+)", line)
        if m:
            pcs.append((int(m.group(1), 16), m.group(2)))
            if heading:
                facts[heading] = pcs[-1][0]
                heading = None
    return pcs, facts


def first(pcs, name, nth=0):
    return [pc for pc, n in pcs if n == name][nth]


def bytecode():
    op = opcodes()
    good = build_small()
    pcs, facts = disasm_pcs(good)
    s = sections(good)
    strs = s["STRS"]
    row = first(pcs, "CLASSIFY_ROW")
    halt = first(pcs, "HALT")
    load = first(pcs, "LOAD_FACT")
    param = first(pcs, "LOAD_PARAM")
    store = first(pcs, "STORE_FACT")
    store2 = first(pcs, "STORE_FACT", 1)
    push_num = first(pcs, "OTHERWISE")     # the otherwise row: a 3-byte instruction after the row
    copy = [pc for pc, n in pcs if n == "COPY_FACT"][-1]    # red_flagged, the last fact
    line0 = s["LINE"][1] + 4
    outc0 = s["OUTC"][1] + 4
    schedule = 2            # small.gdl's outcomes: exclude, red_flag, schedule, measure
    bad = {
        # the reader (vm/bcfile.c)
        "empty": b"",
        "not-bytecode": b'{"case_id": "not a program"}\n',
        "truncated-header": good[:20],
        "truncated": good[:len(good) // 2],
        "size-mismatch": good + b"\0",
        "future-major": seal(patch(good, 8, "<H", 2)),
        "future-minor": seal(patch(good, 10, "<H", struct.unpack_from("<H", good, 10)[0] + 1)),
        "unknown-flags": seal(patch(good, 16, "<I", 1)),
        "hash-mismatch": patch(good, code_at(good, halt), "<B", op["PUSH_TRUE"]),
        "section-renamed": seal(patch(good, s["NUMS"][0], "4s", b"NUMX")),
        "section-overrun": seal(patch(good, strs[0] + 4, "<I", 0x7FFFFFFF)),
        "strings-over-limit": seal(patch(good, strs[1], "<I", 70000)),
        "string-with-nul": seal(patch(good, strs[1] + 4 + 4, "<B", 0)),
        "string-invalid-utf8": seal(patch(good, strs[1] + 4 + 4, "<B", 0x93)),
        "string-control-character": seal(patch(good, strs[1] + 4 + 4, "<B", 0x1B)),
        "bytes-after-end": seal(good + b"junk"),
        "unread-section-bytes": seal(splice(patch(good, s["NUMS"][0] + 4, "<I", s["NUMS"][2] + 2),
                                            s["NUMS"][1] + s["NUMS"][2], 0, b"\0\0")),
        # the verifier (vm/verify.c)
        "opcode-invalid": seal(patch(good, code_at(good, 0), "<B", 0xEE)),
        "opcode-zero": seal(patch(good, code_at(good, 0), "<B", op["INVALID"])),
        "jump-backward": seal(patch(good, code_at(good, row) + 1, "<H", 0)),
        "jump-outside-code": seal(patch(good, code_at(good, row) + 1, "<H", 0xFFF0)),
        "jump-into-instruction": seal(patch(good, code_at(good, row) + 1, "<H", push_num + 1)),
        "fact-out-of-range": seal(patch(good, code_at(good, load) + 1, "<H", 999)),
        "param-out-of-range": seal(patch(good, code_at(good, param) + 1, "<H", 7)),
        "stack-underflow": seal(splice(good, code_at(good, load), 3, bytes([op["NOT"]] * 3))),
        "no-halt": seal(patch(good, code_at(good, halt), "<B", op["PUSH_TRUE"])),
        "store-into-input": seal(patch(good, code_at(good, store) + 1, "<H", 0)),
        "copy-into-input": seal(patch(good, code_at(good, copy) + 3, "<H", 0)),
        "copy-reads-itself": seal(patch(good, code_at(good, copy) + 1, "<H",
                                        struct.unpack_from("<H", good, code_at(good, copy) + 3)[0])),
        "store-twice": seal(patch(good, code_at(good, store2) + 1, "<H",
                                  struct.unpack_from("<H", good, code_at(good, store) + 1)[0])),
        "max-stack-over-limit": seal(patch(good, s["CODE"][1], "<I", 300)),
        "fact-kind-invalid": seal(patch(good, fact_at(good, 4, "kind"), "<B", 9)),
        "fact-name-out-of-range": seal(patch(good, fact_at(good, 0, "name"), "<H", 999)),
        "range-nan": seal(patch(good, fact_at(good, 0, "min"), "<d", float("nan"))),
        "line-pc-outside-code": seal(patch(good, line0, "<I", 9999)),
        "outcome-condition-is-input": seal(patch(good, outc0 + 18, "<H", 0)),
        "dose-not-json": seal(patch(good, outc0 + 16, "<H", 0)),
        "schedule-after-too-long": seal(patch(good, outc0 + schedule * OUTC_SIZE + 22, "<I", 0xFFFFFFFF)),
        "param-text-on-number": seal(patch(good, param_at(good, 0, "text"), "<H", 0)),
        "param-string-without-text": seal(patch(good, param_at(good, 0, "type"), "<B", 5)),
    }
    # Accepted by the verifier (it does not type values), run on a case: a
    # date fact holding 1e300 has no date to print ("on": null, "----------"
    # in text), never a converted garbage int (fuzz_load found the conversion).
    # The start date is COPY_FACT first_contact_on -> schedule-start; it
    # becomes PUSH_NUM 2, STORE_FACT schedule-start with number 2 = 1e300.
    date_start = facts["date schedule-start:reevaluate"]
    assert good[code_at(good, date_start)] == op["COPY_FACT"]
    (date_fact,) = struct.unpack_from("<H", good, code_at(good, date_start) + 3)
    huge = patch(good, s["NUMS"][1] + 4 + 2 * 8, "<d", 1e300)
    huge = replace_code(huge, pcs, date_start, 5, struct.pack("<BHBH", op["PUSH_NUM"], 2, op["STORE_FACT"], date_fact))
    # Files of earlier minor versions run as their originals do (a 1.4 file
    # has no OTHERWISE: its 'otherwise' values have an empty because).
    runs = {"date-fact-huge": seal(huge), "minor-1.2": seal(as_minor(good, 2, pcs)),
            "minor-1.3": seal(as_minor(good, 3, pcs)), "minor-1.4": seal(as_minor(good, 4, pcs)),
            "minor-1.5": seal(as_minor(good, 5, pcs))}
    out = os.path.join(ROOT, "gdlb")
    os.makedirs(out, exist_ok=True)
    for name, data in list(bad.items()) + list(runs.items()):
        with open(os.path.join(out, name + ".gdlb"), "wb") as f:
            f.write(data)
        with open(os.path.join(out, name + ".args"), "w") as f:
            if name in runs:
                f.write("run --format text --lang en tests/bad/gdlb/%s.gdlb tests/bad/gdlb/small-case.json\n" % name)
            else:
                f.write("disasm tests/bad/gdlb/%s.gdlb\n" % name)
    with open(os.path.join(out, "small-case.json"), "w") as f:
        f.write('{"nprs": 3, "first_contact_on": "2021-01-01", "symptom_duration_weeks": 3}\n')


HEAD = 'guideline limits { title "limits" version "0.1.0" status draft language en }\n'
CLEAN = "// expect-no-diagnostics\n"
NESTING = "brackets nested too deep (limit is 200 levels)"
DEPTH = "expression nested too deep (limit is 1000 levels, counting the definitions it uses)"
# Full goldens (NAME.args, .err, .status): what they test is how the
# diagnostic is shown (the source line cut at 8192 bytes; the line that
# stops after 50 errors). The others are inline tests (tests/README.md).
GOLDEN = {"line-too-long", "too-many-errors"}


def expect(line, col, message, eol="\n"):
    """An inline expectation: gdl check reports this error at line:col."""
    return "// expect-error: %d:%d: %s%s" % (line, col, message, eol)


def sources():
    out = os.path.join(ROOT, "gdl")
    os.makedirs(out, exist_ok=True)
    gen = {
        # SOURCE_MAX_LINE: 8192 bytes in a line; the next byte is the error
        "line-too-long": HEAD + "input n: bool\n// " + "x" * 8200 + "\ndefine a = n\n",
        "line-at-limit": HEAD + "input n: bool\n// " + "x" * (8192 - 3) + "\ndefine a = n\n" + CLEAN,
        # the CR of a CRLF line ending is not counted (issue 14)
        "line-at-limit-crlf": HEAD.replace("\n", "\r\n") + "input n: bool\r\n// " + "x" * (8192 - 3)
                              + "\r\ndefine a = n\r\n" + CLEAN.replace("\n", "\r\n"),
        "line-too-long-crlf": HEAD.replace("\n", "\r\n") + "input n: bool\r\n// " + "x" * (8192 - 2)
                              + "\r\ndefine a = n\r\n" + expect(3, 8193, "line longer than 8192 bytes", "\r\n"),
        # a subnormal literal (1e-310) does not round to 0: accepted (issue 14);
        # 1e-400 does
        "number-subnormal": HEAD + "input x: number\nparam tiny = 0." + "0" * 309 + "1\n"
                            + 'exclude e "A.1" when x > tiny\n'
                            + "param zero = 0." + "0" * 399 + "1\n"
                            + expect(5, 14, "number '0.00000000000000000000000000000000000000...' is too small"
                                     " (it would round to 0)"),
        # PARSE_MAX_DEPTH: brackets open at once, counted by the scanner,
        # whatever else the parser's stack holds (issue 14: `(1 + (1 + ...` was
        # rejected at 65 levels, bare brackets at 193)
        "brackets-too-deep": HEAD + "input n: bool\ndefine a = " + "(" * 250 + "n" + ")" * 250 + "\n" + expect(3, 212, NESTING),
        "brackets-at-limit": HEAD + "input n: bool\ndefine a = " + "(" * 200 + "n" + ")" * 200 + "\n"
                             + 'exclude e "A.1" when a\n' + CLEAN,
        "sums-at-limit": HEAD + "input n: number\ndefine a = " + "(1 + " * 200 + "n" + ")" * 200 + "\n"
                         + 'exclude e "A.1" when a > 0\n' + CLEAN,
        "sums-too-deep": HEAD + "input n: number\ndefine a = " + "(1 + " * 201 + "n" + ")" * 201 + "\n" + expect(3, 1012, NESTING),
        "calls-at-limit": HEAD + "input n: number\ndefine a = " + "coalesce(" * 200 + "n" + ", 1)" * 200 + " > 0\n"
                          + 'exclude e "A.1" when (a)\n' + CLEAN,
        # PARSE_MAX_STACK: prefix operators grow bison's stack without brackets
        "prefix-operators-too-deep": HEAD + "input n: bool\ndefine a =\n" + "not\n" * 10001 + "n\n"
                                     + expect(9998, 1, "nesting too deep for the parser (limit is 10000 stack entries:"
                                              " brackets, operators and calls)"),
        # COMPILE_MAX_EXPR_DEPTH: a left-deep chain needs no brackets
        "operators-too-deep": HEAD + "input n: bool\ndefine a = n" + " or n" * 1000 + "\n" + 'exclude e "A.1" when a\n'
                              + expect(3, 12, DEPTH),
        "operators-at-limit": HEAD + "input n: bool\ndefine a = n" + " or n" * 999 + "\n"
                              + 'exclude e "A.1" when a\n' + CLEAN,
        # ... and the defines an expression uses in turn
        "defines-too-deep": HEAD + "input n: bool\n" + 'exclude e "A.1" when d1000\n'
                            + "".join("define d%d = d%d\n" % (i, i - 1) for i in range(1000, 0, -1))
                            + "define d0 = n\n" + expect(4, 16, DEPTH),
        # LEX_MAX_IDENT, LEX_MAX_STRING
        "name-too-long": HEAD + "input " + "n" * 65 + ": bool\ninput " + "m" * 64 + ": bool\n"
                         + expect(2, 7, "name longer than 64 characters"),
        "string-too-long": HEAD + 'advice a do "C.1" en "' + "x" * 4097 + '"\n'
                           + 'advice b do "C.1" en "' + "x" * 4096 + '"\n'
                           + expect(2, 22, "string longer than 4096 bytes"),
        # DIAG_MAX_ERRORS
        "too-many-errors": HEAD + "".join("define d%d = nosuch%d\n" % (i, i) for i in range(60)),
    }
    for name, text in gen.items():
        with open(os.path.join(out, name + ".gdl"), "w") as f:
            f.write(text)
        if name in GOLDEN:
            with open(os.path.join(out, name + ".args"), "w") as f:
                f.write("check tests/bad/gdl/%s.gdl\n" % name)


if __name__ == "__main__":
    bytecode()
    sources()
