"""Parser processes die with the ingest that started them, however it ends (SIGKILL included).

Ingest starts a fork server, which forks the parsers. On Linux each of them asks the kernel for a SIGKILL
when its parent dies (PR_SET_PDEATHSIG): the fork server when ingest dies, a parser when the fork server
dies; one whose parent is already gone by then exits at once. Without this, a killed ingest left them
waiting on their queues for minutes (they hold both ends of every pipe, so they never see it close).
Parsers also ignore SIGINT: Ctrl-C reaches the whole process group, and stopping is ingest's decision (it
writes the batch in hand, then shuts the parsers down).
"""

import ctypes
import os
import signal
import sys

PARENT_VARIABLE = "ARTICLES_INGEST_PID"  # set by ingest for the fork server it starts
PR_SET_PDEATHSIG = 1

_fork_server: int | None = None  # in the fork server and its parsers: the fork server's pid


def _die_with(parent: int) -> None:
    """SIGKILL this process when `parent` dies; exit now if it already has."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)


def guard_fork_server() -> None:
    """In the fork server, before anything else: die with the ingest that started it."""
    global _fork_server
    parent = os.environ.get(PARENT_VARIABLE)
    if parent is not None:
        _die_with(int(parent))
    _fork_server = os.getpid()


def guard_parser() -> None:
    """First thing in each parser process: die with the fork server, and leave Ctrl-C to ingest."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if _fork_server is not None:
        _die_with(_fork_server)
