"""/feeds: the newest articles as Atom, RSS 2.0 and JSON Feed 1.1, with the filters of /articles.

Entries are for people: each links to the article's page (PUBLIC_SITE_URL, else the reader page under the
API) and carries the whole sanitized HTML body; its id stays the article's API URL, which no setting moves,
so feed readers never see an entry twice. `updated` is when an ingest last saw the content change, else
the publication time: never the time of a first ingest.
"""

import mimetypes
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Annotated, Any
from urllib.parse import urlsplit
from xml.etree.ElementTree import Element, SubElement, tostring

import orjson
from annotated_types import Ge, Le
from fastapi import APIRouter, Query, Request, Response
from sqlalchemy.orm import Session

from app.api.deps import database_of
from app.api.known_parameters import CheckedRoute
from app.api.links import public_base, public_url
from app.api.listing import INVALID, FiltersDep
from app.api.params import DIGITS
from app.config import Settings
from app.query.feeds import entry_contents
from app.query.filters import ArticleFilters
from app.query.listings import list_articles
from app.query.schemas import ArticleSummary

router = APIRouter(route_class=CheckedRoute, prefix="/feeds", tags=["feeds"])

ATOM = "http://www.w3.org/2005/Atom"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
GENERATOR = "articles-api"
READER_PAGE = "/read/{slug}"  # the reader page, under the API's public URL, when PUBLIC_SITE_URL is unset


@dataclass(frozen=True, slots=True)
class Entry:
    """An article as a feed shows it."""

    article: ArticleSummary
    id: str  # the article's API URL: stable whatever page the entry links to
    url: str  # the page for people
    body_html: str
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class Feed:
    """What every format needs: where it lives, what it lists, and when it last changed."""

    title: str
    self_url: str
    home_url: str
    updated_at: datetime
    entries: list[Entry]


def _feed(request: Request, session: Session, filters: ArticleFilters, limit: int | None) -> Feed:
    settings: Settings = request.app.state.settings
    page = list_articles(session=session, filters=filters, limit=limit or settings.feed_size, count=False)
    base = public_base(request)
    page_url = settings.public_site_url or base + READER_PAGE
    articles = [ArticleSummary.model_validate(item) for item in page.items]
    contents = entry_contents(session=session, ids=[article.id for article in articles])
    entries = [
        Entry(
            article=article,
            id=f"{base}/articles/{article.id}",
            url=page_url.replace("{slug}", article.slug).replace("{id}", article.id),
            body_html=contents[article.id].body_html,
            updated_at=contents[article.id].updated,
        )
        for article in articles
    ]
    listing = request.url.replace(path=request.scope.get("root_path", "") + "/articles")
    narrowed_to = ", ".join([*filters.categories, *filters.authors])
    return Feed(
        title=f"{request.app.title}: {narrowed_to or 'newest articles'}",
        self_url=public_url(request, request.url),
        home_url=public_url(request, listing.remove_query_params("limit")),
        updated_at=max((e.updated_at for e in entries), default=datetime(1970, 1, 1, tzinfo=UTC)),
        entries=entries,
    )


def _image_type(url: str) -> str:
    return mimetypes.guess_type(urlsplit(url).path)[0] or "image/jpeg"


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _text(parent: Element, tag: str, text: str, **attributes: str) -> Element:
    element = SubElement(parent, tag, attributes)
    element.text = text
    return element


def atom(feed: Feed) -> bytes:
    """An Atom 1.0 document (RFC 4287)."""
    root = Element("feed", {"xmlns": ATOM})
    _text(root, "id", feed.self_url)
    _text(root, "title", feed.title)
    _text(root, "updated", _iso(feed.updated_at))
    SubElement(root, "link", {"rel": "self", "type": "application/atom+xml", "href": feed.self_url})
    SubElement(root, "link", {"rel": "alternate", "type": "application/json", "href": feed.home_url})
    _text(root, "generator", GENERATOR)
    for entry in feed.entries:
        article, node = entry.article, SubElement(root, "entry")
        _text(node, "id", entry.id)
        _text(node, "title", article.title)
        SubElement(node, "link", {"rel": "alternate", "type": "text/html", "href": entry.url})
        if article.published_at:
            _text(node, "published", _iso(article.published_at))
        _text(node, "updated", _iso(entry.updated_at))
        if article.author:
            _text(SubElement(node, "author"), "name", article.author)
        for name in article.categories:
            SubElement(node, "category", {"term": name})
        _text(node, "summary", article.excerpt, type="text")
        _text(node, "content", entry.body_html, type="html")
        if article.image:
            SubElement(
                node, "link", {"rel": "enclosure", "type": _image_type(article.image), "href": article.image}
            )
    document: bytes = tostring(root, encoding="utf-8", xml_declaration=True)
    return document


