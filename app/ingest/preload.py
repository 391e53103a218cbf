"""Imported once by the fork server that starts ingest's parser processes: everything a parser needs.

The workers are forked from that server, so the modules imported and the tables built here are theirs from
the start, instead of being loaded again by each of them.
"""

import app.cli  # noqa: F401 - each worker re-runs the `articles` script (multiprocessing restores __main__)
from app.ingest import build  # noqa: F401 - the parsers
from app.search.folding import fold
from app.slugs import slugify

fold("中")  # builds the fold table
slugify("中")  # loads pypinyin and builds the pinyin table
