"""Public response schemas: what clients receive, documented field by field."""

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from app.query import examples


class ArticleBase(BaseModel):
    """What every article response carries: metadata and an excerpt."""

    model_config = ConfigDict(json_schema_extra={"example": examples.SUMMARY})

    id: str = Field(
        description="Stable id (16 hex characters) derived from where Hexo keeps the post: its category "
        "chain and file name (for a file without categories, its path below the folder given to ingest)."
    )
    slug: str = Field(
        description="URL-friendly form of the title (pinyin for Chinese), unique: `/articles/slug/{slug}`. "
        "The first article to take a slug keeps it for life; a later one of the same title gets the slug, "
        "`-` and the first 6 characters of its id."
    )
    title: str = Field(description="The title, entities decoded, on one line.")
    categories: list[str] = Field(
        description="Category names from the top level down: top category, source, feed."
    )
    category_slugs: list[str] = Field(
        description="The slugs of those categories, in the same order: `/categories/{slug}/articles`."
    )
    author: str | None = Field(description="The source's name (not a person), e.g. 新浪财经.")
    published_at: datetime | None = Field(
        description="Publication time in UTC (ISO 8601); null when unknown."
    )
    image: str | None = Field(description="Header image URL; null when the article has only placeholders.")
    excerpt: str = Field(
        description="About 120 characters of clean text, cut at a sentence or word boundary."
    )


class Highlights(BaseModel):
    """Where a search matched: matched text in `<mark>`...`</mark>`, everything else HTML-escaped."""

    title: str | None = Field(
        description="The title with its matches marked; null when only the body matched."
    )
    body: list[str] = Field(
        description="Up to three fragments of the body around matches, in text order (`…` where cut)."
    )


class ArticleSummary(ArticleBase):
    """An article in a listing: metadata and an excerpt, no body; with `q`, where it matched."""

    highlights: Highlights | None = Field(
        default=None, description="Present when the listing has a `q`: marked title and body fragments."
    )


class ArticleLink(BaseModel):
    """Another article, as much of it as a link shows."""

    model_config = ConfigDict(json_schema_extra={"example": examples.LINKED})

    id: str = Field(description="The article's id: `/articles/{id}`.")
    slug: str = Field(description="The article's slug: `/articles/slug/{slug}`.")
    title: str = Field(description="The article's title.")
    published_at: datetime | None = Field(description="Publication time in UTC; null when unknown.")


class ArticleDetail(ArticleBase):
    """One article with its cleaned body and everything ingest learned about it."""

    model_config = ConfigDict(json_schema_extra={"example": examples.DETAIL})

    body_text: str = Field(
        description="Clean text: no tags, CSS or boilerplate; paragraphs separated by a blank line."
    )
    paragraphs: list[str] = Field(description="body_text split into paragraphs, in order.")
    body_html: str = Field(
        description="The content as sanitized HTML (allowlisted tags only), for rich rendering."
    )
    original_title: str | None = Field(description="The original title (`原标题：…`) the body names.")
    editor: str | None = Field(description="The responsible editor (`责任编辑：`), else one the body names.")
    origin: str | None = Field(description="The original publisher a source line names (`来源：华夏时报`).")
    byline: str | None = Field(description="The authors the body names (Zhihu answerer, `记者 …`, `文/…`).")
    source_url: str | None = Field(description="The original article's URL, when the body reveals it.")
    language: str | None = Field(description="Language of the text as an ISO 639-1 code (zh, en, ja...).")
    images: list[str] = Field(
        description="Image URLs: the header image first, then those of the body, de-duplicated."
    )
    media: list[str] = Field(
        description="Embedded video and iframe URLs found in the body (listed, not rendered)."
    )
    char_count: int = Field(description="Number of characters of body_text.")
    reading_minutes: int = Field(description="Estimated reading time in minutes.")
    extra: dict[str, Any] = Field(description="Front-matter keys this API does not interpret, kept verbatim.")
    updated_at: datetime = Field(description="When ingest last stored a change to this article (UTC).")
    newer: ArticleLink | None = Field(
        description="The next newer article of the same feed (its deepest category); null for the newest."
    )
    older: ArticleLink | None = Field(
        description="The next older article of the same feed (undated ones come last); null for the last."
    )


class ArticleList(BaseModel):
    """Articles without paging, e.g. those related to one article."""

    items: list[ArticleSummary] = Field(description="The articles, best first.")


class Author(BaseModel):
    """An author (the source's name) and how much it published."""

    model_config = ConfigDict(json_schema_extra={"example": examples.AUTHOR})

    name: str = Field(description="The author as articles name it: the `author` filter takes it.")
    slug: str = Field(description="URL-safe unique form of the name: the `author` filter takes it too.")
    article_count: int = Field(description="Articles by this author.")
    latest_published_at: datetime | None = Field(
        description="Publication time of the author's newest dated article (UTC); null when none is dated."
    )


class ArticlePage(BaseModel):
    """A page of a listing."""

    items: list[ArticleSummary] = Field(description="The articles of this page, ordered by `sort`.")
    total: int | None = Field(
        description="Number of articles matching the filters, over all pages; null when `count=false`."
    )
    limit: int = Field(description="Page size used.")
    offset: int = Field(description="Number of matching articles skipped before this page.")
    next_cursor: str | None = Field(
        description="Pass as `cursor` to get the next page; null on the last page."
    )
    facets: dict[str, list["FacetValue"]] | None = Field(
        default=None,
        description="Present when `facets` is given: per facet, the values and their article counts over "
        "the whole filtered result (category values are slugs, most frequent first; months newest first).",
    )


class FacetValue(BaseModel):
    """One value of a facet and how many matching articles have it."""

    value: str = Field(description="Category slug, author, or month (YYYY-MM, UTC).", examples=["jin-rong"])
    count: int = Field(description="Matching articles with this value.", examples=[12])
    label: str | None = Field(
        default=None, description="For categories: the category's name.", examples=["金融"]
    )


class CategoryNode(BaseModel):
    """A category, its article count (descendants included) and its subcategories."""

    name: str = Field(description="The category's name as written in the articles.", examples=["新浪财经"])
    slug: str = Field(
        description="URL-safe unique identifier, for /categories/{slug}/articles.",
        examples=["xin-lang-cai-jing"],
    )
    path: list[str] = Field(
        description="Names from the top level down to this category.", examples=[["金融", "新浪财经"]]
    )
    article_count: int = Field(
        description="Articles in this category or any of its descendants.", examples=[1]
    )
    children: list["CategoryNode"] = Field(description="Subcategories, by name.")


class ParameterError(BaseModel):
    """One rejected request parameter."""

    parameter: str = Field(description="The parameter's name.", examples=["limit"])
    message: str = Field(
        description="Why it was rejected.", examples=["Input should be less than or equal to 100"]
    )


class ProblemDetail(BaseModel):
    """An error, as RFC 9457 problem details (`application/problem+json`)."""

    type: str = Field(description="A URI reference identifying the problem type.", examples=["about:blank"])
    title: str = Field(description="Short summary of the problem type.", examples=["Not Found"])
    status: int = Field(description="The HTTP status code.", examples=[404])
    detail: str = Field(
        description="What went wrong with this request.", examples=["No article with id 'x'."]
    )
    errors: list[ParameterError] | None = Field(
        default=None, description="For validation errors: each bad parameter."
    )
    request_id: str | None = Field(
        default=None, description="For unexpected errors (500): the id under which the error was logged."
    )
