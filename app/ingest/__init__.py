"""The ingest pipeline: discover files, skip unchanged ones by their stamps, parse the rest in worker
processes (`app.parse`), write them in batches (`app.store.writer`) and prune what is gone."""
