"""Parse a SQL migration with PostgreSQL's own parser (pglast), statement by statement.

Migrations are judged by what PostgreSQL will read, not by what a regular expression sees:
quoted identifiers (`"public"."t"`, `SET "search_path"`), dollar quoting and comments are
understood because libpg_query understands them. Two things in real migration folders are not
SQL and are blanked before parsing (newlines kept, so offsets and line numbers stay right):
psql meta-commands (`\\connect`, pg_dump's `\\restrict`) and the data rows of
`COPY … FROM stdin` up to their `\\.` terminator. A statement that still does not parse is
reported with its line and skipped; the rest of the file is analysed as usual.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from pglast import ast, parse_sql
from pglast.parser import ParseError, scan

_COPY_FROM_STDIN = re.compile(r"^\s*copy\b[^\n]*\bfrom\s+stdin\b", re.IGNORECASE)
_COMMENT_TOKENS = frozenset({"SQL_COMMENT", "C_COMMENT"})
_COMMENT_MARK = re.compile(r"/\*|\*/")
MAX_COMMENT_DEPTH = 32


@dataclass(frozen=True)
class SqlStatement:
    """One parsed statement and the 1-based line of its first token."""

    node: ast.Node
    line: int


@dataclass(frozen=True)
class SqlParseError:
    """A statement PostgreSQL's parser refused: where, and its message."""

    line: int
    message: str


@dataclass(frozen=True)
class ParsedSql:
    statements: tuple[SqlStatement, ...]
    errors: tuple[SqlParseError, ...]


def blank_non_sql(text: str) -> str:
    """Blank psql meta-command lines and COPY data blocks, keeping every newline."""
    out: list[str] = []
    in_copy = False
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        if in_copy:
            in_copy = body != "\\."
            out.append(line[len(body):])
        elif body.lstrip().startswith("\\"):
            out.append(" " * len(body) + line[len(body):])
        else:
            in_copy = bool(_COPY_FROM_STDIN.match(body)) and body.rstrip().endswith(";")
            out.append(line)
    return "".join(out)


class _Lines:
    """Character offset → 1-based line number."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._starts: list[int] = []
        newline = text.find("\n")
        while newline >= 0:
            self._starts.append(newline + 1)
            newline = text.find("\n", newline + 1)

    def at(self, offset: int) -> int:
        return bisect.bisect_right(self._starts, self._first_token(offset)) + 1

    def _first_token(self, offset: int) -> int:
        """Skip the whitespace and comments libpg_query counts into a statement's start."""
        text, end = self._text, len(self._text)
        while offset < end:
            if text[offset].isspace():
                offset += 1
            elif text.startswith("--", offset):
                newline = text.find("\n", offset)
                offset = end if newline < 0 else newline + 1
            elif text.startswith("/*", offset):
                close = text.find("*/", offset + 2)
                offset = end if close < 0 else close + 2
            else:
                break
        return offset


def parse_migration(text: str) -> ParsedSql:
    """All statements PostgreSQL can parse, and one error per statement it cannot."""
    sql = blank_non_sql(text)
    lines = _Lines(sql)
    too_deep = _deep_comment_at(sql)
    if too_deep >= 0:
        return ParsedSql((), (SqlParseError(lines.at(too_deep), "block comments nested more "
                                            f"than {MAX_COMMENT_DEPTH} deep"),))
    try:
        return ParsedSql(_statements(sql, 0, lines), ())
    except (ParseError, RecursionError, ValueError):
        pass
    statements: list[SqlStatement] = []
    errors: list[SqlParseError] = []
    try:
        chunks = _split(sql)
    except (ParseError, ValueError) as exc:
        return ParsedSql((), (_error(exc, 0, lines),))
    for start, end in chunks:
        try:
            statements.extend(_statements(sql[start:end], start, lines))
        except (ParseError, RecursionError, ValueError) as exc:
            errors.append(_error(exc, start, lines))
    return ParsedSql(tuple(statements), tuple(errors))


def _split(sql: str) -> list[tuple[int, int]]:
    """Statement ranges at every top-level `;` the scanner sees (strings, dollar quotes and
    comments are single tokens, so their semicolons do not split). Unlike pglast's `split`,
    an unbalanced parenthesis does not end the split early."""
    ranges, start, seen_token = [], 0, False
    for token in scan(sql):
        if token.name == "ASCII_59":
            if seen_token:
                ranges.append((start, token.start))
            start, seen_token = token.end + 1, False
        elif token.name not in _COMMENT_TOKENS:
            seen_token = True
    if seen_token:
        ranges.append((start, len(sql)))
    return ranges


def _deep_comment_at(sql: str) -> int:
    """Offset where `/* … */` nesting passes MAX_COMMENT_DEPTH, or -1. PostgreSQL's scanner
    takes quadratic time in the nesting depth, and real SQL never nests deeply, so such a
    file is reported as not parsed instead of stalling the run. (Counted without regard to
    string literals: a false alarm only sends the file to review.)"""
    depth = 0
    for match in _COMMENT_MARK.finditer(sql):
        if match.group() == "/*":
            depth += 1
            if depth > MAX_COMMENT_DEPTH:
                return match.start()
        elif depth:
            depth -= 1
    return -1


def _statements(sql: str, base: int, lines: _Lines) -> tuple[SqlStatement, ...]:
    return tuple(SqlStatement(raw.stmt, lines.at(base + (raw.stmt_location or 0)))
                 for raw in parse_sql(sql) if raw.stmt is not None)


def _error(exc: BaseException, base: int, lines: _Lines) -> SqlParseError:
    position = exc.args[1] if len(exc.args) > 1 and isinstance(exc.args[1], int) else 0
    message = str(exc.args[0]) if exc.args else type(exc).__name__
    return SqlParseError(lines.at(base + position), message[:200])
