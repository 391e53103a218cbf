"""Exit statuses, and the one place where what a command raised becomes one line and a status.

A script can tell the outcomes apart: 0 success, 1 some files failed (or an unexpected error), 2 usage
error, 3 the database cannot be used, 130 interrupted. The line names the cause and the fix; `--debug`
(or ARTICLES_DEBUG=1) prints the traceback before it.
"""

import sys
import traceback
from enum import IntEnum
from typing import Any

import typer
from rich.markup import escape
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from typer.core import TyperGroup

from app.cli.terminal import console
from app.config import get_settings
from app.store.backends.base import first_line
from app.store.failures import DatabaseUnusable, diagnose, without_password


class Status(IntEnum):
    """What the exit status of a command says."""

    OK = 0
    FAILED = 1  # some files failed to load; or an unexpected error (a bug), which its line says
    USAGE = 2
    DATABASE = 3
    INTERRUPTED = 130


SUMMARY = (
    "Exit status: 0 success, 1 some files failed to load, 2 usage error, 3 database unusable, "
    "130 interrupted."
)
DEBUG_HINT = "run it again with --debug to see where"


class Interrupted(Exception):
    """The command stopped early on request (SIGINT, SIGTERM); the message says what it had done."""


class GuardedGroup(TyperGroup):
    """Runs the command and turns what it raised into one line on stderr and the status that says what
    kind of failure it was."""

    def invoke(self, ctx: Any) -> Any:  # click's Context, as vendored by typer (not exported)
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise  # the command line's own ways out: usage errors and exits, printed as they should be
        except (Exception, KeyboardInterrupt) as exc:
            status, line = explain(exc)
            if ctx.params.get("debug"):
                traceback.print_exception(exc, file=sys.stderr)
            label = "" if status is Status.INTERRUPTED else "[red]error:[/red] "
            console.print(label + escape(line), highlight=False)
            raise typer.Exit(status) from None


def explain(exc: BaseException) -> tuple[Status, str]:
    """The status and the line for what a command raised."""
    if isinstance(exc, KeyboardInterrupt):
        return Status.INTERRUPTED, "interrupted"
    if isinstance(exc, Interrupted):
        return Status.INTERRUPTED, str(exc)
    if isinstance(exc, DatabaseUnusable):  # raised by a check of the database, worded already
        return Status.DATABASE, str(exc)
    if isinstance(exc, SQLAlchemyError):
        return Status.DATABASE, _database_line(exc)
    return Status.FAILED, f"unexpected error: {type(exc).__name__}: {first_line(exc)}: {DEBUG_HINT}"


def _database_line(exc: SQLAlchemyError) -> str:
    url = get_settings().database_url  # valid: the command got this far
    failure = diagnose(exc, url)
    if failure is not None:
        return str(failure)
    reason = first_line(exc.orig) if isinstance(exc, DBAPIError) else first_line(exc)
    return f"the database failed ({without_password(reason, url)}): {DEBUG_HINT}"
