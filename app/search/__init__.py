"""Chinese-aware full-text search: folding, bigram tokens, the `q` syntax, SQL per database, highlights."""
