"""``python -m tests.support.probe [exit|raise|sleep] ARG``: report what the process was given.

Prints one JSON line (pid, parent pid, working directory, argv, ``PROBE`` from the environment,
whether stdin is empty) on stdout and ``probe stderr`` on stderr, then exits with status ARG,
raises, or sleeps ARG seconds. The subject of ``tests/test_support_processes.py``.
"""
from __future__ import annotations

import json
import os
import sys
import time


def main(argv: list[str]) -> None:
    action, value = argv[1], argv[2]
    print(json.dumps({"pid": os.getpid(), "ppid": os.getppid(), "cwd": os.getcwd(), "argv": argv,
                      "probe": os.environ.get("PROBE"), "stdin": sys.stdin.read()}))
    print("probe stderr", file=sys.stderr)
    sys.stdout.flush()
    if action == "raise":
        raise RuntimeError(value)
    if action == "sleep":
        time.sleep(float(value))
    sys.exit(int(value) if action == "exit" else 0)


if __name__ == "__main__":
    main(sys.argv)
