"""articles-api: serve a corpus of scraped Hexo news articles as a JSON REST API."""

__version__ = "0.1.0"
