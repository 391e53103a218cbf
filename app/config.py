"""Settings: one validated object, read from the environment or a `.env` file."""

import json
import os
from functools import lru_cache
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

# Where `articles serve --health-port` asks its workers to leave their heartbeats (app.api.heartbeat): set
# by the command for its own processes, not a setting.
HEARTBEAT_DIR_ENV = "ARTICLES_HEARTBEAT_DIR"


class Settings(BaseSettings):
    """Every knob of the service; names match the environment variables (case-insensitive)."""

    # A bad value is never repeated in an error: DATABASE_URL holds a password.
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", hide_input_in_errors=True
    )

    database_url: str = Field(
        "sqlite:///data/articles.db",
        description="postgresql://user:pass@host/db (also postgres:// or postgresql+psycopg://), "
        "sqlite:///relative.db, sqlite:////absolute.db, or a file path ending in .db or .sqlite.",
    )
    naive_timezone: str = Field(
        "UTC", description="IANA zone in which front-matter dates without an offset are read."
    )
    telemetry: bool = Field(
        False,
        description="FastAPI's OpenTelemetry traces, metrics and logs (for a configured OpenTelemetry SDK); "
        "off, it costs nothing per request.",
    )
    response_cache_size: int = Field(
        1024, ge=0, description="Whole responses kept in memory per process until the data changes; 0: none."
    )
    response_cache_bytes: int = Field(
        64 * 1024 * 1024, ge=0, description="Bytes of response bodies the cache may hold per process."
    )
    max_requests_in_flight: int = Field(
        64, ge=1, description="Requests a process works on at once; beyond, a 503 with Retry-After at once."
    )
    read_threads: int = Field(
        4, ge=1, le=64, description="Database reads a process runs at once in worker threads; others wait."
    )
    request_budget_seconds: float = Field(
        10.0, gt=0, description="A request unanswered after this long is abandoned with a 503."
    )
    health_stall_seconds: float = Field(
        10.0,
        gt=0,
        description="Health port (`articles serve --health-port`): a worker whose event loop has not run for "
        "this long is unhealthy.",
    )
    db_pool_size: int = Field(
        5,
        ge=1,
        le=100,
        description="PostgreSQL: connections kept open per process for reads in threads, and as many again "
        "held for lookups (details, a category's pages) on the event loop.",
    )
    db_max_overflow: int = Field(10, ge=0, le=100, description="PostgreSQL: extra connections under load.")
    db_pool_timeout: float = Field(10.0, gt=0, description="PostgreSQL: seconds to wait for a connection.")
    statement_timeout_ms: int = Field(
        5000, ge=0, description="API queries running longer are cancelled (a 503); 0 disables the limit."
    )
    sqlite_mmap_bytes: int = Field(
        2 * 1024**3,
        ge=0,
        description="SQLite: bytes of the database file each connection reads through memory mapping instead "
        "of read calls (SQLite caps it, at 2 GiB in most builds); 0 turns it off.",
    )
    db_pool_pre_ping: bool = Field(True, description="PostgreSQL: test a pooled connection before using it.")
    cache_control: str = Field(
        "public, max-age=60", description="Cache-Control header of successful GET responses."
    )
    cors_origins: Annotated[list[str], NoDecode] = Field(
        ["*"], description="Origins allowed to read the API from a browser, comma-separated; * for any."
    )
    public_base_url: str | None = Field(
        None, description="Absolute URL the API is reached at (for feed links); default: from the request."
    )
    feed_size: int = Field(20, ge=1, le=100, description="Entries per feed when `limit` is absent.")
    public_site_url: str | None = Field(
        None,
        description="URL template of an article's page for people, with {slug} or {id} (feeds link entries "
        "to it); default: the reader page, /read/{slug} under the API's public URL.",
    )

    @field_validator("naive_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(
                f"unknown time zone {value!r} (use an IANA name such as 'Asia/Shanghai')"
            ) from exc
        return value

    @field_validator("database_url")
    @classmethod
    def _supported_url(cls, value: str) -> str:
        return normalize_database_url(value)

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _origin_list(cls, value: object) -> object:
        # "https://a.example, https://b.example" or a JSON list, as the environment gives it
        if isinstance(value, str):
            text = value.strip()
            return (
                json.loads(text)
                if text.startswith("[")
                else [o.strip() for o in text.split(",") if o.strip()]
            )
        return value

    @field_validator("public_base_url")
    @classmethod
    def _absolute_url(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        if not value.startswith(("http://", "https://")):
            raise ValueError("PUBLIC_BASE_URL must be an absolute http:// or https:// URL")
        return value.rstrip("/")

    @field_validator("public_site_url")
    @classmethod
    def _page_template(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        if not value.startswith(("http://", "https://")) or ("{slug}" not in value and "{id}" not in value):
            raise ValueError(
                "PUBLIC_SITE_URL must be an absolute http(s) URL with {slug} or {id}, e.g. https://news.example/{slug}"
            )
        return value

    @property
    def zone(self) -> ZoneInfo:
        """The zone object for naive front-matter dates."""
        return ZoneInfo(self.naive_timezone)


# The URL schemes people are handed (libpq, hosting providers) and the one SQLAlchemy needs for psycopg 3.
POSTGRESQL_SCHEMES = ("postgresql+psycopg://", "postgresql://", "postgres://")
SQLITE_SUFFIXES = (".db", ".sqlite", ".sqlite3")
URL_FORMS = (
    "postgresql://user:password@host/database (or postgres://, postgresql+psycopg://), "
    "sqlite:///relative.db, sqlite:////absolute.db, or a file path ending in .db or .sqlite"
)


def normalize_database_url(value: str) -> str:
    """The SQLAlchemy URL for a connection URL as people have it: PostgreSQL URLs get the psycopg 3 driver, a
    bare file path ending in .db or .sqlite becomes a SQLite URL. The error never repeats the value: it may
    hold a password."""
    text = value.strip()
    for scheme in POSTGRESQL_SCHEMES:
        if text.startswith(scheme):
            return _valid(POSTGRESQL_SCHEMES[0] + text.removeprefix(scheme))
    if text.startswith("sqlite:"):
        return _valid(text)
    if "://" not in text and text.lower().endswith(SQLITE_SUFFIXES):
        return "sqlite:///" + os.path.expanduser(text)
    raise ValueError(f"must be {URL_FORMS}")


def _valid(url: str) -> str:
    try:
        make_url(url)  # a port that is not a number, an unparseable URL
    except (ArgumentError, ValueError):
        raise ValueError(f"not a valid URL: write it as {URL_FORMS}") from None
    return url


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
