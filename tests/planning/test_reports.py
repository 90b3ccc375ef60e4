"""The period report (báo cáo sơ kết / tổng kết) and the period dashboard, on the demo's five seed plans.

Why (issue 23): every period ends with a report the office used to rebuild by hand in Word from our pages and
exports. The draft must read back in Vietnamese with its charts, say when its figures are provisional, and print the
same numbers as the standings page and the Excel export.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from awards.models import Nomination
from campaigns.models import Period, Plan
from config.celery import app as celery_app
from core.formatting import format_percent
from planning.reports.selectors import period_report
from scoring.exports import HEADER_ROW
from scoring.selectors import KIND_SLUGS
from scoring.windows import windows_for

LIVE_CHAIRMAN = "tayhieu.lanhdao"
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo (seed plans, readings, past periods closed) loaded once for this module, flushed after it."""
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
    ):
        call_command("load_demo", "--quiet-logins", stdout=open(os.devnull, "w"))
        try:
            yield
        finally:
            call_command("flush", interactive=False, verbosity=0)
            celery_app.conf.task_always_eager = eager


def _user(username: str):
    return get_user_model().objects.get(username=username)


def _document(response) -> Document:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].endswith("wordprocessingml.document")
    return Document(io.BytesIO(response.content))


def _text(document: Document) -> str:
    """Every paragraph, in the body and inside the tables (header, Nơi nhận, annex)."""
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def _images(document: Document) -> list[bytes]:
    return [rel.target_part.blob for rel in document.part.rels.values() if rel.reltype.endswith("/image")]


@pytest.mark.django_db
def test_each_seed_plan_report_reads_back_in_vietnamese_with_its_charts(demo, client):
    client.force_login(_user("admin"))
    plans = [plan for plan in Plan.objects.order_by("pk") if plan.periods.exists()]
    assert len(plans) >= 5
    for plan in plans:
        document = _document(client.get(reverse("planning:plan_report", args=[plan.pk])))
        text = _text(document)
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Độc lập - Tự do - Hạnh phúc" in text
        assert "/BC-UBND" in text and "BÁO CÁO" in text
        assert "Tổng kết phong trào thi đua “" in text, plan.key
        for heading in (
            "I. KẾT QUẢ TRIỂN KHAI",
            "II. KẾT QUẢ THỰC HIỆN CÁC TIÊU CHÍ",
            "III. XẾP HẠNG",
            "IV. KHEN THƯỞNG",
            "V. TỒN TẠI, HẠN CHẾ",
            "VI. PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN TỚI",
            "Nơi nhận:",
            "PHỤ LỤC 3. BẢNG XẾP HẠNG",
        ):
            assert heading in text, (plan.key, heading)
        assert "Dự thảo lập từ dữ liệu lúc" in text
        for period in plan.periods.all():
            assert period.name in text
        images = _images(document)
        assert len(images) >= 2 and all(image.startswith(PNG) for image in images), plan.key


@pytest.mark.django_db
def test_an_open_period_says_its_figures_are_provisional_and_a_closed_one_does_not(demo, client):
    client.force_login(_user(LIVE_CHAIRMAN))
    live = Plan.objects.filter(issuer__code="NA-TAYHIEU").order_by("-start").first()
    open_period = live.periods.filter(status=Period.Status.OPEN).order_by("start").first()
    closed_period = live.periods.filter(status=Period.Status.CLOSED).order_by("start").first()
    opened = _text(_document(client.get(reverse("planning:period_report", args=[open_period.pk]))))
    closed = _text(_document(client.get(reverse("planning:period_report", args=[closed_period.pk]))))
    assert "Số liệu tạm tính" in opened and "đang diễn ra" in opened.lower()
    assert "Số liệu tạm tính" not in closed and "đã chốt lúc" in closed
    # A period's own report carries the charts the charts page draws: one per criterion, plus sending and rankings.
    criteria = live.criteria.count()
    document = _document(client.get(reverse("planning:period_report", args=[closed_period.pk])))
    assert len(_images(document)) >= criteria + 2


def _export_rows(content: bytes) -> dict[str, list[tuple]]:
    """The standings export: per sheet, (rank, name, total, ratio) of each row under the headers."""
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    sheets = {}
    for sheet in workbook.worksheets:
        rows = list(sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True))
        sheets[sheet.title] = [(row[0], row[2], float(row[4]), float(row[6])) for row in rows if row and row[2]]
    return sheets


