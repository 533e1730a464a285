"""hardcoded_secret without noise: references, placeholders, names, UI labels, localisation
catalogues and Supabase's public demo keys are not secrets; unquoted config values, short
config passwords, SQL PASSWORD clauses and keys hidden among words are."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

import pytest

from tests.helpers import changeset_of, make_jwt
from veroscore.config import Config
from veroscore.detect.engine import detect
from veroscore.detect.secret_patterns import is_supabase_demo_jwt


def secret_rules(files: dict[str, str]) -> set[tuple[str, int | None, str, str]]:
    result = detect(changeset_of(files), Config(), use_semgrep=False)
    return {(f.path, f.line, f.rule_id, f.severity) for f in result.findings
            if f.violation_type == "hardcoded_secret"}


RANDOM = "Zq8vN2kLm4pR7tX1yB3cD5f"  # random-looking, not a provider format


@pytest.mark.parametrize(("path", "line"), [
    ("supabase/config.toml", 'secret = "env(SUPABASE_AUTH_EXTERNAL_GITHUB_SECRET)"'),
    ("supabase/config.toml", 'auth_token = "env(TWILIO_AUTH_TOKEN)"'),
    (".github/workflows/ci.yml",
     "      SUPABASE_SERVICE_ROLE_KEY: ${{ secrets.SUPABASE_SERVICE_ROLE_KEY }}"),
    (".github/workflows/ci.yml", "      DB_PASSWORD: ${DB_PASSWORD}"),
    ("deploy/values.yaml", "  password: $POSTGRES_PASSWORD"),
    ("docker-compose.yml", "      POSTGRES_PASSWORD: changeme"),
    ("config/app.yml", "  api_key: <your-api-key>"),
    ("config/app.yml", "  token: xxxxxxxxxxxxxxxx"),
    ("config/app.yml", "  secret_name: SUPABASE_SERVICE_ROLE_KEY"),
    ("config/app.yml", "  password_min_length: 12"),
    ("config/app.yml", "  password: your_password_here"),
    (".env", "SUPABASE_SERVICE_ROLE_KEY="),
    (".env", "SUPABASE_SERVICE_ROLE_KEY=${SUPABASE_KEY}"),
    (".env.example", "DATABASE_PASSWORD=s3cr3tPw"),
    ("config/app.sample.yml", "  password: hunter22"),
    ("docs/setup.md", "password: hunter22"),
    ("src/types/database.ts", 'export type Role = "anon" | "service_role";'),
    ("src/types/database.ts", 'const serviceRoleKeyEnv = "SUPABASE_SERVICE_ROLE_KEY";'),
    ("src/lib/admin.ts", 'const token = "rotate_service_role_token";'),
    ("src/lib/admin.ts", "const token = process.env.SUPABASE_SERVICE_ROLE_KEY;"),
    ("src/settings.py", 'DATABASES = {"default": {"PASSWORD": "%(DB_PASSWORD)s"}}'),
    ("src/settings.py", 'api_key = "your_api_key_here"'),
    ("src/settings.py", 'password_hash = "$2b$12$KIXQJQ1h3mE6aLZr0m9vUe"'),
    ("supabase/migrations/1_roles.sql", "ALTER USER app WITH PASSWORD 'changeme';"),
    ("supabase/migrations/1_roles.sql", "ALTER ROLE app WITH PASSWORD :'app_password';"),
    ("supabase/migrations/1_roles.sql",
     "CREATE ROLE app PASSWORD 'md5" + "0123456789abcdef" * 2 + "';"),
])
def test_references_placeholders_and_names_are_not_secrets(path: str, line: str) -> None:
    assert secret_rules({path: line + "\n"}) == set()


@pytest.mark.parametrize(("path", "line", "rule"), [
    (".env", "DATABASE_PASSWORD=s3cr3tPw", "secret-config-password"),
    (".env", f"STRIPE_SECRET_KEY={RANDOM}", "secret-generic-credential"),
    (".env", f"export API_TOKEN={RANDOM}", "secret-generic-credential"),
    (".env.local", "DB_PASS=tiger123", "secret-config-password"),
    ("config/app.yml", "  password: hunter22", "secret-config-password"),
    ("config/app.yml", f"  api_key: {RANDOM}", "secret-generic-credential"),
    ("config/app.yml", '  password: "pw4u"', "secret-config-password"),
    ("pyproject.toml", f'token = "{RANDOM}"', "secret-generic-credential"),
    ("app.properties", "spring.datasource.password=tiger123", "secret-config-password"),
    ("settings.ini", "db_password = tiger123  # local", "secret-config-password"),
    ("supabase/migrations/1_roles.sql", "CREATE ROLE reporting LOGIN PASSWORD 'Rep0rting!';",
     "secret-sql-password"),
    ("supabase/migrations/1_roles.sql", "ALTER USER app WITH ENCRYPTED PASSWORD 'x9Tq2w';",
     "secret-sql-password"),
    ("src/settings.py", f'shared_secret = "{RANDOM}"', "secret-generic-credential"),
])
def test_config_values_sql_passwords_and_literals_are_high(path: str, line: str,
                                                            rule: str) -> None:
    assert secret_rules({path: line + "\n"}) == {(path, 1, rule, "high")}


def test_provider_tokens_stay_critical_in_config_files_and_examples() -> None:
    key = "sb_secret_" + "N7x2kQpL9vR4tY8wZ1mB5cD3fG6hJ0"
    jwt = make_jwt("service_role")
    found = secret_rules({".env.example": f"SUPABASE_SECRET_KEY={key}\n",
                          "config/app.yml": f"  service_role_key: {jwt}\n"})
    assert found == {(".env.example", 1, "secret-supabase-secret-key", "critical"),
                     ("config/app.yml", 1, "secret-supabase-service-role-jwt", "critical")}


def test_a_long_credential_like_word_is_read_once() -> None:
    """The name is matched whole: 100k characters of `token` finish and find nothing."""
    line = "token" * 20_000 + " = nothing\n"
    assert secret_rules({"src/a.py": line, "config/a.yml": line}) == set()


# --- UI labels and localisation catalogues ------------------------------------------

def json_escaped(text: str) -> str:
    """`text` as `\\uXXXX` escapes, the way Python's json.dumps writes non-ASCII text."""
    return json.dumps(text)[1:-1]


