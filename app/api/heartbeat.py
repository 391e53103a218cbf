"""The worker's heartbeat: a file its event loop touches every INTERVAL seconds while it runs.

Under overload a turn of the event loop serves every connection with a request pending, so a probe sent to
the API's own port waits behind them (a second at 1,024 busy connections). The health port
(`app.cli.health`), a process of its own, judges a worker by its heartbeat instead: fresh means the loop is
turning, however slowly it answers.
"""

import asyncio
import contextlib
import os
from pathlib import Path

INTERVAL = 1.0  # seconds


async def beat(folder: Path) -> None:
    """Touch `folder`/<pid> every INTERVAL seconds until cancelled, then remove it."""
    path = folder / str(os.getpid())
    try:
        while True:
            with contextlib.suppress(OSError):  # a folder removed under us: the health port says why
                path.touch()
            await asyncio.sleep(INTERVAL)
    finally:
        path.unlink(missing_ok=True)
