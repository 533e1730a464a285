"""Precision and recall of the detection library on the labelled corpus in tests/corpus/.

    python bench/accuracy.py            # table
    python bench/accuracy.py --json     # machine-readable, exit 1 if a target is missed

Every corpus file is scanned as `veroscore scan` would (every line counts). A finding is a
true positive when the line above it carries `expect: <its violation type>`; any other
finding is a false positive; an `expect:` line without its finding is a false negative.
Secret templates (`{{token:KIND}}`) are filled with freshly generated tokens from a fixed
seed, so the corpus commits no token-shaped literal and the run is reproducible.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import json
import random
import re
import string
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from veroscore.config import Config
from veroscore.detect.engine import detect
from veroscore.diff.tree import read_paths

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "corpus"
CRITICAL_TYPES = ("rls_violation", "hardcoded_secret", "hardcoded_tenant_id",
                  "xss_vulnerability", "sql_injection")
RECALL_TARGETS = {"hardcoded_secret": 0.90, "rls_violation": 0.90, "sql_injection": 0.90,
                  "xss_vulnerability": 0.90}
PRECISION_TARGET = 0.95
_LABEL = re.compile(r"\b(?P<kind>expect|ok):\s*(?P<type>[a-z_]+)")
_TOKEN = re.compile(r"\{\{token:(?P<kind>\w+)\}\}")
ALNUM = string.ascii_letters + string.digits


def _jwt(rng: random.Random, role: str) -> str:
    def part(data: dict[str, object]) -> str:
        raw = json.dumps(data, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    ref = "".join(rng.choice(string.ascii_lowercase) for _ in range(20))
    signature = "".join(rng.choice(ALNUM + "-_") for _ in range(43))
    return (f"{part({'alg': 'HS256', 'typ': 'JWT'})}."
            f"{part({'iss': 'supabase', 'ref': ref, 'role': role, 'iat': 1700000000})}."
            f"{signature}")


SUPABASE_DEMO_SECRET = b"super-secret-jwt-token-with-at-least-32-characters-long"
"""The public JWT secret of every local Supabase stack (Supabase's self-hosting docs)."""


def _demo_jwt(role: str, secret: bytes = SUPABASE_DEMO_SECRET) -> str:
    """The key `supabase start` prints for `role`: signed with the public demo secret (or,
    for a forgery, the same claims signed with another secret)."""
    def part(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).decode().rstrip("=")

    claims = {"iss": "supabase-demo", "role": role, "exp": 1983812996}
    signing_input = (f"{part(json.dumps({'alg': 'HS256', 'typ': 'JWT'}).encode())}."
                     f"{part(json.dumps(claims, separators=(',', ':')).encode())}")
    signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{part(signature)}"


def _pem(rng: random.Random) -> str:
    body = base64.b64encode(rng.randbytes(96)).decode()
    return f"-----BEGIN RSA PRIVATE KEY-----\\n{body}\\n-----END RSA PRIVATE KEY-----"


def make_token(kind: str, rng: random.Random) -> str:
    """A random token in the documented format of `kind`."""
    def chars(n: int, alphabet: str = ALNUM) -> str:
        return "".join(rng.choice(alphabet) for _ in range(n))

    makers = {
        "aws_key_id": lambda: "AKIA" + chars(16, string.ascii_uppercase + "234567"),
        "aws_secret": lambda: chars(40, ALNUM + "/+"),
        "github_classic": lambda: "ghp_" + chars(36),
        "github_fine": lambda: "github_pat_" + chars(22) + "_" + chars(59),
        "stripe_live": lambda: "sk_live_" + chars(24),
        "slack_bot": lambda: f"xoxb-{chars(11, string.digits)}-{chars(12, string.digits)}-"
                             f"{chars(24)}",
        "slack_webhook": lambda: (f"https://hooks.slack.com/services/"
                                  f"T{chars(8, string.ascii_uppercase)}/"
                                  f"B{chars(8, string.ascii_uppercase)}/{chars(24)}"),
        "google_api": lambda: "AIza" + chars(35, ALNUM + "-_"),
        "openai": lambda: "sk-proj-" + chars(48, ALNUM + "-_"),
        "sb_secret": lambda: "sb_secret_" + chars(31, ALNUM + "-_"),
        "sb_publishable": lambda: "sb_publishable_" + chars(31, ALNUM + "-_"),
        "jwt_service_role": lambda: _jwt(rng, "service_role"),
        "jwt_anon": lambda: _jwt(rng, "anon"),
        "jwt_demo_service_role": lambda: _demo_jwt("service_role"),
        "jwt_demo_anon": lambda: _demo_jwt("anon"),
        "jwt_demo_forged": lambda: _demo_jwt("service_role", rng.randbytes(32)),
        "pem_private": lambda: _pem(rng),
        "password": lambda: chars(18),
        "generic": lambda: chars(32, ALNUM + "_-"),
    }
    return makers[kind]()


@dataclass(frozen=True)
class Score:
    violation_type: str
    true_positives: int
    false_positives: int
    false_negatives: int
    critical_true_positives: int = 0
    """True positives reported at the critical (blocking) level; the rest are high or lower."""

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        expected = self.true_positives + self.false_negatives
        return self.true_positives / expected if expected else 1.0


def render_corpus(target: Path, seed: int) -> set[tuple[str, int, str]]:
    """Copy the corpus into `target` with tokens filled in; return the expected findings."""
    rng = random.Random(seed)
    expected: set[tuple[str, int, str]] = set()
    for source in sorted(CORPUS.rglob("*")):
        if not source.is_file() or source.name == "README.md":
            continue
        relative = source.relative_to(CORPUS).as_posix()
        text = _TOKEN.sub(lambda m: make_token(m.group("kind"), rng),
                          source.read_text(encoding="utf-8"))
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_text(text, encoding="utf-8")
        for number, line in enumerate(text.splitlines(), start=1):
            for label in _LABEL.finditer(line):
                if label.group("kind") == "expect":
                    expected.add((relative, number + 1, label.group("type")))
    return expected


def evaluate(seed: int = 20261122) -> list[Score]:
    """Scan the rendered corpus and score every violation type that appears."""
    with tempfile.TemporaryDirectory(prefix="veroscore-corpus-") as folder:
        root = Path(folder)
        expected = render_corpus(root, seed)
        changes = read_paths([root], Config().max_file_bytes)
        result = detect(changes, Config(), change_level=False)
    # scan reports paths as given (here the absolute temporary root): label by corpus path
    active = [f for f in result.findings if not f.suppressed]
    found = {(Path(f.path).relative_to(root).as_posix(), f.line or 0, f.violation_type)
             for f in active}
    critical = {(Path(f.path).relative_to(root).as_posix(), f.line or 0, f.violation_type)
                for f in active if f.severity == "critical"}
    types = sorted({t for *_, t in expected} | {t for *_, t in found})
    tp = Counter(t for *_, t in expected & found)
    fp = Counter(t for *_, t in found - expected)
    fn = Counter(t for *_, t in expected - found)
    blocking = Counter(t for *_, t in expected & critical)
    return [Score(t, tp[t], fp[t], fn[t], blocking[t]) for t in types]


def misses(scores: list[Score]) -> list[str]:
    """The targets of issue 5 that these scores miss."""
    problems = []
    for score in scores:
        if score.violation_type in CRITICAL_TYPES and score.precision < PRECISION_TARGET:
            problems.append(f"{score.violation_type}: precision {score.precision:.3f}")
        target = RECALL_TARGETS.get(score.violation_type)
        if target and score.recall < target:
            problems.append(f"{score.violation_type}: recall {score.recall:.3f}")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--seed", type=int, default=20261122)
    args = parser.parse_args()
    scores = evaluate(args.seed)
    if args.json:
        print(json.dumps([{"violation_type": s.violation_type, "tp": s.true_positives,
                           "fp": s.false_positives, "fn": s.false_negatives,
                           "precision": round(s.precision, 4), "recall": round(s.recall, 4),
                           "tp_critical": s.critical_true_positives}
                          for s in scores], indent=2))
    else:
        print(f"{'violation_type':<22} {'TP':>4} {'FP':>4} {'FN':>4} {'precision':>10} "
              f"{'recall':>7} {'TP at critical':>15}")
        for s in scores:
            print(f"{s.violation_type:<22} {s.true_positives:>4} {s.false_positives:>4} "
                  f"{s.false_negatives:>4} {s.precision:>10.3f} {s.recall:>7.3f} "
                  f"{s.critical_true_positives:>15}")
    problems = misses(scores)
    for problem in problems:
        print(f"target missed: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
