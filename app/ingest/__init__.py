"""Ingest: files -> parse -> clean -> store."""
