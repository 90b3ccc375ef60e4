"""Plain Vietnamese for office staff (issue 19, point 8): no file-format jargon on the plan pages, a help page for
the plan file reachable from the upload page, and the criteria editor as one collapsible row per criterion."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from planning.plan_io import import_plan
from tests.campaigns.test_plan_io import SMALL

pytestmark = pytest.mark.django_db

OPEN_ROW = r"<details[^>]*data-formset-row[^>]* open>\s*<summary[^>]*>(.*?)</summary>"
JARGON = re.compile(r"YAML|\.ya?ml\b|docs/|plan-format", re.IGNORECASE)


def visible_text(page: str) -> str:
    """What a reader sees: the page without its tags, scripts and attributes."""
    page = re.sub(r"<(script|style|template)\b.*?</\1>", " ", page, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", " ", page))


def test_the_plan_pages_speak_of_a_plan_file_not_of_its_format(client, org):
    plan = import_plan(text=SMALL).plan
    client.force_login(org.chairman_a)
    urls = [
        reverse("campaigns:plan_list"),
        reverse("campaigns:plan_list") + "?xem=da-ket-thuc",
        plan.get_absolute_url(),
        reverse("planning:plan_upload"),
        reverse("planning:plan_create"),
        reverse("planning:plan_edit", args=[plan.pk]),
        reverse("planning:plan_rules_criteria", args=[plan.pk]),
        reverse("planning:plan_file_help"),
    ]
    for url in urls:
        text = visible_text(client.get(url).content.decode())
        assert not JARGON.findall(text), (url, JARGON.findall(text))


def test_the_upload_page_links_its_help_page_which_explains_the_file(client, org):
    plan = import_plan(text=SMALL).plan
    client.force_login(org.chairman_a)
    upload = client.get(reverse("planning:plan_upload")).content.decode()
    help_url = reverse("planning:plan_file_help")
    assert f'href="{help_url}"' in upload
    page = client.get(help_url).content.decode()
    assert "Hướng dẫn tệp kế hoạch" in page and "Hoặc tất cả, hoặc không gì cả" in page
    assert reverse("planning:plan_download", args=[plan.pk]) in page  # a real plan to start from


def test_a_wrong_file_is_refused_in_plain_words(client, org):
    client.force_login(org.chairman_a)
    response = client.post(reverse("planning:plan_upload"), {"file": SimpleUploadedFile("bao-cao.docx", b"x")})
    assert response.status_code == 400
    assert "Đây không phải tệp kế hoạch" in response.content.decode()


def test_each_criterion_is_a_collapsible_row_and_a_row_with_an_error_opens(client, org):
    plan = import_plan(text=SMALL).plan
    client.force_login(org.chairman_a)
    url = reverse("planning:plan_rules_criteria", args=[plan.pk])
    page = client.get(url).content.decode()
    rows_html = re.sub(r"<template\b.*?</template>", "", page, flags=re.S)  # the row the "Thêm" button copies
    rows = re.findall(r"<details[^>]*data-formset-row[^>]*>\s*<summary[^>]*>(.*?)</summary>", rows_html, re.S)
    assert len(rows) == 3  # two criteria, then the blank row to type a new one
    first = " ".join(visible_text(rows[0]).split())
    assert first.startswith("Tiêu chí 1 so-hoa Số hóa kết quả")
    assert "Tuyến tính" in first or "tuyến tính" in first.lower()
    assert "chỉ tiêu" in first and "90" in first and "60 điểm" in first
    assert len(re.findall(r"<details[^>]*data-formset-row[^>]* open>", rows_html)) == 1  # only the blank row

    form = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page))
    form.update(re.findall(r'<select[^>]*name="([^"]+)"[^>]*>.*?<option value="([^"]*)" selected', page, re.S))
    form.update(re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>\s*([^<]*)</textarea>', page))
    prefix = next(k for k in form if k.endswith("-1-max_points")).removesuffix("-1-max_points")
    form[f"{prefix}-1-max_points"] = "bốn mươi"
    response = client.post(url, form)
    assert response.status_code == 400
    opened = re.findall(
        r"<details[^>]*data-formset-row[^>]* open>\s*<summary[^>]*>(.*?)</summary>", response.content.decode(), re.S
    )
    assert any("Tiêu chí 2" in row and "Có lỗi" in row for row in opened)
    assert not any("Tiêu chí 1" in row for row in opened)
