"""Processes of a crawl die with the process that started them.

`releasewatch crawl` (or the scheduler) starts the crawl child, which starts extraction and
storage workers. When a parent is killed (kill -9 leaves it no chance to clean up), its children
are re-parented and would crawl on as orphans, holding the parent's pipes open. Each of them
watches its parent's pid from a daemon thread instead: a changed parent means the parent is gone.
`this_host` and `process_running` tell whether the owner of a crawl run (storage.repository.runs)
is still there.
"""
from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path

POLL_SECONDS = 0.2


def this_host() -> str:
    return socket.gethostname()


def process_running(pid: int) -> bool:
    """Whether `pid` names a live process on this host (a zombie, dead but not reaped, is not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    stat = Path(f"/proc/{pid}/stat")
    try:
        # The state follows the parenthesised command name, which may itself hold spaces or ")".
        return stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def watch_parent(parent_pid: int, on_orphaned: Callable[[], None] | None = None) -> None:
    """Call `on_orphaned` (default: exit at once) as soon as this process's parent is not `parent_pid`."""

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(POLL_SECONDS)
        if on_orphaned is None:
            os._exit(1)
        on_orphaned()

    threading.Thread(target=watch, name="releasewatch-lifeline", daemon=True).start()


def worker_lifeline(parent_pid: int) -> None:
    """A pool worker's initializer: the worker exits when the crawl process that started it is gone."""
    watch_parent(parent_pid)
