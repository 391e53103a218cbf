"""The served access log (`articles serve`'s logging of `app.access`): a line per request, as written."""

import asyncio
import io
import logging
import logging.config
from collections.abc import Iterator

import pytest

from app.cli.access_lines import AccessLineHandler
from app.cli.server import log_config


class CountingStream(io.StringIO):
    """A stream that counts the writes made to it."""

    def __init__(self) -> None:
        super().__init__()
        self.writes = 0

    def write(self, text: str) -> int:
        self.writes += 1
        return super().write(text)


@pytest.fixture
def access() -> Iterator[tuple[logging.Logger, CountingStream]]:
    stream = CountingStream()
    logger = logging.getLogger("test.access_lines")
    logger.setLevel(logging.INFO)
    logger.propagate = False
    logger.addHandler(AccessLineHandler(stream))
    yield logger, stream
    logger.handlers.clear()


def test_the_lines_of_one_loop_turn_are_written_together_when_it_ends(
    access: tuple[logging.Logger, CountingStream],
) -> None:
    logger, stream = access

    async def three_requests() -> str:
        for path in ("/a", "/b", "/c"):
            logger.info("GET %s %d %.1fms request_id=%s", path, 200, 1.25, "r1")
        held = stream.getvalue()
        await asyncio.sleep(0)  # the turn ends
        return held

    assert asyncio.run(three_requests()) == ""
    assert stream.getvalue().splitlines() == [
        "INFO:     GET /a 200 1.2ms request_id=r1",
        "INFO:     GET /b 200 1.2ms request_id=r1",
        "INFO:     GET /c 200 1.2ms request_id=r1",
    ]
    assert stream.writes == 1


def test_off_the_event_loop_a_line_is_written_at_once(access: tuple[logging.Logger, CountingStream]) -> None:
    logger, stream = access
    logger.warning("GET /x 499 3.0ms request_id=-")
    assert stream.getvalue() == "WARNING:     GET /x 499 3.0ms request_id=-\n"


def test_lines_held_when_the_loop_stops_are_written_at_shutdown(
    access: tuple[logging.Logger, CountingStream],
) -> None:
    logger, stream = access

    async def last_request() -> None:
        logger.info("GET /last 200 1.0ms request_id=z")
        asyncio.get_running_loop().stop()  # the loop stops with this turn, before the write due after it

    loop = asyncio.new_event_loop()
    loop.create_task(last_request())
    loop.run_forever()
    loop.close()
    assert stream.getvalue() == ""
    logger.handlers[0].flush()  # as logging.shutdown() does at exit
    assert stream.getvalue() == "INFO:     GET /last 200 1.0ms request_id=z\n"


def test_the_served_configuration_sends_app_access_through_it() -> None:
    config = log_config()
    logging.config.dictConfig(config)
    try:
        handlers = logging.getLogger("app.access").handlers
        assert [type(handler) for handler in handlers] == [AccessLineHandler]
    finally:
        logging.getLogger("app.access").handlers.clear()


def test_lines_a_broken_stream_refuses_are_reported_as_lost(capsys: pytest.CaptureFixture[str]) -> None:
    class Broken(io.StringIO):
        def write(self, text: str) -> int:
            raise BrokenPipeError("stderr is gone")

    logger = logging.getLogger("test.access_lines.broken")
    logger.propagate = False
    logger.addHandler(AccessLineHandler(Broken()))
    try:

        async def two_requests() -> None:
            logger.warning("GET /a 200 1.0ms request_id=a")
            logger.warning("GET /b 200 1.0ms request_id=b")
            await asyncio.sleep(0)

        asyncio.run(two_requests())
    finally:
        logger.handlers.clear()
    assert "2 access lines not written" in capsys.readouterr().err
