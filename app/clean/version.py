"""The cleaner's version, apart from the cleaner: telling whether a file changed must not load the parsers."""

# Bump whenever the output for some input changes: ingest re-processes files when it does.
CLEANER_VERSION = 2
