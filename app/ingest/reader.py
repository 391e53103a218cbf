"""Find article files and turn their bytes into text."""

import hashlib
import os
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

# Bytes that never occur in text: their presence means a binary file, whatever it decodes as.
_BINARY_MARKERS = (b"\x00",)
_CONTROL_CHARS = {chr(c) for c in range(32) if chr(c) not in "\t\n\r\f"}


class UnreadableFile(Exception):
    """A file that cannot become an article; the message is the one-line reason shown to users."""


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


def content_hash(data: bytes, version: int) -> str:
    """Fingerprint of a file's bytes and of the code that turned them into an article."""
    digest = hashlib.blake2b(data, digest_size=16)
    digest.update(version.to_bytes(4, "big"))
    return digest.hexdigest()


def decode(data: bytes) -> str:
    """Decode UTF-8 (BOM or not) or GB18030/GBK, normalize line ends; raise UnreadableFile otherwise."""
    if not data.strip():
        raise UnreadableFile("empty file")
    if any(marker in data for marker in _BINARY_MARKERS):
        raise UnreadableFile("binary file (contains NUL bytes)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = _decode_gb18030(data)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _decode_gb18030(data: bytes) -> str:
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise UnreadableFile(f"not UTF-8 or GB18030 text (bad byte at offset {exc.start})") from None
    # GB18030 maps almost any byte sequence somewhere; control characters betray a binary file.
    if any(char in _CONTROL_CHARS for char in text):
        raise UnreadableFile("not text: control characters in a non-UTF-8 file")
    return text
