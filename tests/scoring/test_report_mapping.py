"""Readings from another system's report (issue 22): a report in its own layout (a title, a two-row merged header,
units written "UBND xã …", a total row) is mapped once, previewed with the Excel import's checks, written all or
nothing, and the mapping is saved as a profile that exports and imports as a small file."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import Workbook

from scoring import report_samples
from scoring.models import Reading, ReportProfile
from scoring.report_mapping import Mapping, Table, column_labels, map_report, read_tables, suggest_header_row, unit_key
from tests.scoring.entry_fixtures import entry_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(org):
    return entry_world(org)


def one_stop_report(rows) -> bytes:
    """The one-stop-shop system's monthly export as offices download it: a title, a merged two-row header."""
    book = Workbook()
    sheet = book.active
    sheet.title = "BaoCao"
    sheet.append(["BÁO CÁO TÌNH HÌNH GIẢI QUYẾT HỒ SƠ THÁNG 11/2026"])
    sheet.merge_cells("A1:F1")
    sheet.append([])
    sheet.append(["STT", "Đơn vị", "Hồ sơ đã giải quyết", None, "Số buổi tuyên truyền", "Ghi chú"])
    sheet.append([None, None, "Tổng số", "Đúng hạn", None, None])
    sheet.merge_cells("C3:D3")
    sheet.merge_cells("A3:A4")
    sheet.merge_cells("B3:B4")
    sheet.merge_cells("E3:E4")
    for index, (name, total, on_time, events) in enumerate(rows, start=1):
        sheet.append([index, name, total, on_time, events, None])
    sheet.append([None, "Tổng cộng", sum(r[1] for r in rows), sum(r[2] for r in rows), None, None])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_two_row_header_labels_each_column_and_is_suggested():
    table = read_tables(one_stop_report([("UBND xã An Bình", 40, 38, 2)]), "bao-cao.xlsx")[0]
    assert suggest_header_row(table) == 4
    labels = column_labels(table, 4)
    assert labels[2] == "Hồ sơ đã giải quyết › Tổng số" and labels[3] == "Hồ sơ đã giải quyết › Đúng hạn"
    assert labels[4] == "Số buổi tuyên truyền"


@pytest.mark.parametrize(
    ("written", "ours"),
    [("UBND xã An Bình", "Xã An Bình"), ("Ủy ban nhân dân xã An Bình", "An Bình"), ("XA AN BINH", "Xã An Bình")],
)
def test_units_match_without_marks_case_and_the_words_naming_the_body(written, ours):
    assert unit_key(written) == unit_key(ours)


def test_a_csv_in_utf8_with_semicolons_reads_and_thousands_are_understood(world):
    content = "Đơn vị;Tổng số;Đúng hạn\nUBND xã An Bình;1.200;1.150\n".encode()
    table = read_tables(content, "bao-cao.csv")[0]
    mapping = Mapping("CSV", 1, 0, {world.on_time.code: {"numerator": 2, "denominator": 1}})
    mapped = map_report(
        table, mapping, participants=[world.commune_a, world.commune_b], window_start=world.current.start
    )
    assert mapped.rows[0]["numerator"] == 1150 and mapped.rows[0]["denominator"] == 1200


def test_totals_are_skipped_and_unknown_units_listed(world):
    content = one_stop_report([("UBND xã An Bình", 40, 38, 2), ("Công an xã Không Có", 10, 9, 1)])
    table = read_tables(content, "x.xlsx")[0]
    mapping = Mapping("BaoCao", 4, 1, {world.on_time.code: {"numerator": 3, "denominator": 2}})
    mapped = map_report(table, mapping, participants=[world.commune_a], window_start=world.current.start)
    assert mapped.unknown == [(6, "Công an xã Không Có")] and mapped.totals == [7]  # "Công an…" is no total
    assert [row["participant"] for row in mapped.rows] == [world.commune_a.pk]


def test_a_mapping_round_trips_as_a_file_and_a_foreign_file_is_refused():
    mapping = Mapping("BaoCao", 4, 1, {"ho-so-dung-han": {"numerator": 3, "denominator": 2}})
    assert Mapping.from_json(json.loads(json.dumps(mapping.as_json()))) == mapping
    with pytest.raises(Exception, match="thidua-report-mapping"):
        Mapping.from_json({"sheet": "x"})


# --- the pages -------------------------------------------------------------------------------------------------------


def _upload(client, world, content, name="bao-cao-mot-cua.xlsx", profile=None):
    data = {"file": io.BytesIO(content)}
    data["file"].name = name
    if profile is not None:
        data["profile"] = profile.pk
    return client.post(reverse("scoring:report_upload", args=[world.period.pk]), data)


def _mapping_form(world, **extra):
    return {
        "sheet": "BaoCao",
        "header_row": 4,
        "unit_column": 1,
        "window": world.current.start.isoformat(),
        f"c_{world.on_time.code}_numerator": 3,
        f"c_{world.on_time.code}_denominator": 2,
        f"c_{world.events.code}_value": 4,
        **extra,
    }


