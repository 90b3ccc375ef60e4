"""The fast sheet reader of the import gives, row for row, what openpyxl's own read-only iteration gives."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from scoring.excel import FIRST_ROW, SHEET, build_template
from scoring.excel_rows import _fast_rows, open_workbook, sheet_rows
from tests.scoring.entry_fixtures import entry_world

SHEET_XML = "xl/worksheets/sheet1.xml"


def _open(content: bytes, lazily: bool = True):
    """The workbook as the import opens it (sheets sized on first use), or as openpyxl's load_workbook does."""
    source = io.BytesIO(content)
    workbook = open_workbook(source) if lazily else load_workbook(source, read_only=True, data_only=True)
    return workbook, workbook[workbook.sheetnames[0]]


def _openpyxl(content: bytes, min_row: int = 1, max_col: int = 12) -> list[tuple]:
    """The reference: openpyxl's own read-only iteration."""
    workbook, sheet = _open(content, lazily=False)
    try:
        return list(sheet.iter_rows(min_row=min_row, max_col=max_col, values_only=True))
    finally:
        workbook.close()


def _fast(content: bytes, min_row: int = 1, max_col: int = 12, limit: int = 10**6, lazily: bool = True) -> list:
    """The fast path alone: it must not hand over to openpyxl for these files."""
    workbook, sheet = _open(content, lazily)
    try:
        return _fast_rows(sheet, min_row=min_row, max_col=max_col, limit=limit)
    finally:
        workbook.close()


def _either(content: bytes, min_row: int = 1, max_col: int = 12, limit: int = 10**6, lazily: bool = True) -> list:
    workbook, sheet = _open(content, lazily)
    try:
        return sheet_rows(sheet, min_row=min_row, max_col=max_col, limit=limit)
    finally:
        workbook.close()


