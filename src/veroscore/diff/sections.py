"""Split a git diff into one section per file, and read git's C-quoted file names.

Git quotes a path in diff headers when it holds `"`, `\\`, or a control character
(tab, newline…) — `core.quotePath=false` only stops the quoting of bytes ≥ 0x80 — as a C
string with escapes and octal bytes. So a header is always one line, and a section can
start only where a line begins with `diff --git `: a name cannot fake one. Names come
from git's NUL-separated output where there is one (`diff/git.py`); a patch file only has
its headers, which `header_names` reads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ESCAPES = {"a": 7, "b": 8, "t": 9, "n": 10, "v": 11, "f": 12, "r": 13, '"': 34, "\\": 92}
_QUOTED = {v: k for k, v in _ESCAPES.items()}
_OCTAL = re.compile(r"[0-7]{3}")
_SECTION_START = re.compile(r"^diff --git ", re.MULTILINE)


def c_unquote(text: str) -> str:
    """The name git quoted as `"…"` (escapes and UTF-8 octal bytes); plain text as is."""
    if len(text) < 2 or not (text.startswith('"') and text.endswith('"')):
        return text
    out = bytearray()
    body, index = text[1:-1], 0
    while index < len(body):
        char = body[index]
        if char != "\\" or index + 1 == len(body):
            out += char.encode("utf-8")
            index += 1
            continue
        code = body[index + 1]
        if _OCTAL.fullmatch(body, index + 1, index + 4):
            out.append(int(body[index + 1:index + 4], 8) & 0xFF)
            index += 4
        else:
            out.append(_ESCAPES.get(code, ord(code) if code.isascii() else 63))
            index += 2
    return out.decode("utf-8", errors="replace")


def c_quote(name: str) -> str:
    """`name` as git writes it in a header with `core.quotePath=false`."""
    raw = name.encode("utf-8", errors="surrogateescape")
    if not any(b < 32 or b in (34, 92, 127) for b in raw):
        return name
    out = bytearray(b'"')
    for b in raw:
        if b in _QUOTED:
            out += b"\\" + _QUOTED[b].encode("ascii")
        elif b < 32 or b == 127:
            out += f"\\{b:03o}".encode("ascii")
        else:
            out.append(b)
    return (out + b'"').decode("utf-8", errors="replace")


def split_sections(text: str) -> list[str]:
    """The per-file sections of a git diff, each starting with its `diff --git` line;
    anything before the first (a mail header, a commit message) is dropped."""
    starts = [m.start() for m in _SECTION_START.finditer(text)]
    ends = [*starts[1:], len(text)]
    return [text[start:end] for start, end in zip(starts, ends[:len(starts)], strict=True)]


@dataclass(frozen=True)
class SectionHeader:
    """What a section's header lines say, before its first hunk."""

    old_path: str | None
    new_path: str | None
    is_binary: bool
    body: str
    """The hunks (from the first `@@` line), or "" when there are none."""


def split_header(section: str) -> tuple[list[str], str]:
    """Header lines and the hunk text of one section."""
    match = re.search(r"^@@ ", section, re.MULTILINE)
    if match is None:
        return section.splitlines(), ""
    return section[:match.start()].splitlines(), section[match.start():]


def _strip_prefix(name: str, prefix: str) -> str:
    return name[len(prefix):] if name.startswith(prefix) else name


def _file_line_name(value: str, prefix: str) -> str | None:
    """The name of a `--- a/x` / `+++ b/x` line; git appends a tab after names with spaces."""
    if value.startswith('"'):
        return _strip_prefix(c_unquote(value), prefix)
    value = value.split("\t", 1)[0]
    return None if value == "/dev/null" else _strip_prefix(value, prefix)


def _diff_git_names(line: str) -> tuple[str | None, str | None]:
    """Both names of a `diff --git a/x b/y` line, when it can be read unambiguously."""
    rest = line[len("diff --git "):]
    quoted = re.fullmatch(r'("(?:[^"\\]|\\.)*"|\S+) ("(?:[^"\\]|\\.)*"|\S+)', rest)
    if quoted and (rest.startswith('"') or rest.endswith('"')):
        return (_strip_prefix(c_unquote(quoted.group(1)), "a/"),
                _strip_prefix(c_unquote(quoted.group(2)), "b/"))
    half = (len(rest) - 1) // 2
    old, new = rest[:half], rest[half + 1:]
    if rest[half] == " " and old[2:] == new[2:]:
        return _strip_prefix(old, "a/"), _strip_prefix(new, "b/")
    return None, None


def header_names(section: str) -> SectionHeader:
    """Old and new name (None for /dev/null) and the binary flag of one section."""
    lines, body = split_header(section)
    old = new = None
    seen_old = seen_new = False
    binary = False
    for line in lines[1:]:
        if line.startswith(("rename from ", "copy from ")):
            old, seen_old = c_unquote(line.split(" ", 2)[2]), True
        elif line.startswith(("rename to ", "copy to ")):
            new, seen_new = c_unquote(line.split(" ", 2)[2]), True
        elif line.startswith("--- ") and not seen_old:
            old, seen_old = _file_line_name(line[4:], "a/"), True
        elif line.startswith("+++ ") and not seen_new:
            new, seen_new = _file_line_name(line[4:], "b/"), True
        elif line.startswith(("Binary files ", "GIT binary patch")):
            binary = True
    if not (seen_old and seen_new):
        git_old, git_new = _diff_git_names(lines[0]) if lines else (None, None)
        deleted = any(line.startswith("deleted file mode") for line in lines)
        added = any(line.startswith("new file mode") for line in lines)
        old = old if seen_old else (None if added else git_old)
        new = new if seen_new else (None if deleted else git_new)
    return SectionHeader(old, new, binary, body)
