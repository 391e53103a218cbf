"""The body cleaner: scraped article HTML to clean text, safe HTML, paragraphs and their hidden metadata.

`app.clean.cleaner.clean_body` is the entry point; `app.clean.version` holds the version that stored
articles are cleaned with, in a module of its own so that importing it loads nothing else.
"""
