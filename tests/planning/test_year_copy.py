"""Copying a plan to a new year rewrites its year in the text, drops the old year's legal bases and lists every
change for review (issue 19, point 5: a plan copied to 2026 kept "trong năm 2024" and the 2024 decision it cited)."""

from __future__ import annotations

import pytest

from campaigns.models import Plan
from campaigns.templatetags.thidua import marked_change
from planning.plan_io import copy_plan_to_year, import_plan
from planning.year_copy import CopyChange, carry_text_to_year
from tests.campaigns.test_plan_io import SMALL

WITH_TEXT = SMALL.replace(
    "status: active\n",
    "status: active\n"
    "legal_bases:\n"
    "  - Luật Thi đua, khen thưởng ngày 15/6/2022\n"
    "  - Quyết định số 15/QĐ-UBND ngày 16/01/2024 của UBND xã An Bình về Kế hoạch CCHC năm 2024\n"
    "purpose: Hoàn thành các chỉ tiêu được giao trong năm 2024.\n"
    "requirements: Không đổi số 120245 và năm 2023.\n",
)


def test_the_old_year_becomes_the_new_one_in_every_text_and_each_change_is_listed():
    data = {
        "title": "Thi đua năm 2024",
        "purpose": "Hoàn thành chỉ tiêu trong năm 2024, báo cáo trước 15/12/2024.",
        "requirements": "Bám sát Chỉ thị năm 2021.",
        "legal_bases": ["Luật Thi đua, khen thưởng ngày 15/6/2022", "Quyết định số 15/QĐ-UBND ngày 16/01/2024"],
        "periods": [{"name": "Sơ kết 6 tháng 2024"}],
        "tasks": [{"code": "1", "title": "Tổng kết năm 2024"}],
    }
    changes = carry_text_to_year(data, old_year=2024, new_year=2026)
    assert data["title"] == "Thi đua năm 2026"
    assert data["purpose"] == "Hoàn thành chỉ tiêu trong năm 2026, báo cáo trước 15/12/2026."
    assert data["requirements"] == "Bám sát Chỉ thị năm 2021."  # another year is not touched
    assert data["legal_bases"] == ["Luật Thi đua, khen thưởng ngày 15/6/2022"]
    assert data["periods"][0]["name"] == "Sơ kết 6 tháng 2026"
    assert data["tasks"][0]["title"] == "Tổng kết năm 2026"
    assert changes == [
        CopyChange("Tên kế hoạch", "Thi đua năm 2024", "Thi đua năm 2026"),
        CopyChange(
            "Mục đích",
            "Hoàn thành chỉ tiêu trong năm 2024, báo cáo trước 15/12/2024.",
            "Hoàn thành chỉ tiêu trong năm 2026, báo cáo trước 15/12/2026.",
        ),
        CopyChange("Căn cứ (đã bỏ vì nêu năm 2024)", "Quyết định số 15/QĐ-UBND ngày 16/01/2024", ""),
        CopyChange("Đợt 1: tên đợt", "Sơ kết 6 tháng 2024", "Sơ kết 6 tháng 2026"),
        CopyChange("Nhiệm vụ 1", "Tổng kết năm 2024", "Tổng kết năm 2026"),
    ]


def test_a_number_holding_the_year_digits_is_not_a_year():
    data = {"title": "Mã 120245 năm 2024"}
    carry_text_to_year(data, old_year=2024, new_year=2025)
    assert data["title"] == "Mã 120245 năm 2025"


@pytest.mark.django_db
def test_the_copy_keeps_its_changes_for_review_and_the_original_is_untouched(org):
    plan = import_plan(text=WITH_TEXT).plan
    copy = copy_plan_to_year(plan=plan, year=2026, by=org.chairman_a)
    assert copy.purpose == "Hoàn thành các chỉ tiêu được giao trong năm 2026."
    assert copy.requirements == "Không đổi số 120245 và năm 2023."
    assert copy.legal_bases == ["Luật Thi đua, khen thưởng ngày 15/6/2022"]
    assert [change["field"] for change in copy.copy_changes] == [
        "Tên kế hoạch",
        "Mục đích",
        "Căn cứ (đã bỏ vì nêu năm 2024)",
    ]
    original = Plan.objects.get(pk=plan.pk)
    assert original.purpose.endswith("năm 2024.") and len(original.legal_bases) == 2 and original.copy_changes == []


def test_the_review_marks_the_words_that_changed_and_escapes_the_rest():
    change = {
        "before": "Kế hoạch <b> trong năm 2024.\nHết năm 2024",
        "after": "Kế hoạch <b> trong năm 2026.\nHết năm 2026",
    }
    assert marked_change(change, "before") == (
        "Kế hoạch &lt;b&gt; trong năm <mark>2024.</mark><br>Hết năm <mark>2024</mark>"
    )
    assert marked_change(change, "after").endswith("Hết năm <mark>2026</mark>")
