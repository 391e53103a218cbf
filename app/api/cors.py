"""CORS: Starlette's middleware, with a quick way through for requests that carry no Origin header."""

from starlette.middleware.cors import CORSMiddleware as StarletteCORSMiddleware
from starlette.types import Message, Receive, Scope, Send

Raw = list[tuple[bytes, bytes]]


class CORSMiddleware(StarletteCORSMiddleware):
    """Starlette's CORS handling for requests from a browser page (they name their Origin). The others
    (most: clients, and pages of this site) only get `Vary: Origin` added, as Starlette adds it, but on the
    raw header list: Starlette's header views cost a twentieth of a cold detail's time."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or any(name == b"origin" for name, _ in scope["headers"]):
            await super().__call__(scope, receive, send)
            return

        async def send_varying(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = varying_on_origin(message["headers"])
            await send(message)

        await self.app(scope, receive, send_varying)


def varying_on_origin(headers: Raw) -> Raw:
    """The headers with Origin added to Vary, in one Vary header where the first was (as Starlette does)."""
    headers = list(headers)
    places = [place for place, (name, _) in enumerate(headers) if name == b"vary"]
    value = b", ".join([*(headers[place][1] for place in places), b"Origin"])
    if not places:
        return [*headers, (b"vary", value)]
    headers[places[0]] = (b"vary", value)
    for place in reversed(places[1:]):
        del headers[place]
    return headers
