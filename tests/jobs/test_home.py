"""The home page tells each person what waits for them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from planning.services.closing import close_period

pytestmark = pytest.mark.django_db


def test_the_chairman_sees_the_proposals_waiting_after_a_close(client, org, closing_plan):
    close_period(period=closing_plan.period, by=org.chairman_a)
    closing_plan.plan.end = dt.date(timezone.localdate().year, 12, 31)  # a plan of this year: its work is current
    closing_plan.plan.save()
    client.force_login(org.chairman_a)
    page = client.get(reverse("home")).content.decode()
    assert "Xem xét đề xuất khen thưởng — Đợt 1" in page
    assert reverse("awards:nomination_list", args=[closing_plan.period.pk]) in page
    assert "đã được chốt" in page  # the unread notice


def test_a_past_plans_proposals_are_not_a_to_do(client, org, closing_plan):
    close_period(period=closing_plan.period, by=org.chairman_a)  # a 2024 plan, seen in a later year
    for user in (org.chairman_a, org.staff_a):
        client.force_login(user)
        page = client.get(reverse("home")).content.decode()
        assert "Đợt 1" not in page.split("Thông báo mới")[0]
        assert "Không có việc nào đang chờ bạn" in page


def test_office_staff_see_the_readings_still_missing_this_month(client, org, closing_plan, settings):
    plan = closing_plan.plan
    today = timezone.localdate()
    plan.end = dt.date(today.year, 12, 31)
    plan.start = dt.date(today.year - 1, 1, 1)
    plan.save()
    period = closing_plan.period
    period.end = dt.date(today.year, 12, 31)
    period.save()
    client.force_login(org.staff_a)
    page = client.get(reverse("home")).content.decode()
    assert "Nhập số liệu Tháng" in page
    assert reverse("scoring:entry_dashboard", args=[period.pk]) in page
    client.force_login(org.staff_b)  # another commune has nothing to do here
    assert "Nhập số liệu Tháng" not in client.get(reverse("home")).content.decode()


def test_home_affairs_is_pointed_to_its_read_only_view(client, org):
    client.force_login(org.noi_vu)
    page = client.get(reverse("home")).content.decode()
    assert reverse("awards:home_affairs") in page and "chỉ xem" in page
