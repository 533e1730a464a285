"""An HTTP-level fake of the GitHub REST API, served through `responses`.

It keeps state (comments, labels, reviews, statuses) across runs so a second run sees the
first one's output, records every request, and can fail chosen requests. Payloads carry
the fields and shapes of GitHub's REST API (v3, 2022-11-28) for the endpoints VeroScore uses.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

import requests
import responses

BOT = {"login": "github-actions[bot]", "id": 41898282, "node_id": "MDM6Qm90NDE4OTgyODI=",
       "type": "Bot", "site_admin": False}
AUTHOR = {"login": "octo-dev", "id": 583231, "node_id": "MDQ6VXNlcjU4MzIzMQ==", "type": "User",
          "site_admin": False}
HUMAN = {"login": "maintainer-mo", "id": 1234567, "node_id": "MDQ6VXNlcjEyMzQ1Njc=",
         "type": "User", "site_admin": False}
STAMP = "2026-11-20T10:00:00Z"
FILE, EXECUTABLE, SYMLINK, FOLDER, SUBMODULE = "100644", "100755", "120000", "040000", "160000"


def git_sha(kind: str, data: bytes) -> str:
    """The object id git gives `data` (blobs; trees get a stable stand-in)."""
    return hashlib.sha1(f"{kind} {len(data)}\0".encode() + data).hexdigest()


@dataclass
class Fault:
    """One injected fault: `status` answered with `headers`; `after_effect` performs the
    request first (the response is then lost); `reset` raises a connection error."""

    status: int = 502
    message: str = "Server Error"
    headers: dict[str, str] = field(default_factory=dict)
    after_effect: bool = False
    reset: bool = False


@dataclass
class Call:
    method: str
    path: str
    body: Any


@dataclass
class FakeGitHub:
    """State of one repository with one pull request."""

    api: str = "https://api.github.com"
    owner: str = "acme"
    name: str = "shop"
    number: int = 7
    head_sha: str = "a" * 40
    base_sha: str = "b" * 40
    body: str = ""
    files: list[dict[str, Any]] = field(default_factory=list)
    contents: dict[tuple[str, str], bytes] = field(default_factory=dict)
    comments: list[dict[str, Any]] = field(default_factory=list)
    repo_labels: list[dict[str, Any]] = field(default_factory=list)
    pr_labels: list[str] = field(default_factory=list)
    reviews: list[dict[str, Any]] = field(default_factory=list)
    statuses: list[dict[str, Any]] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    failures: dict[tuple[str, str], list[tuple[int, str]]] = field(default_factory=dict)
    faults: dict[tuple[str, str], list[Fault]] = field(default_factory=dict)
    next_id: int = 1000
    token_user: dict[str, Any] | None = None
    """What GET /user answers: None is an installation token (403), as GITHUB_TOKEN gets."""
    state: str = "open"
    merged: bool = False
    trees: dict[str, dict[str, tuple[str, bytes]]] = field(default_factory=dict)
    """Commit sha -> {path: (mode, bytes)}: what the git trees and blobs API serve."""

    # --- helpers -------------------------------------------------------------------
    @property
    def repo_url(self) -> str:
        return f"{self.api}/repos/{self.owner}/{self.name}"

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"

    def _id(self) -> int:
        self.next_id += 1
        return self.next_id

    def fail(self, method: str, path: str, *errors: tuple[int, str]) -> None:
        """Answer the next len(errors) requests to METHOD path with these errors."""
        self.failures[(method, path)] = list(errors)

    @property
    def writer(self) -> dict[str, Any]:
        """The account the token writes as."""
        return self.token_user or BOT

    def inject(self, method: str, path: str, *faults: Fault) -> None:
        """Answer the next len(faults) requests to METHOD path with these faults."""
        self.faults[(method, path)] = list(faults)

    def human_comment(self, body: str) -> dict[str, Any]:
        comment = {**self._comment(self._id(), body), "user": HUMAN,
                   "author_association": "MEMBER"}
        self.comments.append(comment)
        return comment

    def active_blocks(self) -> list[dict[str, Any]]:
        return [r for r in self.reviews if r["state"] == "CHANGES_REQUESTED"]

    def writes(self) -> list[tuple[str, str]]:
        return [(c.method, c.path) for c in self.calls if c.method != "GET"]

    def reads(self) -> set[str]:
        return {c.path for c in self.calls if c.method == "GET"}

    # --- payloads --------------------------------------------------------------------
    def repository_payload(self) -> dict[str, Any]:
        return {"id": 1296269, "node_id": "MDEwOlJlcG9zaXRvcnkxMjk2MjY5", "name": self.name,
                "full_name": self.full_name, "private": False,
                "owner": {"login": self.owner, "id": 9919, "type": "Organization"},
                "html_url": f"https://github.com/{self.full_name}", "url": self.repo_url,
                "default_branch": "main"}

    def pull_payload(self) -> dict[str, Any]:
        number, url = self.number, f"{self.repo_url}/pulls/{self.number}"
        return {
            "url": url, "id": 1347, "node_id": "MDExOlB1bGxSZXF1ZXN0MTM0Nw==",
            "html_url": f"https://github.com/{self.full_name}/pull/{number}",
            "diff_url": f"https://github.com/{self.full_name}/pull/{number}.diff",
            "issue_url": f"{self.repo_url}/issues/{number}",
            "commits_url": f"{url}/commits", "review_comments_url": f"{url}/comments",
            "comments_url": f"{self.repo_url}/issues/{number}/comments",
            "statuses_url": f"{self.repo_url}/statuses/{self.head_sha}",
            "number": number, "state": self.state, "locked": False, "title": "Admin panel",
            "user": AUTHOR, "body": self.body, "labels": [self._label(n) for n in self.pr_labels],
            "created_at": STAMP, "updated_at": STAMP, "draft": False,
            "head": {"label": f"{self.owner}:feature", "ref": "feature", "sha": self.head_sha,
                     "user": AUTHOR, "repo": self.repository_payload()},
            "base": {"label": f"{self.owner}:main", "ref": "main", "sha": self.base_sha,
                     "user": AUTHOR, "repo": self.repository_payload()},
            "author_association": "MEMBER", "merged": self.merged, "mergeable": True,
            "merged_at": STAMP if self.merged else None,
            "closed_at": STAMP if self.state == "closed" else None,
            "comments": len(self.comments), "commits": 1, "additions": 10, "deletions": 0,
            "changed_files": len(self.files),
        }

    def event_payload(self, action: str) -> dict[str, Any]:
        """A `pull_request` webhook payload as Actions writes it to GITHUB_EVENT_PATH."""
        return {"action": action, "number": self.number, "pull_request": self.pull_payload(),
                "repository": self.repository_payload(), "sender": AUTHOR}

    def _label(self, name: str) -> dict[str, Any]:
        known = {label["name"]: label for label in self.repo_labels}
        return known.get(name, {"id": 208045946, "node_id": "MDU6TGFiZWwyMDgwNDU5NDY=",
                                "url": f"{self.repo_url}/labels/{name}", "name": name,
                                "description": "", "color": "ededed", "default": False})

    def _comment(self, comment_id: int, body: str) -> dict[str, Any]:
        return {"id": comment_id, "node_id": "MDEyOklzc3VlQ29tbWVudDE=",
                "url": f"{self.repo_url}/issues/comments/{comment_id}",
                "html_url": f"https://github.com/{self.full_name}/pull/{self.number}"
                            f"#issuecomment-{comment_id}",
                "issue_url": f"{self.repo_url}/issues/{self.number}", "body": body,
                "user": self.writer, "created_at": STAMP, "updated_at": STAMP,
                "author_association": "NONE"}

    def _review(self, body: str, event: str, commit_id: str) -> dict[str, Any]:
        review_id = self._id()
        state = {"REQUEST_CHANGES": "CHANGES_REQUESTED", "APPROVE": "APPROVED",
                 "COMMENT": "COMMENTED"}[event]
        return {"id": review_id, "node_id": "MDE3OlB1bGxSZXF1ZXN0UmV2aWV3ODA=",
                "user": self.writer,
                "body": body, "state": state, "commit_id": commit_id,
                "html_url": f"https://github.com/{self.full_name}/pull/{self.number}"
                            f"#pullrequestreview-{review_id}",
                "pull_request_url": f"{self.repo_url}/pulls/{self.number}",
                "submitted_at": STAMP, "author_association": "NONE"}

    # --- routing ---------------------------------------------------------------------
    def install(self, mock: responses.RequestsMock) -> None:
        api = urlparse(self.api)
        pattern = re.compile(re.escape(f"{api.scheme}://{api.hostname}") + r"(?::\d+)?"
                             + re.escape(api.path) + r"/.*")
        for method in ("GET", "POST", "PATCH", "PUT", "DELETE"):
            mock.add_callback(method, pattern, callback=self._handle)

    def _handle(self, request: Any) -> tuple[int, dict[str, str], str]:
        parsed = urlparse(request.url)
        path = unquote(parsed.path)[len(urlparse(self.api).path):]
        body = json.loads(request.body) if request.body else None
        self.calls.append(Call(request.method, path, body))
        faults = self.faults.get((request.method, path))
        if faults:
            fault = faults.pop(0)
            if fault.after_effect:
                self._route(request.method, path, parse_qs(parsed.query), body)
            if fault.reset:
                raise requests.ConnectionError("Connection reset by peer")
            return fault.status, {"Content-Type": "application/json", **fault.headers}, \
                json.dumps({"message": fault.message,
                            "documentation_url": "https://docs.github.com/rest",
                            "status": str(fault.status)})
        queued = self.failures.get((request.method, path))
        if queued:
            status, message = queued.pop(0)
            return status, {"Content-Type": "application/json"}, json.dumps(
                {"message": message,
                 "documentation_url": "https://docs.github.com/rest", "status": str(status)})
        status, payload, headers = self._route(request.method, path, parse_qs(parsed.query),
                                               body)
        return status, {"Content-Type": "application/json", **headers}, json.dumps(payload)

    def _route(self, method: str, path: str, query: dict[str, list[str]], body: Any
               ) -> tuple[int, Any, dict[str, str]]:
        self._ref = query.get("ref", [""])[0]
        repo = f"/repos/{self.full_name}"
        pull, issue = f"{repo}/pulls/{self.number}", f"{repo}/issues/{self.number}"
        routes: list[tuple[str, str, Any]] = [
            ("GET", "/user", self._user),
            ("GET", repo, lambda: (200, self.repository_payload())),
            ("GET", pull, lambda: (200, self.pull_payload())),
            ("GET", f"{pull}/files", lambda: self._files(query)),
            ("GET", f"{issue}/comments", lambda: (200, self.comments)),
            ("POST", f"{issue}/comments", lambda: self._create_comment(body)),
            ("GET", f"{repo}/labels", lambda: (200, self.repo_labels)),
            ("POST", f"{repo}/labels", lambda: self._create_label(body)),
            ("GET", f"{issue}/labels", lambda: (200, [self._label(n) for n in self.pr_labels])),
            ("POST", f"{issue}/labels", lambda: self._add_labels(body)),
            ("GET", f"{pull}/reviews", lambda: (200, self.reviews)),
            ("POST", f"{pull}/reviews", lambda: self._create_review(body)),
            ("POST", f"{pull}/requested_reviewers", lambda: (201, self.pull_payload())),
        ]
        for route_method, route_path, handler in routes:
            if method == route_method and path == route_path:
                status, payload = handler()
                return status, payload, self._links(path, query) if path.endswith("/files") \
                    else {}
        return self._route_with_ids(method, path, body)

    def _route_with_ids(self, method: str, path: str, body: Any
                        ) -> tuple[int, Any, dict[str, str]]:
        repo = f"/repos/{self.full_name}"
        if match := re.fullmatch(rf"{repo}/issues/comments/(\d+)", path):
            comment = next((c for c in self.comments if c["id"] == int(match.group(1))), None)
            if comment is None:
                return 404, _NOT_FOUND, {}
            if method == "PATCH":
                comment["body"] = body["body"]
            if method == "DELETE":
                self.comments.remove(comment)
                return 204, "", {}
            return 200, comment, {}
        if match := re.fullmatch(rf"{repo}/issues/{self.number}/labels/(.+)", path):
            if match.group(1) not in self.pr_labels:
                return 404, {"message": "Label does not exist",
                             "documentation_url": "https://docs.github.com/rest"}, {}
            self.pr_labels.remove(match.group(1))
            return 200, [self._label(n) for n in self.pr_labels], {}
        if match := re.fullmatch(rf"{repo}/pulls/{self.number}/reviews/(\d+)(/dismissals)?",
                                 path):
            review = next(r for r in self.reviews if r["id"] == int(match.group(1)))
            if match.group(2):
                if review["state"] == "DISMISSED":
                    return 422, {"message": "Can not dismiss a dismissed pull request review",
                                 "documentation_url": "https://docs.github.com/rest"}, {}
                review["state"] = "DISMISSED"
            elif method == "PUT":
                review["body"] = body["body"]
            return 200, review, {}
        if match := re.fullmatch(rf"{repo}/git/trees/([0-9a-f]{{40}})", path):
            return self._tree(match.group(1))
        if match := re.fullmatch(rf"{repo}/git/blobs/([0-9a-f]{{40}})", path):
            return self._blob(match.group(1))
        if match := re.fullmatch(rf"{repo}/commits/([0-9a-f]{{40}})", path):
            sha = match.group(1)
            return 200, {"sha": sha, "node_id": "C_kwDO", "url": f"{self.repo_url}/commits/{sha}",
                         "html_url": f"https://github.com/{self.full_name}/commit/{sha}",
                         "commit": {"message": "change", "tree": {"sha": "c" * 40}},
                         "author": AUTHOR, "committer": AUTHOR, "parents": [], "files": []}, {}
        if match := re.fullmatch(rf"{repo}/statuses/([0-9a-f]{{40}})", path):
            status = {"id": self._id(), "sha": match.group(1), **body, "creator": BOT,
                      "url": f"{self.repo_url}/statuses/{match.group(1)}",
                      "created_at": STAMP, "updated_at": STAMP}
            self.statuses.append(status)
            return 201, status, {}
        if match := re.fullmatch(rf"{repo}/contents/(.+)", path):
            return self._content(match.group(1), self._ref)
        return 404, _NOT_FOUND, {}

    # --- handlers --------------------------------------------------------------------
    def _files(self, query: dict[str, list[str]]) -> tuple[int, Any]:
        page, per_page = int(query.get("page", ["1"])[0]), int(query.get("per_page", ["30"])[0])
        return 200, self.files[(page - 1) * per_page: page * per_page]

    def _links(self, path: str, query: dict[str, list[str]]) -> dict[str, str]:
        page, per_page = int(query.get("page", ["1"])[0]), int(query.get("per_page", ["30"])[0])
        if page * per_page >= len(self.files):
            return {}
        return {"Link": f'<{self.api}{path}?per_page={per_page}&page={page + 1}>; rel="next"'}

    def _create_comment(self, body: Any) -> tuple[int, Any]:
        comment = self._comment(self._id(), body["body"])
        self.comments.append(comment)
        return 201, comment

    def _user(self) -> tuple[int, Any]:
        if self.token_user is None:
            return 403, {"message": "Resource not accessible by integration",
                         "documentation_url": "https://docs.github.com/rest/users/users"
                                              "#get-the-authenticated-user",
                         "status": "403"}
        return 200, self.token_user

    def _create_label(self, body: Any) -> tuple[int, Any]:
        if any(label["name"] == body["name"] for label in self.repo_labels):
            return 422, {"message": "Validation Failed",
                         "errors": [{"resource": "Label", "code": "already_exists",
                                     "field": "name"}],
                         "documentation_url": "https://docs.github.com/rest/issues/labels"
                                              "#create-a-label", "status": "422"}
        label = {"id": self._id(), "node_id": "LA_kwDO", "url": f"{self.repo_url}/labels/x",
                 "name": body["name"], "color": body["color"],
                 "description": body.get("description", ""), "default": False}
        self.repo_labels.append(label)
        return 201, label

    def _add_labels(self, body: Any) -> tuple[int, Any]:
        names = body["labels"] if isinstance(body, dict) else body
        self.pr_labels += [n for n in names if n not in self.pr_labels]
        return 200, [self._label(n) for n in self.pr_labels]

    def _create_review(self, body: Any) -> tuple[int, Any]:
        review = self._review(body.get("body", ""), body["event"], body["commit_id"])
        review["comments_submitted"] = body.get("comments", [])
        self.reviews.append(review)
        return 200, review

    # --- git objects ----------------------------------------------------------------
    def _objects(self) -> tuple[dict[str, tuple[str, str]], dict[str, bytes]]:
        """Tree sha -> (commit, folder) and blob sha -> bytes, over every stored commit."""
        trees: dict[str, tuple[str, str]] = {}
        blobs: dict[str, bytes] = {}
        for commit in (self.base_sha, self.head_sha):
            self.trees.setdefault(commit, {})
        for commit, files in self.trees.items():
            trees[commit] = (commit, "")
            for path, (_, data) in files.items():
                blobs[git_sha("blob", data)] = data
                parts = path.split("/")
                for depth in range(1, len(parts)):
                    folder = "/".join(parts[:depth])
                    trees[self._tree_sha(commit, folder)] = (commit, folder)
        return trees, blobs

    @staticmethod
    def _tree_sha(commit: str, folder: str) -> str:
        return git_sha("tree", f"{commit}:{folder}".encode())

    def _tree(self, sha: str) -> tuple[int, Any, dict[str, str]]:
        trees, _ = self._objects()
        if sha not in trees:
            return 404, _NOT_FOUND, {}
        commit, folder = trees[sha]
        prefix = f"{folder}/" if folder else ""
        entries: dict[str, dict[str, Any]] = {}
        for path, (mode, data) in sorted(self.trees[commit].items()):
            if not path.startswith(prefix):
                continue
            name, _, rest = path[len(prefix):].partition("/")
            if rest:
                sub = f"{prefix}{name}"
                entries[name] = {"path": name, "mode": FOLDER, "type": "tree",
                                 "sha": self._tree_sha(commit, sub),
                                 "url": f"{self.repo_url}/git/trees/"
                                        f"{self._tree_sha(commit, sub)}"}
            else:
                kind = {SUBMODULE: "commit"}.get(mode, "blob")
                blob = git_sha("blob", data)
                entries[name] = {"path": name, "mode": mode, "type": kind, "sha": blob,
                                 "size": len(data), "url": f"{self.repo_url}/git/blobs/{blob}"}
        return 200, {"sha": sha, "url": f"{self.repo_url}/git/trees/{sha}",
                     "tree": list(entries.values()), "truncated": False}, {}

    def _blob(self, sha: str) -> tuple[int, Any, dict[str, str]]:
        _, blobs = self._objects()
        if sha not in blobs:
            return 404, _NOT_FOUND, {}
        data = blobs[sha]
        return 200, {"sha": sha, "node_id": "B_kwDO", "size": len(data),
                     "url": f"{self.repo_url}/git/blobs/{sha}",
                     "content": base64.encodebytes(data).decode(), "encoding": "base64"}, {}

    def _content(self, path: str, ref: str) -> tuple[int, Any, dict[str, str]]:
        data = self.contents.get((path, ref))
        if data is None and ref in self.trees and path in self.trees[ref]:
            data = self.trees[ref][path][1]
        if data is None:
            return 404, _NOT_FOUND, {}
        return 200, {"type": "file", "encoding": "base64", "size": len(data), "name": path,
                     "path": path, "sha": "d" * 40,
                     "url": f"{self.repo_url}/contents/{path}",
                     "content": base64.b64encode(data).decode()}, {}


_NOT_FOUND = {"message": "Not Found", "documentation_url": "https://docs.github.com/rest",
              "status": "404"}


def file_entry(filename: str, patch: str | None, status: str = "added",
               previous: str | None = None) -> dict[str, Any]:
    """One element of `GET /repos/{o}/{r}/pulls/{n}/files`."""
    additions = sum(1 for line in (patch or "").splitlines() if line.startswith("+"))
    entry: dict[str, Any] = {
        "sha": "e" * 40, "filename": filename, "status": status, "additions": additions,
        "deletions": 0, "changes": additions,
        "blob_url": f"https://github.com/acme/shop/blob/{'a' * 40}/{filename}",
        "raw_url": f"https://github.com/acme/shop/raw/{'a' * 40}/{filename}",
        "contents_url": f"https://api.github.com/repos/acme/shop/contents/{filename}",
    }
    if patch is not None:
        entry["patch"] = patch
    if previous:
        entry["previous_filename"] = previous
    return entry
