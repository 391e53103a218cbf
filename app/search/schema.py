"""The search index's tables are dialect-specific and built by hand in the migrations, not from the models."""

from typing import Any


def is_search_table(name: str | None) -> bool:
    """True for the index tables (article_search*, and article_fts* with FTS5's shadow tables)."""
    return bool(name) and str(name).startswith(("article_search", "article_fts"))


def include_name(name: str | None, type_: str, _parent_names: Any) -> bool:
    """Alembic's include_name hook: autogenerate leaves the search index alone."""
    return not (type_ == "table" and is_search_table(name))
