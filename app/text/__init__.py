"""Pure text functions that ingest and the read side share: folding, index tokens, phrases found in unfolded
text, the `q` syntax, slugs and category paths. No I/O, no database."""
