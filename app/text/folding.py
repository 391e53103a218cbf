"""Folding: the one normal form that both indexed text and queries are compared in.

fold() maps every character on its own (NFKC, lower case, then OpenCC's Traditional-to-Simplified
character table), so it commutes with slicing: a substring of a text folds to a substring of the folded
text. Phrase-level conversion would not (乾 alone and 乾 in 乾隆 convert differently), so it is not used.
"""

import hashlib
import os
import re
import unicodedata
from functools import cache
from pathlib import Path

import opencc

# Blocks that hold Han characters OpenCC may convert (BMP, Extension A, compatibility, Extensions B-H).
HAN_BLOCKS = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x323AF))
_SURROGATES = range(0xD800, 0xE000)
# Past Extension H only tags, variation selectors and private use remain: folding leaves them alone.
_LAST_FOLDABLE = 0x323AF


def _traditional_to_simplified() -> dict[str, str]:
    """OpenCC's character-level t2s conversion of every Han code point, where it changes the character."""
    chars = [chr(cp) for low, high in HAN_BLOCKS for cp in range(low, high + 1)]
    # One call for all characters; a newline between them stops any phrase rule from applying.
    converted = opencc.OpenCC("t2s").convert("\n".join(chars)).split("\n")
    if len(converted) != len(chars):  # never seen, but a silently misaligned table would corrupt search
        raise RuntimeError("OpenCC changed the number of lines while converting single characters")
    return {char: simple for char, simple in zip(chars, converted, strict=True) if simple != char}


@cache
def fold_table() -> dict[int, str]:
    """str.translate table: code point -> its folded form, for every character that folding changes."""
    simplified = _traditional_to_simplified()

    def fold_char(char: str) -> str:
        for _ in range(4):  # NFKC, lower case and t2s may feed each other; stop at the fixed point
            folded = "".join(simplified.get(c, c) for c in unicodedata.normalize("NFKC", char).lower())
            if folded == char:
                break
            char = folded
        return char

    is_normalized = unicodedata.is_normalized
    table = {}
    for code_point in range(_LAST_FOLDABLE + 1):
        if code_point in _SURROGATES:
            continue
        char = chr(code_point)
        # Most characters are their own fold; three quick checks say so without building strings.
        if char not in simplified and char.lower() == char and is_normalized("NFKC", char):
            continue
        folded = fold_char(char)
        if folded != char:
            table[code_point] = folded
    return table


@cache
def _translation() -> dict[int, int | str]:
    """fold_table() for str.translate, with every other BMP code point mapped to itself: translate raises and
    swallows a KeyError for each character missing from its table, which made folding twice as slow."""
    table: dict[int, int | str] = {code_point: code_point for code_point in range(0x10000)}
    table.update(fold_table())
    return table


def fold(text: str) -> str:
    """The folded form of `text`: full-width to half-width, lower case, Traditional to Simplified."""
    if text.isascii():  # NFKC leaves ASCII alone: lower case is all there is to do, and much faster
        return text.lower()
    return text.translate(_translation())


def fold_with_offsets(text: str) -> tuple[str, list[int]]:
    """fold(text) and, for each folded position (plus the end), the position in `text` it came from."""
    table = fold_table()
    pieces: list[str] = []
    origins: list[int] = []
    for index, char in enumerate(text):
        folded = table.get(ord(char), char)
        pieces.append(folded)
        origins.extend([index] * len(folded))
    origins.append(len(text))
    return "".join(pieces), origins


@cache
def fold_fingerprint() -> str:
    """A short digest of the fold table: it changes when OpenCC's data or Python's Unicode tables do.

    Building the table takes a tenth of a second, which a command may not otherwise spend (an ingest of
    unchanged files only asks whether the index is current), so the digest is kept in the user's cache folder
    under a name made of what the table is built from: OpenCC's version, Python's Unicode version and this
    module's code."""
    path = _cache_file()
    try:
        cached = path.read_text(encoding="ascii") if path is not None else ""
    except (OSError, UnicodeDecodeError):
        cached = ""
    if _FINGERPRINT.fullmatch(cached):
        return cached
    fingerprint = table_fingerprint()
    if path is not None:
        _store(path, fingerprint)
    return fingerprint


def table_fingerprint() -> str:
    """The digest of the fold table itself (builds the table)."""
    digest = hashlib.blake2b(digest_size=6)
    for code_point, folded in sorted(fold_table().items()):
        digest.update(f"{code_point}:{folded};".encode())
    return digest.hexdigest()


_FINGERPRINT = re.compile(r"[0-9a-f]{12}")


def _cache_file() -> Path | None:
    """Where the fingerprint of this code's fold table is kept; None when there is no home to keep it in."""
    inputs = hashlib.blake2b(digest_size=8)
    for part in (str(getattr(opencc, "__version__", opencc.__file__)), unicodedata.unidata_version):
        inputs.update(part.encode() + b"\0")
    try:
        inputs.update(Path(__file__).read_bytes())
        folder = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "articles-api"
    except (OSError, KeyError, RuntimeError):  # no source to read; no HOME and no passwd entry
        return None
    return folder / f"fold-{inputs.hexdigest()}"


def _store(path: Path, fingerprint: str) -> None:
    """Write the cache file whole (no reader sees half of it); a folder that cannot be written is skipped."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f"{path.name}.{os.getpid()}")
        temporary.write_text(fingerprint, encoding="ascii")
        os.replace(temporary, path)
    except OSError:
        pass
