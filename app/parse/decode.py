"""A file's bytes to text (UTF-8 or GB18030), its fingerprint, and why a file cannot be read."""

import hashlib

# Bytes that never occur in text: their presence means a binary file, whatever it decodes as.
_BINARY_MARKERS = (b"\x00",)
_CONTROL_CHARS = {chr(c) for c in range(32) if chr(c) not in "\t\n\r\f"}


class UnreadableFile(Exception):
    """A file that cannot become an article; the message is the one-line reason shown to users."""


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
