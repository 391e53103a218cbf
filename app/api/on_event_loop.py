"""Dependencies that only read parameters, run on the event loop instead of a worker thread.

FastAPI runs every plain `def` dependency (a class too) in the thread pool, and a listing has four of them:
each hop to a worker thread and back cost about 0.1 ms, more than the parsing it does.
"""

import inspect
from collections.abc import Awaitable, Callable
from functools import wraps
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")


def on_event_loop(dependency: Callable[P, T]) -> Callable[P, Awaitable[T]]:
    """`dependency` as a coroutine function with the same parameters (it must not block: no I/O)."""

    @wraps(dependency)
    async def run(*args: P.args, **kwargs: P.kwargs) -> T:
        return dependency(*args, **kwargs)

    run.__signature__ = inspect.signature(dependency)  # type: ignore[attr-defined]
    return run
