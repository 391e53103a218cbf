"""Imported once by the fork server that starts ingest's parser processes: everything a parser needs.

The workers are forked from that server, so the modules imported and the tables built here are theirs from
the start, instead of being loaded again by each of them.
"""

from app.ingest.lifeline import guard_fork_server

guard_fork_server()  # first: the imports below take a while, and ingest may be killed meanwhile

from app.parse import build  # noqa: E402, F401 - the parsers
from app.text.folding import fold  # noqa: E402
from app.text.slugs import slugify  # noqa: E402

fold("中")  # builds the fold table
slugify("中")  # loads pypinyin and builds the pinyin table
