"""Schema objects that the migrations build by hand for one dialect instead of from the models, and that
Alembic's autogenerate must therefore leave alone: the search index's tables (FTS5 on SQLite, tsvector on
PostgreSQL) and SQLite's index covering ingest's scan of stored files."""

from typing import Any

# SQLite only: PostgreSQL keeps large bodies out of the table's pages anyway (TOAST), and its B-tree index
# entries have a size limit that a deep enough file path would exceed.
STORED_FILES_INDEX = "ix_article_file"


def is_search_table(name: str | None) -> bool:
    """True for the index tables (article_search*, article_fts* with FTS5's shadow tables, and the impact
    lists search_impact and search_term)."""
    return bool(name) and str(name).startswith(
        ("article_search", "article_fts", "search_impact", "search_term")
    )


def include_name(name: str | None, type_: str, _parent_names: Any) -> bool:
    """Alembic's include_name hook: autogenerate compares everything but the objects built by hand."""
    if type_ == "table":
        return not is_search_table(name)
    return not (type_ == "index" and name == STORED_FILES_INDEX)
