"""gunicorn settings for every deployment (docker compose, the Dockerfile, the README's Debian section).

gthread workers behind nginx: nginx buffers whole requests and responses, so a thread is held only while Django
works; threads let one process serve a request while another waits on PostgreSQL or renders a PDF. Sizes come from
the environment (WEB_CONCURRENCY processes × WEB_THREADS threads)."""

from __future__ import annotations

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("WEB_THREADS", "4"))
# A request that runs longer than this is killed (big imports and closes run in the worker, not here).
timeout = int(os.environ.get("WEB_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5  # nginx keeps upstream connections open (keepalive 16)
# A worker is replaced after this many requests (jitter spreads the restarts): no slow memory creep.
max_requests = 2000
max_requests_jitter = 200
# Request line and headers: nginx already refuses larger ones; this holds if gunicorn is reached another way.
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 16384
accesslog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
