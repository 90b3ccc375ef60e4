"""The Excel template and import: protected pre-filled template, preview, all-or-nothing commit, bad cells named."""

from __future__ import annotations

import io
import zipfile
from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from scoring.excel import FIRST_ROW, HELP_SHEET, SHEET
from scoring.models import Reading
from scoring.services.readings import save_reading, submit_window
from tests.scoring.entry_fixtures import entry_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(org):
    return entry_world(org)


def _template(client, world, **params) -> bytes:
    response = client.get(reverse("scoring:excel_template", args=[world.period.pk]), params)
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return response.content


def _rows(workbook) -> dict[tuple, int]:
    sheet = workbook[SHEET]
    return {
        (row[0].value, row[1].value, row[2].value): row[0].row
        for row in sheet.iter_rows(min_row=FIRST_ROW)
        if row[0].value is not None
    }


def _fill(content: bytes, world, changes: dict[tuple, dict[str, object]]) -> bytes:
    """Write figures into the template: changes keyed by (participant, indicator, window) → {column letter: value}."""
    workbook = load_workbook(io.BytesIO(content))
    rows = _rows(workbook)
    sheet = workbook[SHEET]
    for (participant, indicator, window), cells in changes.items():
        row = rows[(participant.pk, indicator.code, window.start.isoformat())]
        for letter, value in cells.items():
            sheet[f"{letter}{row}"] = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _upload(client, world, content: bytes, name="so-lieu.xlsx"):
    return client.post(
        reverse("scoring:excel_upload", args=[world.period.pk]), {"file": SimpleUploadedFile(name, content)}
    )


def _commit(client, world, preview):
    token, rows = preview.context["token"], len(preview.context["result"].rows)
    return client.post(reverse("scoring:excel_commit", args=[world.period.pk]), {"token": token, "rows": rows})


def _good_changes(world) -> dict:
    return {
        (world.commune_a, world.on_time, world.current): {"H": 45, "I": 50, "K": "Theo Cổng DVC"},
        (world.commune_a, world.events, world.current): {"J": 0},
        (world.person_a, world.report, world.current): {"J": 1},
    }


def _snapshot():
    return sorted(
        Reading.objects.values_list(
            "participant_id", "indicator_id", "window_start", "numerator", "denominator", "value", "version", "status"
        )
    )


def test_the_template_is_protected_validated_prefilled_and_explained(client, org, world):
    save_reading(
        user=org.staff_a,
        participant=world.commune_a,
        indicator=world.events,
        period=world.period,
        window_start=world.current.start,
        value=3,
    )
    client.force_login(org.staff_a)
    workbook = load_workbook(io.BytesIO(_template(client, world)))
    assert workbook.sheetnames[:2] == [SHEET, HELP_SHEET]
    sheet = workbook[SHEET]
    assert sheet.protection.sheet
    assert [sheet.cell(row=4, column=c).value for c in range(4, 11)] == [
        "Đối tượng",
        "Kỳ báo cáo",
        "Chỉ số",
        "Loại",
        "Tử số",
        "Mẫu số",
        "Giá trị",
    ]
    assert all(sheet.column_dimensions[letter].hidden for letter in "ABC")
    rows = _rows(workbook)
    # Commune A: 3 indicators × 4 windows; its individual: 2 × 4; nothing of commune B.
    assert len(rows) == 20
    assert {key[0] for key in rows} == {world.commune_a.pk, world.person_a.pk}
    events_row = rows[(world.commune_a.pk, world.events.code, world.current.start.isoformat())]
    assert sheet[f"J{events_row}"].value == 3
    assert sheet[f"J{events_row}"].protection.locked is False and sheet[f"D{events_row}"].protection.locked
    assert sheet["A4"].protection.locked
    validations = {str(v.sqref): (v.type, v.operator, v.formula1) for v in sheet.data_validations.dataValidation}
    covered = " ".join(validations)
    rate_row = rows[(world.commune_a.pk, world.on_time.code, world.current.start.isoformat())]
    assert f"H{rate_row}" in covered or "H5:" in covered
    assert ("whole", "between", "0") in validations.values() and ("whole", "greaterThanOrEqual", "0") in (
        validations.values()
    )
    assert "Số 0 là số liệu" in " ".join(str(c.value) for c in workbook[HELP_SHEET]["A"])


def test_a_unit_template_holds_only_that_units_participants(client, org, world):
    client.force_login(org.noi_vu)
    workbook = load_workbook(io.BytesIO(_template(client, world, don_vi=org.commune_b.pk)))
    assert {key[0] for key in _rows(workbook)} == {world.commune_b.pk}
    client.force_login(org.staff_a)
    response = client.get(reverse("scoring:excel_template", args=[world.period.pk]), {"don_vi": org.commune_b.pk})
    assert response.status_code == HTTPStatus.NOT_FOUND


