"""A reading's figures are judged once (scoring.figures.check_figures): the same bad figure typed in the grid or
written in an Excel cell gets the same Vietnamese sentence; the Excel path adds the cell it found it in."""

from __future__ import annotations

import io
from http import HTTPStatus

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from scoring.excel import SHEET
from scoring.models import Reading
from scoring.services.readings import save_reading
from tests.scoring.entry_fixtures import entry_world
from tests.scoring.test_entry_views import _post_data, _url
from tests.scoring.test_excel import _fill, _rows, _template, _upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(org):
    return entry_world(org)


# (indicator, what is typed in the grid, what the Excel cells hold, the field and column of the problem, the sentence)
CASES = [
    (
        "on_time",
        {"on_time": ("-1", "50")},
        {"H": -1, "I": 50},
        ("numerator", "H"),
        "Số hồ sơ đúng hạn phải là số nguyên không âm, đang có “-1”.",
    ),
    (
        "on_time",
        {"on_time": ("51", "50")},
        {"H": 51, "I": 50},
        ("numerator", "H"),
        "Tử số (51) không được lớn hơn mẫu số (50).",
    ),
    (
        "events",
        {"events": "2.5"},
        {"J": 2.5},
        ("value", "J"),
        "Giá trị phải là số nguyên không âm, đang có “2.5”.",
    ),
    (
        "events",
        {"events": "99999999999999"},
        {"J": 99999999999999},
        ("value", "J"),
        "Giá trị quá lớn (tối đa 999.999.999.999), đang có “99999999999999”.",
    ),
    (
        "events",
        {"events": "2,5"},
        {"J": "2,5"},
        ("value", "J"),
        "Giá trị phải là số nguyên không âm, đang có “2,5”.",
    ),
    (
        "events",
        {"events": "1.23"},
        {"J": "1.23"},
        ("value", "J"),
        "Giá trị phải là số nguyên không âm, đang có “1.23”.",
    ),
]


@pytest.mark.parametrize(("indicator", "typed", "cells", "where", "sentence"), CASES)
def test_the_same_bad_figure_gets_the_same_sentence_in_the_grid_and_in_excel(
    client, org, world, indicator, typed, cells, where, sentence
):
    field, column = where
    client.force_login(org.staff_a)

    grid = client.post(_url(world), _post_data(world, **typed))
    assert grid.status_code == HTTPStatus.BAD_REQUEST
    form = next(
        entry["form"] for entry in grid.context["entries"] if entry["row"].indicator == getattr(world, indicator)
    )
    assert form.errors[field] == [sentence]
    assert sentence in grid.content.decode()

    template = _template(client, world)
    content = _fill(template, world, {(world.commune_a, getattr(world, indicator), world.current): cells})
    row = _rows(load_workbook(io.BytesIO(template)))[
        (world.commune_a.pk, getattr(world, indicator).code, world.current.start.isoformat())
    ]
    excel = _upload(client, world, content)
    assert excel.status_code == HTTPStatus.BAD_REQUEST
    [issue] = excel.context["result"].errors
    assert (issue.sheet, issue.cell, issue.message) == (SHEET, f"{column}{row}", sentence)
    assert sentence in excel.content.decode()

    # The service says the same to any other caller, and nothing was written by any path.
    raw = {"numerator": cells.get("H"), "denominator": cells.get("I")} if "H" in cells else {"value": cells["J"]}
    with pytest.raises(ValidationError) as refused:
        save_reading(
            user=org.staff_a,
            participant=world.commune_a,
            indicator=getattr(world, indicator),
            period=world.period,
            window_start=world.current.start,
            **raw,
        )
    assert refused.value.message_dict[field] == [sentence]
    assert not Reading.objects.exists()


def test_good_figures_typed_as_text_or_numbers_are_stored_alike(client, org, world):
    client.force_login(org.staff_a)
    assert client.post(_url(world), _post_data(world, on_time=("45", "50"), events="3")).status_code == 302
    grid = {r.indicator_id: (r.numerator, r.denominator, r.value) for r in Reading.objects.all()}
    Reading.objects.all().delete()
    content = _fill(
        _template(client, world),
        world,
        {
            (world.commune_a, world.on_time, world.current): {"H": 45.0, "I": "50"},
            (world.commune_a, world.events, world.current): {"J": 3},
            (world.commune_a, world.report, world.current): {"J": 1},
        },
    )
    preview = _upload(client, world, content)
    assert preview.status_code == HTTPStatus.OK, preview.context["result"].errors
    commit = client.post(
        reverse("scoring:excel_commit", args=[world.period.pk]),
        {"token": preview.context["token"], "rows": len(preview.context["result"].rows)},
    )
    assert commit.status_code == HTTPStatus.FOUND
    excel = {r.indicator_id: (r.numerator, r.denominator, r.value) for r in Reading.objects.all()}
    assert excel == grid


def test_thousands_separated_by_dots_are_read_as_one_number_in_the_grid_and_in_excel(client, org, world):
    """Issue 19, point 7: "1.234" typed for a count was refused; a Vietnamese writes one thousand two hundred
    thirty-four that way, so the grid and the Excel import both store 1234 (and 1.234.567 for a rate's parts)."""
    client.force_login(org.staff_a)
    grid = client.get(_url(world)).content.decode()
    assert "Có thể gõ 1.234 hoặc 1234" in grid
    assert 'type="number"' not in grid  # a number input would empty "1.234.567" before the server sees it
    saved = client.post(_url(world), _post_data(world, on_time=("1.234", "1.234.567"), events="12.345"))
    assert saved.status_code == HTTPStatus.FOUND
    stored = {r.indicator_id: (r.numerator, r.denominator, r.value) for r in Reading.objects.all()}
    assert stored[world.on_time.pk][:2] == (1234, 1234567)
    assert stored[world.events.pk][2] == 12345
    Reading.objects.all().delete()

    content = _fill(
        _template(client, world),
        world,
        {
            (world.commune_a, world.on_time, world.current): {"H": "1.234", "I": "1.234.567"},
            (world.commune_a, world.events, world.current): {"J": "12.345"},
            (world.commune_a, world.report, world.current): {"J": 1},
        },
    )
    preview = _upload(client, world, content)
    assert preview.status_code == HTTPStatus.OK, preview.context["result"].errors
    client.post(
        reverse("scoring:excel_commit", args=[world.period.pk]),
        {"token": preview.context["token"], "rows": len(preview.context["result"].rows)},
    )
    excel = {r.indicator_id: (r.numerator, r.denominator, r.value) for r in Reading.objects.all()}
    assert excel == stored
