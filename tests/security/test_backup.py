"""A pg_dump of the demo database restored into an empty database gives identical standings and decisions
(row for row, and the SHA-256 of every stored decision PDF). PostgreSQL only: the procedure is docs/backup.md."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import uuid

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="backups are pg_dump / pg_restore: PostgreSQL only"),
    pytest.mark.skipif(shutil.which("pg_dump") is None, reason="pg_dump is not installed"),
]

STANDINGS = """
    SELECT pl.key, pe."order", pa.name, s.total_points, s.max_points, s.ratio, s.rank, s.tied, s.targets_met,
           s.readings_expected, s.readings_present, s.frozen, s.tiebreak::text
    FROM scoring_standing s JOIN campaigns_period pe ON pe.id = s.period_id JOIN campaigns_plan pl ON pl.id = pe.plan_id
    JOIN campaigns_participant pa ON pa.id = s.participant_id ORDER BY 1, 2, 3"""
DECISIONS = """
    SELECT d.id, d.number, d.year, d.symbol, d.status, d.signed_on, d.summary, d.article_1, d.article_2,
           d.awardees::text, d.total_amount, d.signer_name, d.pdf, d.pdf_sha256
    FROM awards_decision d ORDER BY d.id"""
COUNTS = [
    "scoring_reading",
    "scoring_score",
    "awards_nomination",
    "awards_nominationtransition",
    "awards_historicaldecision",
    "scoring_historicalreading",
]


def _libpq(settings_dict: dict, name: str) -> dict:
    env = {
        **os.environ,
        "PGHOST": settings_dict.get("HOST") or "127.0.0.1",
        "PGPORT": str(settings_dict.get("PORT") or 5432),
        "PGUSER": settings_dict.get("USER") or "postgres",
        "PGDATABASE": name,
    }
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    return env


def _rows(dsn_env: dict, query: str) -> list[tuple]:
    with psycopg.connect(
        host=dsn_env["PGHOST"],
        port=dsn_env["PGPORT"],
        user=dsn_env["PGUSER"],
        dbname=dsn_env["PGDATABASE"],
        password=dsn_env.get("PGPASSWORD"),
    ) as conn:
        return conn.execute(query).fetchall()


def _pdf_hashes(rows: list[tuple]) -> dict[int, str]:
    from django.core.files.storage import default_storage

    hashes = {}
    for row in rows:
        decision_id, path = row[0], row[12]
        if path:
            with default_storage.open(path, "rb") as handle:
                hashes[decision_id] = hashlib.sha256(handle.read()).hexdigest()
    return hashes


@pytest.fixture
def scratch_database():
    settings_dict = connection.settings_dict
    name = f"thidua_restore_{uuid.uuid4().hex[:10]}"
    admin_env = _libpq(settings_dict, "postgres")
    subprocess.run(["createdb", "--template=template0", "--encoding=UTF8", name], env=admin_env, check=True)
    yield name
    subprocess.run(["dropdb", "--if-exists", "--force", name], env=admin_env, check=True)


def test_a_dump_restored_into_an_empty_database_has_the_same_standings_and_decisions(scratch_database, tmp_path):
    call_command("load_demo", "--quiet-logins")
    source = _libpq(connection.settings_dict, connection.settings_dict["NAME"])
    target = _libpq(connection.settings_dict, scratch_database)
    before = {
        "standings": _rows(source, STANDINGS),
        "decisions": _rows(source, DECISIONS),
        "counts": [_rows(source, f"SELECT count(*) FROM {table}")[0][0] for table in COUNTS],
    }
    assert before["standings"], "the demo should have standings"

    dump = tmp_path / "thidua.dump"
    subprocess.run(
        ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={dump}"], env=source, check=True
    )
    subprocess.run(
        ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", f"--dbname={scratch_database}", str(dump)],
        env=target,
        check=True,
    )

    after = {
        "standings": _rows(target, STANDINGS),
        "decisions": _rows(target, DECISIONS),
        "counts": [_rows(target, f"SELECT count(*) FROM {table}")[0][0] for table in COUNTS],
    }
    assert after == before
    # The stored PDFs are the files the rows point at, with the SHA-256 recorded at signing.
    hashes = _pdf_hashes(after["decisions"])
    for row in after["decisions"]:
        if row[12] and row[13]:
            assert hashes[row[0]] == row[13]
