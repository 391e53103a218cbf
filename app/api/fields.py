"""`fields=`: return only the named fields of each article."""

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, Query
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel

from app.api.on_event_loop import on_event_loop
from app.query.schemas import ArticleDetail, ArticlePage, ArticleSummary

FieldSet = frozenset[str] | None


def field_selector(model: type[BaseModel]) -> Callable[..., FieldSet]:
    """A dependency reading `fields` as a comma-separated subset of `model`'s fields."""
    known = list(model.model_fields)

    def fields(
        fields: Annotated[
            str | None,
            Query(
                description="Comma-separated fields to return (default: all), e.g. `id,title,published_at`.",
                max_length=1000,
            ),
        ] = None,
    ) -> FieldSet:
        if fields is None:
            return None
        names = [name.strip() for name in fields.split(",") if name.strip()]
        unknown = [name for name in names if name not in known]
        if unknown or not names:
            message = f"unknown field {', '.join(map(repr, unknown))}; " if unknown else "no field named; "
            raise RequestValidationError(
                [{"loc": ("query", "fields"), "msg": message + f"choose from {', '.join(known)}"}]
            )
        return frozenset(names)

    return fields


SummaryFields = Annotated[FieldSet, Depends(on_event_loop(field_selector(ArticleSummary)))]
DetailFields = Annotated[FieldSet, Depends(on_event_loop(field_selector(ArticleDetail)))]


def page_include(fields: FieldSet) -> Any:
    """The `include` argument of model_dump for a page whose items keep only `fields`."""
    if fields is None:
        return None
    return dict.fromkeys(ArticlePage.model_fields, True) | {"items": {"__all__": set(fields)}}
