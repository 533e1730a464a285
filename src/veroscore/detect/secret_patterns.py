"""Token formats of common providers, shared by the secrets detector and the redactor.

Formats come from the providers' documentation (AWS access key ids, GitHub's prefixed
tokens, Stripe live keys, Slack tokens and webhooks, Google API keys, OpenAI-style keys,
PEM private keys, Supabase's `sb_secret_` keys and legacy JWTs, URLs with passwords).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
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
                 re.compile(r"(?<![A-Za-z0-9_-])sk-(?:proj-|svcacct-|admin-|ant-api\d\d-)?"
                            r"[A-Za-z0-9_-]{40,}\b")),
    TokenPattern("secret-private-key", "private key block",
                 re.compile(r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |PGP |ENCRYPTED )?PRIVATE KEY"
                            r"(?: BLOCK)?-----")),
    TokenPattern("secret-supabase-secret-key", "Supabase secret key",
                 re.compile(r"(?<![A-Za-z0-9_-])sb_secret_[A-Za-z0-9_-]{20,}\b")),
    TokenPattern("secret-database-url-password", "database URL with a password",
                 re.compile(r"\b(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|redis|rediss|"
                            r"amqps?)://[^\s:/@'\"]+:(?P<password>[^\s@'\"/]{3,})@[^\s'\"]+")),
)

JWT = re.compile(r"(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")
"""Starts only where a token can start, so a long run of `eyJ-eyJ-…` is scanned once."""

REDACTED = "[REDACTED]"

CREDENTIAL_WORD = re.compile(
    r"password|passwd|pwd|(?<![a-z])pass(?![a-z])|secret|api_?key|apikey|access_?key|"
    r"auth_?token|access_?token|"
    r"refresh_?token|private_?key|client_?secret|service_?role_?key|token|credentials?",
    re.IGNORECASE)
"""A word in a name that says the value is a credential (checked on the whole name)."""
PASSWORD_WORD = re.compile(r"password|passwd|pwd|^pass$|_pass$|^pass_", re.IGNORECASE)

CREDENTIAL_ASSIGNMENT = re.compile(
    r"(?<![A-Za-z0-9_])(?P<name>[A-Za-z0-9_]++)[\"']?\s*+(?::|=|:=|=>)\s*+[rbfRBF]?"
    r"(?P<quote>[\"'`])(?P<value>[^\"'`\s]{8,})(?P=quote)")
"""`name = "value"`: the name is taken whole (possessive, so a long word is read once) and
must contain a CREDENTIAL_WORD; `is_credential_name` checks that."""

CONFIG_ASSIGNMENT = re.compile(
    r"^[ \t]*+(?:export[ \t]++)?(?P<name>[A-Za-z0-9_.-]++)[ \t]*+[:=][ \t]*+"
    r"(?P<value>[^\s\"'#`{\[][^\s#]*+)[ \t]*+(?:#.*)?$")
"""An unquoted value in a dotenv, YAML, TOML, INI or properties file: `KEY=value`,
`key: value`; a quoted value is CREDENTIAL_ASSIGNMENT's."""

CONFIG_QUOTED = re.compile(
    r"^[ \t]*+(?:export[ \t]++)?[\"']?(?P<name>[A-Za-z0-9_.-]++)[\"']?[ \t]*+[:=][ \t]*+"
    r"(?P<quote>[\"'])(?P<value>[^\"'\n]{1,200})(?P=quote)")
"""A quoted value of any length in a config file (short passwords count there)."""

SQL_PASSWORD = re.compile(
    r"\bPASSWORD[ \t]++'(?P<value>[^'\n]{1,200})'", re.IGNORECASE)
"""`CREATE ROLE … PASSWORD '…'`, `ALTER USER … WITH [ENCRYPTED] PASSWORD '…'`."""

_REFERENCE = re.compile(
    r"\$\{|\$\(|^\$[A-Za-z_]|\{\{|\}\}|<%|%\(\w*\)s|^%[A-Za-z_]\w*%$|\benv\(|"
    r"\bgetenv\b|process\.env|import\.meta\.env|os\.environ|\bENV\[|\bsecrets\.|"
    r"^(?:vault|op|ssm|secretsmanager|sm|arn|awssecret|gcp|azure-keyvault)[:+]|"
    r"^!(?:Ref|Sub|GetAtt|ImportValue)\b|^\[[A-Z_]+\]$", re.IGNORECASE)