def test_round_trip_previews_then_commits_and_the_same_file_twice_changes_nothing(client, org, world):
    client.force_login(org.staff_a)
    content = _fill(_template(client, world), world, _good_changes(world))
    preview = _upload(client, world, content)
    assert preview.status_code == HTTPStatus.OK
    assert not Reading.objects.exists()  # the preview writes nothing
    result = preview.context["result"]
    assert (result.count_new, result.count_changed) == (3, 0)
    assert "Xác nhận ghi số liệu" in preview.content.decode()
    assert _commit(client, world, preview).status_code == HTTPStatus.FOUND
    reading = Reading.objects.get(indicator=world.on_time)
    assert (reading.numerator, reading.denominator, reading.note, reading.version) == (45, 50, "Theo Cổng DVC", 1)
    assert Reading.objects.get(indicator=world.events).value == 0
    history_rows = Reading.history.count()

    before = _snapshot()
    again = _upload(client, world, content)
    assert again.context["result"].count_unchanged == 3 and not again.context["result"].changes
    _commit(client, world, again)
    assert _snapshot() == before and Reading.history.count() == history_rows

    # A template downloaded after the import round-trips unchanged as well.
    fresh = _upload(client, world, _template(client, world))
    assert fresh.status_code == HTTPStatus.OK and not fresh.context["result"].changes


def test_a_changed_figure_is_previewed_as_changed_and_bumps_the_version(client, org, world):
    save_reading(
        user=org.staff_a,
        participant=world.commune_a,
        indicator=world.events,
        period=world.period,
        window_start=world.current.start,
        value=3,
    )
    client.force_login(org.staff_a)
    content = _fill(_template(client, world), world, {(world.commune_a, world.events, world.current): {"J": 5}})
    preview = _upload(client, world, content)
    assert preview.context["result"].count_changed == 1
    _commit(client, world, preview)
    reading = Reading.objects.get()
    assert (reading.value, reading.version) == (5, 2)
    assert reading.history.first().history_change_reason == "Nhập từ tệp Excel"


@pytest.mark.parametrize(
    ("cells", "column", "reason"),
    [
        ({"H": "bốn lăm", "I": 50}, "H", "phải là số nguyên không âm, đang có “bốn lăm”."),
        ({"H": 51, "I": 50}, "H", "Tử số (51) không được lớn hơn mẫu số (50)."),
        ({"H": -1, "I": 50}, "H", "phải là số nguyên không âm, đang có “-1”."),
        ({"H": 4.5, "I": 50}, "H", "phải là số nguyên không âm, đang có “4.5”."),
        ({"H": 5}, "I", "Phải nhập cả tử số và mẫu số."),
        ({"A": 999999}, "A", "Không tìm thấy đối tượng mã “999999”"),
        ({"B": "khong-co"}, "B", "Không tìm thấy chỉ số mã “khong-co”"),
        ({"C": "2001-01-01"}, "C", "không thuộc đợt này"),
    ],
)
def test_each_bad_cell_is_reported_with_sheet_row_column_and_nothing_changes(client, org, world, cells, column, reason):
    save_reading(
        user=org.staff_a,
        participant=world.commune_a,
        indicator=world.events,
        period=world.period,
        window_start=world.current.start,
        value=3,
    )
    before = _snapshot()
    client.force_login(org.staff_a)
    changes = _good_changes(world)
    changes[(world.commune_a, world.on_time, world.current)] = cells
    content = _fill(_template(client, world), world, changes)
    workbook = load_workbook(io.BytesIO(content))
    bad_row = _rows(load_workbook(io.BytesIO(_template(client, world))))[
        (world.commune_a.pk, world.on_time.code, world.current.start.isoformat())
    ]
    response = _upload(client, world, content)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    errors = response.context["result"].errors
    assert len(errors) == 1, errors
    error = errors[0]
    assert (error.sheet, error.row, error.column) == (SHEET, bad_row, column)
    assert reason in error.message
    assert "Xác nhận ghi số liệu" not in response.content.decode()
    assert _snapshot() == before
    del workbook


def test_a_boolean_other_than_zero_or_one_is_refused(client, org, world):
    client.force_login(org.staff_a)
    content = _fill(_template(client, world), world, {(world.commune_a, world.report, world.current): {"J": 2}})
    response = _upload(client, world, content)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "nhập 1 (có) hoặc 0 (không)" in response.context["result"].errors[0].message
    assert not Reading.objects.exists()


def test_a_duplicate_row_is_refused(client, org, world):
    client.force_login(org.staff_a)
    workbook = load_workbook(io.BytesIO(_template(client, world)))
    sheet = workbook[SHEET]
    last = sheet.max_row
    for column in range(1, 13):
        sheet.cell(row=last + 1, column=column, value=sheet.cell(row=FIRST_ROW, column=column).value)
    sheet.cell(row=last + 1, column=8, value=1)
    sheet.cell(row=last + 1, column=9, value=2)
    sheet.cell(row=last + 1, column=10, value=1)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = _upload(client, world, buffer.getvalue())
    assert response.status_code == HTTPStatus.BAD_REQUEST
    error = response.context["result"].errors[0]
    assert (error.row, error.column) == (last + 1, "A") and f"trùng với dòng {FIRST_ROW}" in error.message
    assert not Reading.objects.exists()


