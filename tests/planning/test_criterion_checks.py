"""A criterion's values are checked once (scoring/criterion_checks.py): the plan file and the criteria editor show
the same Vietnamese sentence for the same bad criterion, the file at its line, the editor on its field."""

from __future__ import annotations

import html
from http import HTTPStatus

import pytest
from django.urls import reverse

from planning.plan_io import PlanFileError, import_plan
from tests.awards.test_plan_rules import NEW_CRITERIA, _create_plan_in_browser, _criteria_post
from tests.campaigns.test_plan_io import SMALL

pytestmark = pytest.mark.django_db

LOWER = "{code: qua-han, name: Hồ sơ quá hạn, indicator: 766-qua-han, max_points: 40, comparison: lte"
RATE = "{code: so-hoa-2, name: Số hóa, indicator: 766-so-hoa-ket-qua, max_points: 40"
FORM_LOWER = {**NEW_CRITERIA[1], "name": "Hồ sơ quá hạn", "code": "qua-han", "max_points": "40"}
FORM_RATE = {**NEW_CRITERIA[0], "name": "Số hóa", "code": "so-hoa-2", "max_points": "40"}


@pytest.fixture
def browser_plan(client, org):
    client.force_login(org.chairman_a)
    return _create_plan_in_browser(client, org)


@pytest.mark.parametrize(
    ("in_file", "in_form", "sentence"),
    [
        (
            LOWER + ", target: 5, worst: 2}",
            {**FORM_LOWER, "target": "5", "worst": "2"},
            "Mức không đạt điểm (2) phải lớn hơn chỉ tiêu (5) với tiêu chí càng thấp càng tốt.",
        ),
        (
            LOWER + ", target: 0, rule: linear}",
            {**FORM_LOWER, "target": "0", "worst": "", "rule": "linear"},
            "Tiêu chí càng thấp càng tốt chấm tuyến tính cần mức không đạt điểm.",
        ),
        (
            RATE + ", target: 140}",
            {**FORM_RATE, "target": "140"},
            "Chỉ số tỷ lệ tính theo phần trăm: giá trị phải từ 0 đến 100.",
        ),
        (
            RATE + ", target: 90, rule: bands, bands: [[90, 50], [75, 6]]}",
            {**FORM_RATE, "target": "90", "rule": "bands", "bands_text": "90:50; 75:6"},
            "Khung 1: điểm 50 vượt điểm tối đa 40 của tiêu chí.",
        ),
        (
            RATE + ", rule: linear}",
            {**FORM_RATE, "target": "", "rule": "linear"},
            "Nhập chỉ tiêu của tiêu chí.",
        ),
        (
            RATE + ", target: 90, bands: [[90, 10]]}",
            {**FORM_RATE, "target": "90", "rule": "linear", "bands_text": "90:10"},
            "Khung điểm chỉ dùng với cách chấm “Theo khung điểm”; hãy xóa khung hoặc đổi cách chấm.",
        ),
    ],
)
def test_the_same_bad_criterion_reads_the_same_through_the_file_and_the_editor(
    client, org, browser_plan, in_file, in_form, sentence
):
    text = SMALL.replace("status: active", "status: draft").replace("quotas:", f"  - {in_file}\nquotas:", 1)
    with pytest.raises(PlanFileError) as by_file:
        import_plan(text=text)
    assert [error for error in by_file.value.errors if error.endswith(sentence)] == by_file.value.errors[:1], (
        by_file.value.errors
    )
    assert by_file.value.errors[0].startswith("Dòng 19, mục criteria › 3")

    response = client.post(
        reverse("planning:plan_rules_criteria", args=[browser_plan.pk]), _criteria_post([NEW_CRITERIA[0], in_form])
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert sentence in html.unescape(response.content.decode())
    assert not browser_plan.criteria.exists()
