"""Find the article files below the folders given to ingest, in a stable order."""

import os
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A Markdown file found under an ingest root; `path` is absolute, `key` is relative to that root."""

    path: str  # text, not Path: a re-load meets every file, and building 20,000 Paths takes a fifth of it
    root: Path
    key: str


def _walk(root: str) -> Iterator[str]:
    """Paths of `.md` files below `root` in a stable order, following directory links once each (no loops)."""
    seen: set[tuple[int, int]] = set()
    pending = [root]
    while pending:
        folder = pending.pop()
        try:
            stat = os.stat(folder)
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError:
            continue  # unreadable or vanished folder: nothing to load from it
        if (stat.st_dev, stat.st_ino) in seen:
            continue
        seen.add((stat.st_dev, stat.st_ino))
        subfolders = []
        for entry in entries:
            if entry.is_dir():
                subfolders.append(entry.path)
            elif entry.name.lower().endswith(".md") and entry.is_file():
                yield entry.path
        pending.extend(reversed(subfolders))


def discover(paths: Iterable[Path]) -> Iterator[SourceFile]:
    """Every `.md` file named or found (recursively) under the given paths, in a stable order."""
    for given in paths:
        root = Path(os.path.abspath(given))  # absolute, with ".." folded, links kept
        if root.is_file():
            yield SourceFile(path=str(root), root=root.parent, key=unicodedata.normalize("NFC", root.name))
            continue
        prefix = len(str(root)) + 1
        for path in _walk(str(root)):
            key = unicodedata.normalize("NFC", path[prefix:].replace(os.sep, "/"))
            yield SourceFile(path=path, root=root, key=key)


def locate(roots: Sequence[Path], paths: Iterable[str]) -> tuple[list[SourceFile], list[str]]:
    """The `.md` files at these paths (and below those that are folders), keyed as `discover` keys them
    from `roots`, and the paths below a root folder that no longer exist (a root that went, an unmounted
    share perhaps, is not taken for deleted posts)."""
    given = [Path(os.path.abspath(root)) for root in roots]
    inside = tuple(str(root) + os.sep for root in given if root.is_dir())
    found: dict[str, SourceFile] = {}
    missing: list[str] = []
    for path in dict.fromkeys(paths):
        if not os.path.lexists(path):
            if path.startswith(inside):
                missing.append(path)
            continue
        for file in _walk(path) if os.path.isdir(path) else [path]:
            source = _source(file, given)
            if source is not None:
                found[source.path] = source
    return list(found.values()), missing


def _source(path: str, roots: Sequence[Path]) -> SourceFile | None:
    """`path` as `discover` finds it below the last root that holds it (ingest keeps the last one)."""
    for root in reversed(roots):
        if path == str(root):
            return SourceFile(path=path, root=root.parent, key=unicodedata.normalize("NFC", root.name))
        if path.startswith(str(root) + os.sep) and path.lower().endswith(".md") and os.path.isfile(path):
            key = unicodedata.normalize("NFC", path[len(str(root)) + 1 :].replace(os.sep, "/"))
            return SourceFile(path=path, root=root, key=key)
    return None
