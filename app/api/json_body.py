"""Responses as the JSON bytes a Response sends: models through pydantic-core, and the values of their fields
(details, listing pages) through orjson, byte for byte what the models would write."""

from collections.abc import Mapping
from typing import Any

import orjson
from pydantic import BaseModel


def json_body(model: BaseModel, *, include: Any = None, exclude_unset: bool = False) -> bytes:
    """`model` as JSON bytes: the text `model_dump_json` gives, without making it a str first (decoding a
    detail's Chinese text from UTF-8 and encoding it back for the response took longer than serializing)."""
    return model.__pydantic_serializer__.to_json(model, include=include, exclude_unset=exclude_unset)


def json_fields(values: Mapping[str, Any], model: type[BaseModel], include: set[str] | None = None) -> bytes:
    """`values` (every field of `model`, in its order, each of the type it holds) as the JSON bytes that
    `json_body` gives for the model made of them, with only the `include` fields: written by orjson, with
    no model between; validating and serializing through the model took a cold detail a tenth of its time.
    A value orjson cannot write (an integer past 64 bits, in an article's `extra`) goes through the model."""
    kept = values if include is None else {name: value for name, value in values.items() if name in include}
    try:
        return json_bytes(kept)
    except orjson.JSONEncodeError:
        return json_body(model.model_validate(values), include=include)


def json_bytes(values: Any) -> bytes:
    """`values` (dicts, lists and the scalars of a response model's fields) as JSON bytes written by orjson,
    times in UTC with a Z as pydantic writes them."""
    return orjson.dumps(values, option=orjson.OPT_UTC_Z)
