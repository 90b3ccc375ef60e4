"""A big confirmed Excel import of readings runs as a job: progress in rows written, a notice at the end, nothing
written when the period changed since (skipped, with why) or a reading changed meanwhile (refused, rolled back), and
the file kept since the preview removed whatever happened. Eagerly here; one test with a real worker on Redis."""

from __future__ import annotations

import re
import uuid
from http import HTTPStatus

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.urls import reverse

from campaigns.models import Job, Notice, Period
from config.celery import app as celery_app
from core.uploads import confirmed_upload, keep_pending_upload
from scoring import tasks
from scoring.models import Reading
from scoring.services import excel_import, readings
from scoring.services.excel_import import IMPORT_TASK, import_job_kwargs
from scoring.services.readings import save_reading
from scoring.views.entry import IMPORT_FOLDER, IMPORT_SALT
from tests.scoring.entry_fixtures import entry_world
from tests.scoring.test_excel import _fill, _good_changes, _template, _upload


@pytest.fixture
def world(org):
    return entry_world(org)


def _kept() -> list[str]:
    """Files still kept between preview and confirmation."""
    try:
        return default_storage.listdir(IMPORT_FOLDER)[1]
    except FileNotFoundError:
        return []


def _preview(client, org, world):
    client.force_login(org.staff_a)
    preview = _upload(client, world, _fill(_template(client, world), world, _good_changes(world)))
    assert preview.status_code == HTTPStatus.OK and len(_kept()) == 1
    return preview


def _confirm(client, world, preview):
    return client.post(
        reverse("scoring:excel_commit", args=[world.period.pk]),
        # the count as the page posts it (a localised "1.234" would not match the signed one)
        {
            "token": preview.context["token"],
            "rows": re.search(r'name="rows" value="([^"]*)"', preview.content.decode())[1],
        },
    )


@pytest.fixture
def in_background(settings):
    settings.READINGS_IMPORT_IN_REQUEST_MAX_ROWS = 2  # the three rows of these files go to the job


@pytest.mark.django_db
def test_a_small_file_is_written_in_the_request_without_a_job(client, org, world):
    preview = _preview(client, org, world)
    response = _confirm(client, world, preview)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("scoring:entry_dashboard", args=[world.period.pk])
    assert Reading.objects.count() == 3 and not Job.objects.exists() and _kept() == []


@pytest.mark.django_db
def test_a_big_file_is_written_by_a_job_showing_rows_written_and_a_notice_at_the_end(
    client, org, world, in_background, monkeypatch, django_capture_on_commit_callbacks
):
    seen: list[tuple[int, str]] = []
    original = excel_import.report_progress_now

    def recording(job_id, percent, message=""):
        seen.append((percent, message))
        original(job_id, percent, message)

    monkeypatch.setattr(excel_import, "report_progress_now", recording)
    monkeypatch.setattr(readings, "WRITE_CHUNK", 1)  # a chunk per row: every row written is reported
    save_reading(  # one of the file's rows changes a stored reading, the two others are new
        user=org.staff_a,
        participant=world.commune_a,
        indicator=world.events,
        period=world.period,
        window_start=world.current.start,
        value=3,
    )
    preview = _preview(client, org, world)
    assert "ghi trong nền" in preview.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = _confirm(client, world, preview)

    job = Job.objects.get()
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("planning:job_detail", args=[job.pk])
    assert job.task == IMPORT_TASK and job.started_by == org.staff_a and job.unit == world.plan.issuer
    written = [message for _percent, message in seen if message.startswith("Đã ghi")]
    assert written == ["Đã ghi 1/3 dòng", "Đã ghi 2/3 dòng", "Đã ghi 3/3 dòng"]
    percents = [percent for percent, _message in seen]
    assert percents == sorted(percents) and percents[-1] < 100
    assert (job.state, job.progress) == (Job.State.SUCCESS, 100)
    assert job.message == "Đã ghi 3/3 dòng: 2 số liệu mới, 1 thay đổi, 0 giữ nguyên."
    assert Reading.objects.count() == 3 and _kept() == []
    changed = Reading.objects.get(indicator=world.events)
    assert (changed.value, changed.version) == (0, 2)
    assert changed.history.first().history_change_reason == "Nhập từ tệp Excel"
    notice = Notice.objects.get(user=org.staff_a)
    assert notice.title.startswith("Đã nhập xong số liệu từ Excel") and notice.url == response["Location"]

    page = client.get(response["Location"]).content.decode()
    assert "Hoàn thành" in page and "Đã ghi 3/3 dòng" in page and "Xem số liệu đã nhập" in page
    assert reverse("scoring:entry_dashboard", args=[world.period.pk]) in page


@pytest.mark.django_db
def test_a_period_changed_after_the_confirmation_makes_the_job_do_nothing_and_say_why(
    client, org, world, in_background, django_capture_on_commit_callbacks
):
    preview = _preview(client, org, world)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        _confirm(client, world, preview)
    # Before the worker picks it up, the period is closed (or edited): the import was judged against another one.
    period = Period.objects.get(pk=world.period.pk)
    period.status = Period.Status.CLOSED
    period.save()
    for callback in queued:
        callback()

    job = Job.objects.get()
    assert job.state == Job.State.SKIPPED and "đã thay đổi từ khi tệp được xác nhận" in job.message
    assert not Reading.objects.exists() and _kept() == []
    assert Notice.objects.get(user=org.staff_a).title.startswith("Nhập số liệu từ Excel không thành công")
    page = client.get(reverse("planning:job_detail", args=[job.pk])).content.decode()
    assert "Bỏ qua" in page and "Tải tệp lên lại" in page


