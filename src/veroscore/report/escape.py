"""Make PR-author-controlled text inert in Markdown and in terminals.

Paths, messages and snippets come from the pull request. In the PR comment they must not
become HTML, links, images, tables, mentions or code fences; in a terminal they must not
carry escape sequences.
"""

from __future__ import annotations

import re

_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
"""Characters that start emphasis, code, links/images (`[`), table cells or strikethrough
anywhere in a line; everything else is left as written (an apostrophe stays one)."""
_LINE_START = re.compile(r"^(\s*)(?:([-+=#])|(\d+)([.)]))")
"""Block syntax that only counts at the start: a list item, a heading, a setext line."""
_MENTION = re.compile(r"([@#])(?=[0-9A-Za-z])")
"""`@user`/`@org/team` notify, `#123` links an issue (also after `owner/repo`)."""
_ENTITY = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
_AUTOLINK = re.compile(r"(?i)(://|\bwww\.)")
_CODE_SPECIAL = re.compile(r"[\\`*_{}\[\]()#+!|~@:]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
ZERO_WIDTH_SPACE = "\u200b"


def markdown_text(value: object) -> str:
    """Escape for a Markdown paragraph, list item or table cell, on one line.

    Tags (`<script>`) become text; links, images, emphasis, code and table pipes are
    backslashed; mentions, issue references and bare URLs are broken with a zero-width
    space so GitHub neither notifies, cross-references nor links. Quotes and ordinary
    punctuation are left alone: what a reader sees is what the author wrote.
    """
    text = _CONTROL.sub("", str(value)).replace("\r", " ").replace("\n", " ")
    text = _ENTITY.sub("&amp;", text).replace("<", "&lt;").replace(">", "&gt;")
    text = _INLINE_SPECIAL.sub(r"\\\1", text)
    text = _LINE_START.sub(lambda m: m.group(1) + (f"\\{m.group(2)}" if m.group(2)
                                                   else f"{m.group(3)}\\{m.group(4)}"), text)
    text = _AUTOLINK.sub(lambda m: m.group(1)[:-1] + ZERO_WIDTH_SPACE + m.group(1)[-1], text)
    return _MENTION.sub(lambda m: m.group(1) + ZERO_WIDTH_SPACE, text)


def markdown_code(value: object) -> str:
    """Code in an HTML <code> element. Markdown still applies between inline HTML tags,
    so every character Markdown, mentions or autolinking react to becomes a numeric
    entity (quotes do not: they are inert there)."""
    text = _CONTROL.sub("", str(value)).replace("\r", " ").replace("\n", " ")
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return "<code>" + _CODE_SPECIAL.sub(lambda m: f"&#{ord(m.group(0))};", text) + "</code>"


def clip(value: object, limit: int) -> str:
    """At most `limit` characters of untrusted text, marked when cut."""
    text = str(value)
    return text if len(text) <= limit else text[:max(limit - 1, 0)] + "…"


def terminal_text(value: object) -> str:
    """Untrusted text for a terminal or a CI log: control characters (ANSI escapes
    included) stripped, and inert against workflow commands (see `inert_line`) — a report
    printed in a GitHub Actions step is parsed by the runner line by line."""
    return inert_line(_CONTROL.sub("", str(value)))


def inert_line(text: str) -> str:
    """Untrusted text as one log line the runner cannot read as a workflow command: line
    breaks shown as `\\n`/`\\r`, no `::` at the start (the runner trims leading blanks
    first), no v1 `##[` anywhere."""
    line = text.replace("\r\n", "\\n").replace("\r", "\\r").replace("\n", "\\n")
    line = line.replace("##[", "##\u200b[")
    if line.lstrip().startswith("::"):
        line = "\u200b" + line
    return line
