"""create_app(): the FastAPI application with its routers, middleware, error handlers and engine."""

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.telemetry import TelemetryConfig
from sqlalchemy.engine import Engine
from starlette_compress import CompressMiddleware, add_compress_type

from app import __version__
from app.api import (
    articles,
    authors,
    categories,
    docs,
    errors,
    feeds,
    heartbeat,
    index,
    openapi,
    ops,
    reader,
)
from app.api.conditional import ConditionalGetMiddleware
from app.api.cors import CORSMiddleware
from app.api.deps import Database
from app.api.head import HeadMiddleware
from app.api.overload import OverloadMiddleware
from app.api.request_log import REQUEST_ID_HEADER, RequestContextMiddleware
from app.api.response_cache import ResponseCacheMiddleware
from app.config import HEARTBEAT_DIR_ENV, Settings, get_settings
from app.store.backends import backend_of
from app.store.data_version import VersionProbe
from app.store.engine import make_engine

DESCRIPTION = """
Scraped news articles (Sina Finance, Zhihu, 36kr, cnBeta, IT之家 and more), served as JSON with their
**clean body text**: no tags, no CSS, no boilerplate, paragraphs kept.

* `GET /articles` lists summaries newest first, filtered by category, source, date and image, or searched
  with `q` (Chinese matched as substrings, Traditional and Simplified alike), with facets on request;
  follow `next_cursor` (or the `Link: rel="next"` header) to walk every page.
* `GET /articles/{id}` (or `/articles/slug/{slug}`) returns one article with `body_text`, `paragraphs`
  and sanitized `body_html` (`formats=html` for one of them), and its `newer` and `older` neighbours;
  `/articles/{id}/related` lists the articles most like it.
* `GET /categories` is the category tree (top category → source → feed) with article counts;
  `GET /authors` lists the sources with theirs.
* `GET /feeds/atom.xml`, `/feeds/rss.xml`, `/feeds/feed.json`: the newest articles as feeds.

`fields=id,title` trims each article to the named fields. Every data response has a strong `ETag`: send it
back in `If-None-Match` to get a `304 Not Modified`. Every GET operation also answers HEAD (same headers, no
body). Errors are `application/problem+json` (RFC 9457); a rejected parameter is named in `errors`, and so
is a query parameter the operation does not take.
"""

TAGS = [
    {"name": "articles", "description": "Article listings and details."},
    {"name": "categories", "description": "The Hexo category hierarchy."},
    {"name": "authors", "description": "The sources articles come from."},
    {"name": "feeds", "description": "The newest articles as Atom, RSS and JSON Feed."},
    {"name": "operations", "description": "Probes for load balancers and orchestrators."},
]

# Bodies below this many bytes go out uncompressed: the saving would not pay for the work.
COMPRESS_MIN_SIZE = 1024
EXPOSED_HEADERS = ["ETag", "Link", REQUEST_ID_HEADER, "Last-Modified"]

for media_type in ("application/problem+json", "application/feed+json"):
    add_compress_type(media_type)


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    folder = os.environ.get(HEARTBEAT_DIR_ENV)
    beating = asyncio.create_task(heartbeat.beat(Path(folder))) if folder else None
    yield
    if beating is not None:
        beating.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await beating
    await app.state.database.close()


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> FastAPI:
    """Build the app; tests pass their own settings and engine."""
    settings = settings or get_settings()
    app = FastAPI(
        title="articles-api",
        version=__version__,
        description=DESCRIPTION,
        openapi_tags=TAGS,
        generate_unique_id_function=openapi.operation_id,
        license_info={"name": "MIT", "identifier": "MIT"},
        docs_url=None,
        redoc_url=None,
        lifespan=_lifespan,
        telemetry=TelemetryConfig(
            tracing=settings.telemetry, metrics=settings.telemetry, logs=settings.telemetry
        ),
    )
    app.state.settings = settings
    app.state.engine = engine or make_engine(
        settings.database_url, settings, statement_timeout_ms=settings.statement_timeout_ms
    )
    engine_url = app.state.engine.url.render_as_string(hide_password=False)
    loop_engine = backend_of(app.state.engine).create_async_engine(
        engine_url, settings, statement_timeout_ms=settings.statement_timeout_ms
    )
    app.state.database = Database(app.state.engine, settings.read_threads, loop_engine, settings.db_pool_size)
    errors.install(app)
    for module in (articles, categories, authors, feeds):
        app.include_router(module.router, responses=openapi.DATABASE_ERRORS)
    app.include_router(ops.router)
    app.include_router(index.router)
    reader.install(app)
    docs.install(app)
    openapi.install(app)
    _add_middleware(app, settings)
    return app


def _add_middleware(app: FastAPI, settings: Settings) -> None:
    # Each one added wraps the ones before. The request id is outermost (it sees and logs everything, CORS
    # preflights included); overload protection next, so that a shed or abandoned request costs nothing
    # below it and the version check of a cached response is within the time budget too; the response cache
    # comes next, so that a hit skips every layer below it and
    # replays the response as they shaped it; CORS wraps the 500 boundary so error responses stay readable
    # in a browser; the ETag is taken from the uncompressed body, inside compression.
    engine: Engine = app.state.engine
    app.add_middleware(ConditionalGetMiddleware, cache_control=settings.cache_control)
    app.add_middleware(CompressMiddleware, minimum_size=COMPRESS_MIN_SIZE)
    app.add_middleware(errors.UnexpectedErrorMiddleware)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_methods=["GET", "HEAD", "OPTIONS"],
        allow_headers=["If-None-Match", "If-Modified-Since", REQUEST_ID_HEADER],
        expose_headers=EXPOSED_HEADERS,
        max_age=600,
    )
    app.add_middleware(
        ResponseCacheMiddleware,
        probe=VersionProbe(engine),
        database=app.state.database,
        size=settings.response_cache_size,
        max_bytes=settings.response_cache_bytes,
    )
    app.add_middleware(
        OverloadMiddleware,
        max_in_flight=settings.max_requests_in_flight,
        budget=settings.request_budget_seconds,
    )
    app.add_middleware(HeadMiddleware)  # HEAD goes in as GET: a cached GET answers it, none is stored
    app.add_middleware(RequestContextMiddleware)