@pytest.mark.django_db
def test_a_reading_changed_meanwhile_rolls_the_whole_import_back_with_the_reason_on_the_job_page(
    client, org, world, in_background, monkeypatch, django_capture_on_commit_callbacks
):
    original = excel_import.parse_readings

    def parse_then_somebody_saves(**kwargs):
        result = original(**kwargs)
        # The administrator saves one of the file's readings from the grid between the worker's check and write.
        save_reading(
            user=org.admin_a,
            participant=world.commune_a,
            indicator=world.events,
            period=world.period,
            window_start=world.current.start,
            value=7,
        )
        return result

    monkeypatch.setattr(excel_import, "parse_readings", parse_then_somebody_saves)
    preview = _preview(client, org, world)
    with django_capture_on_commit_callbacks(execute=True):
        _confirm(client, world, preview)

    job = Job.objects.get()
    assert job.state == Job.State.FAILURE and job.is_refused and not job.may_retry
    assert "Số buổi tuyên truyền" in job.message and "vừa được" in job.message and "admin_a" in job.message
    reading = Reading.objects.get()  # only the administrator's: none of the file's three rows
    assert (reading.indicator, reading.value, reading.entered_by) == (world.events, 7, org.admin_a)
    assert _kept() == []
    client.force_login(org.staff_a)
    page = client.get(reverse("planning:job_detail", args=[job.pk])).content.decode()
    assert "Không ghi gì:" in page and "vừa được" in page and "Tải tệp lên lại" in page
    assert "Chạy lại" not in page and "Vui lòng báo quản trị viên" not in page


@pytest.mark.django_db
def test_the_kept_file_is_removed_even_when_the_import_crashes(org, world, monkeypatch):
    stored = keep_pending_upload(
        ContentFile(b"not read"), folder=IMPORT_FOLDER, salt=IMPORT_SALT, user=org.staff_a.pk
    )  # the token is not needed here: the job is given the stored name
    name = default_storage.listdir(IMPORT_FOLDER)[1][0]
    job = Job.objects.create(
        task=IMPORT_TASK,
        label="Nhập",
        kwargs=import_job_kwargs(period=world.period, user=org.staff_a, stored=f"{IMPORT_FOLDER}/{name}"),
        started_by=org.staff_a,
    )

    def crash(**kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(excel_import, "parse_readings", crash)
    with pytest.raises(RuntimeError):
        tasks.import_readings_file.apply(kwargs={**job.kwargs, "job_id": job.pk}).get()
    job.refresh_from_db()
    assert job.state == Job.State.FAILURE and "disk on fire" in job.error and job.may_retry
    assert _kept() == [] and stored


@pytest.mark.django_db
def test_a_retried_job_whose_file_is_gone_is_refused_with_a_clear_reason(org, world):
    job = Job.objects.create(
        task=IMPORT_TASK,
        label="Nhập",
        kwargs=import_job_kwargs(period=world.period, user=org.staff_a, stored=f"{IMPORT_FOLDER}/gone.xlsx"),
        started_by=org.staff_a,
    )
    tasks.import_readings_file.apply(kwargs={**job.kwargs, "job_id": job.pk}).get()
    job.refresh_from_db()
    assert job.is_refused and "hãy tải tệp lên lại" in job.message


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_on_redis_writes_a_big_import(org, world):
    if not django_settings.REDIS_URL or connection.vendor != "postgresql":
        pytest.skip("needs REDIS_URL and PostgreSQL (CI sets both)")
    from celery.contrib.testing.worker import start_worker

    from tests.scoring.test_excel_commit import _workbook

    source = _workbook(
        world,
        [
            (world.commune_a, world.on_time, world.current, {"H": 45, "I": 50}),
            (world.commune_a, world.events, world.current, {"J": 2}),
            (world.person_a, world.report, world.current, {"J": 1}),
        ],
    )
    stored = default_storage.save(f"{IMPORT_FOLDER}/{uuid.uuid4().hex}.xlsx", ContentFile(source.getvalue()))
    job = Job.objects.create(
        task=IMPORT_TASK,
        label="Nhập",
        kwargs=import_job_kwargs(period=world.period, user=org.staff_a, stored=stored),
        started_by=org.staff_a,
    )
    queue = f"test-{uuid.uuid4().hex[:8]}"
    celery_app.conf.task_always_eager = False
    try:
        with start_worker(celery_app, pool="solo", perform_ping_check=False, queues=[queue], shutdown_timeout=30):
            result = tasks.import_readings_file.apply_async(kwargs={**job.kwargs, "job_id": job.pk}, queue=queue)
            outcome = result.get(timeout=60)
    finally:
        celery_app.conf.task_always_eager = True
    job.refresh_from_db()
    assert outcome["changed"] == 3 and job.state == Job.State.SUCCESS and job.progress == 100
    assert Reading.objects.filter(period=world.period).count() == 3
    assert not default_storage.exists(stored)
    assert Notice.objects.filter(user=org.staff_a, key=f"readings-import-{job.pk}").exists()


@pytest.mark.django_db
def test_a_confirmed_upload_is_removed_whatever_happens_while_it_is_read():
    stored = default_storage.save(f"{IMPORT_FOLDER}/{uuid.uuid4().hex}.xlsx", ContentFile(b"kept"))
    with pytest.raises(RuntimeError), confirmed_upload(stored) as source:
        assert source is not None and source.read() == b"kept"
        raise RuntimeError("the import crashed")
    assert not default_storage.exists(stored)
    with confirmed_upload(stored) as gone:
        assert gone is None  # used once: a second confirmation finds nothing
