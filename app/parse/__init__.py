"""One file's bytes to the record ingest stores, pure: decode, split the front matter, normalize its values,
clean the body (`app.clean`) and build the record. Safe to run in worker processes."""
