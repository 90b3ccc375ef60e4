"""Scope in time: a membership on a unit that has ended (the districts dissolved on 30/06/2025) reads only periods
that ended by then and acts on nothing; the successor unit's memberships cover the rest. A role × unit × time
matrix, as the permission matrix does for place."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from http import HTTPStatus
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse

from awards.models import AwardKind, Nomination, QuotaRule
from campaigns.models import Plan
from scoring.models import Standing
from tests.factories import PeriodFactory, PlanFactory, collective, member

pytestmark = pytest.mark.django_db
ENDED = dt.date(2025, 6, 30)


@pytest.fixture
def reform(org):
    """The district and commune B end on 30/06/2025 (commune B merged into commune A, the district into the
    province); commune B's campaign has a period before the reform and one after it."""
    org.district.valid_to = ENDED
    org.district.successor = org.province
    org.district.save()
    org.commune_b.valid_to = ENDED
    org.commune_b.successor = org.commune_a
    org.commune_b.save()
    award = AwardKind.objects.create(
        code="gk-thoi-gian", name="Giấy khen", level="commune", individual_coefficient=Decimal("0.15")
    )

    def campaign(start: dt.date, end: dt.date, title: str) -> SimpleNamespace:
        plan = PlanFactory(issuer=org.commune_b, title=title, start=start, end=end, status=Plan.Status.ACTIVE)
        period = PeriodFactory(plan=plan, order=1, name=f"Đợt {title}", start=start, end=end)
        participant = collective(plan, org.section_b)
        rule = QuotaRule.objects.create(plan=plan, award_kind=award, max_collectives=1, max_individuals=1)
        nomination = Nomination.objects.create(
            period=period, participant=participant, award_kind=award, quota_rule=rule, rank=1, ratio=Decimal(90),
            name=participant.name, unit_name=org.commune_b.name,
        )  # fmt: skip
        Standing.objects.create(
            period=period, participant=participant, rank=1, ratio=Decimal(90), total_points=Decimal(90),
            max_points=100, readings_expected=1, readings_present=1, name=participant.name,
        )  # fmt: skip
        return SimpleNamespace(plan=plan, period=period, nomination=nomination)

    return SimpleNamespace(
        before=campaign(dt.date(2025, 1, 1), dt.date(2025, 3, 31), "2025 trước sáp nhập"),
        after=campaign(dt.date(2026, 1, 1), dt.date(2026, 3, 31), "2026 sau sáp nhập"),
        province_staff=member(org.province, "lanh_dao", "lanhdao_tinh"),
    )


def _get(user, url: str) -> int:
    client = Client()
    client.force_login(user)
    return client.get(url).status_code


# who, campaign, expected status of the nomination page
MATRIX = [
    ("noi_vu", "before", HTTPStatus.OK),  # district Nội vụ, district ended: its past is still readable
    ("noi_vu", "after", HTTPStatus.NOT_FOUND),  # … but nothing after the district ended
    ("chairman_b", "before", HTTPStatus.OK),  # commune B's own chairman reads his commune's past
    ("chairman_b", "after", HTTPStatus.NOT_FOUND),
    ("chairman_a", "before", HTTPStatus.OK),  # commune A succeeded commune B: it covers B's subtree
    ("chairman_a", "after", HTTPStatus.OK),
    ("noi_vu_tinh", "before", HTTPStatus.OK),  # the province is still there
    ("noi_vu_tinh", "after", HTTPStatus.OK),
    ("nobody", "after", HTTPStatus.NOT_FOUND),
]


@pytest.mark.parametrize(("who", "when", "expected"), MATRIX)
def test_a_nomination_is_visible_only_within_the_memberships_time(org, reform, who, when, expected):
    nomination = getattr(reform, when).nomination
    assert _get(getattr(org, who), reverse("awards:nomination_detail", args=[nomination.pk])) == expected


@pytest.mark.parametrize(("who", "when", "expected"), MATRIX)
def test_standings_follow_the_same_time_scope(org, reform, who, when, expected):
    period = getattr(reform, when).period
    response = _get(getattr(org, who), reverse("scoring:standing_list", args=[period.pk]))
    assert (response == HTTPStatus.OK) == (expected == HTTPStatus.OK)


def test_the_home_affairs_list_and_export_of_an_ended_district_hold_only_its_past(client, org, reform):
    client.force_login(org.noi_vu)
    page = client.get(reverse("awards:home_affairs")).content.decode()
    assert reform.before.plan.title in page and reform.after.plan.title not in page
    export = client.get(reverse("awards:home_affairs_export"))
    assert export.status_code == HTTPStatus.OK
    import io

    from openpyxl import load_workbook

    texts = {str(cell.value) for row in load_workbook(io.BytesIO(export.content)).active.iter_rows() for cell in row}
    joined = "\n".join(texts)  # a cell names the plan in full ("685/KH-UBND năm 2025 — <title>")
    assert reform.before.plan.title in joined and reform.after.plan.title not in joined


def test_a_membership_on_an_ended_unit_is_read_only(client, org, reform):
    client.force_login(org.chairman_b)
    url = reverse("awards:nomination_reject", args=[reform.before.nomination.pk])
    response = client.post(url, {"reason": "Thử", "version": reform.before.nomination.version, "confirm": "on"})
    assert response.status_code == HTTPStatus.FORBIDDEN
    reform.before.nomination.refresh_from_db()
    assert reform.before.nomination.status == Nomination.Status.PROPOSED
