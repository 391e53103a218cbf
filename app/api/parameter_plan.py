"""A route's parameters resolved from a plan made once, instead of by FastAPI's general resolver.

FastAPI re-inspects every parameter's annotation on every request (is it a model, a sequence, which names may
carry it) before it validates the value: some ten microseconds a parameter, a fifth of a category page's time
with its twenty query parameters. A `Plan` reads those facts once, when the route's handler is built; per
request it only fetches each value and validates it with FastAPI's own field, in FastAPI's order, so values,
defaults and validation errors are the ones FastAPI gives.

It covers what the routes here are made of: a coroutine endpoint that returns a Response, coroutine
dependencies, path and query parameters and the Request. `plan_of` returns None for anything else (headers,
bodies, generators, security scopes...), and such a route keeps FastAPI's handler.
"""

import inspect
from collections.abc import Awaitable, Callable, Sequence
from copy import deepcopy
from dataclasses import dataclass
from types import NoneType, UnionType
from typing import Any, Union, get_args, get_origin

from fastapi import Request, Response
from fastapi.dependencies.models import Dependant
from fastapi.params import Path
from pydantic import BaseModel

# Defaults of these types are shared between requests as they are; any other is copied, as FastAPI does.
_IMMUTABLE = (NoneType, bool, int, float, str, bytes, tuple, frozenset)
# What a plan does not cover: a route whose dependants hold any of these keeps FastAPI's resolution.
_UNSUPPORTED = (
    "header_params",
    "cookie_params",
    "body_params",
    "websocket_param_name",
    "http_connection_param_name",
    "response_param_name",
    "background_tasks_param_name",
    "security_scopes_param_name",
    "own_oauth_scopes",
    "parent_oauth_scopes",
    "concurrency",
)

Errors = list[dict[str, Any]]


@dataclass(frozen=True, slots=True)
class _Parameter:
    """One path or query parameter: where its value is, and the field that validates it."""

    name: str  # the argument's name
    key: str  # the name clients send
    field: Any  # FastAPI's ModelField
    in_path: bool
    many: bool  # a list: every value given, none given is missing
    required: bool
    default: Any
    copy_default: bool
    validate_default: bool

    @classmethod
    def of(cls, field: Any) -> "_Parameter":
        info = field.field_info
        default = info.default
        return cls(
            name=field.name,
            key=field.alias,
            field=field,
            in_path=isinstance(info, Path),
            many=takes_many(info.annotation),
            required=info.is_required(),
            default=default,
            copy_default=not isinstance(default, _IMMUTABLE),
            validate_default=bool(info.validate_default),
        )

    @property
    def loc(self) -> tuple[str, str]:
        return ("path" if self.in_path else "query", self.key)

    def resolve(self, request: Request, values: dict[str, Any], errors: Errors) -> None:
        """Put the parameter's value in `values`, or what is wrong with it in `errors`."""
        raw: Any
        if self.in_path:
            raw = request.path_params.get(self.key)
        elif self.many:
            raw = request.query_params.getlist(self.key) or None
        else:
            raw = request.query_params.get(self.key)
        if raw is None:
            if self.required:
                errors.append(_missing(self.loc))
                return
            raw = deepcopy(self.default) if self.copy_default else self.default
            if not self.validate_default:
                values[self.name] = raw
                return
        value, wrong = self.field.validate(raw, values, loc=self.loc)
        if wrong:
            errors.extend(wrong)
        else:
            values[self.name] = value


@dataclass(frozen=True, slots=True)
class Plan:
    """How to call one dependant: its dependencies' plans first, then its own parameters."""

    call: Callable[..., Awaitable[Any]]
    name: str | None  # the argument its result is passed as to the dependant above it
    cached: bool  # computed once per request, as FastAPI's use_cache
    dependencies: tuple["Plan", ...]
    parameters: tuple[_Parameter, ...]
    request_name: str | None

    async def arguments(self, request: Request, errors: Errors, solved: dict[Any, Any]) -> dict[str, Any]:
        """The keyword arguments of `call` for this request; problems are added to `errors`."""
        values: dict[str, Any] = {}
        for dependency in self.dependencies:
            before = len(errors)
            if dependency.cached and dependency.call in solved:
                result = solved[dependency.call]
            else:
                given = await dependency.arguments(request, errors, solved)
                if len(errors) > before:
                    continue  # as FastAPI: a dependency whose parameters are wrong is not called
                result = await dependency.call(**given)
                solved.setdefault(dependency.call, result)
            if dependency.name is not None:
                values[dependency.name] = result
        for parameter in self.parameters:
            parameter.resolve(request, values, errors)
        if self.request_name is not None:
            values[self.request_name] = request
        return values


def plan_of(dependant: Dependant, *, endpoint: bool = True) -> Plan | None:
    """The dependant's plan, or None when it uses something a plan does not cover."""
    call = dependant.call
    if call is None or not inspect.iscoroutinefunction(call) or _uses_unsupported(dependant):
        return None
    if endpoint and not _returns_response(call):
        return None
    dependencies = [plan_of(sub, endpoint=False) for sub in dependant.dependencies]
    if any(plan is None for plan in dependencies):
        return None
    fields = [*dependant.path_params, *dependant.query_params]
    if any(_is_model(field.field_info.annotation) for field in fields):
        return None
    return Plan(
        call=call,
        name=dependant.name,
        cached=dependant.use_cache,
        dependencies=tuple(plan for plan in dependencies if plan is not None),
        parameters=tuple(_Parameter.of(field) for field in fields),
        request_name=dependant.request_param_name,
    )


def _uses_unsupported(dependant: Dependant) -> bool:
    return any(getattr(dependant, name) for name in _UNSUPPORTED)


def _returns_response(call: Callable[..., Any]) -> bool:
    returned = inspect.signature(call).return_annotation
    return inspect.isclass(returned) and issubclass(returned, Response)


def takes_many(annotation: Any) -> bool:
    """Whether a parameter so annotated takes every value given (a list), rather than one."""
    origin = get_origin(annotation)
    if origin in (Union, UnionType):
        return any(takes_many(argument) for argument in get_args(annotation) if argument is not NoneType)
    return origin in (list, tuple, set, frozenset, Sequence) or annotation in (list, tuple, set, frozenset)


def _is_model(annotation: Any) -> bool:
    arguments = get_args(annotation) if get_origin(annotation) in (Union, UnionType) else (annotation,)
    return any(inspect.isclass(argument) and issubclass(argument, BaseModel) for argument in arguments)


def _missing(loc: tuple[str, str]) -> dict[str, Any]:
    return {"type": "missing", "loc": loc, "msg": "Field required", "input": None}
