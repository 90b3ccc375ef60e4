"""The bench database: PostgreSQL `thidua_bench` by default, created when missing and migrated before a run."""

from __future__ import annotations

import os
from urllib.parse import urlparse

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/thidua_bench"


def configure() -> str:
    """Point Django at the bench database (DATABASE_URL wins when it names a *bench* database) and set the settings."""
    url = os.environ.get("BENCH_DATABASE_URL") or DEFAULT_URL
    current = os.environ.get("DATABASE_URL", "")
    if "bench" in urlparse(current).path:
        url = current
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # Timings mean production settings: no DEBUG (no query log), eager Celery as in the embedded default.
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789")
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
    return url


def create_if_missing(url: str) -> bool:
    """CREATE DATABASE when it does not exist yet; returns whether it was created."""
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists:
            return False
        conn.execute(f'CREATE DATABASE "{name}"')
    return True


def setup(*, migrate: bool = False) -> str:
    """Configure, create, set Django up and (optionally) migrate; returns the database URL."""
    url = configure()
    if migrate:
        create_if_missing(url)
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)
    return url