def test_first_month_maps_previews_writes_and_saves_the_profile(client, org, world):
    client.force_login(org.noi_vu)
    assert client.get(reverse("scoring:report_upload", args=[world.period.pk])).status_code == 403
    client.force_login(org.staff_a)
    content = one_stop_report([("UBND xã An Bình", 40, 38, 2), ("UBND xã Bình Minh", 20, 20, 1)])
    response = _upload(client, world, content)
    assert response.status_code == 302
    token = response.url.split("tep=")[1]
    url = reverse("scoring:report_map", args=[world.period.pk])
    page = client.get(url, {"tep": token})
    assert page.status_code == 200 and "Hồ sơ đã giải quyết › Đúng hạn" in page.content.decode()

    preview = client.post(url, {"tep": token, **_mapping_form(world, save_as="Báo cáo hệ thống một cửa")})
    body = preview.content.decode()
    # commune B is not the clerk's: refused by the import's own rule, nothing written
    assert preview.status_code == 400 and "B6" in body and "ngoài phạm vi của bạn" in body
    assert not Reading.objects.exists()

    content = one_stop_report([("UBND xã An Bình", 40, 38, 2)])
    token = _upload(client, world, content).url.split("tep=")[1]
    preview = client.post(url, {"tep": token, **_mapping_form(world, save_as="Báo cáo hệ thống một cửa")})
    assert preview.status_code == 200 and "2</strong> số liệu mới" in preview.content.decode()
    assert not Reading.objects.exists()  # a preview writes nothing
    digest = preview.context["digest"]
    done = client.post(
        url, {"tep": token, "ghi": "1", "digest": digest, **_mapping_form(world, save_as="Báo cáo hệ thống một cửa")}
    )
    assert done.status_code == 302
    reading = Reading.objects.get(participant=world.commune_a, indicator=world.on_time)
    assert (reading.numerator, reading.denominator) == (38, 40)
    assert Reading.objects.get(participant=world.commune_a, indicator=world.events).value == Decimal(2)
    assert reading.history.get().history_change_reason.startswith("Nhập từ báo cáo")
    assert ReportProfile.objects.get(issuer=world.plan.issuer).name == "Báo cáo hệ thống một cửa"


def test_next_month_a_saved_profile_fills_the_mapping(client, org, world):
    mapping = Mapping("BaoCao", 4, 1, {world.on_time.code: {"numerator": 3, "denominator": 2}})
    profile = ReportProfile.objects.create(issuer=world.plan.issuer, name="Một cửa", mapping=mapping.as_json())
    client.force_login(org.staff_a)
    response = _upload(client, world, one_stop_report([("UBND xã An Bình", 50, 45, 3)]), profile=profile)
    assert "cau-hinh=" in response.url
    page = client.get(response.url)
    assert page.context["form"].initial["header_row"] == 4
    assert page.context["form"].initial[f"c_{world.on_time.code}_numerator"] == 3


def test_a_reading_changed_after_the_preview_stops_the_write(client, org, world):
    client.force_login(org.staff_a)
    token = _upload(client, world, one_stop_report([("UBND xã An Bình", 40, 38, 2)])).url.split("tep=")[1]
    url = reverse("scoring:report_map", args=[world.period.pk])
    digest = client.post(url, {"tep": token, **_mapping_form(world)}).context["digest"]
    Reading.objects.create(
        participant=world.commune_a,
        indicator=world.on_time,
        period=world.period,
        window_start=world.current.start,
        window_end=world.current.end,
        numerator=1,
        denominator=2,
    )
    response = client.post(url, {"tep": token, "ghi": "1", "digest": digest, **_mapping_form(world)})
    assert response.status_code == 409
    assert Reading.objects.get(indicator=world.on_time).numerator == 1


def test_a_profile_file_shared_by_another_province_is_checked_then_saved(client, org, world):
    client.force_login(org.staff_a)
    url = reverse("scoring:report_profile_upload", args=[world.period.pk])
    bad = io.BytesIO(b'{"format": "khac"}')
    bad.name = "x.json"
    response = client.post(url, {"cau-hinh-name": "Cổng DVC", "cau-hinh-file": bad})
    assert response.status_code == 400 and "thidua-report-mapping/1" in response.content.decode()
    good = io.BytesIO(json.dumps(Mapping("BaoCao", 4, 1, {"x": {"value": 2}}).as_json()).encode())
    good.name = "cong-dvc.json"
    assert client.post(url, {"cau-hinh-name": "Cổng DVC", "cau-hinh-file": good}).status_code == 302
    profile = ReportProfile.objects.get(name="Cổng DVC")
    download = client.get(reverse("scoring:report_profile_download", args=[world.period.pk, profile.pk]))
    assert json.loads(download.content)["format"] == "thidua-report-mapping/1"


def test_the_table_helper_ignores_blank_trailing_rows():
    assert Table("x", [[1, 2]]).width == 2


def test_the_sample_reports_read_through_their_profiles(world):
    for layout, mapping in report_samples.PROFILES.items():
        name, content = report_samples.sample_report(layout, world.period, world.current)
        table = next(t for t in read_tables(content, name) if t.sheet == mapping.sheet)
        mapped = map_report(
            table, mapping, participants=[world.commune_a, world.commune_b], window_start=world.current.start
        )
        assert set(mapped.matched) == {world.commune_a.pk, world.commune_b.pk}, layout
        assert not mapped.unknown and not mapped.problems
        for row in mapped.rows:
            assert 0 <= row["numerator"] <= row["denominator"]
