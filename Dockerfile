# articles-api: a slim image that serves the API; mount a volume on /data for the database.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DATABASE_URL=sqlite:////data/articles.db \
    HEALTH_PORT=8001

RUN useradd --create-home --uid 10001 articles \
    && mkdir /data && chown articles:articles /data

WORKDIR /srv/articles-api
COPY pyproject.toml README.md alembic.ini ./
COPY app ./app
COPY migrations ./migrations
COPY data ./sample-data
# Editable install keeps migrations/ beside the package, where `articles migrate` looks for them.
RUN pip install --no-cache-dir -e .

USER articles
VOLUME ["/data"]
# 8001: /healthz and /readyz from a process of their own, answered however busy the API is.
EXPOSE 8000 8001

HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
    CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8001/healthz', timeout=2).status != 200)"

# Load articles with: docker run -v articles:/data -v /path/to/_posts:/posts IMAGE articles ingest /posts
CMD ["articles", "serve", "--host", "0.0.0.0", "--port", "8000"]
