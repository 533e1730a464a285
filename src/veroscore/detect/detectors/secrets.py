"""hardcoded_secret: provider tokens, Supabase keys and credential-named literals.

Supabase's legacy keys are JWTs whose `role` claim says what they are: `service_role`
bypasses RLS (critical), `anon` is public by design (no finding). The new `sb_secret_`
keys are secret, `sb_publishable_` keys are not. Provider tokens are critical wherever
they appear.

Credential-named values are judged by what they are, not by the name alone: references
(`${VAR}`, `env(VAR)`, `${{ secrets.X }}`, `process.env.X`, `os.environ[...]`, `%(VAR)s`),
placeholders (`changeme`, `<your-key>`, `xxx`), env-var names and identifiers
(`SUPABASE_SERVICE_ROLE_KEY`, `get_service_role_token`) and hashes are not findings. In
config files (dotenv, YAML, TOML, INI, properties) unquoted values count too, and a
literal password of any length is reported; so is a `PASSWORD '…'` clause in SQL. These
name-based findings are `high` (a person looks), never a block on their own; example and
template files (`.env.example`, `*.sample`) and docs hold examples by design.

UI text is not a credential: a value that reads as human language (`Forgot password?`,
`确认密码`, JSON-escaped `\\u5bc6\\u7801`) under a password-named key is a label, unless a
token-like run sits in it; localisation catalogues (`locales/`, `i18n/`, `translations/`,
`*.po`…) get no name-based findings at all. Routes (`/api/users/forgot-password`), enum
values restating their name and `f"{ID}:{SECRET}"` interpolations are not values either.
Provider token formats, JWTs and PEM keys are looked for everywhere.

Supabase's local stack (and its self-hosting example) signs its anon and service_role keys
with a public demo secret; a JWT whose signature verifies with one is public already and is
not reported. The claims prove nothing (the PR author writes them): only the signature counts.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterator

from veroscore.detect.base import DetectionContext
from veroscore.detect.finding import Finding
from veroscore.detect.secret_patterns import (
    CONFIG_ASSIGNMENT,
    CONFIG_QUOTED,
    CREDENTIAL_ASSIGNMENT,
    JWT,
    PASSWORD_WORD,
    SQL_PASSWORD,
    TOKEN_PATTERNS,
    is_credential_name,
    is_placeholder,
    is_placeholder_password,
    is_reference,
    is_supabase_demo_jwt,
    jwt_claims,
)
from veroscore.diff import ChangedFile

VIOLATION = "hardcoded_secret"
FIX = "Move the secret to the environment or a secret manager and rotate it: it is leaked."
_KEY_BODY = re.compile(r"^(?:\\n|\s)*[A-Za-z0-9+/=]{40,}")
"""A PEM header counts only with key material after it (a header alone is a format string)."""
_EXAMPLE = re.compile(r"example|dummy|placeholder|sample|fake|xxxx|your[_-]|<|changeme|"
                      r"redacted|0123456789|abcdefgh", re.IGNORECASE)
_NOT_SECRET_NAMES = re.compile(
    r"hash|digest|checksum|(?:^|_)sha(?:\d+|_|$)|md5|etag|fingerprint|tokenizer|"
    r"token_?count|max_?tokens|"
    r"(?:^|_)(?:url|uri|path|file|name|id|type|header|field|env|var|"
    r"key_name|length|len|min|max|timeout|ttl|expiry|expires|expiration|policy|column|prefix|"
    r"param|enabled|required|rotation|reset|strength|regex|pattern|hint|label|placeholder|mode|"
    r"method|provider|endpoint|dir|store|version|count|size|limit|format|file_?path|ref|"
    r"secret_?ref|key_?ref|input|template|validator|confirm(?:ation)?|changed|set|"
    r"updated_at|at)$")
"""Names of things about a credential (its URL, length, env var, policy), not the
credential; matched on the snake_case form of the name (`not_secret_name`)."""
_CAMEL_HUMP = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_CONFIG_FILE = re.compile(r"(?:^|/)(?:\.env[^/]*|[^/]*\.(?:ya?ml|toml|ini|cfg|conf|"
                          r"properties|env))$", re.IGNORECASE)
_EXAMPLE_FILE = re.compile(r"(?:example|sample|template|dist)s?(?:\.[^/]*)?$|"
                           r"(?:^|/)docs?/", re.IGNORECASE)
"""`.env.example`, `config.sample.yml`, `app.dist.ini`, `docs/`: example values by design."""
_DOC_LANGUAGES = frozenset({"markdown", "text"})
_ENV_NAME = re.compile(r"^[A-Z][A-Z0-9]*+(?:_[A-Z0-9]++)++$")
"""`SUPABASE_SERVICE_ROLE_KEY` as a value names an environment variable."""
_IDENTIFIER = re.compile(r"^[a-z][a-z0-9]*+(?:[_.:-][a-z0-9]++)++$")
"""`service_role_token`, `auth.access-token`: a name, key or RPC, not a random secret."""
_LOCALISATION_FOLDER = re.compile(
    r"(?:^|/)(?:_?locales?|i18n|l10n|translations?|langs?|[^/]*\.lproj)/", re.IGNORECASE)
_CATALOGUE_FORMAT = re.compile(
    r"\.(?:json5?|ya?ml|toml|ini|properties|po|pot|xlf|xliff|arb|strings|stringsdict|resx|xml)$",
    re.IGNORECASE)
_LOCALISATION_FILE = re.compile(
    r"\.(?:po|pot|xlf|xliff|arb|strings|stringsdict)$|"
    r"(?:^|/)messages/[a-z]{2,3}(?:[-_][a-z]{2,4})?\.(?:json|ya?ml)$|"
    r"(?:^|/)(?:translations?|i18n|l10n|locales?)(?:[._-][^/]*)?\.(?:json|ya?ml)$",
    re.IGNORECASE)
"""Localisation catalogues: data files under `locales/`, `i18n/`, `translations/`, `lang/`…,
and `*.po`, Java `messages_*.properties`, next-intl's `messages/en.json`,
`translations.de.json` anywhere. Their password-named keys hold UI labels, so only provider
token formats are looked for there. Code in those folders (`i18n/crowdin.ts` holding a
translation service's API key) is judged like any code."""
_ESCAPE = re.compile(r"\\u\{(?P<code>[0-9a-fA-F]{1,6})\}|\\u(?P<code4>[0-9a-fA-F]{4})|"
                     r"\\x(?P<code2>[0-9a-fA-F]{2})|\\[nrt]")
_TOKEN_RUN = re.compile(r"[A-Za-z0-9_+/=-]{20,}")
_WORD = re.compile(r"[(\"'¿¡«]*+[^\W\d_]++(?:['’.-][^\W\d_]++)*+[.,:;!?…)\"'»]*+")
"""A word of any script with its punctuation: `Password`, `don't`, `e-mail,`, `(optional)`."""
_MESSAGE_PARAMETER = re.compile(r"\{\{?[^{}\s]*+\}\}?|%\{\w++\}|%\(\w++\)[sd]|%[sd]|"
                                r"\$\{\w++\}")
"""`{name}`, `{{count}}`, `%{n}`, `%(n)s`, `%s`: the parameters of a message, not its words."""
_PROMPT_ENDINGS = ("?", ":", "…", "...", "？", "：")
_CAMEL_IDENTIFIER = re.compile(r"^[A-Za-z][a-z]++(?:[A-Z][a-z]++)++$")
"""`membersCanCreateApiKey`, `AccessToken`: an enum value or key name made of words."""
_PATH = re.compile(r"^\.{0,2}/(?:[a-z0-9_.~@-]++|:\w++|\{\w++\}|\[\w++\])"
                   r"(?:/(?:[a-z0-9_.~@-]++|:\w++|\{\w++\}|\[\w++\]))*+/?$")
"""`/api/users/forgot-password`, `./src/token/index.ts`: a route or module path (lower-case
segments, so a base64 key that happens to start with `/` is not one)."""
_INTERPOLATION = re.compile(r"\{[^{}\s]*+\}")
"""`f"{CLIENT_ID}:{CLIENT_SECRET}"`: interpolated values are judged where they are defined;
the literal text around them is what this line adds."""
_HASHED_PASSWORD = re.compile(r"^(?:md5[0-9a-f]{32}|SCRAM-SHA-256\$|\$2[aby]?\$|\$argon2)")
_MIN_PASSWORD = 4
_LONGEST_TOKEN = 512
"""Provider tokens are shorter; a longer run is judged by its start (linear, and bounded)."""
_TOKEN_HINT = re.compile(r"AKIA|ASIA|ABIA|ACCA|gh[pousr]_|github_pat_|_live_|xox|hooks\.slack|"
                         r"AIza|sk-|-----BEGIN|sb_secret_|://")
"""A literal every TOKEN_PATTERNS regex needs: one search instead of eleven per line."""
def may_hold_secret(line: str) -> bool:
    """False for lines that cannot hold a finding (blank lines, most code): plain substring
    tests first, one case-sensitive search last, so each line costs about a microsecond."""
    return ("=" in line or ":" in line or "eyJ" in line or "assword" in line
            or "ASSWORD" in line or _TOKEN_HINT.search(line) is not None)


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
            if not may_hold_secret(changed.content or ""):
                continue
            lines = (changed.content or "").splitlines()
            for line_no, text in changed.added_lines.items():
                if not may_hold_secret(text):
                    continue
                following = lines[line_no] if line_no < len(lines) else ""
                yield from self._line_findings(ctx, changed, line_no, f"{text}\n{following}")

    def _line_findings(self, ctx: DetectionContext, changed: ChangedFile, line_no: int,
                       text: str) -> Iterator[Finding]:
        found = False
        line = text.split("\n", 1)[0]
        for pattern in TOKEN_PATTERNS if _TOKEN_HINT.search(line) else ():
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
            if role == "service_role" and not is_supabase_demo_jwt(match.group(0)):
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
        token = match.group(0)[:_LONGEST_TOKEN]
        if rule_id == "secret-database-url-password":
            return is_placeholder_password(match.group("password"))
        return bool(_EXAMPLE.search(token)) or len(set(token)) < 6

    def _generic(self, ctx: DetectionContext, changed: ChangedFile, line_no: int,
                 text: str) -> Iterator[Finding]:
        if changed.language in _DOC_LANGUAGES or _EXAMPLE_FILE.search(changed.path) or \
                is_localisation_catalogue(changed.path):
            return
        finding = self._sql_password(text) or self._credential_literal(text)
        if finding is None and _CONFIG_FILE.search(changed.path):
            finding = self._config_value(text)
        if finding is None:
            return
        rule_id, message = finding
        yield ctx.finding(rule_id=rule_id, violation_type=VIOLATION, detector=self.name,
                          changed=changed, line=line_no, severity="high", message=message,
                          suggested_fix=FIX)

    @staticmethod
    def _credential_literal(text: str) -> tuple[str, str] | None:
        """A quoted, random-looking literal assigned to a credential-named identifier."""
        for match in CREDENTIAL_ASSIGNMENT.finditer(text):
            name, value = match.group("name"), match.group("value")
            if not is_credential_name(name) or not_secret_name(name) or \
                    JWT.fullmatch(value) or not _looks_like_value(value) or \
                    is_human_text(value):
                continue
            if value.startswith(("sb_publishable_", "pk_", "http")) or _PATH.match(value):
                continue
            if not _is_random(_INTERPOLATION.sub("", value)):
                continue
            return "secret-generic-credential", f"High-entropy literal assigned to '{name}'."
        return None

    @staticmethod
    def _config_value(line: str) -> tuple[str, str] | None:
        """`KEY=value` / `key: value` in a config file: unquoted values, short passwords."""
        match = CONFIG_ASSIGNMENT.match(line) or CONFIG_QUOTED.match(line)
        if match is None:
            return None
        name, value = match.group("name"), match.group("value").strip()
        leaf = name.rsplit(".", 1)[-1]
        password = PASSWORD_WORD.search(leaf) is not None
        if not is_credential_name(leaf) or not_secret_name(leaf) or \
                not _looks_like_value(value, password) or \
                value.lower().startswith(("http", "/", "./")) or is_human_text(value) or \
                (JWT.fullmatch(value) and is_supabase_demo_jwt(value)):
            return None
        if password:
            if len(value) >= _MIN_PASSWORD and not _HASHED_PASSWORD.match(value):
                return ("secret-config-password",
                        f"Literal password assigned to '{name}' in a config file.")
            return None
        if _is_random(value):
            return "secret-generic-credential", f"High-entropy literal assigned to '{name}'."
        return None

    @staticmethod
    def _sql_password(line: str) -> tuple[str, str] | None:
        """`CREATE ROLE … PASSWORD '…'` / `ALTER USER … WITH PASSWORD '…'` with a literal."""
        match = SQL_PASSWORD.search(line)
        if match is None:
            return None
        value = match.group("value")
        if not _looks_like_value(value, password=True) or _HASHED_PASSWORD.match(value):
            return None
        return "secret-sql-password", "Literal password in a SQL role definition."


def is_localisation_catalogue(path: str) -> bool:
    """`config/locales/de.yml`, `locale/de/LC_MESSAGES/django.po`, `messages/en.json`."""
    name = path.rsplit("/", 1)[-1].lower()
    return _LOCALISATION_FILE.search(path) is not None or (
        name.endswith(".properties") and "messages" in name) or (
        _CATALOGUE_FORMAT.search(name) is not None
        and _LOCALISATION_FOLDER.search(path) is not None)


def is_human_text(value: str) -> bool:
    """A UI label or message (`Forgot password?`, `确认密码`, `\\u5bc6\\u7801`), not a credential.

    Human text is mostly non-ASCII letters (CJK, Cyrillic, Arabic…), or at least two
    words with words the majority of the space-separated parts (`Min 8 characters`), or
    one word ending like a prompt (`Password:`). JSON and JS escapes are decoded first, so
    escaped text reads as what it says and an escaped token as a token. A value holding a
    token-like run (20+ letters and digits without a space) is never human text: adding a
    space or a word does not hide a key.
    """
    text = unescape(value).strip()
    if not text or any(_is_token_like(run) for run in _TOKEN_RUN.findall(text)):
        return False
    visible = [c for c in text if not c.isspace()]
    foreign_letters = sum(1 for c in visible if c.isalpha() and not c.isascii())
    if foreign_letters * 2 >= len(visible):
        return True
    parts = _MESSAGE_PARAMETER.sub(" ", text).split()
    words = sum(1 for part in parts if _WORD.fullmatch(part))
    if len(parts) > 1:
        return words >= 2 and words * 2 > len(parts)
    return words == 1 and text.endswith(_PROMPT_ENDINGS)


def unescape(value: str) -> str:
    """`\\u5bc6`, `\\u{1F511}`, `\\x41` decoded: judge what a literal says, not how it is spelt."""
    return _ESCAPE.sub(_unescape, value) if "\\" in value else value


def _is_random(value: str) -> bool:
    """Long and high-entropy as written, once decoded (an escaped key is as random as the
    key, though its `\\u00` spelling is not), or in a token-like run inside it (padding a
    key with text lowers the entropy of the whole, not of the key)."""
    decoded = unescape(value)
    runs = [run for run in _TOKEN_RUN.findall(decoded) if _is_token_like(run)]
    return any(len(text) >= 12 and shannon_entropy(text) >= 3.5
               for text in (value, decoded, *runs))


def _unescape(match: re.Match[str]) -> str:
    digits = match.group("code") or match.group("code4") or match.group("code2")
    if digits is None:
        return " "  # \n, \r, \t: line breaks and tabs separate words
    code = int(digits, 16)
    return chr(code) if code <= 0x10FFFF else match.group(0)


def _is_token_like(run: str) -> bool:
    """Letters mixed with digits, or both cases at high entropy: how keys look (a long
    word such as `internationalization` is neither)."""
    has_digit = any(c.isdigit() for c in run)
    has_letter = any(c.isalpha() for c in run)
    mixed_case = any(c.isupper() for c in run[1:]) and any(c.islower() for c in run)
    return (has_digit and has_letter) or (mixed_case and shannon_entropy(run) >= 3.5)


def not_secret_name(name: str) -> bool:
    """`password_hash`, `apiKeyUrl`, `SUPABASE_SERVICE_ROLE_KEY_ENV`: about a secret, not one."""
    return _NOT_SECRET_NAMES.search(_CAMEL_HUMP.sub("_", name).lower()) is not None


_CHAIN_ADDRESS = re.compile(r"0x[0-9a-fA-F]{40}")
"""An Ethereum-style account or contract address: public by nature (a private key is 64
hex digits and stays a value)."""


def _looks_like_value(value: str, password: bool = False) -> bool:
    """Not a reference, placeholder, env-var name or identifier, and not a number.

    For a password a hyphenated word (`pg-local-7`) is a value; only a snake_case or dotted
    name (`db_password`, `secrets.db`) reads as a reference to something else.
    """
    value = value[:_LONGEST_TOKEN]
    identifier = (_IDENTIFIER.match(value) is not None
                  and (not password or "_" in value or "." in value)) or \
        (not password and _CAMEL_IDENTIFIER.match(value) is not None)
    return not (is_reference(value) or is_placeholder(value) or _EXAMPLE.search(value)
                or _ENV_NAME.match(value) or identifier or _CHAIN_ADDRESS.fullmatch(value)
                or value.replace(".", "", 1).isdigit() or len(set(value)) < 3)
