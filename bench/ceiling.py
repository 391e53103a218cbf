"""A bare ASGI app answering every request with one constant JSON body: what uvicorn can do on this machine.

bench/api.py serves it with `uvicorn ceiling:app --app-dir bench --lifespan off`; CEILING_BYTES sets the
size of the body (that of the API's list response, so both move as many bytes).
"""

import os
from typing import Any

SIZE = int(os.environ.get("CEILING_BYTES", "4096"))
BODY = b'{"padding":"' + b"x" * max(SIZE - 14, 0) + b'"}'
START = {
    "type": "http.response.start",
    "status": 200,
    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(BODY)).encode())],
}
RESPONSE = {"type": "http.response.body", "body": BODY}


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """The same response to every HTTP request."""
    await send(START)
    await send(RESPONSE)
