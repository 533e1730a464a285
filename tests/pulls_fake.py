"""A stateful fake of GitHub's pulls endpoints (REST v3, 2022-11-28) for the session agent.

One core answers list / create / update / request-reviewers with payloads shaped like
GitHub's; it is served in-process through `responses`, or over real HTTP by
`serve_http` (for agents run as subprocesses). Like GitHub, creating a PR whose head
branch is not on the remote fails with 422, and a second PR for the same head fails
with 422 "A pull request already exists".
"""

from __future__ import annotations

import json
import re
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

import requests
import responses

STAMP = "2026-12-03T08:00:00Z"
USER = {"login": "octo-dev", "id": 583231, "node_id": "MDQ6VXNlcjU4MzIzMQ==", "type": "User",
        "site_admin": False}


@dataclass
class FakePulls:
    api: str = "https://api.github.com"
    owner: str = "acme"
    name: str = "shop"
    remote: Path | None = None
    pulls: list[dict[str, Any]] = field(default_factory=list)
    calls: list[tuple[str, str, Any]] = field(default_factory=list)
    failures: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    lose_response: set[tuple[str, str]] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)
    hold: tuple[str, str] | None = None
    held: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)

    @property
    def repo_path(self) -> str:
        return f"/repos/{self.owner}/{self.name}"

    def fail(self, method: str, path: str, *statuses: int) -> None:
        self.failures[(method, self.repo_path + path)] = list(statuses)

    def writes(self) -> list[tuple[str, str]]:
        return [(m, p) for m, p, _ in self.calls if m != "GET"]

    def _repo(self) -> dict[str, Any]:
        return {"id": 1296269, "name": self.name, "full_name": f"{self.owner}/{self.name}",
                "owner": {**USER, "login": self.owner}, "private": False,
                "html_url": f"https://github.com/{self.owner}/{self.name}"}

    def _payload(self, number: int, body: dict[str, Any]) -> dict[str, Any]:
        url = f"{self.api}{self.repo_path}/pulls/{number}"
        return {"url": url, "id": 1000 + number, "node_id": f"PR_kw{number:04d}",
                "html_url": f"https://github.com/{self.owner}/{self.name}/pull/{number}",
                "number": number, "state": "open", "locked": False, "title": body["title"],
                "user": USER, "body": body.get("body") or "", "labels": [], "milestone": None,
                "created_at": STAMP, "updated_at": STAMP, "closed_at": None, "merged_at": None,
                "merge_commit_sha": None, "draft": bool(body.get("draft")),
                "requested_reviewers": [], "requested_teams": [],
                "head": {"label": f"{self.owner}:{body['head']}", "ref": body["head"],
                         "sha": self._sha(body["head"]), "user": USER, "repo": self._repo()},
                "base": {"label": f"{self.owner}:{body['base']}", "ref": body["base"],
                         "sha": self._sha(body["base"]), "user": USER, "repo": self._repo()},
                "author_association": "MEMBER", "auto_merge": None}

    def _sha(self, branch: str) -> str | None:
        if self.remote is None:
            return "0" * 40
        done = subprocess.run(["git", "--git-dir", str(self.remote), "rev-parse", "--verify",
                               "--quiet", f"refs/heads/{branch}"], capture_output=True,
                              text=True, check=False)
        return done.stdout.strip() or None

    def handle(self, method: str, url: str, raw_body: bytes | str | None
               ) -> tuple[int, Any]:
        parsed = urlparse(url)
        path = unquote(parsed.path)[len(urlparse(self.api).path):]
        body = json.loads(raw_body) if raw_body else None
        with self.lock:
            self.calls.append((method, path, body))
            queued = self.failures.get((method, path))
            if queued:
                return queued.pop(0), {"message": "Server Error"}
            return self._route(method, path, parse_qs(parsed.query), body)

    def _route(self, method: str, path: str, query: dict[str, list[str]], body: Any
               ) -> tuple[int, Any]:
        pulls = f"{self.repo_path}/pulls"
        if method == "GET" and path == pulls:
            head = query.get("head", [""])[0]
            state = query.get("state", ["open"])[0]
            found = [p for p in self.pulls if p["head"]["label"] == head
                     and (state == "all" or p["state"] == state)]
            return 200, sorted(found, key=lambda p: -p["number"])
        if method == "POST" and path == pulls:
            return self._create(body)
        match = re.fullmatch(rf"{re.escape(pulls)}/(\d+)(/requested_reviewers)?", path)
        pull = next((p for p in self.pulls if match and p["number"] == int(match.group(1))),
                    None)
        if pull is None:
            return 404, {"message": "Not Found"}
        if match and match.group(2) and method == "POST":
            pull["requested_reviewers"] = [{**USER, "login": r} for r in body["reviewers"]]
            return 201, pull
        if method == "PATCH":
            pull.update({k: v for k, v in body.items() if k in ("body", "title", "state")})
            return 200, pull
        return 200, pull

    def _create(self, body: dict[str, Any]) -> tuple[int, Any]:
        if self._sha(body["head"]) is None:
            return 422, {"message": "Validation Failed", "errors": [
                {"resource": "PullRequest", "field": "head", "code": "invalid"}]}
        label = f"{self.owner}:{body['head']}"
        if any(p["head"]["label"] == label and p["state"] == "open" for p in self.pulls):
            return 422, {"message": "Validation Failed", "errors": [
                {"resource": "PullRequest", "code": "custom",
                 "message": f"A pull request already exists for {label}."}]}
        pull = self._payload(len(self.pulls) + 1, body)
        self.pulls.append(pull)
        return 201, pull

    def install(self, mock: responses.RequestsMock) -> None:
        pattern = re.compile(re.escape(self.api) + r"/.*")

        def callback(request: Any) -> tuple[int, dict[str, str], str]:
            status, payload = self.handle(request.method, request.url, request.body)
            if (request.method, urlparse(request.url).path) in self.lose_response:
                self.lose_response.discard((request.method, urlparse(request.url).path))
                raise requests.exceptions.ConnectionError("reset after the request was handled")
            return status, {"Content-Type": "application/json"}, json.dumps(payload)

        for method in ("GET", "POST", "PATCH"):
            mock.add_callback(method, pattern, callback=callback)


@contextmanager
def serve_http(fake: FakePulls) -> Iterator[str]:
    """Serve `fake` on 127.0.0.1; yields the API URL to put in GITHUB_API_URL."""

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else None
            status, payload = fake.handle(self.command, fake.api + self.path, raw)
            if fake.hold == (self.command, urlparse(self.path).path):
                fake.held.set()  # handled, but the answer waits (the client may die first)
                fake.release.wait(30)
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PATCH = _answer

        def log_message(self, *args: Any) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fake.api = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake.api
    finally:
        server.shutdown()
        server.server_close()