@pytest.mark.django_db
@pytest.mark.parametrize("which", ["live-closed", "live-open", "ninh-thuan"])
def test_report_numbers_are_the_standings_page_and_the_excel_export(demo, client, which):
    chairman = _user(LIVE_CHAIRMAN if which.startswith("live") else "admin")
    client.force_login(chairman)
    if which == "ninh-thuan":
        period = Period.objects.get(plan__key__startswith="ninh-thuan")
    else:
        live = Plan.objects.filter(issuer__code="NA-TAYHIEU").order_by("-start").first()
        status = Period.Status.CLOSED if which == "live-closed" else Period.Status.OPEN
        period = live.periods.filter(status=status).order_by("start").first()
    report = period_report(period=period, user=chairman)
    assert report.rankings

    exported = _export_rows(client.get(reverse("scoring:standing_export", args=[period.pk])).getvalue())
    exported_rows = [row for rows in exported.values() for row in rows]
    reported_rows = [
        (s.rank, s.name, float(s.total_points), float(s.ratio))
        for ranking in report.rankings
        for s in ranking.standings
    ]
    assert reported_rows == exported_rows

    slug_of = {kind: slug for slug, kind in KIND_SLUGS.items()}
    for ranking in report.rankings:
        query = {"loai": slug_of[ranking.kind]} | ({"khoi": ranking.group.pk} if ranking.group else {})
        page = client.get(reverse("scoring:standing_list", args=[period.pk]), query)
        shown = [(s.rank, s.name, s.total_points, s.ratio) for s in page.context["standings"]]
        assert shown == [(s.rank, s.name, s.total_points, s.ratio) for s in ranking.standings][: len(shown)]

    # The Word draft's annex prints those rows: rank, name, ratio as the pages write it.
    document = _document(client.get(reverse("planning:period_report", args=[period.pk])))
    annex = [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]
    for rank, name, _total, ratio in reported_rows:
        assert any(
            row[1] == name and re.match(rf"{rank}\b", row[0]) and format_percent(ratio) in row for row in annex
        ), (name, rank, ratio)


@pytest.mark.django_db
def test_dashboard_shows_who_has_not_sent_and_each_criterion_in_constant_queries(demo, client):
    client.force_login(_user("admin"))
    small = Plan.objects.filter(issuer__code="NA-TAYHIEU").order_by("-start").first().periods.order_by("-start")[0]
    large = Period.objects.get(plan__key__startswith="ninh-thuan")
    counts = []
    for period in (small, large):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("planning:period_dashboard", args=[period.pk]))
        assert response.status_code == 200
        counts.append(len(queries))
        report = response.context["report"]
        body = response.content.decode()
        nominations = Nomination.objects.filter(period=period)
        assert report.awards.proposed == nominations.count()
        assert report.awards.by_status["accepted"] == nominations.filter(status=Nomination.Status.ACCEPTED).count()
        for summary in report.criteria:
            assert summary.light_word in body
        assert reverse("planning:period_report", args=[period.pk]) in body
        assert reverse("planning:period_close", args=[period.pk]) in body
        assert reverse("scoring:standing_export", args=[period.pk]) in body
    # Ninh Thuận has six times the participants of Tây Hiếu: the page reads them in the same number of queries.
    assert counts[1] <= counts[0] + 2, counts
    assert max(counts) <= 40, counts

    open_period = small
    response = client.get(reverse("planning:period_dashboard", args=[open_period.pk]))
    waiting = response.context["waiting"]
    for unit in waiting[:5]:
        assert unit.participant.name in response.content.decode()


@pytest.mark.django_db
def test_a_clerk_is_refused_the_dashboard_and_the_report_with_the_reason(demo, client):
    client.force_login(_user("tayhieu.nhaplieu"))
    period = Plan.objects.filter(issuer__code="NA-TAYHIEU").order_by("-start").first().periods.first()
    for name in ("planning:period_dashboard", "planning:period_report"):
        response = client.get(reverse(name, args=[period.pk]))
        assert response.status_code == 403
        assert "Chỉ lãnh đạo, nội vụ hoặc quản trị" in response.content.decode()


@pytest.mark.django_db
def test_a_quick_report_covers_the_windows_of_its_date_range_on_one_page(demo, client):
    client.force_login(_user("admin"))
    period = Period.objects.get(plan__key__startswith="duc-pho")  # cao điểm 30 ngày đêm, weekly windows
    start, end = period.start + dt.timedelta(days=7), period.start + dt.timedelta(days=20)
    response = client.get(
        reverse("planning:period_quick_report", args=[period.pk]), {"tu": f"{start:%Y-%m-%d}", "den": f"{end:%Y-%m-%d}"}
    )
    document = _document(response)
    text = _text(document)
    assert "BÁO CÁO NHANH" in text
    assert f"từ ngày {start:%d/%m/%Y} đến ngày {end:%d/%m/%Y}" in text
    for heading in ("I. KẾT QUẢ TRIỂN KHAI", "II. KẾT QUẢ THỰC HIỆN CÁC TIÊU CHÍ", "III. XẾP HẠNG", "IV. KHEN THƯỞNG"):
        assert heading in text
    inside = [w for w in windows_for(period) if w.start <= end and w.end >= start]
    outside = [w for w in windows_for(period) if w not in inside]
    assert inside and outside
    assert inside[0].label in text and inside[-1].label in text
    assert not any(window.label in text for window in outside)
    for criterion in period.plan.criteria.all():
        assert criterion.name in text
    # One page: no annex section, no chart.
    assert len(document.sections) == 1 and not _images(document)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("days", "message"),
    [((20, 7), "“Đến ngày” phải bằng hoặc sau “Từ ngày”."), ((-3, 5), "Khoảng thời gian phải nằm trong")],
)
def test_a_quick_report_with_a_bad_range_says_why_and_gives_no_file(demo, client, days, message):
    client.force_login(_user("admin"))
    period = Period.objects.get(plan__key__startswith="duc-pho")
    start, end = (period.start + dt.timedelta(days=d) for d in days)
    response = client.get(
        reverse("planning:period_quick_report", args=[period.pk]), {"tu": f"{start:%Y-%m-%d}", "den": f"{end:%Y-%m-%d}"}
    )
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert message in response.content.decode()
