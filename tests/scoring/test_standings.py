"""Standings pages: the list, the drill-down with its "vì sao", charts, scope (404) and query budgets."""

from __future__ import annotations

import json
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.urls import reverse

from campaigns.models import Participant
from scoring.models import RecomputeRequest, Standing
from scoring.services.scores import recompute_period
from tests.factories import PersonFactory
from tests.scoring.scoring_helpers import criterion, indicator, read, small_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored(org):
    plan, period, group, a, b = small_plan(org)
    digitised = indicator("so-hoa", numerator_label="số hồ sơ được số hóa")
    overdue = indicator("qua-han", direction="lower")
    c1 = criterion(plan, digitised, 1, 90, 10)
    c2 = criterion(plan, overdue, 2, 2, 10, comparison="lte", rule="linear", worst=Decimal(10))
    for month in (1, 2, 3):
        read(a, digitised, period, month, 95, 100)
        read(a, overdue, period, month, 5, 100)
        read(b, digitised, period, month, 80, 100)
    recompute_period(period=period)
    return plan, period, group, a, b, c1, c2


def test_the_standings_page_shows_rank_ratio_completeness_and_colours(client, org, scored):
    plan, period, group, a, b, c1, c2 = scored
    client.force_login(org.noi_vu)
    response = client.get(reverse("scoring:standing_list", args=[period.pk]))
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "Xã An Bình" in html and "Xã Bình Minh" in html
    assert "81,25%" in html  # A: 10 + 6,25 = 16,25 of 20
    assert "16,25/20,00" in html
    assert "6/6" in html  # A: 2 indicators × 3 months
    assert "3/6 chưa đủ" in html  # B entered only one of its two indicators
    assert "score-close" in html and "score-far" in html
    assert html.index("Xã An Bình") < html.index("Xã Bình Minh")


def test_search_and_group_filter(client, org, scored):
    plan, period, group, a, b, c1, c2 = scored
    client.force_login(org.noi_vu)
    url = reverse("scoring:standing_list", args=[period.pk])
    html = client.get(url, {"q": "Minh", "khoi": group.pk}).content.decode()
    assert "Xã Bình Minh" in html and "Xã An Bình</a>" not in html


def test_tied_participants_show_the_same_rank_and_a_badge(client, org, scored):
    plan, period, group, a, b, c1, c2 = scored
    for month in (1, 2, 3):
        b.readings.filter(indicator=c1.indicator, window_start__month=month).update(numerator=95)
        read(b, c2.indicator, period, month, 5, 100)
    recompute_period(period=period)
    assert list(Standing.objects.filter(period=period).values_list("rank", "tied")) == [(1, True), (1, True)]
    client.force_login(org.noi_vu)
    html = client.get(reverse("scoring:standing_list", args=[period.pk])).content.decode()
    assert html.count("đồng hạng</span>") == 2


def test_the_drill_down_explains_every_point(client, org, scored):
    plan, period, group, a, b, c1, c2 = scored
    client.force_login(org.staff_a)
    response = client.get(reverse("scoring:standing_detail", args=[period.pk, a.pk]))
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "Tỷ lệ 95,00% (285/300) ≥ chỉ tiêu 90,00% → đạt 10,00/10,00 điểm" in html
    assert "6,25/10,00 điểm" in html
    assert "95/100 = 95,00%" in html  # January's reading, by window
    assert "Tháng 01/2024" in html
    charts = json.loads(response.context["charts"] and json.dumps(response.context["charts"]))
    assert charts[0]["datasets"][0]["data"] == [95.0, 95.0, 95.0]
    assert charts[0]["datasets"][1]["data"] == [90.0, 90.0, 90.0]
    assert 'id="participant-charts"' in html and "js/charts.js" in html and "chart.umd.min.js" in html
    assert "<script>" not in html  # CSP: no inline script


