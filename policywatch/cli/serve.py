"""``policywatch serve``: the review page (inbox, diffs, search, plans, JSON API) under uvicorn.

Binds to loopback by default. Bound to any other address it requires an access token
(``POLICYWATCH_TOKEN``, or ``--token`` — which any user of the machine can read in ``ps``)
and refuses to start without one. Without a token it answers only requests naming its own
address (DNS rebinding). It opens the archive read-only and never creates or migrates one.
"""
from __future__ import annotations

import ipaddress
import signal
import socket
import sys
from pathlib import Path

import click

from policywatch.cli.common import CliError, config_path, db_path, display_timezone

LOOPBACK_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost")


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and localhost: addresses only this machine can reach."""
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_archive(path: str) -> None:
    """Refuse to serve a missing or unusable archive (serving never creates or changes one)."""
    from store.archive import Archive

    if not Path(path).is_file():
        raise CliError(f"no archive at {path}: crawl first (policywatch crawl) or pass --db PATH")
    Archive(path, read_only=True).close()


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on host:port (port 0 picks a free port), or a clear error."""
    try:
        infos = socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise CliError(f"cannot resolve --host {host}: {exc.strerror}") from exc
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError as exc:
        sock.close()
        raise CliError(f"cannot listen on {host}:{port}: {exc.strerror}") from exc
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def bound_address(sock: socket.socket) -> tuple[str, int]:
    """The (host, port) the socket really listens on."""
    host, port = sock.getsockname()[:2]
    return host, port


def configured_base_url(ctx: click.Context) -> str | None:
    """``[web] base_url`` of the config file given with ``--config``, if any."""
    from policywatch.config import load_config

    path = config_path(ctx)
    if not path:
        return None
    return load_config(path).base_url


def exit_cleanly_on_sigterm() -> None:
    """After uvicorn's graceful shutdown it re-raises SIGTERM; make that a normal exit (status 0)."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but loopback requires --token.")
@click.option("--port", default=8080, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on (0: any free port).")
@click.option("--token", envvar="POLICYWATCH_TOKEN", default=None,
              help="Access token for every request (basic-auth password or Bearer). Prefer the "
                   "POLICYWATCH_TOKEN environment variable: --token is visible to every user in ps.")
@click.option("--base-url", envvar="POLICYWATCH_BASE_URL", default=None,
              help="Public address for links in the Atom feed; its host is also accepted in Host headers "
                   "(default: [web] base_url of --config, else the bound address).")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, token: str | None, base_url: str | None) -> None:
    """Serve the review page: alerts inbox, side-by-side diffs, archive search, plans and /api/."""
    import uvicorn

    from policywatch.web import create_app
    from policywatch.web.app import bound_url

    path = db_path(ctx)
    if not is_loopback(host) and not token:
        raise CliError(f"--host {host} is reachable from other machines: set --token (or POLICYWATCH_TOKEN) "
                       "so that only people with the token can read the archive")
    if token is not None and len(token) < 8:
        raise CliError("--token must be at least 8 characters")
    check_archive(path)
    sock = bind(host, port)
    bound = bound_address(sock)
    click.echo(f"policywatch: serving {path} at {bound_url(*bound)}/" + (" (token required)" if token else ""))
    click.echo("press Ctrl+C to stop", err=True)
    app = create_app(path, token=token, base_url=base_url or configured_base_url(ctx), bound=bound,
                     timezone=display_timezone(ctx))
    config = uvicorn.Config(app, log_level="warning", access_log=False, server_header=False,
                            proxy_headers=False)
    exit_cleanly_on_sigterm()
    uvicorn.Server(config).run(sockets=[sock])


COMMANDS = [serve]
