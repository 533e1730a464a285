"""hardcoded_secret: provider tokens, Supabase keys and credential-named literals.

Supabase's legacy keys are JWTs whose `role` claim says what they are: `service_role`
bypasses RLS (critical), `anon` is public by design (no finding). The new `sb_secret_`
keys are secret, `sb_publishable_` keys are not. Environment lookups, placeholders,
documented example keys and hashes are not findings.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterator

from veroscore.detect.base import DetectionContext
from veroscore.detect.finding import Finding
from veroscore.detect.secret_patterns import (
    CREDENTIAL_ASSIGNMENT,
    JWT,
    TOKEN_PATTERNS,
    is_placeholder_password,
    jwt_claims,
)
from veroscore.diff import ChangedFile

VIOLATION = "hardcoded_secret"
FIX = "Move the secret to the environment or a secret manager and rotate it: it is leaked."
_KEY_BODY = re.compile(r"^(?:\\n|\s)*[A-Za-z0-9+/=]{40,}")
"""A PEM header counts only with key material after it (a header alone is a format string)."""
_EXAMPLE = re.compile(r"example|dummy|placeholder|sample|fake|xxxx|your[_-]|<|changeme|"
                      r"redacted|0123456789|abcdefgh", re.IGNORECASE)
_NOT_SECRET_NAMES = re.compile(r"hash|digest|checksum|sha\d*|md5|etag|fingerprint|_url$|"
                               r"_path$|_file$|_name$|_id$|_type$|_header$|_field$|_env$|"
                               r"_key_name|tokenizer|token_count|max_tokens", re.IGNORECASE)


def shannon_entropy(value: str) -> float:
    """Bits per character; random tokens sit above ~3.5, words and paths below."""
    counts = Counter(value)
    return -sum(n / len(value) * math.log2(n / len(value)) for n in counts.values())


class SecretsDetector:
    """Finds leaked credentials on the lines a change adds."""

    name = "secrets"

    def detect(self, ctx: DetectionContext) -> Iterator[Finding]:
        for changed in ctx.files():
            if ctx.is_test(changed.path) and not ctx.config.scan_tests:
                continue
            lines = (changed.content or "").splitlines()
            for line_no, text in changed.added_lines.items():
                following = lines[line_no] if line_no < len(lines) else ""
                yield from self._line_findings(ctx, changed, line_no, f"{text}\n{following}")

    def _line_findings(self, ctx: DetectionContext, changed: ChangedFile, line_no: int,
                       text: str) -> Iterator[Finding]:
        found = False
        line = text.split("\n", 1)[0]
        for pattern in TOKEN_PATTERNS:
            match = pattern.regex.search(line)
            if pattern.rule_id == "secret-private-key" and match and \
                    not _KEY_BODY.search(text[match.end():]):
                continue
            if match and not self._is_benign_token(pattern.rule_id, match):
                found = True
                yield ctx.finding(rule_id=pattern.rule_id, violation_type=VIOLATION,
                                  detector=self.name, changed=changed, line=line_no,
                                  message=f"Hardcoded {pattern.provider}.", suggested_fix=FIX)
        for match in JWT.finditer(line):
            role = str(jwt_claims(match.group(0)).get("role", ""))
            if role == "service_role":
                found = True
                yield ctx.finding(
                    rule_id="secret-supabase-service-role-jwt", violation_type=VIOLATION,
                    detector=self.name, changed=changed, line=line_no,
                    message="Hardcoded Supabase service_role key: it bypasses Row Level "
                            "Security for anyone who reads it.",
                    suggested_fix="Remove the key, rotate it in the Supabase dashboard, and "
                                  "read it from a server-side environment variable.")
                break
        if not found and not ctx.is_test(changed.path):
            yield from self._generic(ctx, changed, line_no, line)

    @staticmethod
    def _is_benign_token(rule_id: str, match: re.Match[str]) -> bool:
        token = match.group(0)
        if rule_id == "secret-database-url-password":
            return is_placeholder_password(match.group("password"))
        return bool(_EXAMPLE.search(token)) or len(set(token)) < 6

    def _generic(self, ctx: DetectionContext, changed: ChangedFile, line_no: int,
                 text: str) -> Iterator[Finding]:
        for match in CREDENTIAL_ASSIGNMENT.finditer(text):
            name, value = match.group("name"), match.group("value")
            if _NOT_SECRET_NAMES.search(name) or JWT.fullmatch(value):
                continue
            if _EXAMPLE.search(value) or "${" in value or value.startswith(("sb_publishable_",
                                                                            "pk_", "http")):
                continue
            if len(value) < 12 or shannon_entropy(value) < 3.5:
                continue
            yield ctx.finding(rule_id="secret-generic-credential", violation_type=VIOLATION,
                              detector=self.name, changed=changed, line=line_no,
                              severity="high",
                              message=f"High-entropy literal assigned to '{name}'.",
                              suggested_fix=FIX)
            return
