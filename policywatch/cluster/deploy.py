"""Package the Scrapy project as an egg and upload it to scrapyd nodes (addversion.json).

The egg is built with setuptools' ``bdist_egg`` from a copy of the project's packages in
a temporary directory, so building never writes into the source tree (scrapyd-deploy
would add a setup.py to it). It holds every package of ours (``crawler``, ``store``,
``diffing``, ``policywatch``) and the ``scrapy: settings`` entry point that scrapyd's
runner uses to find ``crawler.settings``, exactly what ``scrapy.cfg`` names locally.
"""
from __future__ import annotations

import asyncio
import configparser
import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

from policywatch.cluster.errors import ClusterError, NodeError
from policywatch.cluster.nodes import ScrapydNode

#: The packages that travel in the egg.
PACKAGES = ("crawler", "store", "diffing", "policywatch")

_SETUP_PY = """\
from setuptools import find_packages, setup

setup(
    name={project!r},
    version={version!r},
    packages=find_packages(include={includes!r}),
    include_package_data=True,
    package_data={{"": ["*.html", "*.toml", "*.txt", "*.json", "*.css", "*.js", "*.xml", "*.pdf", "*.md"]}},
    entry_points={{"scrapy": ["settings = {settings}"]}},
    zip_safe=False,
)
"""


@dataclass(frozen=True)
class Deployed:
    """What one node said to an upload: the spiders it found, or the error."""

    node: str
    spiders: int
    error: str | None = None


def project_root() -> Path:
    """The directory holding scrapy.cfg and our packages (the repository root)."""
    return Path(__file__).resolve().parents[2]


def settings_module(root: Path) -> str:
    """The Scrapy settings module scrapy.cfg names (``crawler.settings``)."""
    parser = configparser.ConfigParser()
    if not parser.read(root / "scrapy.cfg", encoding="utf-8") or not parser.has_option("settings", "default"):
        raise ClusterError(f"no [settings] default in {root / 'scrapy.cfg'}: not a Scrapy project root")
    return parser.get("settings", "default")


def default_version() -> str:
    """A version string that sorts by time, as scrapyd expects (it runs the newest)."""
    return time.strftime("%Y%m%d%H%M%S", time.gmtime())


def build_egg(project: str = "policywatch", version: str | None = None, *, root: Path | None = None) -> bytes:
    """Build the project's egg and return its bytes."""
    root = root or project_root()
    settings = settings_module(root)
    missing = [name for name in PACKAGES if not (root / name / "__init__.py").is_file()]
    if missing:
        raise ClusterError(f"cannot build the egg: package(s) {', '.join(missing)} missing under {root}")
    with tempfile.TemporaryDirectory(prefix="policywatch-egg-") as tmp:
        build = Path(tmp)
        for name in PACKAGES:
            shutil.copytree(root / name, build / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        includes = [f"{name}*" for name in PACKAGES]
        (build / "setup.py").write_text(_SETUP_PY.format(project=project, version=version or default_version(),
                                                         includes=includes, settings=settings))
        return _run_bdist_egg(build)


def _run_bdist_egg(build: Path) -> bytes:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    result = subprocess.run([sys.executable, "setup.py", "-q", "bdist_egg", "-d", "dist"], cwd=build, capture_output=True, text=True, env=env, check=False)
    eggs = sorted((build / "dist").glob("*.egg"))
    if result.returncode or not eggs:
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise ClusterError(f"building the egg failed: {detail[-1] if detail else 'no egg produced'}")
    data = eggs[0].read_bytes()
    _check_egg(data)
    return data


def _check_egg(data: bytes) -> None:
    """Refuse an egg scrapyd could not run: no settings entry point or no spiders package."""
    with zipfile.ZipFile(io.BytesIO(data)) as egg:
        names = set(egg.namelist())
        entry_points = egg.read("EGG-INFO/entry_points.txt").decode() if "EGG-INFO/entry_points.txt" in names else ""
    if "[scrapy]" not in entry_points:
        raise ClusterError("the built egg has no scrapy settings entry point")
    if not any(name.startswith("crawler/spiders/") for name in names):
        raise ClusterError("the built egg has no crawler/spiders package")


async def upload(nodes: list[str], egg: bytes, *, project: str, version: str) -> list[Deployed]:
    """Upload the egg to every node at once; one node failing does not stop the others."""
    async def one(url: str) -> Deployed:
        node = ScrapydNode(url, timeout=120.0)
        try:
            return Deployed(node.name, await node.add_version(project, version, egg))
        except NodeError as exc:
            return Deployed(node.name, 0, str(exc))
        finally:
            await node.aclose()

    return list(await asyncio.gather(*(one(url) for url in nodes)))
