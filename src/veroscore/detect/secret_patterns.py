"""Token formats of common providers, shared by the secrets detector and the redactor.

Formats come from the providers' documentation (AWS access key ids, GitHub's prefixed
tokens, Stripe live keys, Slack tokens and webhooks, Google API keys, OpenAI-style keys,
PEM private keys, Supabase's `sb_secret_` keys and legacy JWTs, URLs with passwords).
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class TokenPattern:
    rule_id: str
    provider: str
    regex: re.Pattern[str]


TOKEN_PATTERNS: tuple[TokenPattern, ...] = (
    TokenPattern("secret-aws-access-key-id", "AWS access key id",
                 re.compile(r"\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b")),
    TokenPattern("secret-github-token", "GitHub token",
                 re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{60,255})\b")),
    TokenPattern("secret-stripe-live-key", "Stripe live key",
                 re.compile(r"\b(?:sk|rk)_live_[0-9a-zA-Z]{24,247}\b")),
    TokenPattern("secret-slack-token", "Slack token",
                 re.compile(r"\bxox[abposr]-[0-9A-Za-z-]{10,250}\b")),
    TokenPattern("secret-slack-webhook", "Slack webhook URL",
                 re.compile(r"https://hooks\.slack\.com/services/T[A-Z0-9]{6,}/B[A-Z0-9]{6,}/"
                            r"[A-Za-z0-9]{20,}")),
    TokenPattern("secret-google-api-key", "Google API key",
                 re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b")),
    TokenPattern("secret-openai-key", "OpenAI-style API key",
                 re.compile(r"\bsk-(?:proj-|svcacct-|admin-|ant-api\d\d-)?[A-Za-z0-9_-]{40,}\b")),
    TokenPattern("secret-private-key", "private key block",
                 re.compile(r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |PGP |ENCRYPTED )?PRIVATE KEY"
                            r"(?: BLOCK)?-----")),
    TokenPattern("secret-supabase-secret-key", "Supabase secret key",
                 re.compile(r"\bsb_secret_[A-Za-z0-9_-]{20,}\b")),
    TokenPattern("secret-database-url-password", "database URL with a password",
                 re.compile(r"\b(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|redis|rediss|"
                            r"amqps?)://[^\s:/@'\"]+:(?P<password>[^\s@'\"/]{3,})@[^\s'\"]+")),
)

JWT = re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")

REDACTED = "[REDACTED]"

CREDENTIAL_NAME = (r"(?:[A-Za-z0-9_]*(?:password|passwd|pwd|secret|api_?key|apikey|access_?key|"
                   r"auth_?token|access_?token|refresh_?token|private_?key|client_?secret|"
                   r"service_?role_?key|token|credentials?)[A-Za-z0-9_]*)")
CREDENTIAL_ASSIGNMENT = re.compile(
    r"(?P<name>" + CREDENTIAL_NAME + r")[\"']?\s*(?::|=|:=|=>)\s*[rbf]?(?P<quote>[\"'`])"
    r"(?P<value>[^\"'`\s]{8,})(?P=quote)", re.IGNORECASE)

_PLACEHOLDER_PASSWORDS = re.compile(
    r"^(?:\$\{?\w+\}?|<[^>]*>|\*+|x+|password|passwd|pass|secret|changeme|example|"
    r"your[_-]?password|postgres|user|\{[^}]*\}|%\(?\w*\)?s?)$", re.IGNORECASE)


def jwt_claims(token: str) -> dict[str, object]:
    """Decode the (unverified) payload of a JWT; an empty dict when it is not one."""
    parts = token.split(".")
    if len(parts) != 3:
        return {}
    payload = parts[1] + "=" * (-len(parts[1]) % 4)
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload))
    except (ValueError, UnicodeDecodeError):
        return {}
    return claims if isinstance(claims, dict) else {}


def is_placeholder_password(password: str) -> bool:
    """`postgres://user:${DB_PASSWORD}@…` and friends are templates, not leaks."""
    return bool(_PLACEHOLDER_PASSWORDS.match(password))


# Redaction only (never findings): credentials in URLs and connection strings of any form.
# A URL's password runs to the last `@` of the token, so a password holding `@` is hidden
# whole; `?password=…` query parameters and libpq `password=…` keywords are hidden too.
_URL_PASSWORD = re.compile(r"\b[A-Za-z][A-Za-z0-9+.-]*://[^\s:/?#@'\"]*:(?P<password>[^\s'\"]+)@")
_CREDENTIAL_PARAMETER = re.compile(
    r"(?P<name>\b(?:ssl)?(?:password|passwd|pwd|pass|secret|token|access_token|api_?key|apikey)"
    r")=(?P<password>'(?:[^'\\]|\\.)*'|[^\s&'\"#;]+)", re.IGNORECASE)


def redact(text: str) -> str:
    """Replace every known token format, every JWT and every URL password in `text`."""
    if not text:
        return text
    text = JWT.sub(REDACTED, text)
    text = CREDENTIAL_ASSIGNMENT.sub(_redact_assignment, text)
    for pattern in TOKEN_PATTERNS:
        if pattern.rule_id == "secret-database-url-password":
            text = pattern.regex.sub(_redact_url_password, text)
        else:
            text = pattern.regex.sub(REDACTED, text)
    text = _URL_PASSWORD.sub(_redact_url_password, text)
    return _CREDENTIAL_PARAMETER.sub(_redact_url_password, text)


def redact_data(value: object) -> object:
    """`redact` applied to every string inside JSON-like data (keys included), so a
    structure stays valid JSON where redacting its serialised text might not."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {redact(str(k)): redact_data(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact_data(v) for v in value]
    return value


def _redact_url_password(match: re.Match[str]) -> str:
    start, end = match.span("password")
    whole, offset = match.group(0), match.start()
    return whole[: start - offset] + REDACTED + whole[end - offset:]


def _redact_assignment(match: re.Match[str]) -> str:
    if match.group("value").startswith(("${", "process.env", "os.environ")):
        return match.group(0)
    start, end = match.span("value")
    whole, offset = match.group(0), match.start()
    return whole[: start - offset] + REDACTED + whole[end - offset:]
