"""``policywatch datasette``: browse the archive in Datasette, read-only, with table notes and canned queries."""
from __future__ import annotations

import importlib.util
import json
import os
import sys
import tempfile
from pathlib import Path

import click

from policywatch.cli.common import CliError, db_path
from policywatch.cli.opening import require_archive


@click.command("datasette")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (loopback only).")
@click.option("-p", "--port", default=8001, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on (0: any free port).")
@click.pass_context
def datasette_command(ctx: click.Context, host: str, port: int) -> None:
    """Open the archive in Datasette: read-only, tables described, canned queries, exact search.

    Canned queries: search (policywatch's syntax, exact for Chinese), altered
    reposts this week, changed figures by plan, deleted documents. Needs the
    optional extra: pip install 'policywatch[datasette]' (make venv installs it).

    \b
    policywatch --db policywatch.db datasette --port 8001
    """
    from policywatch.cli.serve import is_loopback
    from policywatch.datasette_view import PLUGINS_DIR
    from policywatch.datasette_view.metadata import metadata

    path = db_path(ctx)
    require_archive(path)
    if importlib.util.find_spec("datasette") is None:
        raise CliError("Datasette is not installed: pip install 'policywatch[datasette]'")
    if not is_loopback(host):
        raise CliError(f"--host {host}: Datasette has no access control, so policywatch serves it on loopback "
                       "only (put a proxy with authentication in front to share it)")
    folder = Path(tempfile.mkdtemp(prefix="policywatch-datasette-"))
    meta = folder / "metadata.json"
    meta.write_text(json.dumps(metadata(Path(path).stem), ensure_ascii=False, indent=2), encoding="utf-8")
    command = [sys.executable, "-m", "datasette", "serve", str(path), "--metadata", str(meta),
               "--plugins-dir", str(PLUGINS_DIR), "--host", host, "--port", str(port),
               "--setting", "default_page_size", "50"]
    sys.stdout.flush()
    os.execv(sys.executable, command)


COMMANDS = [datasette_command]
