"""Follow a live corpus: the paths that change below the folders ingest was given, in batches.

The operating system reports each change (watchfiles). A path is handed out once nothing has happened to it
for SETTLE_SECONDS, so a file the crawler is still writing is not read half-way; one read within seconds of
its last write gets no stamp either (`app.ingest.stamp`), so it is read again if it changes once more. A
file written under a temporary name and renamed into place is seen at its final path. Paths that are gone
are handed out too: `app.ingest.runner.ingest_changes` prunes their articles when asked.
"""

import os
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import watchfiles

# Quiet time after a path's last change before it is read: longer than a crawler's pauses between writes.
SETTLE_SECONDS = 1.0
# How often the watcher wakes up without changes, to hand out the paths that have settled meanwhile.
TICK_MS = 200


def _relevant(_change: watchfiles.Change, path: str) -> bool:
    """Markdown files, folders, and whatever is gone (it may have been either); not other files."""
    return path.lower().endswith(".md") or not os.path.isfile(path)


class Watcher:
    """The changes below `paths` from the moment it is made (what changes during the first load is kept),
    until `stop` is set."""

    def __init__(self, paths: Sequence[Path], stop: threading.Event) -> None:
        roots = [Path(os.path.abspath(path)) for path in paths]
        # A file given by name is watched through its folder: renaming a new version into place replaces
        # the file, and a watch on the file itself would stay with the old one.
        folders = dict.fromkeys(root if root.is_dir() else root.parent for root in roots)
        self._changes = watchfiles.watch(
            *folders,
            watch_filter=_relevant,
            stop_event=stop,
            rust_timeout=TICK_MS,
            yield_on_timeout=True,
            ignore_permission_denied=True,
        )
        self._last_change: dict[str, float] = {}
        self._note(next(self._changes, set()))  # starts the watcher

    def batches(self) -> Iterator[list[str]]:
        """Paths whose changes have settled, a batch at a time, until `stop` is set."""
        for changes in self._changes:
            self._note(changes)
            settled = time.monotonic() - SETTLE_SECONDS
            ready = sorted(path for path, at in self._last_change.items() if at <= settled)
            for path in ready:
                del self._last_change[path]
            if ready:
                yield ready

    def _note(self, changes: set[tuple[watchfiles.Change, str]]) -> None:
        at = time.monotonic()
        for _change, path in changes:
            self._last_change[path] = at
