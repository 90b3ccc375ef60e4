"""The chairman's acceptance keeps the plan's caps: "K officials per selected collective" (Ninh Thuận) and the
quota per award form and group, even when the proposals allowed more (a tie at the cut, a collective rejected)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from awards.models import Condition, DossierRequirement, Nomination, QuotaRule
from awards.services import nominations as services
from campaigns.models import Person
from tests.awards.nominations_setup import PDF_BYTES, giay_khen_xa, stand
from tests.concurrency import run_at_once
from tests.factories import GroupFactory, PeriodFactory, PlanFactory, collective, individual, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def province(org):
    """A province plan: 2 communes commended, 1 official of each; commune A's two officials tie at 90 %."""
    plan = PlanFactory(issuer=org.province, status="active")
    period = PeriodFactory(plan=plan, status="closed")
    group = GroupFactory(plan=plan, name="Xã, phường, thị trấn", code="xa")
    for participant, rank in zip(
        [collective(plan, unit, group) for unit in (org.commune_a, org.commune_b)], [1, 2], strict=True
    ):
        stand(period, participant, rank, str(100 - rank))
    for name, unit in (("Lê Văn Một", org.commune_a), ("Lê Văn Hai", org.commune_a), ("Trần Thị Ba", org.commune_b)):
        stand(period, individual(plan, Person.objects.create(full_name=name, unit=unit)), 1, "90")
    rule = QuotaRule.objects.create(
        plan=plan, group=group, award_kind=giay_khen_xa(), max_collectives=2, individuals_per_collective=1
    )
    condition = Condition.objects.create(plan=plan, text="Chấp hành tốt chủ trương, chính sách")
    report = DossierRequirement.objects.create(plan=plan, code="bao-cao", name="Báo cáo thành tích")
    services.propose_for_period(period=period)
    chairman = member(org.province, "lanh_dao", "chu_tich_tinh")
    nominations = {n.name: n for n in Nomination.objects.filter(period=period)}
    staff = member(org.province, "quan_tri", "quan_tri_tinh")  # prepares the dossiers of every commune
    for nomination in nominations.values():
        services.record_condition_check(nomination=nomination, condition=condition, confirmed=True, by=staff)
        services.attach_dossier_file(
            nomination=nomination, requirement=report, by=staff, upload=SimpleUploadedFile("bao-cao.pdf", PDF_BYTES)
        )
        services.mark_prepared(nomination=nomination, by=staff)
        services.submit_nomination(nomination=nomination, by=staff)
        services.appraise_nomination(nomination=nomination, agree=True, comment="", by=org.noi_vu_tinh)
    services.record_council_meeting(
        period=period,
        held_on=period.end,
        members_total=9,
        members_present=9,
        secret_ballot=True,
        votes={n.pk: 9 for n in nominations.values()},
        by=chairman,
    )
    return SimpleNamespace(
        period=period,
        rule=rule,
        chairman=chairman,
        nominations={name: Nomination.objects.get(pk=n.pk) for name, n in nominations.items()},
    )


def unchanged(nomination: Nomination) -> tuple:
    fresh = Nomination.objects.get(pk=nomination.pk)
    return fresh.status, fresh.version, fresh.transitions.count()


def test_the_tie_at_the_per_collective_cut_is_proposed_for_the_chairman_to_choose(province):
    one, two = province.nominations["Lê Văn Một"], province.nominations["Lê Văn Hai"]
    assert one.tied_at_cut and two.tied_at_cut


def test_one_official_per_collective_is_accepted_within_the_cap(province):
    accepted = [
        services.accept_nomination(nomination=province.nominations[name], by=province.chairman)
        for name in ("Xã An Bình", "Xã Bình Minh", "Lê Văn Một", "Trần Thị Ba")
    ]
    assert [n.status for n in accepted] == ["accepted"] * 4


