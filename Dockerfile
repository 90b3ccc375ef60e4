# Production images, one Dockerfile: `app` (gunicorn + whitenoise; the same image runs the Celery worker and beat)
# and `proxy` (nginx in front of it, serving the collected static files; deploy/nginx/thidua.conf.template).
FROM python:3.11-slim-bookworm AS app
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 STATIC_MANIFEST=true
RUN apt-get update && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-croscore fonts-liberation2 nodejs npm curl \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# Python packages from uv.lock only (runtime group: no test or lint tools), uv itself pinned by hash.
ENV UV_PROJECT_ENVIRONMENT=/opt/venv UV_PYTHON_DOWNLOADS=never PATH=/opt/venv/bin:$PATH
COPY requirements/uv.txt requirements/uv.txt
RUN pip install --no-cache-dir --require-hashes -r requirements/uv.txt
COPY pyproject.toml uv.lock package.json package-lock.json ./
RUN uv sync --locked --no-default-groups --no-cache --python /usr/local/bin/python3 \
    && npm ci --omit=dev --no-audit --no-fund --loglevel=error
COPY . .
RUN SECRET_KEY=build-only DEBUG=false python manage.py collectstatic --noinput
RUN useradd --create-home thidua && mkdir -p /app/var/media && chown -R thidua /app/var
USER thidua
EXPOSE 8000
# gthread workers, timeouts and request limits: config/gunicorn.py (sizes from WEB_CONCURRENCY, WEB_THREADS).
CMD ["gunicorn", "-c", "config/gunicorn.py", "config.wsgi"]

# The reverse proxy: the official image fills /etc/nginx/templates/*.template from the environment at start.
FROM nginx:1.26-bookworm AS proxy
RUN rm -f /etc/nginx/conf.d/default.conf && mkdir -p /etc/nginx/thidua-tls
COPY deploy/nginx/thidua.conf.template /etc/nginx/templates/thidua.conf.template
COPY --from=app /app/staticfiles /srv/thidua/static
ENV THIDUA_UPSTREAM=web:8000 THIDUA_STATIC_ROOT=/srv/thidua/static THIDUA_LISTEN=80 THIDUA_SERVER_NAME=_
