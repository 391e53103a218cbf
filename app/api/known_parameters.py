"""An unknown query parameter is a 422 naming it and listing the valid ones: a typo (`?serach=`, `?page=`)
fails loudly instead of being ignored, and every unknown variant is not a new response-cache entry. So is a
parameter of one value given twice (`?q=a&q=b`), which would otherwise silently keep the last one.

Each operation's allow-list is exactly the query parameters its route declares, its dependencies' included,
read from the route when its handler is built; nothing is listed by hand, so a new parameter is allowed the
moment a route declares it. The check wraps the route's handler rather than being a dependency of it: a
dependency costs every request a turn of FastAPI's resolution.
"""

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from fastapi.telemetry import get_telemetry_data

from app.api.parameter_plan import plan_of, takes_many

Handler = Callable[[Request], Coroutine[Any, Any, Response]]


def declared(route: APIRoute) -> frozenset[str]:
    """The query parameters a route declares (its dependencies' too), by the names clients send."""
    return frozenset(field.alias for field in _query_fields(route))


def single_valued(route: APIRoute) -> frozenset[str]:
    """The declared query parameters that take one value (not a list)."""
    return frozenset(
        field.alias for field in _query_fields(route) if not takes_many(field.field_info.annotation)
    )


def _query_fields(route: APIRoute) -> list[Any]:
    """FastAPI's fields of the route's query parameters, its dependencies' included."""
    fields: list[Any] = []
    pending = [route.dependant]
    while pending:
        dependant = pending.pop()
        fields.extend(dependant.query_params)
        pending.extend(dependant.dependencies)
    return fields


class CheckedRoute(APIRoute):
    """A route that answers 422 to a query parameter it does not declare (the route class of every router),
    and resolves its parameters from a plan (`app.api.parameter_plan`) where one covers it."""

    def get_route_handler(self) -> Handler:
        handler = _planned(self, super().get_route_handler())
        allowed, single = declared(self), single_valued(self)

        async def checked(request: Request) -> Response:
            names = [name for name, _ in request.query_params.multi_items()]
            unknown = sorted({name for name in names if name not in allowed})
            if unknown:
                raise _unknown(unknown, allowed)
            repeated = sorted({name for name in names if name in single and names.count(name) > 1})
            if repeated:
                raise _repeated(repeated)
            return await handler(request)

        return checked


def _planned(route: APIRoute, fastapi_handler: Handler) -> Handler:
    """A handler that calls the endpoint with the arguments its plan resolves; FastAPI's where no plan
    covers the route, or when telemetry is on (FastAPI's handler records its spans)."""
    plan = plan_of(route.dependant)
    if plan is None:
        return fastapi_handler

    async def handler(request: Request) -> Response:
        if get_telemetry_data() is not None:
            return await fastapi_handler(request)
        errors: list[dict[str, Any]] = []
        arguments = await plan.arguments(request, errors, {})
        if errors:
            raise RequestValidationError(errors)
        response: Response = await plan.call(**arguments)
        return response

    return handler


def _unknown(unknown: list[str], allowed: frozenset[str]) -> RequestValidationError:
    valid = ", ".join(sorted(allowed)) or "none"
    message = f"unknown parameter; this operation takes: {valid}"
    return RequestValidationError([{"loc": ("query", name), "msg": message} for name in unknown])


def _repeated(repeated: list[str]) -> RequestValidationError:
    message = "given more than once; this parameter takes one value"
    return RequestValidationError([{"loc": ("query", name), "msg": message} for name in repeated])
