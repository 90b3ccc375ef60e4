"""The home page lists each person's own work, with counts and deadlines, each line linking to where it is done."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from awards.models import Nomination
from scoring.access import entry_deadline
from scoring.services.readings import return_window, save_reading, submit_window
from tests.awards.decision_data import accepted_batch
from tests.factories import PeriodFactory, collective, make_unit
from tests.scoring.entry_fixtures import entry_world

pytestmark = pytest.mark.django_db


def _todos(client, user) -> str:
    client.force_login(user)
    page = client.get(reverse("home")).content.decode()
    return page.split("Việc cần làm", 1)[1].split("Thông báo mới", 1)[0]


def _fill_and_send(org, world):
    for indicator, figures in (
        (world.on_time, {"numerator": 45, "denominator": 50}),
        (world.events, {"value": 3}),
        (world.report, {"value": 1}),
    ):
        save_reading(
            user=org.staff_a,
            participant=world.commune_a,
            indicator=indicator,
            period=world.period,
            window_start=world.current.start,
            **figures,
        )
    submit_window(user=org.staff_a, participant=world.commune_a, period=world.period, window_start=world.current.start)


def test_the_clerk_sees_the_readings_missing_in_the_open_month_with_its_deadline(client, org):
    world = entry_world(org)
    todos = _todos(client, org.staff_a)
    deadline = entry_deadline(world.period, world.current)
    # commune A and its official Trần Thị Hoa are the clerk's; commune B is not
    assert f"Nhập số liệu {world.current.label}" in todos and "2 đối tượng còn thiếu (5 số liệu)" in todos
    assert f"Hạn: hết ngày {deadline:%d/%m/%Y}" in todos
    assert reverse("scoring:entry_dashboard", args=[world.period.pk]) in todos
    assert "Không có việc nào đang chờ bạn" not in todos


def test_last_months_window_stays_a_to_do_until_its_deadline_after_the_period_ended(client, org):
    """The demo's case: the period ended on 30/11, readings of November are due by 05/12 (5 grace days)."""
    world = entry_world(org)
    today = timezone.localdate()
    last_month_end = today.replace(day=1) - dt.timedelta(days=1)
    world.period.end = last_month_end
    world.period.save(update_fields=["end"])
    world.plan.grace_days = (today - last_month_end).days + 1  # the deadline is tomorrow
    world.plan.save(update_fields=["grace_days"])
    todos = _todos(client, org.staff_a)
    assert f"Nhập số liệu Tháng {last_month_end:%m/%Y}" in todos and "(còn 1 ngày)" in todos

    world.plan.grace_days = (today - last_month_end).days - 1  # the deadline was yesterday: nothing to enter
    world.plan.save(update_fields=["grace_days"])
    assert "Không có việc nào đang chờ bạn" in _todos(client, org.staff_a)


def test_returned_readings_are_listed_with_the_reason_until_sent_again(client, org):
    world = entry_world(org)
    _fill_and_send(org, world)
    return_window(
        user=org.chairman_a,
        participant=world.commune_a,
        period=world.period,
        window_start=world.current.start,
        reason="Số buổi tuyên truyền chưa khớp biên bản",
    )
    entry = reverse("scoring:reading_entry", args=[world.period.pk, world.commune_a.pk, world.current.start])
    todos = _todos(client, org.staff_a)
    assert f"Sửa số liệu bị trả lại — Xã An Bình, {world.current.label}: 3 số liệu" in todos
    assert "Lý do: Số buổi tuyên truyền chưa khớp biên bản" in todos and entry in todos
    assert "bị trả lại" not in _todos(client, org.staff_b)

    client.force_login(org.staff_a)
    page = client.get(entry).content.decode()
    banner = page.split('id="returned-banner"', 1)[1].split("</div>", 1)[0]
    assert "Số buổi tuyên truyền chưa khớp biên bản" in banner
    assert "Tỷ lệ hồ sơ giải quyết đúng hạn" in banner and "Số buổi tuyên truyền" in banner  # the rows returned

    submit_window(user=org.staff_a, participant=world.commune_a, period=world.period, window_start=world.current.start)
    assert "bị trả lại" not in _todos(client, org.staff_a)
    assert 'id="returned-banner"' not in client.get(entry).content.decode()


def test_dossiers_to_prepare_and_the_chairmans_steps_are_listed(client, org):
    period, _award, nominations = accepted_batch(org, plan_issued=timezone.localdate())
    period.plan.start, period.plan.end = timezone.localdate().replace(month=1, day=1), timezone.localdate()
    period.plan.save(update_fields=["start", "end"])
    collective_row, first, second = nominations
    Nomination.objects.filter(pk=collective_row.pk).update(status=Nomination.Status.PROPOSED)
    Nomination.objects.filter(pk=first.pk).update(status=Nomination.Status.SUBMITTED)
    # the third stays accepted: a draft decision to prepare

    clerk = _todos(client, org.staff_a)
    assert "Chuẩn bị hồ sơ đề nghị khen thưởng — Đợt 1" in clerk
    assert reverse("awards:nomination_list", args=[period.pk]) in clerk

    chairman = _todos(client, org.chairman_a)
    assert "Xem xét đề xuất khen thưởng — Đợt 1" in chairman
    assert "Xem xét hồ sơ đề nghị khen thưởng đã trình — Đợt 1" in chairman
    assert "Họp Hội đồng Thi đua – Khen thưởng xét hồ sơ — Đợt 1" in chairman
    assert reverse("awards:council_meeting", args=[period.pk]) in chairman
    assert "Lập dự thảo quyết định khen thưởng — Đợt 1" in chairman
    assert reverse("awards:decision_create", args=[period.pk]) in chairman

    assert "Không có việc nào đang chờ bạn" in _todos(client, org.chairman_b)


def test_the_home_pages_queries_do_not_grow_with_units_or_periods(client, org, django_assert_max_num_queries):
    world = entry_world(org)
    client.force_login(org.staff_a)
    with CaptureQueriesContext(connection) as before:
        client.get(reverse("home"))

    for number in range(15):  # more sections of commune A taking part, and more periods, past and closed
        section = make_unit(f"T-H-A-S{number}", f"Thôn {number} xã An Bình", "bo_phan", org.commune_a)
        collective(world.plan, section)
    for year in (2022, 2023):
        PeriodFactory(plan=world.plan, name=f"Đợt {year}", start=dt.date(year, 1, 1), end=dt.date(year, 12, 31))
    with django_assert_max_num_queries(len(before.captured_queries)):
        page = client.get(reverse("home")).content.decode()
    assert "17 đối tượng còn thiếu" in page
    with django_assert_max_num_queries(30):
        client.get(reverse("home"))


def test_home_affairs_sees_the_dossiers_filed_for_its_appraisal(client, org):
    period, _award, nominations = accepted_batch(org, issuer=org.district, plan_issued=timezone.localdate())
    period.plan.start, period.plan.end = timezone.localdate().replace(month=1, day=1), timezone.localdate()
    period.plan.save(update_fields=["start", "end"])
    Nomination.objects.filter(pk__in=[n.pk for n in nominations[:2]]).update(status=Nomination.Status.SUBMITTED)

    todos = _todos(client, org.noi_vu)
    assert "Thẩm định hồ sơ đề nghị khen thưởng — Đợt 1" in todos
    assert reverse("awards:nomination_list", args=[period.pk]) in todos
    assert reverse("awards:home_affairs") in todos  # its read-only view stays one click away
    assert "Thẩm định hồ sơ" not in _todos(client, org.staff_b)
