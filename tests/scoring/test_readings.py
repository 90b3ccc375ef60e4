"""Saving, sending, returning and locking readings: validation, versions, conflicts, history, warnings."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from campaigns.models import Period
from scoring.models import Reading
from scoring.plausibility import Figures, reading_warnings
from scoring.services.readings import (
    ConflictError,
    return_window,
    save_reading,
    save_window_readings,
    submit_window,
)
from tests.scoring.entry_fixtures import entry_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(org):
    return entry_world(org)


def _save(world, user, indicator=None, window=None, participant=None, **figures):
    return save_reading(
        user=user,
        participant=participant or world.commune_a,
        indicator=indicator or world.on_time,
        period=world.period,
        window_start=(window or world.current).start,
        **figures,
    )


def test_a_rate_is_saved_as_two_integers_with_its_author_and_history(org, world):
    reading = _save(world, org.staff_a, numerator=45, denominator=50, note="Theo Cổng DVC")
    assert (reading.numerator, reading.denominator, reading.value) == (45, 50, None)
    assert reading.rate == Decimal(90)
    assert reading.status == Reading.Status.DRAFT and reading.version == 1
    assert reading.entered_by == org.staff_a and reading.window_end == world.current.end
    record = reading.history.get()
    assert record.history_type == "+" and record.history_user == org.staff_a


@pytest.mark.parametrize(
    ("figures", "field", "message"),
    [
        ({"numerator": 51, "denominator": 50}, "numerator", "Tử số (51) không được lớn hơn mẫu số (50)."),
        (
            {"numerator": -1, "denominator": 50},
            "numerator",
            "Số hồ sơ đúng hạn phải là số nguyên không âm, đang có “-1”.",
        ),
        (
            {"numerator": "abc", "denominator": 50},
            "numerator",
            "Số hồ sơ đúng hạn phải là số nguyên không âm, đang có “abc”.",
        ),
        ({"numerator": 5}, "denominator", "Phải nhập cả tử số và mẫu số."),
    ],
)
def test_bad_rates_are_refused_in_vietnamese_and_nothing_is_saved(org, world, figures, field, message):
    with pytest.raises(ValidationError) as error:
        _save(world, org.staff_a, **figures)
    assert error.value.message_dict[field] == [message]
    assert not Reading.objects.exists()


def test_counts_are_whole_and_not_negative_and_yes_no_is_zero_or_one(org, world):
    with pytest.raises(ValidationError):
        _save(world, org.staff_a, indicator=world.events, value=-2)
    with pytest.raises(ValidationError):
        _save(world, org.staff_a, indicator=world.events, value="2.5")
    with pytest.raises(ValidationError) as error:
        _save(world, org.staff_a, indicator=world.report, value=2)
    assert "nhập 1 (có) hoặc 0 (không)" in error.value.message_dict["value"][0]
    assert _save(world, org.staff_a, indicator=world.events, value=0).value == 0
    assert _save(world, org.staff_a, indicator=world.report, value=1).value == 1


def test_an_indicator_that_does_not_apply_to_the_participant_is_refused(org, world):
    with pytest.raises(ValidationError, match="không áp dụng"):
        _save(world, org.staff_a, participant=world.person_a, indicator=world.events, value=2)


def test_saving_needs_the_right_role_and_an_open_window(org, world):
    with pytest.raises(PermissionDenied):
        _save(world, org.staff_b, numerator=1, denominator=2)
    with pytest.raises(PermissionDenied):
        _save(world, org.noi_vu, numerator=1, denominator=2)
    with pytest.raises(PermissionDenied, match="Đã hết hạn nhập"):
        _save(world, org.staff_a, window=world.expired, numerator=1, denominator=2)
    assert not Reading.objects.exists()


def test_each_change_bumps_the_version_and_equal_figures_change_nothing(org, world):
    first = _save(world, org.staff_a, numerator=45, denominator=50)
    second = _save(world, org.staff_a, numerator=46, denominator=50, expected_version=1)
    assert second.version == 2 and second.changed
    again = _save(world, org.staff_a, numerator=46, denominator=50, expected_version=2)
    assert again.version == 2 and not again.changed
    assert first.history.count() == 2


def test_a_concurrent_save_raises_a_conflict_carrying_the_other_persons_figures(org, world):
    _save(world, org.staff_a, numerator=45, denominator=50)  # both opened the page at version 1
    _save(world, org.admin_a, numerator=40, denominator=50, expected_version=1)
    with pytest.raises(ConflictError) as conflict:
        _save(world, org.staff_a, numerator=47, denominator=50, expected_version=1)
    assert conflict.value.current["numerator"] == 40 and conflict.value.current_version == 2
    assert "admin_a" in conflict.value.message and "40/50" in conflict.value.message
    assert Reading.objects.get().numerator == 40


def test_creating_a_reading_someone_else_just_created_is_a_conflict(org, world):
    _save(world, org.admin_a, numerator=40, denominator=50)
    with pytest.raises(ConflictError):
        _save(world, org.staff_a, numerator=47, denominator=50, expected_version=0)


def test_the_grid_saves_every_row_or_none(org, world):
    _save(world, org.admin_a, indicator=world.events, value=3)
    rows = [
        {"indicator": world.on_time, "numerator": 10, "denominator": 10, "expected_version": 0},
        {"indicator": world.events, "value": 4, "expected_version": 0},  # stale: admin saved version 1
    ]
    with pytest.raises(ConflictError):
        save_window_readings(
            user=org.staff_a,
            participant=world.commune_a,
            period=world.period,
            window_start=world.current.start,
            rows=rows,
        )
    assert Reading.objects.count() == 1 and Reading.objects.get().value == 3


def test_clearing_a_row_in_the_grid_deletes_the_reading_and_the_history_keeps_it(org, world):
    reading = _save(world, org.staff_a, indicator=world.events, value=3)
    save_window_readings(
        user=org.staff_a,
        participant=world.commune_a,
        period=world.period,
        window_start=world.current.start,
        rows=[{"indicator": world.events, "value": None, "expected_version": 1}],
    )
    assert not Reading.objects.exists()
    assert [record.history_type for record in Reading.history.filter(id=reading.pk)] == ["-", "+"]


def test_soft_warnings_never_block_saving(org, world):
    last_month = world.windows[1]
    Reading.objects.create(
        participant=world.commune_a,
        indicator=world.on_time,
        period=world.period,
        window_start=last_month.start,
        window_end=last_month.end,
        numerator=90,
        denominator=100,
    )
    reading = _save(world, org.staff_a, numerator=40, denominator=100, check_again=True, note="Đã kiểm tra")
    assert reading.pk and reading.check_again
    assert any("Tỷ lệ thay đổi 50,00 điểm phần trăm" in warning for warning in reading.warnings)


def test_plausibility_rules():
    previous = [Figures(numerator=45, denominator=50)]
    assert reading_warnings(kind="rate", current=Figures(44, 50), previous=previous) == []
    assert len(reading_warnings(kind="rate", current=Figures(10, 50), previous=previous)) == 1
    far = reading_warnings(kind="rate", current=Figures(450, 500), previous=previous)
    assert far == ["Mẫu số 500 khác xa trung bình 1 kỳ trước (50)."]
    assert reading_warnings(
        kind="count",
        current=Figures(value=Decimal(40)),
        previous=[Figures(value=Decimal(3)), Figures(value=Decimal(4))],
    )
    assert reading_warnings(kind="count", current=Figures(value=Decimal(4)), previous=[]) == []
    assert (
        reading_warnings(kind="boolean", current=Figures(value=Decimal(0)), previous=[Figures(value=Decimal(1))]) == []
    )


def _fill(world, user, **overrides):
    figures = {"on_time": {"numerator": 0, "denominator": 0}, "events": {"value": 0}, "report": {"value": 0}}
    figures.update(overrides)
    for name, values in figures.items():
        if values is not None:
            _save(world, user, indicator=getattr(world, name), **values)


def test_submit_only_when_complete_and_zero_counts_as_present(org, world):
    _fill(world, org.staff_a, report=None)
    with pytest.raises(ValidationError, match="còn thiếu: Gửi báo cáo đúng hạn"):
        submit_window(
            user=org.staff_a, participant=world.commune_a, period=world.period, window_start=world.current.start
        )
    assert not Reading.objects.filter(status=Reading.Status.SUBMITTED).exists()
    _save(world, org.staff_a, indicator=world.report, value=0)
    sent = submit_window(
        user=org.staff_a, participant=world.commune_a, period=world.period, window_start=world.current.start
    )
    assert len(sent) == 3
    assert set(Reading.objects.values_list("status", flat=True)) == {Reading.Status.SUBMITTED}


def test_a_sent_month_is_read_only_until_the_leader_returns_it_with_a_reason(org, world):
    _fill(world, org.staff_a)
    submit_window(user=org.staff_a, participant=world.commune_a, period=world.period, window_start=world.current.start)
    with pytest.raises(PermissionDenied, match="Đã được gửi"):
        _save(world, org.staff_a, indicator=world.events, value=5)
    with pytest.raises(PermissionDenied):
        return_window(
            user=org.staff_a,
            participant=world.commune_a,
            period=world.period,
            window_start=world.current.start,
            reason="Sai số",
        )
    with pytest.raises(ValidationError):
        return_window(
            user=org.chairman_a,
            participant=world.commune_a,
            period=world.period,
            window_start=world.current.start,
            reason=" ",
        )
    return_window(
        user=org.chairman_a,
        participant=world.commune_a,
        period=world.period,
        window_start=world.current.start,
        reason="Số buổi tuyên truyền chưa đúng",
    )
    reading = _save(world, org.staff_a, indicator=world.events, value=5)
    assert reading.status == Reading.Status.DRAFT
    reasons = list(reading.history.values_list("history_change_reason", flat=True))
    assert "Trả lại: Số buổi tuyên truyền chưa đúng" in reasons


def test_a_closed_period_locks_every_reading_without_rewriting_them(org, world):
    _fill(world, org.staff_a)
    before = (Reading.history.count(), list(Reading.objects.values_list("pk", "status", "version")))
    world.period.status = Period.Status.CLOSED
    world.period.save()
    with pytest.raises(PermissionDenied, match="Đã chốt kỳ"):
        _save(world, org.staff_a, indicator=world.events, value=9)
    assert (Reading.history.count(), list(Reading.objects.values_list("pk", "status", "version"))) == before
