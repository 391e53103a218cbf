"""An unknown query parameter is a 422 naming it and listing the valid ones: a typo (`?serach=`, `?page=`)
fails loudly instead of being ignored, and every unknown variant is not a new response-cache entry.

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

Handler = Callable[[Request], Coroutine[Any, Any, Response]]


def declared(route: APIRoute) -> frozenset[str]:
    """The query parameters a route declares (its dependencies' too), by the names clients send."""
    names: set[str] = set()
    pending = [route.dependant]
    while pending:
        dependant = pending.pop()
        names.update(field.alias for field in dependant.query_params)
        pending.extend(dependant.dependencies)
    return frozenset(names)


class CheckedRoute(APIRoute):
    """A route that answers 422 to a query parameter it does not declare (the route class of every router)."""

    def get_route_handler(self) -> Handler:
        handler = super().get_route_handler()
        allowed = declared(self)

        async def checked(request: Request) -> Response:
            unknown = sorted({name for name in request.query_params if name not in allowed})
            if unknown:
                raise _unknown(unknown, allowed)
            return await handler(request)

        return checked


def _unknown(unknown: list[str], allowed: frozenset[str]) -> RequestValidationError:
    valid = ", ".join(sorted(allowed)) or "none"
    message = f"unknown parameter; this operation takes: {valid}"
    return RequestValidationError([{"loc": ("query", name), "msg": message} for name in unknown])
