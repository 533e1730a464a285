"""Make PR-author-controlled text inert in Markdown and in terminals.

Paths, messages and snippets come from the pull request. In the PR comment they must not
become HTML, links, images, tables, mentions or code fences; in a terminal they must not
carry escape sequences.
"""

from __future__ import annotations

import html
import re

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>])")
_CODE_SPECIAL = re.compile(r"[\\`*_{}\[\]()#+!|~@:\"']")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
ZERO_WIDTH_SPACE = "\u200b"


def markdown_text(value: object) -> str:
    """Escape for a Markdown paragraph or table cell: HTML-escaped, metacharacters
    backslashed, mentions and issue references defused, one line."""
    text = _CONTROL.sub("", str(value)).replace("\r", " ").replace("\n", " ")
    text = html.escape(text, quote=True)
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    return text.replace("@", "@" + ZERO_WIDTH_SPACE).replace("#", "#" + ZERO_WIDTH_SPACE)


def markdown_code(value: object) -> str:
    """Code in an HTML <code> element. Markdown still applies between inline HTML tags,
    so every character Markdown or autolinking reacts to becomes a numeric entity."""
    text = html.escape(_CONTROL.sub("", str(value)).replace("\n", " "), quote=False)
    return "<code>" + _CODE_SPECIAL.sub(lambda m: f"&#{ord(m.group(0))};", text) + "</code>"


def terminal_text(value: object) -> str:
    """Strip control characters (ANSI escapes included) from untrusted text."""
    return _CONTROL.sub("", str(value))


def inert_line(text: str) -> str:
    """Untrusted text as one log line the runner cannot read as a workflow command: line
    breaks shown as `\\n`/`\\r`, no `::` at the start (the runner trims leading blanks
    first), no v1 `##[` anywhere."""
    line = text.replace("\r\n", "\\n").replace("\r", "\\r").replace("\n", "\\n")
    line = line.replace("##[", "##\u200b[")
    if line.lstrip().startswith("::"):
        line = "\u200b" + line
    return line