def json_escaped_ascii(text: str) -> str:
    """Every character of `text` as a `\\uXXXX` escape (an ASCII key in disguise)."""
    return "".join(f"\\u{ord(c):04x}" for c in text)


@pytest.mark.parametrize(("path", "line"), [
    # chainlit-style catalogue keys, escaped as json.dumps writes them, outside any
    # localisation folder (the value itself must say "label")
    ("web/src/strings.json",
     f'"passwordMustContain": "{json_escaped("您的密码必须包含：")}",'),
    ("web/src/strings.json", f'"resetPassword": "{json_escaped("重置密码")}"'),
    ("web/src/strings.json", f'"requiredApiKeys": "{json_escaped("必需的API密钥")}",'),
    ("web/src/strings.json", f'"tokenExpired": "{json_escaped("您的令牌已过期，请重新登录。")}",'),
    ("web/src/strings.ts", 'tokenExpired: "您的令牌已过期，请重新登录。",'),
    ("web/src/strings.ts", 'secretHint: "Секретный_ключ_хранится_локально",'),
    ("web/src/strings.json", '"password": "密码",'),
    ("web/src/strings.json", '"confirmPassword": "确认密码",'),
    ("web/src/strings.json", '"passwordRequired": "Password is required",'),
    ("web/src/strings.json", '"forgotPassword": "Forgot password?",'),
    ("config/forms.yml", '  password: "Password is required"'),
    ("config/forms.yml", '  forgot_password: "Forgot password?"'),
    ("config/forms.yml", "  password: Пароль"),
    ("config/forms.yml", '  password: "Mot de passe oublié ?"'),
    ("config/forms.yml", '  api_key: "Min 8 characters, letters and digits"'),
    ("config/forms.yml", '  password: "Password:"'),
    # message parameters and escaped line breaks are not words, nor do they hide any
    ("config/forms.yml", '  passwords_left: "{count} of {total} passwords"'),
    ("config/forms.yml", '  passwords_left: "%d of %d passwords"'),
    ("config/forms.yml", '  password_rules: "Password:\\nRequired"'),
])
def test_ui_labels_under_credential_named_keys_are_not_credentials(path: str,
                                                                   line: str) -> None:
    assert secret_rules({path: line + "\n"}) == set()


