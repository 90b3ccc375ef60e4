"""Standings and exports roll history up to a merger's successor (issue 20, point 4): three communes merge into a new
one; its standings page offers "Gộp lịch sử các đơn vị trước sáp nhập", which shows the three old communes' rows of
the earlier period under their old names and with the ranks they had in their own list then (scoring.selectors), not
re-ranked into today's list; the Excel export carries the same rows on a sheet of its own."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse

from campaigns.models import Period
from campaigns.org import merge
from scoring import selectors
from scoring.exports import HISTORY_TITLE
from scoring.services.scores import freeze_standings, recompute_period
from tests.factories import GroupFactory, PeriodFactory, PlanFactory, collective, make_unit, member
from tests.scoring.scoring_helpers import criterion, indicator, read, small_plan

pytestmark = pytest.mark.django_db

ON = dt.date(2024, 7, 1)
TOGGLE = "Gộp lịch sử các đơn vị trước sáp nhập"


@pytest.fixture
def merged(org):
    """Đợt 1 (Q1 2024): communes A, B, D and F ranked A 1, D 2, F 3, B 4. On 01/07/2024 A, B and D merge into the new
    Xã Sông Mới (S). The next plan's Đợt 2 (Q3 2024): S and F, ranked S 1, F 2."""
    plan, first, group, a, b = small_plan(org)
    commune_d = make_unit("T-H-D", "Xã Đông Sơn", "xa", org.district)
    commune_f = make_unit("T-H-F", "Xã Phú Lâm", "xa", org.district)
    d, f = collective(plan, commune_d, group), collective(plan, commune_f, group)
    c1, c2 = indicator("so-hoa"), indicator("mot-cua")
    criterion(plan, c1, 1, 90, 10)
    criterion(plan, c2, 2, 90, 10)
    values = {a: (95, 95), d: (95, 50), f: (50, 95), b: (50, 50)}  # per participant: c1, c2 (of 100)
    for participant, (v1, v2) in values.items():
        for month in (1, 2, 3):
            read(participant, c1, first, month, v1, 100)
            read(participant, c2, first, month, v2, 100)
    recompute_period(period=first)

    admin = member(org.district, "quan_tri", "admin_huyen")
    successor = merge.merge_units(
        by=admin,
        units=[org.commune_a, org.commune_b, commune_d],
        new_successor=merge.NewUnit(code="T-H-S", name="Xã Sông Mới", kind="xa", parent=org.district),
        on=ON,
        memberships=merge.END,
    )
    # The next plan lists the communes as they are after the merger.
    later = PlanFactory(issuer=org.district, start=dt.date(2024, 7, 1), end=dt.date(2024, 12, 31), status="active")
    second = PeriodFactory(plan=later, name="Đợt 2", start=dt.date(2024, 7, 1), end=dt.date(2024, 9, 30))
    later_group = GroupFactory(plan=later, name="Khối xã")
    criterion(later, c1, 1, 90, 10)
    criterion(later, c2, 2, 90, 10)
    s, f = collective(later, successor, later_group), collective(later, commune_f, later_group)
    for participant, (v1, v2) in {s: (95, 95), f: (50, 50)}.items():
        for month in (7, 8, 9):
            read(participant, c1, second, month, v1, 100)
            read(participant, c2, second, month, v2, 100)
    recompute_period(period=second)
    chairman = member(successor, "lanh_dao", "chairman_s", title="Chủ tịch")
    return {
        "plan": plan,
        "first": first,
        "second": second,
        "old": {"Xã An Bình": a, "Xã Đông Sơn": d, "Xã Bình Minh": b},
        "f": f,
        "chairman": chairman,
        "chairman_f": member(commune_f, "lanh_dao", "chairman_f"),
    }


def test_the_successors_page_offers_the_roll_up_and_shows_nothing_old_until_asked(client, merged):
    client.force_login(merged["chairman"])
    page = client.get(reverse("scoring:standing_list", args=[merged["second"].pk])).content.decode()
    assert TOGGLE in page and "Xã Sông Mới" in page
    assert "trước sáp nhập:" not in page and "Xã Đông Sơn" not in page


def test_the_roll_up_shows_the_merged_communes_under_their_old_names_and_their_ranks_then(client, merged):
    first, second = merged["first"], merged["second"]
    client.force_login(merged["chairman"])

    page = client.get(reverse("scoring:standing_list", args=[second.pk]), {"gop": "1"}).content.decode()

    history = page[page.index("Xã Sông Mới") :]
    for name, participant in merged["old"].items():
        then = selectors.standing_of(period=first, participant=participant)  # the rank the period's list gives
        assert f"trước sáp nhập:</span> {name}" in history
        at = history.index(f"</span> {name}")
        row = history[history.rfind("<tr", 0, at) : at]
        assert f"{then.rank}/4" in row
    assert [selectors.standing_of(period=first, participant=p).rank for p in merged["old"].values()] == [1, 2, 4]
    assert first.name in history and merged["plan"].title in history  # labelled with the period and plan then
    # Not re-ranked: today's list is still S and F, ranked 1 and 2 among two.
    today = list(selectors.standings_for(period=second))
    assert [(s.name, s.rank, s.list_size) for s in today] == [("Xã Sông Mới", 1, 2), ("Xã Phú Lâm", 2, 2)]


def test_a_closed_earlier_period_shows_its_frozen_ranks_and_list_size(client, merged):
    first = merged["first"]
    freeze_standings(period=first)
    Period.objects.filter(pk=first.pk).update(status=Period.Status.CLOSED)
    history = selectors.merged_history(period=merged["second"], user=merged["chairman"])
    assert [(row.name, row.rank, row.list_size) for row in next(iter(history.values()))] == [
        ("Xã An Bình", 1, 4),
        ("Xã Đông Sơn", 2, 4),
        ("Xã Bình Minh", 4, 4),
    ]
    client.force_login(merged["chairman"])
    page = client.get(reverse("scoring:standing_list", args=[merged["second"].pk]), {"gop": "1"}).content.decode()
    assert "4/4" in page


def test_someone_who_does_not_see_the_old_communes_gets_none_of_their_rows(client, merged):
    client.force_login(merged["chairman_f"])
    page = client.get(reverse("scoring:standing_list", args=[merged["second"].pk]), {"gop": "1"}).content.decode()
    assert "Xã An Bình" not in page and "Xã Đông Sơn" not in page


def test_the_export_carries_the_roll_up_on_its_own_sheet(client, merged):
    client.force_login(merged["chairman"])
    response = client.get(reverse("scoring:standing_export", args=[merged["second"].pk]), {"gop": "1"})
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book[HISTORY_TITLE]
    rows = [row for row in sheet.iter_rows(values_only=True) if row and row[0] == "Xã Sông Mới"]
    assert [(row[1], row[3], row[4], row[5]) for row in rows] == [
        ("Xã An Bình", merged["first"].name, 1, 4),
        ("Xã Đông Sơn", merged["first"].name, 2, 4),
        ("Xã Bình Minh", merged["first"].name, 4, 4),
    ]
    plain = client.get(reverse("scoring:standing_export", args=[merged["second"].pk]))
    assert HISTORY_TITLE not in openpyxl.load_workbook(io.BytesIO(b"".join(plain.streaming_content))).sheetnames


def test_the_roll_up_page_keeps_a_query_budget(client, merged, django_assert_max_num_queries):
    client.force_login(merged["chairman"])
    with django_assert_max_num_queries(25):
        client.get(reverse("scoring:standing_list", args=[merged["second"].pk]), {"gop": "1"})
