"""`veroscore dashboard serve|build`: arguments, safety checks, then the server or the build."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from veroscore.dashboard.links import github_server
from veroscore.dashboard.security import MIN_TOKEN_LENGTH, is_loopback
from veroscore.dashboard.settings import DashboardConfig
from veroscore.dashboard.source import StoreLocation
from veroscore.errors import InputError

DEFAULT_PORT = 8765
STORE_HELP = ("sqlite:///PATH or postgresql://… (default: DATABASE_URL, else the embedded "
              "store)")


def add_dashboard_commands(commands: Any, parser_class: type[argparse.ArgumentParser]) -> None:
    dashboard = commands.add_parser("dashboard", help="governance dashboard").add_subparsers(
        dest="dashboard_command", required=True, parser_class=parser_class)
    serve = dashboard.add_parser("serve", help="serve the live dashboard")
    serve.add_argument("--store", help=STORE_HELP)
    serve.add_argument("--host", default="127.0.0.1",
                       help="address to bind (default loopback; others need --token-env)")
    serve.add_argument("--port", type=int, default=DEFAULT_PORT)
    serve.add_argument("--token-env", metavar="NAME",
                       help="environment variable holding the access token")
    serve.add_argument("--config", type=Path, help="config file (default .github/veroscore.yml)")
    build = dashboard.add_parser("build", help="write the static dashboard")
    build.add_argument("--store", help=STORE_HELP)
    build.add_argument("--out", type=Path, required=True, help="output folder")
    build.add_argument("--since", type=int, default=90, metavar="DAYS",
                       help="days of history in the snapshot (default 90)")
    build.add_argument("--config", type=Path, help="config file (default .github/veroscore.yml)")


def store_location(given: str | None, default_url: str) -> StoreLocation:
    location = StoreLocation(given or os.environ.get("DATABASE_URL") or default_url)
    location.kind  # noqa: B018 - raises StoreError for a URL the dashboard cannot read
    return location


def access_token(host: str, token_env: str | None) -> str | None:
    """The token the server requires: mandatory off loopback, read from the environment
    (never a flag, which other users see in the process list)."""
    if token_env is None:
        if not is_loopback(host):
            raise InputError(f"--host {host} exposes the dashboard to the network: pass "
                             "--token-env NAME with a token of at least "
                             f"{MIN_TOKEN_LENGTH} characters in $NAME")
        return None
    token = os.environ.get(token_env, "")
    if len(token) < MIN_TOKEN_LENGTH:
        raise InputError(f"--token-env {token_env}: the variable must hold a token of at least "
                         f"{MIN_TOKEN_LENGTH} characters")
    return token


def serve(args: argparse.Namespace, location: StoreLocation, config: DashboardConfig) -> int:
    import uvicorn

    from veroscore.dashboard.server import DashboardSettings, create_app
    token = access_token(args.host, args.token_env)
    if not 0 < args.port < 65536:
        raise InputError(f"--port {args.port}: expected 1-65535")
    settings = DashboardSettings(location, hide_authors=config.hide_authors,
                                 github_server_url=github_server(config.github_server_url),
                                 token=token, secure_cookie=False)
    _warn_if_unreadable(location)
    shown = f"[{args.host}]" if ":" in args.host else args.host
    print(f"VeroScore dashboard on http://{shown}:{args.port}/ (store: {location.label}"
          f"{', token required' if token else ''}); Ctrl-C stops it", flush=True)
    uvicorn.run(create_app(settings), host=args.host, port=args.port, log_level="warning",
                timeout_graceful_shutdown=2)
    return 0


def _warn_if_unreadable(location: StoreLocation) -> None:
    """Serve anyway (the store may come up later), but say now what the pages will say."""
    import sys

    from veroscore.dashboard.source import open_reader
    from veroscore.errors import StoreError
    try:
        with open_reader(location):
            pass
    except StoreError as exc:
        print(f"veroscore: warning: {exc}", file=sys.stderr, flush=True)


def build(args: argparse.Namespace, location: StoreLocation, config: DashboardConfig) -> int:
    from veroscore.dashboard.build import build_site
    if args.since < 1:
        raise InputError("--since: expected a number of days, 1 or more")
    result = build_site(location, args.out, args.since, config.hide_authors,
                        github_server(config.github_server_url))
    print(f"wrote {result.pages} page(s) to {args.out}: {result.prs} of {result.prs_total} "
          f"pull request(s) in the last {args.since} days, {result.details} with detail pages")
    return 0
