"""Home Affairs (nội vụ): sees every submission under it read-only, appraises plans decided above the commune."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from awards.models import Condition, DossierRequirement, Nomination, QuotaRule
from awards.services import nominations as services
from campaigns.models import Person
from tests.awards.nominations_setup import PDF_BYTES, commune_plan, giay_khen_xa, stand
from tests.factories import GroupFactory, PeriodFactory, PlanFactory, collective, individual, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def province_plan(org):
    """Ninh Thuận-like: the province ranks communes; 2 collectives, 1 official of each selected commune."""
    plan = PlanFactory(issuer=org.province, status="active", title="Phong trào thi đua cao điểm giải quyết TTHC")
    period = PeriodFactory(plan=plan, status="closed")
    group = GroupFactory(plan=plan, name="Xã, phường, thị trấn", code="xa")
    communes = [collective(plan, unit, group) for unit in (org.commune_a, org.commune_b, org.commune_c)]
    officials = [
        individual(plan, Person.objects.create(full_name=f"Cán bộ {unit.short_name}", unit=unit))
        for unit in (org.commune_a, org.commune_b, org.commune_c)
    ]
    for participant, rank in zip(communes, [1, 2, 3], strict=True):
        stand(period, participant, rank, str(100 - rank))
    for participant in officials:
        stand(period, participant, 1, "90")
    QuotaRule.objects.create(
        plan=plan, group=group, award_kind=giay_khen_xa(), max_collectives=2, individuals_per_collective=1
    )
    condition = Condition.objects.create(plan=plan, text="Chấp hành tốt chủ trương, chính sách")
    report = DossierRequirement.objects.create(plan=plan, code="bao-cao", name="Báo cáo thành tích")
    services.propose_for_period(period=period)
    return plan, period, condition, report


def submit(nomination, condition, report, staff):
    services.record_condition_check(nomination=nomination, condition=condition, confirmed=True, by=staff)
    services.attach_dossier_file(
        nomination=nomination, requirement=report, by=staff, upload=SimpleUploadedFile("bao-cao.pdf", PDF_BYTES)
    )
    services.mark_prepared(nomination=nomination, by=staff)
    return services.submit_nomination(nomination=nomination, by=staff)


def test_province_plan_takes_one_official_from_each_selected_commune(province_plan):
    _plan, period, _condition, _report = province_plan
    names = sorted(Nomination.objects.filter(period=period).values_list("name", flat=True))
    assert names == ["Cán bộ An Bình", "Cán bộ Bình Minh", "Xã An Bình", "Xã Bình Minh"]


def test_appraisal_by_the_province_home_affairs_then_the_chairman_decides(province_plan, org):
    _plan, period, condition, report = province_plan
    nomination = submit(Nomination.objects.get(period=period, name="Xã An Bình"), condition, report, org.staff_a)
    chairman = member(org.province, "lanh_dao", "chu_tich_tinh")
    services.record_council_meeting(
        period=period,
        held_on=period.end,
        members_total=9,
        members_present=9,
        secret_ballot=True,
        votes={nomination.pk: 9},
        by=chairman,
    )
    with pytest.raises(ValidationError, match="chưa được Nội vụ thẩm định"):
        services.accept_nomination(nomination=nomination, by=chairman)
    with pytest.raises(PermissionDenied):  # the district office is not the one over a province plan
        services.appraise_nomination(nomination=nomination, agree=True, comment="", by=org.noi_vu)
    with pytest.raises(ValidationError, match="Ghi rõ ý kiến khi không đồng ý"):
        services.appraise_nomination(nomination=nomination, agree=False, comment=" ", by=org.noi_vu_tinh)
    appraised = services.appraise_nomination(
        nomination=nomination, agree=True, comment="Hồ sơ đầy đủ", by=org.noi_vu_tinh
    )
    assert (appraised.status, appraised.appraisal_agreed) == ("appraised", True)
    assert appraised.transitions.last().reason == "Nội vụ đồng ý: Hồ sơ đầy đủ"
    assert services.accept_nomination(nomination=appraised, by=chairman).status == "accepted"


def test_the_appraisal_page_is_the_only_write_open_to_noi_vu(client, province_plan, org):
    _plan, period, condition, report = province_plan
    nomination = submit(Nomination.objects.get(period=period, name="Xã An Bình"), condition, report, org.staff_a)
    client.force_login(org.noi_vu_tinh)
    page = client.get(nomination.get_absolute_url()).content.decode()
    assert reverse("awards:nomination_appraise", args=[nomination.pk]) in page
    for action in (
        "nomination_submit",
        "nomination_prepare",
        "nomination_accept",
        "nomination_reject",
        "nomination_upload",
        "nomination_check",
    ):
        assert reverse(f"awards:{action}", args=[nomination.pk]) not in page, action
    url = reverse("awards:nomination_appraise", args=[nomination.pk])
    response = client.post(url, {"version": nomination.version, "agree": "0", "comment": "Thiếu minh chứng"})
    assert response.status_code == 302
    nomination.refresh_from_db()
    assert (nomination.status, nomination.appraisal_agreed, nomination.appraisal_comment) == (
        "appraised",
        False,
        "Thiếu minh chứng",
    )
    assert (
        client.post(
            reverse("awards:nomination_reject", args=[nomination.pk]),
            {"version": nomination.version, "reason": "x", "confirm": "on"},
        ).status_code
        == 403
    )
    assert (
        client.post(
            reverse("awards:nomination_accept", args=[nomination.pk]), {"version": nomination.version, "confirm": "on"}
        ).status_code
        == 403
    )


def test_commune_plans_are_not_appraised(org):
    setup = commune_plan(org)
    services.propose_for_period(period=setup.period)
    nomination = Nomination.objects.get(participant=setup.collectives[0])
    Nomination.objects.filter(pk=nomination.pk).update(status="submitted")
    with pytest.raises(ValidationError, match="không qua thẩm định"):
        services.appraise_nomination(nomination=nomination, agree=True, comment="", by=org.noi_vu)


def test_home_affairs_view_lists_the_submissions_under_it_only(client, org, province_plan):
    commune_a = commune_plan(org)
    services.propose_for_period(period=commune_a.period)
    commune_b = commune_plan(org, commune=org.commune_b, prefix="B")
    services.propose_for_period(period=commune_b.period)
    client.force_login(org.noi_vu)  # Phòng Nội vụ of the district: communes A and B, not C
    url = reverse("awards:home_affairs")
    text = client.get(url).content.decode()
    assert "Bộ phận Địa chính A" in text and "Bộ phận Địa chính B" in text and "Xã An Bình" in text
    assert "Cán bộ Cẩm Châu" not in text
    filtered = client.get(url, {"ke_hoach": commune_b.plan.pk}).content.decode()
    assert "Bộ phận Địa chính B" in filtered and "Bộ phận Địa chính A" not in filtered
    by_status = client.get(url, {"trang_thai": "accepted"}).content.decode()
    assert "Không có đề nghị nào phù hợp" in by_status
    for tab in ("ke-hoach", "xep-hang", "quyet-dinh"):
        assert client.get(url, {"xem": tab}).status_code == 200
    assert commune_b.plan.title in client.get(url, {"xem": "ke-hoach"}).content.decode()


def test_home_affairs_view_is_paginated_with_a_query_budget(client, org, django_assert_max_num_queries):
    for index in range(4):
        setup = commune_plan(org, prefix=f"P{index}")
        services.propose_for_period(period=setup.period)
    client.force_login(org.noi_vu)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("awards:home_affairs"))
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == 12
    assert response.context["page_obj"].paginator.per_page == 50


def test_home_affairs_export_is_the_award_list_in_excel(client, org, province_plan):
    client.force_login(org.noi_vu_tinh)
    response = client.get(reverse("awards:home_affairs_export"))
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    assert sheet.freeze_panes == "A2"
    names = {row[5] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert names == {"Xã An Bình", "Xã Bình Minh", "Cán bộ An Bình", "Cán bộ Bình Minh"}


def test_home_affairs_view_is_for_home_affairs_only(client, org):
    client.force_login(org.chairman_a)
    assert client.get(reverse("awards:home_affairs")).status_code == 403
    assert client.get(reverse("awards:home_affairs_export")).status_code == 403