def test_rows_of_an_expired_a_sent_or_a_closed_window_are_refused_with_the_reason(client, org, world):
    client.force_login(org.staff_a)
    template = _template(client, world)
    expired = _fill(template, world, {(world.commune_a, world.events, world.expired): {"J": 4}})
    response = _upload(client, world, expired)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Đã hết hạn nhập" in response.context["result"].errors[0].message
    assert response.context["result"].errors[0].column == "J"

    for indicator, figures in (
        (world.on_time, {"numerator": 1, "denominator": 1}),
        (world.events, {"value": 1}),
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
    sent = _fill(_template(client, world), world, {(world.commune_a, world.events, world.current): {"J": 9}})
    response = _upload(client, world, sent)
    assert "Đã được gửi/phê duyệt" in response.context["result"].errors[0].message
    # The unchanged rows of the sent month do not count as errors: only the changed one does.
    assert len(response.context["result"].errors) == 1

    world.period.status = "closed"
    world.period.save()
    response = _upload(client, world, sent)
    assert "Đã chốt kỳ" in response.context["result"].errors[0].message
    assert Reading.objects.get(indicator=world.events).value == 1


def test_another_communes_participant_is_unknown_to_the_importer(client, org, world):
    client.force_login(org.noi_vu)
    content_b = _fill(
        _template(client, world, don_vi=org.commune_b.pk),
        world,
        {(world.commune_b, world.events, world.current): {"J": 6}},
    )
    client.force_login(org.staff_a)
    response = _upload(client, world, content_b)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Không tìm thấy đối tượng" in response.context["result"].errors[0].message
    assert not Reading.objects.exists()


def test_files_that_are_not_xlsx_or_too_large_are_refused(client, org, world, settings):
    client.force_login(org.staff_a)
    response = _upload(client, world, b"PK\x03\x04 not really a zip", name="so-lieu.xlsx")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "không phải là tệp Excel .xlsx" in response.content.decode()
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("hello.txt", "xin chào")
    assert _upload(client, world, archive.getvalue()).status_code == HTTPStatus.BAD_REQUEST
    settings.UPLOAD_MAX_BYTES = 1000
    big = _upload(client, world, _template(client, world))
    assert big.status_code == HTTPStatus.BAD_REQUEST and "Tệp quá lớn" in big.content.decode()
    # A real template renamed to .txt is still an xlsx: the content decides, not the name.
    settings.UPLOAD_MAX_BYTES = 10 * 1024 * 1024
    assert _upload(client, world, _template(client, world), name="bang.txt").status_code == HTTPStatus.OK


def test_a_template_of_another_period_is_refused(client, org, world):
    from tests.factories import PeriodFactory

    other = PeriodFactory(plan=world.plan, start=world.period.start, end=world.period.end, order=2)
    client.force_login(org.staff_a)
    content = _template(client, world)
    response = client.post(
        reverse("scoring:excel_upload", args=[other.pk]), {"file": SimpleUploadedFile("a.xlsx", content)}
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "không phải của đợt" in response.context["result"].errors[0].message


def test_the_commit_token_is_bound_to_user_and_period_and_cannot_be_forged(client, org, world):
    client.force_login(org.staff_a)
    preview = _upload(client, world, _fill(_template(client, world), world, _good_changes(world)))
    token = preview.context["token"]
    url = reverse("scoring:excel_commit", args=[world.period.pk])
    client.force_login(org.admin_a)
    response = client.post(url, {"token": token, "rows": 3})
    assert response.status_code == HTTPStatus.FOUND and not Reading.objects.exists()
    client.force_login(org.staff_a)
    forged = client.post(url, {"token": token + "x", "rows": 3})
    assert forged.status_code == HTTPStatus.FOUND and not Reading.objects.exists()
    # The row count that decides where the import runs is signed with the token: another count is refused too.
    assert client.post(url, {"token": token, "rows": 999999}).status_code == 302 and not Reading.objects.exists()
    assert client.post(url, {"token": token, "rows": 3}).status_code == 302
    assert Reading.objects.count() == 3


def test_home_affairs_may_download_but_not_upload(client, org, world):
    client.force_login(org.noi_vu)
    page = client.get(reverse("scoring:excel_upload", args=[world.period.pk])).content.decode()
    assert "Tải tệp mẫu" in page and "Kiểm tra tệp" not in page
    content = _template(client, world)
    assert _upload(client, world, content).status_code == HTTPStatus.FORBIDDEN
    assert client.post(reverse("scoring:excel_commit", args=[world.period.pk]), {"token": "x"}).status_code == 403


def test_a_period_out_of_scope_is_not_found(client, org, world):
    client.force_login(org.nobody)
    assert client.get(reverse("scoring:excel_template", args=[world.period.pk])).status_code == HTTPStatus.NOT_FOUND
    assert client.get(reverse("scoring:excel_upload", args=[world.period.pk])).status_code == HTTPStatus.NOT_FOUND