@pytest.mark.parametrize(("path", "line", "rule"), [
    # a token-like run stays a credential whatever words or script surround it
    ("config/app.yml", f'  api_key: "prod key {RANDOM}"', "secret-generic-credential"),
    ("src/settings.ts", f'const apiSecret = "密钥{RANDOM}";', "secret-generic-credential"),
    ("src/strings.json", f'"api_key": "{json_escaped("密钥")}{RANDOM}",',
     "secret-generic-credential"),
    # an ASCII key written as escapes decodes to a key, not to text
    ("src/strings.json", f'"api_key": "{json_escaped_ascii(RANDOM)}",',
     "secret-generic-credential"),
    # real short passwords: no words, no foreign script, no prompt ending
    ("config/app.yml", "  password: hunter2", "secret-config-password"),
    ("config/app.yml", '  password: "Xk29 vLq8"', "secret-config-password"),
    ("config/app.yml", "  password: Secret!", "secret-config-password"),
    ("config/app.yml", '  password: "Zq8v {x} N2kLm4"', "secret-config-password"),
    (".env", "DB_PASSWORD=s3cr3t!", "secret-config-password"),
    ("supabase/migrations/1_roles.sql", "CREATE ROLE app LOGIN PASSWORD 'xyz';",
     "secret-sql-password"),
    # SQL says what the literal is: words are a passphrase there, not a label
    ("supabase/migrations/1_roles.sql",
     "ALTER ROLE app WITH PASSWORD 'correct horse battery staple';", "secret-sql-password"),
])
def test_credentials_that_only_look_like_text_are_still_found(path: str, line: str,
                                                              rule: str) -> None:
    assert secret_rules({path: line + "\n"}) == {(path, 1, rule, "high")}


@pytest.mark.parametrize("path", [
    "examples/chatbot/.chainlit/translations/zh-CN.json",
    "config/locales/de.yml",
    "web/public/locales/de/common.json",
    "extension/_locales/de/messages.json",
    "src/assets/i18n/de.json",
    "app/l10n/app_de.arb",
    "resources/lang/de.json",
    "src/main/resources/messages_de.properties",
    "locale/de/LC_MESSAGES/django.po",
    "App/de.lproj/Localizable.strings",
    "web/messages/de-DE.json",
    "web/src/translations.de.json",
    "app/i18n.yml",
])
def test_localisation_catalogues_yield_no_name_based_findings(path: str) -> None:
    """Single words under password-named keys: a weak password elsewhere, a label here."""
    text = ('password: "Kennwort"\n'
            "password=Kennwort\n"
            f'"apiToken": "{RANDOM}",\n')
    assert secret_rules({path: text}) == set()
    assert secret_rules({"config/app.yml": 'password: "Kennwort"\n'}) == {
        ("config/app.yml", 1, "secret-config-password", "high")}


@pytest.mark.parametrize("path", ["src/i18n/crowdin.ts", "scripts/locales/sync.py"])
def test_code_in_a_localisation_folder_is_judged_like_code(path: str) -> None:
    """A translation service's API key in the sync script next to the catalogues."""
    found = secret_rules({path: f'apiToken = "{RANDOM}"\n'})
    assert found == {(path, 1, "secret-generic-credential", "high")}