"""A reference to a value kept elsewhere: `${VAR}`, `$VAR`, `env(VAR)`, `${{ secrets.X }}`,
`process.env.X`, `os.environ[...]`, `%(VAR)s`, `%VAR%`, `{{ var }}`, vault/SSM URIs."""

_PLACEHOLDER = re.compile(
    r"^(?:\*+|x+|\.+|-+|_+|0+|1234\d*|12345678\d*|null|none|nil|undefined|true|false|"
    r"password\d*|passwd|pass|secret|changeme|change_me|changeit|example|test|testing|dummy|"
    r"placeholder|redacted|default|admin|root|postgres|mysql|guest|user|username|todo|tbd|"
    r"empty|string|str|value|<[^>]*+>|\{[^}]*+\}|\[[^\]]*+\])$|"
    r"^your[_-]|example|sample|dummy|placeholder|changeme|change[_-]?(?:me|this)|"
    r"replace[_-]?(?:me|with)|"
    r"fixme|xxxx|<|\.\.\.|_here$|-here$|^fake|^mock|^test[_-]|redacted|^\*{3}",
    re.IGNORECASE)
"""A value that says it is not the real one: `changeme`, `<your-key>`, `xxx`,
`your_password_here`, `example`, `***`, the usual default passwords of local databases."""

_PLACEHOLDER_PASSWORDS = re.compile(
    r"^(?:\$\{?\w+\}?|<[^>]*>|\*+|x+|password|passwd|pass|secret|changeme|example|"
    r"your[_-]?password|postgres|user|\{[^}]*\}|%\(?\w*\)?s?)$", re.IGNORECASE)


def is_credential_name(name: str) -> bool:
    """True when an identifier or key says its value is a credential."""
    return CREDENTIAL_WORD.search(name) is not None


def is_reference(value: str) -> bool:
    """`${VAR}`, `env(VAR)`, `${{ secrets.X }}`, `process.env.X` and friends: the value lives
    elsewhere, so the line leaks nothing."""
    return _REFERENCE.search(value) is not None


def is_placeholder(value: str) -> bool:
    """`changeme`, `<your-key>`, `xxx`, `your_password_here`: documentation, not a secret."""
    return _PLACEHOLDER.search(value) is not None


def jwt_claims(token: str) -> dict[str, object]:
    """Decode the (unverified) payload of a JWT; an empty dict when it is not one."""
    parts = token.split(".")
    return _jwt_part(parts[1]) if len(parts) == 3 else {}


def _jwt_part(part: str) -> dict[str, object]:
    """A JWT header or payload as a dict; empty when it is not base64url JSON."""
    try:
        decoded = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    except (ValueError, UnicodeDecodeError):
        return {}
    return decoded if isinstance(decoded, dict) else {}


SUPABASE_DEMO_JWT_SECRETS = (b"super-secret-jwt-token-with-at-least-32-characters-long",
                             b"your-super-secret-jwt-token-with-at-least-32-characters-long")
"""Supabase's public JWT secrets: the one every local stack of the CLI (`supabase start`)
signs its keys with, and the one of the self-hosting `docker/.env.example`. The anon and
service_role keys they sign are printed in Supabase's own docs and output."""


def is_supabase_demo_jwt(token: str) -> bool:
    """True when `token` is an HS256 JWT signed with Supabase's public demo secret.

    Such a key (the `supabase-demo` anon and service_role keys of a local stack or of the
    self-hosting example) is public already, so committing it leaks nothing. Only the signature
    proves it: the claims are whatever the PR author wrote, so `iss: supabase-demo` alone
    exempts nothing. The signature is compared in its canonical encoding, in constant time.
    """
    parts = token.split(".")
    if not token.isascii() or len(parts) != 3 or _jwt_part(parts[0]).get("alg") != "HS256":
        return False
    signing_input = f"{parts[0]}.{parts[1]}".encode("ascii")
    signature = parts[2].encode("ascii")
    return any(hmac.compare_digest(_hs256(secret, signing_input), signature)
               for secret in SUPABASE_DEMO_JWT_SECRETS)


def _hs256(secret: bytes, signing_input: bytes) -> bytes:
    """The base64url (unpadded) HMAC-SHA256 signature of a JWT's `header.payload`."""
    digest = hmac.new(secret, signing_input, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=")


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
    if not is_credential_name(match.group("name")) or \
            match.group("value").startswith(("${", "process.env", "os.environ")):
        return match.group(0)
    start, end = match.span("value")
    whole, offset = match.group(0), match.start()
    return whole[: start - offset] + REDACTED + whole[end - offset:]
