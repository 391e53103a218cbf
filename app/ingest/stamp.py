"""File stamps: what lets a re-load skip a file without reading it.

Like git's index, a stamp records a file's size, modification time and inode change time (in nanoseconds)
as they were when ingest last read it, with the cleaner version: a file whose stamp is unchanged is taken to
be unchanged. The change time catches an edit that puts size and mtime back (`touch -r`, `cp -p`): nobody
can set it but the clock. Where it cannot be trusted either, `articles ingest --rehash` hashes every file.

A file modified shortly before it was read gets no stamp: a second write within the file system's clock
tick would leave its mtime as recorded, and the stale copy would be trusted forever. Such a file is hashed
again next time, and stamped then.
"""

import os
import time

from app.clean.version import CLEANER_VERSION

# Wider than any file system's mtime granularity (FAT's is 2 s).
RACY_SECONDS = 3.0


def now() -> float:
    """The time to compare with a file's mtime: taken before the file is stat'ed and read."""
    return time.time()


def stamp(stat: os.stat_result, read_at: float) -> str | None:
    """The stamp of a file stat'ed (and then read) at `read_at`; None while it is too recent to trust."""
    if read_at - stat.st_mtime < RACY_SECONDS:
        return None
    return f"{stat.st_size}:{stat.st_mtime_ns}:{stat.st_ctime_ns}:{CLEANER_VERSION}"
