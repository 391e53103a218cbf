"""Response models as the JSON bytes a Response sends."""

from typing import Any

from pydantic import BaseModel


def json_body(model: BaseModel, *, include: Any = None, exclude_unset: bool = False) -> bytes:
    """`model` as JSON bytes: the text `model_dump_json` gives, without making it a str first (decoding a
    detail's Chinese text from UTF-8 and encoding it back for the response took longer than serializing)."""
    return model.__pydantic_serializer__.to_json(model, include=include, exclude_unset=exclude_unset)
