"""A form of commendation missing from the catalogue is added from the plan's award-rules editor, then chosen in a
quota row; bad input comes back with Vietnamese errors and adds nothing; only the plan's rule editors may add."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.urls import reverse

from awards import catalogue
from awards.models import AwardKind, QuotaRule
from campaigns.models import Plan
from planning.plan_io import export_plan
from tests.factories import PlanFactory

pytestmark = pytest.mark.django_db

WARD = "Giấy khen của Chủ tịch Ủy ban nhân dân phường"
VALID = {
    "name": f"  {WARD} ",
    "level": "commune",
    "recipients": "both",
    "certificate_title": "giấy khen",
    "individual_coefficient": "0,15",
    "collective_multiplier": "2",
}


@pytest.fixture
def plan(org):
    catalogue.sync_award_kinds()
    return PlanFactory(issuer=org.commune_a, status=Plan.Status.DRAFT)


def create_url(plan: Plan) -> str:
    return reverse("planning:plan_rules_award_kind_create", args=[plan.pk])


def editor_url(plan: Plan) -> str:
    return reverse("planning:plan_rules_awards", args=[plan.pk])


def test_the_chairman_adds_a_missing_award_kind_and_uses_it_in_a_quota(client, org, plan):
    client.force_login(org.chairman_a)
    assert create_url(plan) in client.get(editor_url(plan)).content.decode()
    form = client.get(create_url(plan)).content.decode()
    assert "Cấp khen (người ký quyết định)" in form and "Giấy khen của Chủ tịch Ủy ban nhân dân xã" in form

    response = client.post(create_url(plan), VALID, follow=True)
    assert response.redirect_chain == [(editor_url(plan), HTTPStatus.FOUND)]
    page = response.content.decode()
    assert f"Đã thêm hình thức «{WARD}» (Cấp xã) vào danh mục" in page
    kind = AwardKind.objects.get(name=WARD)
    assert (
        kind.code,
        kind.level,
        kind.certificate_title,
        str(kind.individual_coefficient),
        str(kind.collective_multiplier),
    ) == ("giay-khen-cua-chu-tich-uy-ban-nhan-dan-phuong", "commune", "GIẤY KHEN", "0.150", "2.00")
    assert f'<option value="{kind.pk}">{WARD}</option>' in page  # offered in the quota rows
    history = Plan.history.filter(id=plan.pk).latest("history_id")  # who added it, in the plan's history
    assert (history.history_user, history.history_change_reason) == (
        org.chairman_a,
        "rules:award-kind:giay-khen-cua-chu-tich-uy-ban-nhan-dan-phuong",
    )

    data = {
        "quotas-TOTAL_FORMS": "1",
        "quotas-INITIAL_FORMS": "0",
        "quotas-0-award_kind": str(kind.pk),
        "quotas-0-max_collectives": "1",
        "quotas-0-max_individuals": "2",
        "quotas-0-min_ratio": "0",
    }
    for prefix in ("conditions", "documents"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    assert client.post(editor_url(plan), data).status_code == HTTPStatus.FOUND
    assert QuotaRule.objects.get(plan=plan).award_kind == kind
    # The plan file carries the new kind, so the plan imports elsewhere.
    text = export_plan(plan=plan)
    assert "award_kinds:" in text and "code: giay-khen-cua-chu-tich-uy-ban-nhan-dan-phuong" in text


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"name": " "}, "Nhập tên hình thức khen thưởng."),
        ({"level": ""}, "Chọn cấp khen: ai ký quyết định khen thưởng này."),
        ({"individual_coefficient": "mười lăm"}, "Hệ số tiền thưởng cá nhân phải là một số, ví dụ 0,15."),
        ({"individual_coefficient": "0"}, "Hệ số tiền thưởng cá nhân phải lớn hơn 0 và không quá 99,999."),
        ({"individual_coefficient": "0,1234"}, "Hệ số tiền thưởng cá nhân có tối đa 3 chữ số thập phân."),
        ({"collective_multiplier": "150"}, "Hệ số tiền thưởng tập thể phải lớn hơn 0 và không quá 100."),
        (
            {"name": "GIẤY KHEN CỦA CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ"},
            "Danh mục đã có hình thức «Giấy khen của Chủ tịch Ủy ban nhân dân xã» (Cấp xã); hãy chọn hình thức này",
        ),
    ],
)
def test_bad_input_comes_back_with_400_and_adds_nothing(client, org, plan, change, message):
    client.force_login(org.admin_a)
    before = AwardKind.objects.count()
    response = client.post(create_url(plan), {**VALID, **change})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert message in response.content.decode()
    assert AwardKind.objects.count() == before


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("chairman_a", HTTPStatus.FOUND),
        ("admin_a", HTTPStatus.FOUND),
        ("staff_a", HTTPStatus.FORBIDDEN),
        ("noi_vu", HTTPStatus.FORBIDDEN),
        ("chairman_b", HTTPStatus.NOT_FOUND),
        ("nobody", HTTPStatus.NOT_FOUND),
    ],
)
def test_who_may_add_an_award_kind(client, org, plan, who, expected):
    client.force_login(getattr(org, who))
    assert client.post(create_url(plan), VALID).status_code == expected
    assert AwardKind.objects.filter(name=WARD).exists() == (expected == HTTPStatus.FOUND)


def test_a_closed_plan_takes_no_new_award_kind(client, org, plan):
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.CLOSED)
    client.force_login(org.chairman_a)
    response = client.post(create_url(plan), VALID, follow=True)
    assert "Kế hoạch đã kết thúc" in response.content.decode()
    assert not AwardKind.objects.filter(name=WARD).exists()
