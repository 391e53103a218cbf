"""The search index's tables are dialect-specific and built by hand in the migrations, not from the models."""

from typing import Any


def is_search_table(name: str | None) -> bool:
    """True for the index tables (and FTS5's shadow tables, article_fts_*)."""
    return bool(name) and (name == "article_search" or str(name).startswith("article_fts"))


def include_name(name: str | None, type_: str, _parent_names: Any) -> bool:
    """Alembic's include_name hook: autogenerate leaves the search index alone."""
    return not (type_ == "table" and is_search_table(name))
