"""The period at a glance and its report (issue 23): lãnh đạo goes from the period's page to its dashboard, reads who
has not sent, the criteria lights and the ranking charts, and downloads the report draft; nội vụ sees the same
dashboard read-only (no close button), and the Word file reads back."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse
from docx import Document
from playwright.sync_api import expect

from campaigns.models import Period, Plan
from tests.e2e.browser import check_page, login, logout
from tests.e2e.data import COMMUNE

pytestmark = pytest.mark.e2e


def test_lanh_dao_and_noi_vu_read_the_period_dashboard_and_download_its_report(page, demo, tmp_path):
    plan = Plan.objects.filter(issuer__code=COMMUNE).order_by("-start").first()
    period = Period.objects.filter(plan=plan).order_by("start").first()

    login(page, "tayhieu.lanhdao")
    page.goto(reverse("planning:period_close", args=[period.pk]))
    page.get_by_role("link", name="Điều hành và báo cáo đợt").click()
    expect(page.locator("h1")).to_have_text(f"Điều hành — {period.name}")
    expect(page.get_by_role("heading", name=re.compile("^Tiêu chí"))).to_be_visible()
    expect(page.locator("td", has_text=re.compile("^(Đạt|Gần đạt|Chưa đạt)$")).first).to_be_visible()
    expect(page.locator("[data-charts-from='ranking-charts'] canvas").first).to_be_visible()
    check_page(page, "dieu-hanh-dot")

    with page.expect_download(timeout=120_000) as info:  # a dozen charts drawn on the server
        page.get_by_role("link", name=re.compile(r"^Báo cáo (sơ|tổng) kết \(Word\)$")).click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    document = Document(io.BytesIO(path.read_bytes()))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "BÁO CÁO" in text and "I. KẾT QUẢ TRIỂN KHAI" in text and period.name in text
    assert document.inline_shapes, "the charts are in the document"

    logout(page)
    login(page, "nghean.noivu")
    page.goto(reverse("planning:period_dashboard", args=[period.pk]))
    expect(page.locator("h1")).to_have_text(f"Điều hành — {period.name}")
    expect(page.get_by_role("link", name=re.compile("^Chốt đợt"))).to_have_count(0)
    check_page(page, "dieu-hanh-dot-noi-vu")
