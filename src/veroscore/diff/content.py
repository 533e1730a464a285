"""Decide whether bytes are text, by their content, and decode them for the detectors.

A NUL byte alone does not make a file binary: a `.env` or source file with one NUL
planted in it must still be read, or a single byte would hide it from every detector.
Text is recognised by what the bytes are (UTF-8 or UTF-16 text with few control
characters once NULs are set aside); NULs are then removed, which keeps line numbers and
joins any token a NUL was meant to split. Everything else is binary and unscanned.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

_CONTROL = bytes(b for b in range(32) if chr(b) not in "\t\n\r\f\v\b\x1b") + b"\x7f"
MAX_CONTROL_RATIO = 0.05
"""Above this share of control characters (NULs aside) the bytes are not text."""


@dataclass(frozen=True)
class DecodedContent:
    """Text to analyse (None for binary data) and what the decoding had to do to it."""

    text: str | None
    had_nul: bool = False
    replaced: bool = False

    @property
    def is_binary(self) -> bool:
        return self.text is None


def _utf16(data: bytes) -> str | None:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            return None
    return None


def decode_content(data: bytes) -> DecodedContent:
    """Text (NULs removed, undecodable bytes replaced) unless the bytes are binary."""
    utf16 = _utf16(data)
    if utf16 is not None:
        return DecodedContent(utf16)
    had_nul = b"\x00" in data
    if had_nul:
        data = data.replace(b"\x00", b"")
    if data and len(data.translate(None, _CONTROL)) < len(data) * (1 - MAX_CONTROL_RATIO):
        return DecodedContent(None, had_nul)
    try:
        return DecodedContent(data.decode("utf-8"), had_nul)
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8", errors="replace")
    if had_nul and text.count("\ufffd") > len(text) * MAX_CONTROL_RATIO:
        return DecodedContent(None, had_nul)
    return DecodedContent(text, had_nul, replaced=True)


def strip_nul(text: str) -> tuple[str, bool]:
    """Text with NUL characters removed, and whether there were any."""
    if "\x00" not in text:
        return text, False
    return text.replace("\x00", ""), True
