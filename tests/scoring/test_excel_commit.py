"""Committing an Excel import in bulk: an audit row per changed reading, all or nothing on a conflict, unchanged rows
untouched, standings up to date at once, and a query count that does not grow with the rows of the file."""

from __future__ import annotations

import dataclasses
import io
import zipfile
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import Workbook

from scoring import excel
from scoring.excel import parse_readings
from scoring.models import Reading, Score, Standing
from scoring.selectors import standings_for
from scoring.services.readings import ConflictError, import_readings, save_reading
from scoring.services.scores import recompute_period
from tests.factories import PersonFactory, individual
from tests.scoring.entry_fixtures import entry_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(org):
    return entry_world(org)


def _workbook(world, rows) -> io.BytesIO:
    """A file in the template's layout: rows of (participant, indicator, window, {column letter: value})."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = excel.SHEET
    sheet.append(["SỐ LIỆU THI ĐUA"])
    sheet.append([world.period.name])
    sheet.append([""])
    sheet.append([str(title) for _letter, title, _width in excel.HEADERS])
    for participant, indicator, window, cells in rows:
        values = [
            participant.pk,
            indicator.code,
            window.start.isoformat(),
            participant.name,
            window.label,
            indicator.name,
            indicator.get_kind_display(),
            None,
            None,
            None,
            None,
            "Nháp",
        ]
        for letter, value in cells.items():
            values["ABCDEFGHIJKL".index(letter)] = value
        sheet.append(values)
    meta = workbook.create_sheet(excel.META_SHEET)
    for key, value in [("format", excel.FORMAT), ("plan", world.plan.pk), ("period", world.period.pk)]:
        meta.append([key, value])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def _import(world, user, rows) -> int:
    result = parse_readings(user=user, period=world.period, source=_workbook(world, rows))
    assert not result.errors, result.errors
    return import_readings(user=user, period=world.period, rows=result.rows)


def _snapshot():
    return sorted(
        Reading.objects.values_list(
            "participant_id",
            "indicator_id",
            "window_start",
            "numerator",
            "denominator",
            "value",
            "note",
            "version",
            "entered_by_id",
        )
    )


def test_every_changed_reading_gets_its_own_history_row_signed_by_the_importer(org, world):
    save_reading(
        user=org.admin_a,
        participant=world.commune_a,
        indicator=world.events,
        period=world.period,
        window_start=world.current.start,
        value=3,
    )

    changed = _import(
        world,
        org.staff_a,
        [
            (world.commune_a, world.on_time, world.current, {"H": 45, "I": 50, "K": "Theo Cổng DVC"}),
            (world.commune_a, world.events, world.current, {"J": 5}),
            (world.person_a, world.report, world.current, {"J": 1}),
        ],
    )

    assert changed == 3
    new = Reading.objects.get(indicator=world.on_time)
    assert (new.numerator, new.denominator, new.note, new.version, new.entered_by) == (
        45,
        50,
        "Theo Cổng DVC",
        1,
        org.staff_a,
    )
    edited = Reading.objects.get(indicator=world.events)
    assert (edited.value, edited.version, edited.entered_by) == (5, 2, org.staff_a)
    imported = Reading.history.filter(history_change_reason="Nhập từ tệp Excel")
    assert imported.count() == 3
    assert sorted(imported.values_list("indicator_id", "history_type")) == sorted(
        [(world.on_time.pk, "+"), (world.events.pk, "~"), (world.report.pk, "+")]
    )
    assert set(imported.values_list("history_user_id", flat=True)) == {org.staff_a.pk}
    # The history row holds the figures as imported, so "who changed what" reads right in the history page.
    record = imported.get(indicator_id=world.events.pk)
    assert (record.value, record.version, record.entered_by_id) == (5, 2, org.staff_a.pk)
    assert [r.value for r in edited.history.order_by("history_id")] == [3, 5]


def test_rows_equal_to_what_is_stored_write_nothing(org, world):
    save_reading(
        user=org.admin_a,
        participant=world.commune_a,
        indicator=world.events,
        period=world.period,
        window_start=world.current.start,
        value=3,
    )
    save_reading(
        user=org.admin_a,
        participant=world.commune_a,
        indicator=world.on_time,
        period=world.period,
        window_start=world.current.start,
        numerator=9,
        denominator=10,
    )
    kept = Reading.objects.get(indicator=world.on_time)
    history_before = Reading.history.count()

    changed = _import(
        world,
        org.staff_a,
        [
            (world.commune_a, world.on_time, world.current, {"H": 9, "I": 10}),  # as stored
            (world.commune_a, world.events, world.current, {"J": 4}),  # changed
        ],
    )

    assert changed == 1
    kept.refresh_from_db()
    assert (kept.version, kept.entered_by) == (1, org.admin_a)  # no version bump, still the first author's
    assert Reading.history.count() == history_before + 1
    assert not Reading.history.filter(id=kept.pk, history_change_reason="Nhập từ tệp Excel").exists()

    before = _snapshot()
    assert _import(world, org.staff_a, [(world.commune_a, world.events, world.current, {"J": 4})]) == 0
    assert _snapshot() == before and Reading.history.count() == history_before + 1


def test_a_reading_changed_after_the_preview_rolls_the_whole_import_back(org, world):
    save_reading(
        user=org.admin_a,
        participant=world.commune_a,
        indicator=world.events,
        period=world.period,
        window_start=world.current.start,
        value=3,
    )
    result = parse_readings(
        user=org.staff_a,
        period=world.period,
        source=_workbook(
            world,
            [
                (world.commune_a, world.on_time, world.current, {"H": 45, "I": 50}),
                (world.person_a, world.report, world.current, {"J": 1}),
                (world.commune_a, world.events, world.current, {"J": 5}),
            ],
        ),
    )
    assert not result.errors
    # Meanwhile the administrator corrects the same reading from the entry grid.
    save_reading(
        user=org.admin_a,
        participant=world.commune_a,
        indicator=world.events,
        period=world.period,
        window_start=world.current.start,
        value=7,
    )
    before, history_before = _snapshot(), Reading.history.count()

    with pytest.raises(ConflictError) as conflict:
        import_readings(user=org.staff_a, period=world.period, rows=result.rows)

    assert "Số buổi tuyên truyền" in conflict.value.message and "admin_a" in conflict.value.message
    assert conflict.value.current["value"] == 7
    assert _snapshot() == before  # the two rows before the conflict were not written either
    assert Reading.history.count() == history_before


def test_a_reading_deleted_after_the_preview_is_a_conflict_too(org, world):
    save_reading(
        user=org.admin_a,
        participant=world.commune_a,
        indicator=world.events,
        period=world.period,
        window_start=world.current.start,
        value=3,
    )
    result = parse_readings(
        user=org.staff_a,
        period=world.period,
        source=_workbook(
            world,
            [
                (world.commune_a, world.events, world.current, {"J": 5}),
            ],
        ),
    )
    Reading.objects.all().delete()

    with pytest.raises(ConflictError) as conflict:
        import_readings(user=org.staff_a, period=world.period, rows=result.rows)

    assert "vừa bị người khác xóa" in conflict.value.message
    assert not Reading.objects.exists()


def test_a_window_sent_after_the_preview_refuses_the_import(org, world):
    result = parse_readings(
        user=org.staff_a,
        period=world.period,
        source=_workbook(
            world,
            [
                (world.commune_a, world.events, world.current, {"J": 5}),
            ],
        ),
    )
    save_reading(
        user=org.admin_a,
        participant=world.commune_a,
        indicator=world.on_time,
        period=world.period,
        window_start=world.current.start,
        numerator=1,
        denominator=1,
    )
    Reading.objects.update(status=Reading.Status.SUBMITTED)
    before = _snapshot()

    with pytest.raises(PermissionDenied, match="Đã được gửi/phê duyệt"):
        import_readings(user=org.staff_a, period=world.period, rows=result.rows)

    assert _snapshot() == before


def test_rows_naming_the_same_reading_twice_are_refused_whole(org, world):
    result = parse_readings(
        user=org.staff_a,
        period=world.period,
        source=_workbook(
            world,
            [
                (world.commune_a, world.events, world.current, {"J": 5}),
                (world.commune_a, world.on_time, world.current, {"H": 1, "I": 2}),
            ],
        ),
    )
    twice = [*result.rows, dataclasses.replace(result.rows[0], row=99, figures={**result.rows[0].figures, "value": 6})]

    with pytest.raises(ValidationError, match="Dòng trùng với dòng 5"):
        import_readings(user=org.staff_a, period=world.period, rows=twice)

    assert not Reading.objects.exists()


def test_a_damaged_data_sheet_is_reported_not_a_server_error(org, world):
    buffer = _workbook(world, [(world.commune_a, world.events, world.current, {"J": 5})])
    source, damaged = zipfile.ZipFile(buffer), io.BytesIO()
    with zipfile.ZipFile(damaged, "w") as out:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", b'<row r="9"><c r="A9"><v>1</v></row></sheetData>')
            out.writestr(item, data)
    damaged.seek(0)

    result = parse_readings(user=org.staff_a, period=world.period, source=damaged)

    assert [error.message for error in result.errors] == [
        "Không đọc được tệp Excel: tệp hỏng hoặc không đúng định dạng .xlsx."
    ]
    assert not result.rows


def test_standings_show_the_imported_figures_at_once(org, world):
    rows = [
        (world.commune_a, world.on_time, world.current, {"H": 95, "I": 100}),
        (world.commune_a, world.events, world.current, {"J": 2}),
        (world.commune_a, world.report, world.current, {"J": 1}),
        (world.person_a, world.on_time, world.current, {"H": 10, "I": 100}),
        (world.person_a, world.report, world.current, {"J": 0}),
    ]

    assert _import(world, org.staff_a, rows) == len(rows)

    events = Score.objects.get(participant=world.commune_a, criterion__indicator=world.events)
    assert events.value == Decimal(2) and events.points == Decimal(30)
    imported = {s.participant_id: (s.total_points, s.rank) for s in standings_for(period=world.period)}
    assert imported[world.commune_a.pk][0] > imported[world.person_a.pk][0] > 0
    # The same standings page a full recompute of the period gives: nothing is left stale by the bulk write.
    recompute_period(period=world.period)
    # (the full recompute also writes a standing for commune B, which has no reading: it ranks after A)
    mine = {world.commune_a.pk, world.person_a.pk}
    assert {
        s.participant_id: (s.total_points, s.rank)
        for s in standings_for(period=world.period)
        if s.participant_id in mine
    } == imported


def _crowd(org, world, people: int) -> list:
    participants = [individual(world.plan, PersonFactory(unit=org.section_a)) for _ in range(people)]
    return [
        (participant, indicator, world.current, cells)
        for participant in participants
        for indicator, cells in ((world.on_time, {"H": 40, "I": 50}), (world.report, {"J": 1}))
    ]


# 24 queries on PostgreSQL for 20 rows as for 200 (parse, lock, one read, one write, one history insert, the
# recompute); on SQLite the score writer splits 100 participants' scores into a few statements (its parameter limit).
QUERY_BUDGET = 28


@pytest.mark.parametrize("people", [10, 100])  # 20 rows and 200 rows, under the same bound
def test_the_import_query_count_does_not_grow_with_the_rows(org, world, people, django_assert_max_num_queries):
    rows = _crowd(org, world, people)
    first, second = (
        _workbook(world, rows),
        _workbook(
            world,
            [
                (participant, indicator, window, {"H": 45, "I": 50} if "H" in cells else {"J": 0})
                for participant, indicator, window, cells in rows
            ],
        ),
    )
    users = get_user_model().objects

    staff = users.get(pk=org.staff_a.pk)  # a fresh user object: its role cache starts empty
    with django_assert_max_num_queries(QUERY_BUDGET):
        result = parse_readings(user=staff, period=world.period, source=first)
        assert import_readings(user=staff, period=world.period, rows=result.rows) == 2 * people  # all new
    staff = users.get(pk=org.staff_a.pk)
    with django_assert_max_num_queries(QUERY_BUDGET):
        result = parse_readings(user=staff, period=world.period, source=second)
        assert import_readings(user=staff, period=world.period, rows=result.rows) == 2 * people  # all changed

    assert Reading.objects.filter(version=2, numerator=45).count() == people
    assert Reading.history.filter(history_change_reason="Nhập từ tệp Excel").count() == 4 * people
    assert Standing.objects.filter(period=world.period).count() == people
