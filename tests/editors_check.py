#!/usr/bin/env python3
"""editors_check.py - the editor syntax files under editors/ keep up with the
scanner: the TextMate grammar (VS Code) is valid JSON whose regexes compile,
and every keyword of lang/gdl.l is matched, as a whole word, by one of its
keyword or constant patterns; the Vim syntax file lists every keyword too.
Usage: python3 tests/editors_check.py (from anywhere). Exit 1 on a failure."""
import json
import os
import re
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
LEXER = os.path.join(ROOT, "lang", "gdl.l")
TMLANG = os.path.join(ROOT, "editors", "vscode", "syntaxes", "gdl.tmLanguage.json")
PACKAGE = os.path.join(ROOT, "editors", "vscode", "package.json")
LANGCONF = os.path.join(ROOT, "editors", "vscode", "language-configuration.json")
VIM = os.path.join(ROOT, "editors", "vim", "syntax", "gdl.vim")
# Scopes a keyword may be highlighted as (not as a plain name).
KEYWORD_SCOPES = ("keyword.", "constant.language", "support.constant", "storage.")


def lexer_keywords():
    """Words the scanner returns as tokens of their own: rule patterns made
    only of quoted words ("when", "nl"|"en") in the rules section."""
    with open(LEXER, encoding="utf-8") as f:
        text = f.read()
    rules = text.split("\n%%\n")[1]
    words = []
    for line in rules.splitlines():
        m = re.match(r'^((?:"[A-Za-z_]+"\|?)+)\s', line)
        if m:
            words += re.findall(r'"([A-Za-z_]+)"', m.group(1))
    return words


def patterns(node):
    """Every (scope, match) of a grammar, through its repository."""
    if isinstance(node, dict):
        if "match" in node:
            yield node.get("name", ""), node["match"]
        for v in node.values():
            yield from patterns(v)
    elif isinstance(node, list):
        for v in node:
            yield from patterns(v)


def main():
    failures = []
    for path in (TMLANG, PACKAGE, LANGCONF):
        try:
            with open(path, encoding="utf-8") as f:
                json.load(f)
        except (OSError, ValueError) as e:
            failures.append(f"{os.path.relpath(path, ROOT)}: not valid JSON: {e}")
    if failures:
        print("\n".join(failures))
        return 1
    with open(TMLANG, encoding="utf-8") as f:
        grammar = json.load(f)
    compiled = []
    for scope, rx in patterns(grammar):
        try:
            compiled.append((scope, re.compile(rx)))
        except re.error as e:
            failures.append(f"gdl.tmLanguage.json: pattern {rx!r} does not compile: {e}")
    with open(VIM, encoding="utf-8") as f:
        vim_words = set()
        for line in f:
            if line.startswith("syn keyword"):
                vim_words.update(line.split()[3:])
    keywords = lexer_keywords()
    if len(keywords) < 30:
        failures.append(f"only {len(keywords)} keywords found in lang/gdl.l: has its layout changed?")
    for kw in keywords:
        covered = False
        for scope, rx in compiled:
            m = rx.search(kw)
            if m and m.group(0) == kw and scope.startswith(KEYWORD_SCOPES):
                covered = True
                break
        if not covered:
            failures.append(f"gdl.tmLanguage.json: keyword '{kw}' of lang/gdl.l is not highlighted")
        if kw not in vim_words:
            failures.append(f"editors/vim/syntax/gdl.vim: keyword '{kw}' of lang/gdl.l is not listed")
    # a keyword inside a name is no keyword: `in` must not light up in `input_x`
    for scope, rx in compiled:
        if scope.startswith(KEYWORD_SCOPES) and rx.search("xin_yand") and rx.search("xin_yand").group(0) != "":
            failures.append(f"gdl.tmLanguage.json: pattern {rx.pattern!r} matches inside a name")
    # a code the header declares is highlighted in the language line and where
    # a text starts a line; not inside a name, not a strength before a section
    lang_line, *outside = grammar["repository"]["language"]["patterns"]
    code_rx = [re.compile(r["match"]) for r in outside]
    if not re.search(lang_line["begin"], "guideline t { language nl, en, fr }"):
        failures.append("gdl.tmLanguage.json: the header's language line is not recognized")
    inside = [re.compile(r["match"]) for r in lang_line["patterns"] if "match" in r and "language-code" in r.get("name", "")]
    if not inside or [m.group(0) for m in inside[0].finditer(" nl, en, fr ")] != ["nl", "en", "fr"]:
        failures.append("gdl.tmLanguage.json: the codes of the header's language line are not highlighted")
    for text, want in (('    fr "texte"', "fr"), ('    nl "tekst"', "nl"), ("define fraction = fr_x", None),
                       ('advice tens do "C.4"', None), ('advice rest do "A" when x fr "Repos."', None),
                       ('advice rest do "A" when x nl "Rust." fr "Repos."', "nl"),
                       ('x nl "Rust." de "Ruhe."', "nl"), ('"Rust." de "Ruhe."', "de")):
        got = None
        for rx in code_rx:
            m = rx.search(text)
            if m and (got is None or m.start() < got[0]):
                got = (m.start(), m.group(0).strip())
        got = got and got[1]
        if got != want:
            failures.append(f"gdl.tmLanguage.json: in {text!r} the language code is {got!r}, not {want!r}")
    for f in failures:
        print("FAIL " + f)
    print(f"editor syntax files: {len(keywords)} keywords checked, {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
