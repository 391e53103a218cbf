"""Every operation of the app with the path it is served at (FastAPI keeps included routers as groups)."""

from collections.abc import Iterator

from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts


def operations(app: FastAPI) -> Iterator[tuple[str, APIRoute]]:
    """(served path, route) of each API route, in the order the app matches them."""
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if isinstance(route, APIRoute):
            yield context.path_format or route.path_format, route
