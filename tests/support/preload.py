"""What the fork server of :mod:`tests.support.processes` imports once: everything a ``policywatch``
process loads before it does any work.

That is every module of our four packages (``__main__`` modules excepted: importing them runs
the command) and every component Scrapy loads by name from its default settings (downloader
handlers, middlewares, extensions, the scheduler…). Nothing here installs a Twisted reactor,
opens a file or starts a thread, so each forked child starts as clean as a new interpreter.
"""
from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator

PACKAGES = ("diffing", "store", "crawler", "policywatch")


def _import(name: str) -> None:
    """Import ``name`` if it imports; a module that does not is simply left to the child."""
    try:
        importlib.import_module(name)
    except Exception:  # noqa: BLE001 - a preload failure must not stop the fork server
        pass


def our_modules() -> Iterator[str]:
    """Every module of our packages except the ``__main__`` ones."""
    for root in PACKAGES:
        package = importlib.import_module(root)
        for info in pkgutil.walk_packages(package.__path__, f"{root}."):
            if not info.name.endswith(".__main__"):
                yield info.name


def _dotted_paths(value: object) -> Iterator[str]:
    if isinstance(value, str) and value.count(".") >= 2 and not set(value) & set(" /:"):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _dotted_paths(key)
            yield from _dotted_paths(item)


def scrapy_components() -> Iterator[str]:
    """The modules of the objects Scrapy's default settings name by import path."""
    from scrapy.settings import default_settings

    for name in dir(default_settings):
        if name.isupper():
            for path in _dotted_paths(getattr(default_settings, name)):
                yield path.rsplit(".", 1)[0]


for _name in (*our_modules(), *scrapy_components()):
    _import(_name)