def test_missing_windows_are_shown_as_missing_in_the_drill_down(client, org, scored):
    plan, period, group, a, b, c1, c2 = scored
    client.force_login(org.chairman_b)
    html = client.get(reverse("scoring:standing_detail", args=[period.pk, b.pk])).content.decode()
    assert "thiếu</td>" in html
    assert "Chưa có số liệu trong đợt" in html


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("staff_a", HTTPStatus.NOT_FOUND),  # nhập liệu of commune A: B's drill-down does not exist for it
        ("nobody", HTTPStatus.NOT_FOUND),  # another district: the period itself is out of scope
        ("staff_b", HTTPStatus.OK),
        ("noi_vu", HTTPStatus.OK),  # Home Affairs reads its subtree
    ],
)
def test_who_may_read_commune_b_drill_down(client, org, scored, who, expected):
    plan, period, group, a, b, c1, c2 = scored
    client.force_login(getattr(org, who))
    assert client.get(reverse("scoring:standing_detail", args=[period.pk, b.pk])).status_code == expected


def test_out_of_scope_periods_answer_404_on_every_page(client, org, scored):
    plan, period, group, a, b, c1, c2 = scored
    client.force_login(org.nobody)
    for name in ("standing_list", "standing_charts", "standing_export", "reading_export"):
        assert client.get(reverse(f"scoring:{name}", args=[period.pk])).status_code == HTTPStatus.NOT_FOUND


def test_anonymous_users_are_sent_to_login(client, scored):
    period = scored[1]
    response = client.get(reverse("scoring:standing_list", args=[period.pk]))
    assert response.status_code == HTTPStatus.FOUND and "dang-nhap" in response["Location"]


def test_staff_of_a_sees_only_its_own_row_of_a_district_plan(client, org, scored):
    plan, period, group, a, b, c1, c2 = scored
    client.force_login(org.staff_a)
    html = client.get(reverse("scoring:standing_list", args=[period.pk])).content.decode()
    assert "Xã An Bình" in html and "Xã Bình Minh" not in html


def test_pending_recompute_is_announced(client, org, scored):
    plan, period = scored[0], scored[1]
    RecomputeRequest.objects.create(plan=plan)
    client.force_login(org.noi_vu)
    assert "Đang tính lại điểm" in client.get(reverse("scoring:standing_list", args=[period.pk])).content.decode()


def test_plan_charts_pool_participants_and_compare_periods(client, org, scored):
    plan, period, group, a, b, c1, c2 = scored
    client.force_login(org.noi_vu)
    response = client.get(reverse("scoring:standing_charts", args=[period.pk]))
    assert response.status_code == HTTPStatus.OK
    first = response.context["charts"][0]
    assert first["datasets"][0]["data"] == [87.5, 87.5, 87.5]  # (95 + 80) / 200 each month
    comparison = response.context["comparison"]
    assert comparison["datasets"][0]["label"] == period.name
    assert comparison["datasets"][0]["data"][0] == 50.0  # A 10 of 10, B 0 of 10
    assert "Xếp hạng" in client.get(reverse("scoring:standing_index")).content.decode()


def test_standings_page_queries_do_not_grow_with_participants(client, org, django_assert_max_num_queries):
    plan, period, group, a, b = small_plan(org)
    ind = indicator("so-hoa")
    criterion(plan, ind, 1, 90, 10)
    people = [PersonFactory(unit=org.commune_a, full_name=f"Nguyễn Văn {i:03d}") for i in range(498)]
    Participant.objects.bulk_create(
        [
            Participant(
                plan=plan,
                kind="individual",
                person=p,
                unit=p.unit,
                group=group,
                name=p.full_name,
                unit_name=p.unit.name,
            )
            for p in people
        ]
    )
    assert recompute_period(period=period) == 500
    client.force_login(org.noi_vu)
    url = reverse("scoring:standing_list", args=[period.pk])
    with django_assert_max_num_queries(15):
        response = client.get(url, {"loai": "ca-nhan"})
    assert response.status_code == HTTPStatus.OK
    assert response.context["paginator"].count == 498  # the individuals' list; the 2 communes are the other tab
    with django_assert_max_num_queries(15):
        client.get(url, {"loai": "ca-nhan", "page": 10})
    with django_assert_max_num_queries(15):
        client.get(reverse("scoring:standing_charts", args=[period.pk]))