def _save(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _rewrite_sheet(content: bytes, change) -> bytes:
    """The same package with the first sheet's XML passed through ``change``."""
    source, target = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            data = source.read(item.filename)
            out.writestr(item, change(data.decode()).encode() if item.filename == SHEET_XML else data)
    return target.getvalue()


def _mixed_workbook(write_only: bool) -> bytes:
    """Every kind of value a filled template can hold, with gaps, short rows and cells beyond column L."""
    workbook = Workbook(write_only=write_only)
    sheet = workbook.create_sheet("Số liệu") if write_only else workbook.active
    typed_date = dt.datetime(2024, 5, 1)  # noqa: DTZ001 — Excel cells hold naive date-times
    rows = [
        ["tiêu đề"],
        [],
        ["Mã"] * 12,
        [12, "ho-so-dung-han", "2024-05-01", "Xã An Bình", None, None, None, 45, 50, None, "  ghi chú  ", "Nháp"],
        [12, "bao-cao", typed_date, None, None, None, None, None, None, True, None, None],
        [13, "so-buoi", dt.date(2024, 6, 1), None, None, None, None, 4.0, 4.5, 1e20, "#N/A", None, "cột M", "N"],
        [],
        [],
        ["", " ", "0", "-1", "1,5", "٣", "Đ" * 300, "🙂", "<b>&amp;</b>", False, 0, -3],
        [dt.time(10, 30), dt.timedelta(days=2, hours=3), 2**40, -(2**40), 0.1, 1.5e-7],
    ]
    for values in rows:
        sheet.append(values)
    return _save(workbook)


@pytest.mark.parametrize("lazily", [True, False], ids=["sized on first use", "sized on opening"])
@pytest.mark.parametrize("write_only", [False, True], ids=["shared strings", "inline strings, no dimension"])
@pytest.mark.parametrize(("min_row", "max_col"), [(1, 12), (FIRST_ROW, 12), (3, 4)])
def test_mixed_values_gaps_and_wide_rows_read_the_same(write_only, min_row, max_col, lazily):
    content = _mixed_workbook(write_only)
    expected = _openpyxl(content, min_row, max_col)
    assert expected  # the file has rows to compare
    assert _fast(content, min_row, max_col, lazily=lazily) == expected
    assert _either(content, min_row, max_col, lazily=lazily) == expected


def test_a_sheet_without_dimension_is_not_parsed_on_opening_and_sizes_like_openpyxl():
    content = _mixed_workbook(write_only=True)
    assert "<dimension" not in zipfile.ZipFile(io.BytesIO(content)).read(SHEET_XML).decode()
    workbook, sheet = _open(content)
    assert not sheet._sized  # openpyxl would have parsed the whole sheet here to look for its size
    reference, reference_sheet = _open(content, lazily=False)
    assert (sheet.max_row, sheet.max_column) == (reference_sheet.max_row, reference_sheet.max_column) == (None, None)
    with_dimension = _mixed_workbook(write_only=False)
    _lazy, lazy_sheet = _open(with_dimension)
    _eager, eager_sheet = _open(with_dimension, lazily=False)
    assert _fast_rows(lazy_sheet, min_row=1, max_col=12, limit=100)  # the size is found while reading the rows
    assert lazy_sheet._sized
    assert (
        (lazy_sheet.min_row, lazy_sheet.max_row, lazy_sheet.min_column, lazy_sheet.max_column)
        == (eager_sheet.min_row, eager_sheet.max_row, eager_sheet.min_column, eager_sheet.max_column)
        == (1, 10, 1, 14)
    )


def test_the_row_limit_cuts_the_same_rows():
    content = _mixed_workbook(False)
    assert _fast(content, limit=5) == _openpyxl(content)[:5]
    assert _either(content, limit=5) == _openpyxl(content)[:5]


@pytest.mark.django_db
def test_a_downloaded_and_filled_template_reads_the_same(org):
    world = entry_world(org)
    workbook = load_workbook(io.BytesIO(build_template(user=org.staff_a, period=world.period)))
    sheet = workbook[SHEET]
    sheet["H6"], sheet["I6"], sheet["J7"], sheet["K6"] = 45, 50, 3, "Theo Cổng DVC"
    content = _save(workbook)
    # The template's data sheet is its first sheet.
    expected = _openpyxl(content, FIRST_ROW)
    assert len(expected) == 20
    assert _fast(content, FIRST_ROW) == expected


@pytest.mark.parametrize("lazily", [True, False], ids=["sized on first use", "sized on opening"])
def test_a_dimension_smaller_than_the_data_stops_both_readers_there(lazily):
    content = _rewrite_sheet(
        _mixed_workbook(False), lambda xml: re.sub(r'<dimension ref="[^"]+"', '<dimension ref="A1:L6"', xml)
    )
    assert len(_openpyxl(content)) == 6
    assert _fast(content, lazily=lazily) == _openpyxl(content)


def test_rows_and_cells_without_references_and_decimal_row_numbers_read_the_same():
    def strip(xml: str) -> str:
        xml = re.sub(r'<row r="4"', '<row r="4.0"', xml)
        xml = re.sub(r'(<c) r="[A-Z]+5"', r"\1", xml)  # cells of row 5 placed one after another
        return re.sub(r'<row r="9"[^>]*>', "<row>", xml)  # row 9 numbered after the previous row

    content = _rewrite_sheet(_mixed_workbook(True), strip)
    assert _fast(content) == _openpyxl(content)


def test_rich_and_phonetic_inline_text_reads_the_same():
    rich = (
        '<c r="A4" t="inlineStr"><is><t>Xã </t><r><rPr><b/></rPr><t>An</t></r><r><t xml:space="preserve"> Bình'
        '</t></r><rPh sb="0" eb="1"><t>phonetic</t></rPh></is></c>'
    )
    content = _rewrite_sheet(_mixed_workbook(True), lambda xml: re.sub(r'<c r="A4".*?</c>', rich, xml, count=1))
    assert _openpyxl(content)[3][0] == "Xã An Bình"
    assert _fast(content) == _openpyxl(content)


def test_what_the_fast_path_does_not_know_is_read_by_openpyxl():
    doctype = _rewrite_sheet(
        _mixed_workbook(True),
        lambda xml: xml.replace("<worksheet", '<!DOCTYPE worksheet [<!ENTITY x "Xã">]><worksheet', 1).replace(
            ">Xã An Bình<", ">&x; An Bình<"
        ),
    )
    lowercase = _rewrite_sheet(_mixed_workbook(True), lambda xml: xml.replace('r="B4"', 'r="b4"'))
    late_dimension = _rewrite_sheet(
        _mixed_workbook(True), lambda xml: xml.replace("</sheetData>", '<dimension ref="A1:L3"/></sheetData>')
    )  # openpyxl still honours it: 3 rows
    for content in (doctype, lowercase, late_dimension):
        with pytest.raises(Exception):
            _fast(content)
        assert _either(content) == _openpyxl(content)
    assert len(_either(late_dimension)) == 3
    assert _either(doctype)[3][3] == "Xã An Bình"  # the entity resolved as openpyxl resolves it


CELL = st.one_of(
    st.none(),
    st.integers(min_value=-(2**40), max_value=2**40),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=40).map(lambda text: ILLEGAL_CHARACTERS_RE.sub("", text)),
    st.booleans(),
    st.datetimes(min_value=dt.datetime(1901, 1, 1), max_value=dt.datetime(9999, 1, 1)).map(  # noqa: DTZ001
        lambda moment: moment.replace(microsecond=0)
    ),
    st.dates(min_value=dt.date(1901, 1, 1)),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(st.one_of(st.lists(CELL, max_size=15), st.just([])), max_size=25),
    write_only=st.booleans(),
    min_row=st.integers(min_value=1, max_value=6),
    max_col=st.integers(min_value=1, max_value=14),
    lazily=st.booleans(),
)
def test_random_workbooks_read_the_same(rows, write_only, min_row, max_col, lazily):
    workbook = Workbook(write_only=write_only)
    sheet = workbook.create_sheet("Số liệu") if write_only else workbook.active
    for values in rows:
        sheet.append(values)
    content = _save(workbook)
    assert _fast(content, min_row, max_col, lazily=lazily) == _openpyxl(content, min_row, max_col)
