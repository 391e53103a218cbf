"""Category paths: the names of a category chain, top first, joined into one key."""

from collections.abc import Sequence

PATH_SEPARATOR = " / "  # between the names of a category path, parent first


def category_path(names: Sequence[str]) -> str:
    """The unique key of a category: the names from the top down."""
    return PATH_SEPARATOR.join(names)