def test_provider_tokens_are_still_found_in_localisation_catalogues() -> None:
    aws = "AKIA" + "Q3EGRLWZ5T7NV6PC"
    found = secret_rules({"web/public/locales/en/common.json": f'"awsKey": "{aws}",\n',
                          "config/locales/en.yml": f"  service_role_key: "
                                                   f"{make_jwt('service_role')}\n"})
    assert found == {("web/public/locales/en/common.json", 1, "secret-aws-access-key-id",
                      "critical"),
                     ("config/locales/en.yml", 1, "secret-supabase-service-role-jwt",
                      "critical")}


# --- Supabase's public local-development keys ---------------------------------------

DEMO_SECRET = b"super-secret-jwt-token-with-at-least-32-characters-long"
SELF_HOSTING_EXAMPLE_SECRET = b"your-super-secret-jwt-token-with-at-least-32-characters-long"
DEMO_CLAIMS = {"iss": "supabase-demo", "exp": 1983812996}


def signed_jwt(claims: dict[str, object], secret: bytes, alg: str = "HS256") -> str:
    """An HS256 JWT built and signed here, so no token literal is committed."""
    def part(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).decode().rstrip("=")

    signing_input = (f"{part(json.dumps({'alg': alg, 'typ': 'JWT'}).encode())}."
                     f"{part(json.dumps(claims, separators=(',', ':')).encode())}")
    signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{part(signature)}"


def demo_jwt(role: str) -> str:
    return signed_jwt({"iss": "supabase-demo", "role": role, "exp": 1983812996}, DEMO_SECRET)


@pytest.mark.parametrize(("path", "template"), [
    (".github/workflows/backend-tests.yml", "          SUPABASE_SERVICE_KEY: {key}"),
    ("docker-compose.yml", "      SERVICE_ROLE_KEY: {key}"),
    ("docker-compose.yml", '      SUPABASE_SERVICE_ROLE_KEY: "{key}"'),
    (".env.test", "SUPABASE_SERVICE_ROLE_KEY={key}"),
    ("src/lib/supabase.ts", 'const serviceRoleKey = "{key}";'),
    ("scripts/seed.py", 'SERVICE_ROLE_KEY = "{key}"'),
])
@pytest.mark.parametrize("role", ["service_role", "anon"])
def test_supabase_public_demo_keys_are_not_secrets(path: str, template: str,
                                                   role: str) -> None:
    assert secret_rules({path: template.format(key=demo_jwt(role)) + "\n"}) == set()


def with_signature_of(token: str, donor: str) -> str:
    """`token`'s header and claims with `donor`'s signature."""
    return token.rsplit(".", 1)[0] + "." + donor.rsplit(".", 1)[1]


def tampered(token: str) -> str:
    """`token` with the last characters of its signature changed."""
    return token[:-2] + ("BB" if token.endswith("AA") else "AA")


SERVICE_ROLE_DEMO_CLAIMS = {**DEMO_CLAIMS, "role": "service_role"}


@pytest.mark.parametrize("token", [
    # the demo claims signed with another secret: a real project's key
    signed_jwt(SERVICE_ROLE_DEMO_CLAIMS, b"the-project-s-own-jwt-secret-0123456789"),
    # the demo signature moved onto other claims
    with_signature_of(signed_jwt({**SERVICE_ROLE_DEMO_CLAIMS, "ref": "abcdefghijklmnopqrst"},
                                 b"x" * 40), demo_jwt("service_role")),
    # signed with the demo secret but declaring another algorithm
    signed_jwt(SERVICE_ROLE_DEMO_CLAIMS, DEMO_SECRET, alg="HS512"),
    # the demo key with its signature altered
    tampered(demo_jwt("service_role")),
], ids=["other-secret", "moved-signature", "other-alg", "tampered"])
def test_a_demo_issuer_without_the_demo_signature_stays_critical(token: str) -> None:
    found = secret_rules({"docker-compose.yml": f"      SERVICE_ROLE_KEY: {token}\n"})
    assert found == {("docker-compose.yml", 1, "secret-supabase-service-role-jwt", "critical")}


