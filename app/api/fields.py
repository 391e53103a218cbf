"""`fields=`: return only the named fields of each article; `formats=`: only some forms of the body."""

import re
from collections.abc import Sequence
from functools import cache
from typing import Annotated, Any

from fastapi import Depends, Query
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel

from app.api.on_event_loop import on_event_loop
from app.query.schemas import ArticleDetail, ArticleSummary

FieldSet = frozenset[str] | None
# The body in each form a detail can carry it, by the name `formats` gives it.
FORMATS = {"text": "body_text", "html": "body_html", "paragraphs": "paragraphs"}


def name_list_pattern(names: Sequence[str]) -> str:
    """A regular expression for a comma-separated list of these names (spaces allowed around them): the
    schema states it, and the server checks values with it as JSON Schema does (a search)."""
    name = "(" + "|".join(map(re.escape, names)) + ")"
    return f"^ *{name}( *, *{name})* *$"


def _listed(pattern: str, name: str, known: Sequence[str], value: str) -> frozenset[str]:
    """The names in `value`, or a 422 naming the parameter and the valid names."""
    names = [part.strip() for part in value.split(",")]
    if re.search(pattern, value):
        return frozenset(names)
    unknown = [repr(part) for part in names if part not in known]
    reason = f"unknown {name} {', '.join(unknown)}" if any(names) else f"no {name} named"
    message = f"{reason}; choose from {', '.join(known)} (comma-separated)"
    raise RequestValidationError([{"loc": ("query", f"{name}s"), "msg": message}])


def _chosen_fields(model: type[BaseModel], value: str | None) -> FieldSet:
    if value is None:
        return None
    known = list(model.model_fields)
    return _listed(_pattern(model), "field", known, value)


@cache
def _pattern(model: type[BaseModel]) -> str:
    return name_list_pattern(list(model.model_fields))


def _fields_query(model: type[BaseModel]) -> Any:
    """The `fields` parameter of an operation returning `model`s."""
    return Query(
        description="Comma-separated fields to return (default: all), e.g. `id,title,published_at`.",
        json_schema_extra={"pattern": _pattern(model)},
        examples=["id,title,published_at"],
    )


SummaryFieldsQuery = Annotated[str | None, _fields_query(ArticleSummary)]
DetailFieldsQuery = Annotated[str | None, _fields_query(ArticleDetail)]
FORMATS_PATTERN = name_list_pattern(list(FORMATS))
FormatsQuery = Annotated[
    str | None,
    Query(
        description="Comma-separated forms of the body to return (default: all): `text` (`body_text`), "
        "`html` (`body_html`), `paragraphs`; e.g. `html` for a page that renders HTML.",
        json_schema_extra={"pattern": FORMATS_PATTERN},
        examples=["html"],
    ),
]


def summary_fields(fields: SummaryFieldsQuery = None) -> FieldSet:
    """`fields` of a listing: a comma-separated subset of a summary's fields."""
    return _chosen_fields(ArticleSummary, fields)


def detail_include(fields: DetailFieldsQuery = None, formats: FormatsQuery = None) -> set[str] | None:
    """The `include` argument of model_dump for a detail: `fields` (or all) less the body forms that
    `formats` leaves out (one dependency for both: each dependency costs every request its resolution)."""
    chosen = _chosen_fields(ArticleDetail, fields)
    if formats is None:
        return None if chosen is None else set(chosen)
    wanted = _listed(FORMATS_PATTERN, "format", list(FORMATS), formats)
    left_out = {field for name, field in FORMATS.items() if name not in wanted}
    return set(chosen if chosen is not None else ArticleDetail.model_fields) - left_out


SummaryFields = Annotated[FieldSet, Depends(on_event_loop(summary_fields))]
DetailInclude = Annotated[set[str] | None, Depends(on_event_loop(detail_include))]
