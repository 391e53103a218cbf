"""A database that cannot be used, said in one line: what is wrong with which database, then what to do.

The backends classify their drivers' errors (`Backend.classify`); this module words them for people, the same
way for every command and for the API's log. No message ever holds a password.
"""

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError

from app.store.backends import backend_for_url
from app.store.backends.base import Failure, Kind

# What went wrong ({where}: the database as `Backend.describe` names it; {reason}: the database's own words).
CAUSES = {
    Kind.UNREACHABLE: "cannot connect to {where} ({reason})",
    Kind.NO_DATABASE: "{where} does not exist",
    Kind.AUTHENTICATION: "{where} refused the login ({reason})",
    Kind.CANNOT_OPEN: "{where} cannot be opened ({reason})",
    Kind.NOT_MIGRATED: "database schema is not initialised in {where} ({reason})",
    Kind.NEWER_SCHEMA: "database schema of {where} is newer than this version knows ({reason})",
    Kind.CORRUPT: "{where} is corrupt ({reason})",
    Kind.READ_ONLY: "{where} is read-only ({reason})",
    Kind.DISK_FULL: "the disk holding {where} is full ({reason})",
    Kind.IO_ERROR: "{where} cannot be read or written ({reason})",
    Kind.LOCKED: "{where} stayed locked by another process ({reason})",
}
FIXES = {
    Kind.UNREACHABLE: "start the database server, or fix the host and port in DATABASE_URL",
    Kind.NO_DATABASE: "create it (createdb), or fix the database name in DATABASE_URL",
    Kind.AUTHENTICATION: "fix the user name or password in DATABASE_URL",
    Kind.CANNOT_OPEN: "check that its folder exists and that this user may read and write it",
    Kind.NOT_MIGRATED: "run `articles migrate`",
    Kind.NEWER_SCHEMA: "upgrade articles-api, or point DATABASE_URL at another database",
    Kind.CORRUPT: "restore it from a backup, or rebuild it: move it away, then `articles migrate` and "
    "`articles ingest`",
    Kind.READ_ONLY: "make it writable (for SQLite: the file, its folder and its -wal and -shm files), or "
    "point DATABASE_URL at a writable database",
    Kind.DISK_FULL: "free some space, then run the command again",
    Kind.IO_ERROR: "check the disk and the file system it is on (the kernel log says more)",
    Kind.LOCKED: "wait for the other writer (another ingest?) to finish, then run the command again",
}


class DatabaseUnusable(Exception):
    """The database cannot be used; `str()` is the line for people: the cause, a colon, the fix."""

    def __init__(self, kind: Kind, cause: str, fix: str | None = None) -> None:
        self.kind = kind
        self.cause = cause
        self.fix = fix or FIXES[kind]
        super().__init__(f"{cause}: {self.fix}")


def unusable(failure: Failure, url: URL | str) -> DatabaseUnusable:
    """The failure, worded for the database at `url`."""
    url = make_url(url)
    where = backend_for_url(str(url)).describe(url)
    cause = CAUSES[failure.kind].format(where=where, reason=without_password(failure.reason, url))
    return DatabaseUnusable(failure.kind, cause)


def diagnose(error: BaseException, url: URL | str) -> DatabaseUnusable | None:
    """What `error` says about the database at `url`, when it says it cannot be used; None otherwise."""
    if isinstance(error, DatabaseUnusable):
        return error
    if not isinstance(error, DBAPIError):
        return None
    failure = backend_for_url(str(url)).classify(error)
    return unusable(failure, url) if failure is not None else None


def without_password(text: str, url: URL | str) -> str:
    """`text` with the password of `url` masked: drivers do not repeat it, but their text is not ours."""
    password = make_url(url).password
    return text.replace(str(password), "***") if password else text
