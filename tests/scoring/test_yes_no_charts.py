"""Issue 19, point 7 (and 9): a Có/Không indicator was charted as a share on a 0–1 axis ("0,6"). The charts page,
the participant's drill-down and the report's PNG now count the answers "Có" (and, on the plan's chart, how many
answered), on a whole-number axis."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.urls import reverse

from planning.reports.charts import chart_png
from scoring.services.scores import recompute_period
from tests.scoring.scoring_helpers import criterion, indicator, read, small_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(org):
    plan, period, group, a, b = small_plan(org)
    report = indicator("bao-cao", kind="boolean", name="Gửi báo cáo đúng hạn")
    criterion(plan, report, 1, 1, 10)
    for month, value in ((1, 1), (2, 1), (3, 0)):
        read(a, report, period, month, value=value)
    for month, value in ((1, 1), (2, 0)):
        read(b, report, period, month, value=value)
    recompute_period(period=period)
    return period, a


def test_the_plan_chart_counts_the_answers_yes_beside_those_who_answered(client, org, answered):
    period, _a = answered
    client.force_login(org.noi_vu)
    response = client.get(reverse("scoring:standing_charts", args=[period.pk]))
    assert response.status_code == HTTPStatus.OK
    [chart] = response.context["charts"]
    assert chart["type"] == "bar" and chart["integer"] is True
    yes, answered_at_all = chart["datasets"]
    assert (yes["label"], yes["data"]) == ("Số trả lời “Có”", [2, 1, 0])
    assert (answered_at_all["label"], answered_at_all["data"]) == ("Số đã trả lời", [2, 2, 1])
    assert chart_png(chart).startswith(b"\x89PNG")  # the report draws the same description
    assert "chỉ số có/không đếm số đối tượng trả lời “Có”" in response.content.decode()


def test_a_participants_yes_no_chart_is_one_bar_per_month_answering_yes(client, org, answered):
    period, a = answered
    client.force_login(org.staff_a)
    response = client.get(reverse("scoring:standing_detail", args=[period.pk, a.pk]))
    [chart] = response.context["charts"]
    assert chart["type"] == "bar" and chart["integer"] is True
    assert chart["datasets"] == [{"label": "Trả lời “Có”", "data": [1.0, 1.0, 0.0]}]
