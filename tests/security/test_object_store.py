"""Web processes that scale out: with AWS_STORAGE_BUCKET_NAME set, dossiers, evidence and decision PDFs go to an
S3-compatible object store (here moto's server, started on loopback), are private, and are only ever served through
the scoped views; a decision PDF written by a Celery worker is downloaded through a web process."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from http import HTTPStatus
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.urls import reverse

boto3 = pytest.importorskip("boto3")
pytest.importorskip("storages")
pytest.importorskip("moto")

from awards.models import Decision, DossierFile, DossierRequirement  # noqa: E402
from awards.services.decisions import create_draft_decision, sign_decision  # noqa: E402
from config.celery import app as celery_app  # noqa: E402
from tests.awards.decision_data import accepted_batch, on_paper  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "mat-khau-thu-nghiem"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
KEYS = {"AWS_ACCESS_KEY_ID": "thu-nghiem", "AWS_SECRET_ACCESS_KEY": "thu-nghiem-bi-mat"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def s3_server():
    """moto in server mode on a loopback port: a real HTTP S3 endpoint for boto3 and django-storages."""
    port = _free_port()
    server = shutil.which("moto_server") or str(Path(sys.executable).parent / "moto_server")
    process = subprocess.Popen(
        [server, "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def bucket(s3_server, settings, tmp_path):
    name = f"thidua-{uuid.uuid4().hex[:8]}"
    client = boto3.client("s3", endpoint_url=s3_server, region_name="us-east-1", **_keys())
    client.create_bucket(Bucket=name)
    settings.MEDIA_ROOT = str(tmp_path / "media")  # stays empty: nothing is written to local disk
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": name,
                "endpoint_url": s3_server,
                "region_name": "us-east-1",
                "access_key": KEYS["AWS_ACCESS_KEY_ID"],
                "secret_key": KEYS["AWS_SECRET_ACCESS_KEY"],
                "location": "media",
                "default_acl": "private",
                "file_overwrite": False,
                "querystring_auth": True,
                "querystring_expire": 300,
            },
        },
    }
    return client, name


def _keys() -> dict:
    return {"aws_access_key_id": KEYS["AWS_ACCESS_KEY_ID"], "aws_secret_access_key": KEYS["AWS_SECRET_ACCESS_KEY"]}


def _objects(client, name: str) -> list[str]:
    return [item["Key"] for item in client.list_objects_v2(Bucket=name).get("Contents", [])]


def _local_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def test_the_environment_switches_the_default_storage_to_the_object_store():
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_STORAGE_BUCKET_NAME="thidua-ho-so", AWS_S3_ENDPOINT_URL="http://minio:9000", **KEYS)
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings'; django.setup(); "
        "from django.conf import settings as s; o = s.STORAGES['default']; "
        "p = o['OPTIONS']; print(o['BACKEND'], p['bucket_name'], p['default_acl'], p['querystring_expire'])"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["storages.backends.s3.S3Storage", "thidua-ho-so", "private", "300"]


@pytest.mark.django_db
def test_a_dossier_file_goes_to_the_bucket_privately_and_comes_back_only_through_the_scoped_view(org, bucket, settings):
    client, name = bucket
    period, award, _ = accepted_batch(org)
    from awards.models import Nomination

    nomination = Nomination.objects.filter(period=period).order_by("pk").first()
    requirement = DossierRequirement.objects.create(plan=period.plan, code="bao-cao", name="Báo cáo thành tích")
    dossier = DossierFile(
        nomination=nomination,
        requirement=requirement,
        original_name="Báo cáo.pdf",
        content_type="application/pdf",
        size=len(PDF),
        uploaded_by=org.staff_a,
    )
    dossier.file.save("bao-cao.pdf", ContentFile(PDF), save=True)  # what the upload view's service does
    staff = Client()
    staff.force_login(org.staff_a)
    stored = DossierFile.objects.get(nomination=nomination)
    keys = _objects(client, name)
    assert keys == [f"media/{stored.file.name}"] and not _local_files(settings)
    grants = client.get_object_acl(Bucket=name, Key=keys[0])["Grants"]
    assert all(grant["Grantee"].get("URI", "").endswith("AllUsers") is False for grant in grants)  # not public

    download = reverse("awards:dossier_file_download", args=[stored.pk])
    body = b"".join(staff.get(download).streaming_content)
    assert body == PDF
    outsider = Client()
    outsider.force_login(org.nobody)
    assert outsider.get(download).status_code == HTTPStatus.NOT_FOUND


@pytest.mark.django_db
def test_a_decision_pdf_rendered_by_the_task_is_stored_in_the_bucket_and_downloaded_through_the_view(
    org, bucket, settings, django_capture_on_commit_callbacks
):
    client, name = bucket
    period, award, _ = accepted_batch(org)
    draft = create_draft_decision(period=period, award_kind=award, by=org.chairman_a, signed_on=dt.date(2024, 8, 5))
    with django_capture_on_commit_callbacks(execute=True):  # the PDF task, eager here
        sign_decision(decision=draft, by=org.chairman_a, password=PASSWORD, **on_paper(draft))
    decision = Decision.objects.get(pk=draft.pk)
    assert decision.pdf and f"media/{decision.pdf.name}" in _objects(client, name) and not _local_files(settings)
    web = Client()
    web.force_login(org.noi_vu)
    body = b"".join(web.get(reverse("awards:decision_pdf", args=[decision.pk])).streaming_content)
    stored = client.get_object(Bucket=name, Key=f"media/{decision.pdf.name}")["Body"].read()
    assert body == stored and body.startswith(b"%PDF")


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_writes_the_pdf_to_the_bucket_and_a_web_process_serves_it(org, bucket, settings, s3_server):
    if not settings.REDIS_URL or connection.vendor != "postgresql":
        pytest.skip("needs REDIS_URL and PostgreSQL (CI sets both)")
    client, name = bucket
    period, award, _ = accepted_batch(org)
    draft = create_draft_decision(period=period, award_kind=award, by=org.chairman_a, signed_on=dt.date(2024, 8, 5))
    sign_decision(
        decision=draft, by=org.chairman_a, password=PASSWORD, **on_paper(draft)
    )  # committed; the PDF is queued below
    database = connection.settings_dict
    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{database['USER']}:{database['PASSWORD'] or ''}@{database['HOST'] or '127.0.0.1'}:"
        f"{database['PORT'] or 5432}/{database['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "AWS_STORAGE_BUCKET_NAME": name,
        "AWS_S3_ENDPOINT_URL": s3_server,
        "AWS_S3_REGION_NAME": "us-east-1",
        "MEDIA_ROOT": settings.MEDIA_ROOT,
        **KEYS,
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo", "-Q", queue, "-l", "warning"]
        + ["--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"{queue}@%h"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    celery_app.conf.task_always_eager = False
    try:
        from awards.tasks import render_decision_pdf

        render_decision_pdf.apply_async(args=[draft.pk], queue=queue).get(timeout=120)
    finally:
        celery_app.conf.task_always_eager = True
        worker.terminate()
        worker.wait(timeout=30)
    decision = Decision.objects.get(pk=draft.pk)
    assert f"media/{decision.pdf.name}" in _objects(client, name) and not _local_files(settings)
    web = Client()
    web.force_login(org.chairman_a)
    body = b"".join(web.get(reverse("awards:decision_pdf", args=[decision.pk])).streaming_content)
    assert (
        body.startswith(b"%PDF")
        and body == client.get_object(Bucket=name, Key=f"media/{decision.pdf.name}")["Body"].read()
    )
