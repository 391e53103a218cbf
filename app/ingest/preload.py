"""Imported once by the fork server that starts ingest's parser processes: everything a parser needs.

The workers are forked from that server, so the modules imported and the tables built here are theirs from
the start, instead of being loaded again by each of them.
"""

from app.parse import build  # noqa: F401 - the parsers
from app.text.folding import fold
from app.text.slugs import slugify

fold("中")  # builds the fold table
slugify("中")  # loads pypinyin and builds the pinyin table
