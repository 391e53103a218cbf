"""create_app(): the FastAPI application with its routers, error handlers and engine."""

from fastapi import FastAPI
from sqlalchemy.engine import Engine

from app import __version__
from app.api import articles, categories, errors, health
from app.config import Settings, get_settings
from app.db import make_engine

DESCRIPTION = """
Scraped news articles (Sina Finance, Zhihu, 36kr, cnBeta, IT之家 and more), served as JSON with their
**clean body text**: no tags, no CSS, no boilerplate, paragraphs kept.

* `GET /articles` lists summaries newest first, filtered by category and source.
* `GET /articles/{id}` returns one article with `body_text`, `paragraphs` and sanitized `body_html`.
* `GET /categories` is the category tree (top category → source → feed) with article counts.

Errors are `application/problem+json` (RFC 9457); a rejected parameter is named in `errors`.
"""

TAGS = [
    {"name": "articles", "description": "Article listings and details."},
    {"name": "categories", "description": "The Hexo category hierarchy."},
    {"name": "operations", "description": "Probes for load balancers and orchestrators."},
]


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> FastAPI:
    """Build the app; tests pass their own settings and engine."""
    settings = settings or get_settings()
    app = FastAPI(
        title="articles-api",
        version=__version__,
        description=DESCRIPTION,
        openapi_tags=TAGS,
    )
    app.state.settings = settings
    app.state.engine = engine or make_engine(
        settings.database_url, settings, statement_timeout_ms=settings.statement_timeout_ms
    )
    errors.install(app)
    for module in (articles, categories, health):
        app.include_router(module.router)
    return app
