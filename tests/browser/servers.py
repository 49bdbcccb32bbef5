"""Starting and stopping local servers for the browser tests (shared by conftest.py and
the tests that start a server of their own)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

HOST = "127.0.0.1"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def http_status(url: str) -> int | None:
    """The HTTP status of ``url``, or None when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=2) as resp:  # noqa: S310 - local URL
            return int(resp.status)
    except urllib.error.HTTPError as e:
        return int(e.code)
    except OSError:
        return None


def proc_info(pid: int) -> tuple[int, str] | None:
    """(parent pid, start time) of a process, from /proc (Linux); None if it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    return int(fields[1]), fields[19]  # ppid, starttime (fields 4 and 22 of stat)


def descendants(pid: int) -> list[tuple[int, str]]:
    """All descendants of ``pid`` with their start times. Kernels run in sessions of their
    own, so the server's process group does not cover them."""
    table = {
        int(e.name): info
        for e in Path("/proc").glob("[0-9]*")
        if (info := proc_info(int(e.name))) is not None
    }
    found: list[tuple[int, str]] = []
    todo = [pid]
    while todo:
        parent = todo.pop()
        children = [p for p, (pp, _) in table.items() if pp == parent]
        found += [(p, table[p][1]) for p in children]
        todo += children
    return found


def stop(proc: subprocess.Popen[bytes]) -> None:
    """TERM the server's process group (it shuts its kernels down), then KILL what is
    left, including kernels that outlived it (the same pid *and* start time only)."""
    if proc.poll() is not None:
        return
    kernels = descendants(proc.pid)
    try:
        pgid = os.getpgid(proc.pid)
    except ProcessLookupError:
        return
    os.killpg(pgid, signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(pgid, signal.SIGKILL)
        proc.wait(timeout=5)
    for pid, started in kernels:
        info = proc_info(pid)
        if info is not None and info[1] == started:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
