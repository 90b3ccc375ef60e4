"""Who may change a reading, and when: roles, closed periods, deadlines and grace days, lock exceptions, sent months."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from campaigns.models import Period, Plan
from scoring.access import can_edit_reading, grant_lock_exception
from scoring.models import LockException, Reading
from tests.scoring.entry_fixtures import entry_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(org):
    return entry_world(org)


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _access(world, user, participant=None, window=None, now=None):
    participant = participant or world.commune_a
    window = window or world.current
    return can_edit_reading(user=user, participant=participant, period=world.period, window_start=window.start, now=now)


def test_office_staff_and_administrator_of_the_commune_may_edit_its_open_window(org, world):
    assert _access(world, org.staff_a).allowed
    assert _access(world, org.admin_a).allowed
    assert _access(world, org.staff_a, participant=world.person_a).allowed  # an individual of a section of commune A


def test_staff_of_another_commune_may_not(org, world):
    access = _access(world, org.staff_b)
    assert not access.allowed
    assert access.reason == "Bạn không có quyền nhập số liệu của đơn vị này."


def test_home_affairs_never_edits_and_chairman_does_not_type(org, world):
    home_affairs = _access(world, org.noi_vu)
    assert not home_affairs.allowed and "Nội vụ chỉ được xem" in home_affairs.reason
    assert not _access(world, org.chairman_a).allowed


def test_a_closed_or_closing_period_is_read_only(org, world):
    for status in (Period.Status.CLOSING, Period.Status.CLOSED):
        world.period.status = status
        world.period.save()
        access = _access(world, org.staff_a)
        assert not access.allowed
        assert access.reason.startswith("Đã chốt kỳ")


def test_a_draft_plan_takes_no_readings(org, world):
    world.plan.status = Plan.Status.DRAFT
    world.plan.save()
    assert _access(world, org.staff_a).code == "plan"


def test_window_is_open_from_its_start_until_its_end_plus_the_grace_days(org, world):
    window = world.current
    last_day = window.end + dt.timedelta(days=5)
    assert _access(world, org.staff_a, window=window, now=_at(window.start, 0)).allowed
    assert _access(world, org.staff_a, window=window, now=_at(last_day, 23)).allowed
    late = _access(world, org.staff_a, window=window, now=_at(last_day + dt.timedelta(days=1), 0))
    assert not late.allowed
    assert late.reason == f"Đã hết hạn nhập (hạn cuối {last_day:%d/%m/%Y}, gồm 5 ngày gia hạn)."
    early = _access(world, org.staff_a, window=window, now=_at(window.start - dt.timedelta(days=1)))
    assert not early.allowed and early.code == "not_started"


def test_grace_days_come_from_the_plan(org, world):
    world.plan.grace_days = 0
    world.plan.save()
    window = world.current
    assert _access(world, org.staff_a, window=window, now=_at(window.end, 23)).allowed
    assert not _access(world, org.staff_a, window=window, now=_at(window.end + dt.timedelta(days=1))).allowed


def test_a_window_outside_the_period_is_refused(org, world):
    access = can_edit_reading(
        user=org.staff_a,
        participant=world.commune_a,
        period=world.period,
        window_start=world.current.start + dt.timedelta(days=3),
    )
    assert not access.allowed and access.reason == "Kỳ báo cáo không thuộc đợt này."


def test_lock_exception_reopens_an_expired_window_until_it_expires(org, world):
    assert _access(world, org.staff_a, window=world.expired).code == "expired"
    exception = grant_lock_exception(
        by=org.chairman_a,
        unit=org.commune_a,
        period=world.period,
        window_start=world.expired.start,
        reason="Bổ sung số liệu bị sót",
        expires_at=timezone.now() + dt.timedelta(days=2),
    )
    access = _access(world, org.staff_a, window=world.expired)
    assert access.allowed and access.via_exception
    # It covers the commune's sections' individuals too, but not commune B nor another window.
    assert _access(world, org.staff_a, participant=world.person_a, window=world.expired).allowed
    assert not _access(world, org.staff_b, participant=world.commune_b, window=world.expired).allowed
    assert not _access(
        world, org.staff_a, window=world.windows[1], now=_at(world.windows[1].end + dt.timedelta(days=30))
    ).allowed
    after_expiry = exception.expires_at + dt.timedelta(minutes=1)
    assert _access(world, org.staff_a, window=world.expired, now=after_expiry).code == "expired"


def test_a_district_exception_covers_its_communes(org, world):
    LockException.objects.create(
        unit=org.district,
        period=world.period,
        window_start=world.expired.start,
        reason="Gia hạn chung",
        expires_at=timezone.now() + dt.timedelta(days=1),
        granted_by=org.chairman_a,
    )
    assert _access(world, org.staff_a, window=world.expired).allowed
    assert _access(world, org.staff_b, participant=world.commune_b, window=world.expired).allowed


def test_lock_exception_needs_a_leader_a_reason_and_a_future_expiry(org, world):
    common = {"unit": org.commune_a, "period": world.period, "window_start": world.expired.start}
    with pytest.raises(PermissionDenied):
        grant_lock_exception(
            by=org.staff_a, reason="Xin mở", expires_at=timezone.now() + dt.timedelta(days=1), **common
        )
    with pytest.raises(PermissionDenied):
        grant_lock_exception(
            by=org.chairman_b, reason="Xin mở", expires_at=timezone.now() + dt.timedelta(days=1), **common
        )
    with pytest.raises(ValidationError) as error:
        grant_lock_exception(
            by=org.chairman_a, reason="  ", expires_at=timezone.now() - dt.timedelta(hours=1), **common
        )
    assert set(error.value.message_dict) == {"reason", "expires_at"}
    assert not LockException.objects.exists()


def test_a_sent_window_is_read_only_until_returned(org, world):
    Reading.objects.create(
        participant=world.commune_a,
        indicator=world.events,
        period=world.period,
        window_start=world.current.start,
        window_end=world.current.end,
        value=3,
        status=Reading.Status.SUBMITTED,
    )
    access = _access(world, org.staff_a)
    assert not access.allowed
    assert access.reason.startswith("Đã được gửi/phê duyệt")
    Period.objects.filter(pk=world.period.pk).update(status=Period.Status.CLOSED)
    world.period.refresh_from_db()
    assert _access(world, org.staff_a).code == "closed"
