"""Start ``python -m <module> …`` as real processes forked from a server that imported everything once.

A ``policywatch`` process spends about a second of CPU importing Scrapy, Twisted, FastAPI and
our packages before it does any work — some 70 % of a small crawl — and the suite starts a
couple of hundred of them. :func:`run` and :func:`start` take subprocess's arguments, but a
``[sys.executable, "-m", module, *args]`` command starts in a process forked from
multiprocessing's fork server, which imported :mod:`tests.support.preload` once per pytest
worker. The child is still a process of its own: its own pid (SIGKILL kills it mid-write), its
own reactor and SQLite connections, the environment, working directory, argv and exit status
it was given, its output in the files the caller names (or captured through temporary files).
Python's own fork handlers re-seed ``random`` in every child. It ends the way multiprocessing
ends a child: standard streams flushed, non-daemon threads joined, ``atexit`` handlers not run
(our code registers none; the archive is closed by its context managers).

What forking does not repeat is interpreter start-up and importing: ``test_cli_startup.py``
runs plain ``python -m policywatch`` processes for those, and ``POLICYWATCH_TEST_FORK=0`` makes
every helper here fall back to plain subprocesses. Commands that are not ``-m`` module runs, or
that need a pipe or input, always do.
"""
from __future__ import annotations

import contextlib
import multiprocessing
import os
import runpy
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, Any

FORK = os.environ.get("POLICYWATCH_TEST_FORK", "1") != "0"
_CONTEXT = multiprocessing.get_context("forkserver")
_CONTEXT.set_forkserver_preload(["tests.support.preload"])

#: What a stream argument may be, as for Popen: inherited (None), DEVNULL, STDOUT, or an open file.
Stream = None | int | IO[Any]


def run(command: Sequence[str], *, cwd: str | Path | None = None, env: Mapping[str, str] | None = None,
        timeout: float | None = None, capture_output: bool = False, text: bool = False, check: bool = False,
        **other: Any) -> subprocess.CompletedProcess:
    """:func:`subprocess.run`, forked when it can be (see the module docstring)."""
    if _module_command(command) is None or other:
        return subprocess.run(command, cwd=cwd, env=env, timeout=timeout, capture_output=capture_output,
                              text=text, check=check, **other)
    with tempfile.TemporaryDirectory(prefix="pw-out-") as directory:
        paths = [Path(directory, "stdout"), Path(directory, "stderr")] if capture_output else []
        with contextlib.ExitStack() as files:
            out, err = [files.enter_context(path.open("wb")) for path in paths] or [None, None]
            process = start(command, cwd=cwd, env=env, stdout=out, stderr=err)
            try:
                returncode = process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
                raise
        outputs = [_read(path, text) for path in paths] or [None, None]
    done = subprocess.CompletedProcess(list(command), returncode, *outputs)
    if check:
        done.check_returncode()
    return done


def start(command: Sequence[str], *, cwd: str | Path | None = None, env: Mapping[str, str] | None = None,
          stdout: Stream = None, stderr: Stream = None, **other: Any) -> Forked | subprocess.Popen:
    """:class:`subprocess.Popen`, forked when it can be; the handle has pid, poll, wait, kill, send_signal."""
    module = _module_command(command)
    if module is None or other or subprocess.PIPE in (stdout, stderr):
        return subprocess.Popen(command, cwd=cwd, env=env, stdout=stdout, stderr=stderr, **other)
    process = _CONTEXT.Process(
        target=_child, daemon=True,
        args=(module[0], module[1], dict(os.environ if env is None else env), str(cwd or os.getcwd()),
              _target(stdout), _target(stderr)))
    process.start()
    return Forked(list(command), process)


class Forked:
    """A forked child, with the part of :class:`subprocess.Popen`'s interface the tests use."""

    def __init__(self, args: list[str], process: multiprocessing.process.BaseProcess) -> None:
        self.args = args
        self._process = process
        self.pid: int = process.pid or 0

    @property
    def returncode(self) -> int | None:
        """The exit status, negative for the signal that killed it; None while it runs."""
        return self._process.exitcode

    def poll(self) -> int | None:
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        """Wait for the exit; :class:`subprocess.TimeoutExpired` if it outlives ``timeout``."""
        self._process.join(timeout)
        if self.returncode is None:
            raise subprocess.TimeoutExpired(self.args, timeout or 0)
        return self.returncode

    def send_signal(self, sig: int) -> None:
        """Signal the child unless it has exited (then, as with Popen, nothing happens)."""
        if self.returncode is None:
            with contextlib.suppress(ProcessLookupError):  # it exited just now
                os.kill(self.pid, sig)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


def _module_command(command: Sequence[str]) -> tuple[str, list[str]] | None:
    """``(module, args)`` of a ``[sys.executable, "-m", module, *args]`` command, when forking is on."""
    if FORK and len(command) >= 3 and command[0] == sys.executable and command[1] == "-m":
        return command[2], list(command[3:])
    return None


def _target(stream: Stream) -> str | int | None:
    """What the child points a stream at: a file's path, ``subprocess.STDOUT``, or None to inherit."""
    if stream is None or stream == subprocess.STDOUT:
        return stream  # type: ignore[return-value]
    if stream == subprocess.DEVNULL:
        return os.devnull
    return str(stream.name)  # type: ignore[union-attr]


def _read(path: Path, text: bool) -> str | bytes:
    data = path.read_bytes()
    return data.decode("utf-8", errors="replace") if text else data


def _child(module: str, args: list[str], env: dict[str, str], cwd: str,
           stdout: str | int | None, stderr: str | int | None) -> None:
    """In the forked process: become ``python -m module args`` in ``cwd`` with ``env``, then run it."""
    os.chdir(cwd)
    os.environ.clear()
    os.environ.update(env)
    time.tzset()
    _point(0, os.devnull, os.O_RDONLY)
    if stdout is not None:
        _point(1, str(stdout), os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    if stderr == subprocess.STDOUT:
        os.dup2(1, 2)
    elif stderr is not None:
        _point(2, str(stderr), os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    sys.argv = [module, *args]
    runpy.run_module(module, run_name="__main__", alter_sys=True)


def _point(fd: int, path: str, flags: int) -> None:
    opened = os.open(path, flags, 0o644)
    os.dup2(opened, fd)
    os.close(opened)
