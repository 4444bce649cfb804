"""A CLI that starts fast: commands are loaded lazily from the registry in policywatch/cli/__init__.py."""
from __future__ import annotations

import importlib
import json
import os
import pkgutil
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

import policywatch.cli
from policywatch.cli import COMMANDS, group

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("store", "diffing", "crawler", "scrapy", "fastapi", "sqlite_utils", "docx", "openpyxl", "apprise")


def _loaded_after(*args: str) -> set[str]:
    """Modules (and their top-level packages) imported by ``policywatch ARGS`` in a fresh interpreter."""
    code = ("import sys, json, runpy; sys.argv = ['policywatch', *json.loads(sys.argv[1])]\n"
            "try:\n    runpy.run_module('policywatch', run_name='__main__')\n"
            "except SystemExit:\n    pass\n"
            "print(json.dumps(sorted({*sys.modules, *(m.split('.')[0] for m in sys.modules)})), file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code, json.dumps(list(args))], capture_output=True, text=True,
                          timeout=60, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


def test_every_command_module_is_in_the_registry_and_back() -> None:
    found: dict[str, str] = {}
    for info in pkgutil.iter_modules(policywatch.cli.__path__):
        module = importlib.import_module(f"policywatch.cli.{info.name}")
        for command in getattr(module, "COMMANDS", []):
            found[command.name] = info.name
    assert found == {name: module for name, (module, _) in COMMANDS.items()}
    assert all(len(help_line) <= 58 for _, help_line in COMMANDS.values())  # one 80-column line in --help


def test_help_lists_every_command_without_importing_the_engines() -> None:
    result = CliRunner().invoke(group, ["--help"])
    assert result.exit_code == 0
    for name, (_, help_line) in COMMANDS.items():
        assert f"  {name} " in result.output and help_line in result.output
    loaded = _loaded_after("--help")
    assert not loaded & set(HEAVY), loaded & set(HEAVY)


def test_a_diff_of_two_files_never_loads_the_archive(tmp_path: Path) -> None:
    old, new = tmp_path / "a.txt", tmp_path / "b.txt"
    old.write_text("一、目标\n培育不少于50000家企业。\n", encoding="utf-8")
    new.write_text("一、目标\n培育不少于60000家企业。\n", encoding="utf-8")
    loaded = _loaded_after("--db", str(tmp_path / "none.db"), "diff", str(old), str(new))
    assert "diffing" in loaded and not loaded & {"store.archive", "sqlite_utils", "scrapy", "fastapi"}
    assert not (tmp_path / "none.db").exists()


def test_commands_still_run_and_subcommands_resolve() -> None:
    result = CliRunner().invoke(group, ["alerts", "--help"])
    assert result.exit_code == 0 and "list" in result.output
    result = CliRunner().invoke(group, ["nosuch"])
    assert result.exit_code == 2 and "No such command" in result.output
