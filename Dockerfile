# syntax=docker/dockerfile:1
# Spanglish production image: multi-stage, non-root, static files collected at build
# time (served by whitenoise), gunicorn as the entry point. Migrations are NOT run
# here: they are a release step (`docker compose run --rm migrate`).

# --- build: wheels for every pinned dependency ------------------------------------
FROM python:3.12-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update && apt-get install -y --no-install-recommends build-essential \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY requirements.txt .
RUN python -m venv /venv && /venv/bin/pip install -r requirements.txt

# --- runtime -----------------------------------------------------------------------
FROM python:3.12-slim-bookworm AS runtime
# The release number the app reports comes from pyproject.toml; this only labels the
# image with the tag it was built as.
ARG APP_VERSION=unknown
LABEL org.opencontainers.image.version=$APP_VERSION
ENV PATH=/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DEBUG=false \
    LOG_FORMAT=json \
    PROMETHEUS_MULTIPROC_DIR=/tmp/prometheus
# postgresql-client: pg_dump/pg_restore for `manage.py backup`. Its major version
# must be >= the server's (the backup command refuses otherwise); bookworm ships 15,
# so add the PGDG repository here if your server is newer. fonts-dejavu-core: the
# link-preview pictures (events/share_image.py) write accented titles with it.
RUN apt-get update && apt-get install -y --no-install-recommends postgresql-client \
    fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system app && useradd --system --gid app --home /app app
COPY --from=build /venv /venv
WORKDIR /app
COPY --chown=app:app . .
# collectstatic needs settings that import; a throwaway key only for this step.
RUN SECRET_KEY=build-only-not-secret-build-only-not-secret-0123456789 \
    python manage.py collectstatic --no-input \
    && mkdir -p /app/var && chown -R app:app /app/var /app/staticfiles
USER app
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --retries=3 \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"
CMD ["gunicorn", "-c", "gunicorn.conf.py", "spanglish.wsgi"]
