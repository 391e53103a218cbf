"""An unknown query parameter is a 422 naming it and listing the valid ones: a typo (`?serach=`, `?page=`)
fails loudly instead of being ignored, and every unknown variant is not a new response-cache entry.

Each operation's allow-list is exactly the query parameters its route declares, its dependencies' included,
read from the routes once when the app is built (`install`); nothing is listed by hand, so a new parameter
is allowed the moment a route declares it.
"""

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute

from app.api.routes import operations


def declared(route: APIRoute) -> frozenset[str]:
    """The query parameters a route declares (its dependencies' too), by the names clients send."""
    names: set[str] = set()
    pending = [route.dependant]
    while pending:
        dependant = pending.pop()
        names.update(field.alias for field in dependant.query_params)
        pending.extend(dependant.dependencies)
    return frozenset(names)


async def reject_unknown_parameters(request: Request) -> None:
    """A dependency of every operation: a 422 for each query parameter its route does not declare."""
    route = request.scope.get("route")
    key = _key(route) if isinstance(route, APIRoute) else None
    allowed: frozenset[str] | None = request.app.state.query_parameters.get(key)
    if allowed is None:  # a route added after the app was built: not checked
        return
    unknown = sorted({name for name in request.query_params if name not in allowed})
    if unknown:
        valid = ", ".join(sorted(allowed)) or "none"
        raise RequestValidationError(
            [
                {"loc": ("query", name), "msg": f"unknown parameter; this operation takes: {valid}"}
                for name in unknown
            ]
        )


def install(app: FastAPI) -> None:
    """Record each operation's allow-list (call once every router is included)."""
    app.state.query_parameters = {_key(route): declared(route) for _path, route in operations(app)}


def _key(route: APIRoute) -> tuple[str, frozenset[str]]:
    return route.path_format, frozenset(route.methods or ())