def test_demo_signature_check() -> None:
    assert is_supabase_demo_jwt(demo_jwt("service_role"))
    # the self-hosting docker/.env.example key: claims pretty-printed, another public secret
    example = signed_jwt({"role": "service_role", "iss": "supabase-demo", "iat": 1641769200,
                          "exp": 1799535600}, SELF_HOSTING_EXAMPLE_SECRET)
    assert is_supabase_demo_jwt(example)
    assert not is_supabase_demo_jwt(signed_jwt(SERVICE_ROLE_DEMO_CLAIMS, DEMO_SECRET + b"!"))
    assert not is_supabase_demo_jwt(make_jwt("service_role"))
    assert not is_supabase_demo_jwt("not.a.jwt")
    assert not is_supabase_demo_jwt(demo_jwt("anon") + "é")


def test_the_public_demo_secret_itself_is_not_reported() -> None:
    line = "          JWT_SECRET_KEY: super-secret-jwt-token-with-at-least-32-characters-long\n"
    assert secret_rules({".github/workflows/backend-tests.yml": line}) == set()


# --- routes, enum values, interpolations --------------------------------------------

@pytest.mark.parametrize(("path", "line"), [
    ("frontend/lib/api/user/email.ts", '  forgotPassword: "/api/users/forgot-password",'),
    ("packages/invoice/package.json", '    "./token": "./src/token/index.ts",'),
    ("shared/types.ts", '  MembersCanCreateApiKey = "membersCanCreateApiKey",'),
    ("src/sync.py", 'client_credentials = f"{NOTION_CLIENT_ID}:{NOTION_CLIENT_SECRET}"'),
    (".env", "FIRST_SUPERUSER_PASSWORD=changethis"),
])
def test_routes_enum_values_and_interpolations_are_not_credentials(path: str,
                                                                   line: str) -> None:
    assert secret_rules({path: line + "\n"}) == set()


@pytest.mark.parametrize(("path", "line", "rule"), [
    ("src/sync.py", f'client_secret = f"{{prefix}}{RANDOM}"', "secret-generic-credential"),
    ("src/aws.py", f'aws_secret_access_key = "/{RANDOM}+Qw"', "secret-generic-credential"),
    ("config/app.yml", "  password: HelloWorld", "secret-config-password"),
])
def test_keys_next_to_interpolations_or_shaped_like_paths_are_found(path: str, line: str,
                                                                    rule: str) -> None:
    assert secret_rules({path: line + "\n"}) == {(path, 1, rule, "high")}


def test_long_hostile_values_are_read_once_and_judged_right() -> None:
    """100k-character values of the shapes the label, path, escape and interpolation
    checks read: linear patterns finish, and a key at the end of text is still found."""
    n = 100_000
    labels = {"config/a.yml": 'password: "' + "Password is required " * (n // 21) + '"\n',
              "src/a.json": '"password": "' + "\\u5bc6" * (n // 6) + '"\n',
              "src/b.json": '"token": "' + "/a" * (n // 2) + '"\n',
              "src/c.py": 'token = f"' + "{x}" * (n // 3) + '"\n',
              "src/d.ts": 'secretKey = "' + RANDOM * (n // len(RANDOM)) + '"\n'}
    found = secret_rules(labels)
    assert {path for path, *_ in found} == {"src/d.ts"}
    hidden = "密码" * 60 + RANDOM  # padding lowers the entropy of the whole
    assert secret_rules({"src/e.ts": f'apiSecret = "{hidden}";\n'}) == {
        ("src/e.ts", 1, "secret-generic-credential", "high")}


def test_a_public_chain_address_is_not_a_credential_a_private_key_is() -> None:
    address = "0x36435796Ca9be2bf150CE0dECc2D8Fab5C4d6E13"
    key = "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"
    source = f"const BeeTokenAddress = '{address}';\nconst tokenSecret = '{key}';\n"
    changes = changeset_of({"src/chain.ts": source, "tests/x.test.ts": "it('x', () => {});\n"})
    found = detect(changes, Config(), use_semgrep=False).findings
    assert [(f.rule_id, f.line) for f in found if f.violation_type == "hardcoded_secret"] == [
        ("secret-generic-credential", 2)]