def test_a_second_official_of_the_same_collective_is_refused_and_nothing_changes(province):
    services.accept_nomination(nomination=province.nominations["Lê Văn Một"], by=province.chairman)
    second = province.nominations["Lê Văn Hai"]
    before = unchanged(second)
    with pytest.raises(ValidationError) as refused:
        services.accept_nomination(nomination=second, by=province.chairman)
    assert refused.value.messages == [
        "Không thể chấp thuận Lê Văn Hai: chỉ tiêu tối đa 1 cá nhân cho mỗi tập thể được chọn, tập thể Xã An Bình "
        "đã có 1 cá nhân được chấp thuận (Lê Văn Một). Nếu có đồng hạng tại ngưỡng, hãy chọn và không chấp thuận "
        "người còn lại."
    ]
    assert unchanged(second) == before == ("appraised", second.version, before[2])
    # The other collective's place is still free: the cap is per collective, not taken by commune A's tie.
    assert (
        services.accept_nomination(nomination=province.nominations["Trần Thị Ba"], by=province.chairman).status
        == "accepted"
    )


def test_the_official_of_a_rejected_collective_is_refused(province):
    services.reject_nomination(
        nomination=province.nominations["Xã Bình Minh"], reason="Còn hồ sơ trễ hạn", by=province.chairman
    )
    official = province.nominations["Trần Thị Ba"]
    before = unchanged(official)
    with pytest.raises(ValidationError, match="nhưng tập thể Xã Bình Minh đã không được chấp thuận"):
        services.accept_nomination(nomination=official, by=province.chairman)
    assert unchanged(official) == before


def test_the_accept_page_shows_why_it_refused(client, province):
    services.accept_nomination(nomination=province.nominations["Lê Văn Một"], by=province.chairman)
    second = province.nominations["Lê Văn Hai"]
    client.force_login(province.chairman)
    response = client.post(
        reverse("awards:nomination_accept", args=[second.pk]), {"version": second.version, "confirm": "on"}
    )
    assert response.status_code == 400
    assert "tập thể Xã An Bình đã có 1 cá nhân được chấp thuận (Lê Văn Một)" in response.content.decode()
    assert Nomination.objects.get(pk=second.pk).status == "appraised"


def test_the_quota_per_award_form_and_group_holds_at_acceptance(org):
    """Two collectives tie at the cut of a 1-collective quota: both proposed, only one may be accepted."""
    plan = PlanFactory(issuer=org.commune_a, status="active")
    period = PeriodFactory(plan=plan, status="closed")
    group = GroupFactory(plan=plan, name="Bộ phận", code="bo-phan")
    for unit in (org.section_a, org.commune_a):
        stand(period, collective(plan, unit, group), 1, "95", tied=True)
    QuotaRule.objects.create(plan=plan, group=group, award_kind=giay_khen_xa(), max_collectives=1)
    services.propose_for_period(period=period)
    first, second = Nomination.objects.filter(period=period).order_by("pk")
    Nomination.objects.filter(period=period).update(status="submitted")
    services.record_council_meeting(
        period=period,
        held_on=period.end,
        members_total=5,
        members_present=5,
        secret_ballot=True,
        votes={first.pk: 5, second.pk: 5},
        by=org.chairman_a,
    )
    services.accept_nomination(nomination=first, by=org.chairman_a)
    with pytest.raises(ValidationError, match="đã đủ chỉ tiêu 1 tập thể"):
        services.accept_nomination(nomination=second, by=org.chairman_a)
    assert Nomination.objects.get(pk=second.pk).status == "submitted"


@pytest.mark.django_db(transaction=True)
def test_two_chairmen_accepting_the_tied_officials_at_once_take_one_place(province):
    if connection.vendor != "postgresql":
        pytest.skip("Row locks between two connections are checked on PostgreSQL.")
    outcomes = run_at_once(
        *[
            (lambda name=name: services.accept_nomination(nomination=province.nominations[name], by=province.chairman))
            for name in ("Lê Văn Một", "Lê Văn Hai")
        ]
    )
    refused = [outcome.messages[0] for outcome in outcomes if isinstance(outcome, ValidationError)]
    errors = [
        outcome
        for outcome in outcomes
        if isinstance(outcome, BaseException) and not isinstance(outcome, ValidationError)
    ]
    assert errors == []
    assert len(refused) == 1 and "tập thể Xã An Bình đã có 1 cá nhân được chấp thuận" in refused[0]
    assert Nomination.objects.filter(period=province.period, name__startswith="Lê Văn", status="accepted").count() == 1