def rss(feed: Feed) -> bytes:
    """An RSS 2.0 document, with atom:link to itself and dc:creator for the source."""
    namespaces = {
        "xmlns:atom": ATOM,
        "xmlns:dc": "http://purl.org/dc/elements/1.1/",
        "xmlns:content": CONTENT,
    }
    root = Element("rss", {"version": "2.0", **namespaces})
    channel = SubElement(root, "channel")
    _text(channel, "title", feed.title)
    _text(channel, "link", feed.home_url)
    _text(channel, "description", f"{feed.title}, with clean summaries.")
    SubElement(channel, "atom:link", {"rel": "self", "type": "application/rss+xml", "href": feed.self_url})
    _text(channel, "lastBuildDate", format_datetime(feed.updated_at.astimezone(UTC), usegmt=True))
    _text(channel, "generator", GENERATOR)
    for entry in feed.entries:
        article, item = entry.article, SubElement(channel, "item")
        _text(item, "title", article.title)
        _text(item, "link", entry.url)
        _text(item, "guid", entry.id, isPermaLink="false")
        if article.published_at:
            _text(item, "pubDate", format_datetime(article.published_at.astimezone(UTC), usegmt=True))
        if article.author:
            _text(item, "dc:creator", article.author)
        for name in article.categories:
            _text(item, "category", name)
        _text(item, "description", article.excerpt)
        _text(item, "content:encoded", entry.body_html)
        if article.image:
            SubElement(
                item, "enclosure", {"url": article.image, "type": _image_type(article.image), "length": "0"}
            )
    document: bytes = tostring(root, encoding="utf-8", xml_declaration=True)
    return document


def json_feed(feed: Feed) -> bytes:
    """A JSON Feed 1.1 document."""
    items = []
    for entry in feed.entries:
        article = entry.article
        item: dict[str, Any] = {
            "id": entry.id,
            "url": entry.url,
            "title": article.title,
            "content_html": entry.body_html,
            "summary": article.excerpt,
            "date_modified": _iso(entry.updated_at),
            "tags": article.categories,
        }
        if article.published_at:
            item["date_published"] = _iso(article.published_at)
        if article.image:
            item["image"] = article.image
        if article.author:
            item["authors"] = [{"name": article.author}]
        items.append(item)
    return orjson.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "title": feed.title,
            "home_page_url": feed.home_url,
            "feed_url": feed.self_url,
            "items": items,
        }
    )


FeedLimit = Annotated[
    Annotated[int, Ge(1), Le(100), DIGITS] | None, Query(description="Entries (1-100; default FEED_SIZE).")
]
FORMATS: dict[str, tuple[str, Callable[[Feed], bytes]]] = {
    "atom.xml": ("application/atom+xml", atom),
    "rss.xml": ("application/rss+xml", rss),
    "feed.json": ("application/feed+json", json_feed),
}


def _route(name: str, summary: str, operation_id: str) -> None:
    media_type, render = FORMATS[name]

    @router.get(
        f"/{name}",
        response_class=Response,
        responses=INVALID | {200: {"content": {media_type: {}}, "description": summary}},
        summary=summary,
        name=f"feed_{name.replace('.', '_')}",
        operation_id=operation_id,
    )
    async def feed(request: Request, filters: FiltersDep, limit: FeedLimit = None) -> Response:
        """The newest articles (same filters as /articles) with their HTML bodies, each linking to its page
        for people (PUBLIC_SITE_URL, else the reader page /read/{slug})."""
        found = await database_of(request).read(lambda session: _feed(request, session, filters, limit))
        return Response(render(found), media_type=media_type)


_route("atom.xml", "Atom feed of the newest articles", "getAtomFeed")
_route("rss.xml", "RSS 2.0 feed of the newest articles", "getRssFeed")
_route("feed.json", "JSON Feed 1.1 of the newest articles", "getJsonFeed")
