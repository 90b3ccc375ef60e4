"""Two sample reports in the layouts offices download every month, made for a period's own collectives, and the
profiles that read them (issue 22): for the demo, the tests and a clerk trying the mapping before using a real file.

- "Báo cáo hệ thống một cửa" (.xlsx): the provincial TTHC system's export — a title, a two-row merged header
  (Hồ sơ tiếp nhận › Tổng số | Trực tuyến toàn trình | Số hóa thành phần; Hồ sơ đã giải quyết › Tổng số | Quá hạn |
  Kết quả số hóa), units by name, a "Tổng cộng" row.
- "Chỉ số phục vụ trên Cổng DVC" (.csv, semicolons, UTF-8): the public-service portal's index page (Quyết định
  766/QĐ-TTg) — units by code, payments online and files entered into the system.

The figures are made up, deterministic per unit and month, and always consistent (a part never above its whole).
"""

from __future__ import annotations

import csv
import io
import random

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from campaigns.models import Participant, Period
from scoring.report_mapping import Mapping
from scoring.windows import Window

ONE_STOP = "bao-cao-he-thong-mot-cua"
PORTAL = "chi-so-cong-dich-vu-cong"
NAMES = {ONE_STOP: "Báo cáo hệ thống một cửa", PORTAL: "Chỉ số phục vụ trên Cổng DVC"}

# Columns are 0-based: A=0. The one-stop report: A STT, B Đơn vị, C–E tiếp nhận, F–H đã giải quyết, I ghi chú.
PROFILES = {
    ONE_STOP: Mapping(
        sheet="BaoCaoTTHC",
        header_row=4,
        unit_column=1,
        columns={
            "766-toan-trinh": {"numerator": 3, "denominator": 2},
            "766-so-hoa-thanh-phan": {"numerator": 4, "denominator": 2},
            "766-qua-han": {"numerator": 6, "denominator": 5},
            "766-so-hoa-ket-qua": {"numerator": 7, "denominator": 5},
        },
    ),
    # The portal's page: A Mã đơn vị, B Tên, C Hồ sơ có phí, D Thanh toán trực tuyến, E Tiếp nhận, F Nhập hệ thống.
    PORTAL: Mapping(
        sheet="CSV",
        header_row=1,
        unit_column=0,
        columns={
            "766-thanh-toan-truc-tuyen": {"numerator": 3, "denominator": 2},
            "ho-so-nhap-he-thong": {"numerator": 5, "denominator": 4},
        },
    ),
}


def _units(period: Period) -> list[Participant]:
    return list(
        Participant.objects.filter(plan=period.plan, kind=Participant.Kind.COLLECTIVE)
        .select_related("unit")
        .order_by("name")
    )


def _figures(participant: Participant, window: Window) -> dict[str, int]:
    rng = random.Random(f"{participant.name}:{window.start.isoformat()}")
    received = rng.randint(20, 160)
    solved = rng.randint(received // 2, received)
    return {
        "received": received,
        "online": rng.randint(received // 3, received),
        "digitised": rng.randint(int(received * 0.8), received),
        "solved": solved,
        "overdue": rng.randint(0, max(solved // 20, 1)),
        "results": rng.randint(int(solved * 0.6), solved),
        "fees": (fees := rng.randint(5, 40)),
        "paid": rng.randint(fees // 3, fees),
        "entered": rng.randint(int(received * 0.9), received),
    }


def one_stop_report(period: Period, window: Window) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "BaoCaoTTHC"
    sheet.append([f"BÁO CÁO TÌNH HÌNH TIẾP NHẬN, GIẢI QUYẾT HỒ SƠ TTHC — {window.label.upper()}"])
    sheet.merge_cells("A1:I1")
    sheet.append([f"Đơn vị: {period.plan.issuer.name}"])
    sheet.append(["STT", "Đơn vị", "Hồ sơ tiếp nhận", None, None, "Hồ sơ đã giải quyết", None, None, "Ghi chú"])
    sheet.append(
        [None, None, "Tổng số", "Trực tuyến toàn trình", "Số hóa thành phần", "Tổng số", "Quá hạn", "Kết quả số hóa"]
    )
    for cells in ("A3:A4", "B3:B4", "C3:E3", "F3:H3", "I3:I4"):
        sheet.merge_cells(cells)
    for row in sheet.iter_rows(min_row=1, max_row=4):
        for cell in row:
            cell.font, cell.alignment = Font(bold=True), Alignment(horizontal="center", wrap_text=True)
    totals = [0] * 6
    for number, participant in enumerate(_units(period), start=1):
        f = _figures(participant, window)
        values = [f["received"], f["online"], f["digitised"], f["solved"], f["overdue"], f["results"]]
        totals = [a + b for a, b in zip(totals, values, strict=True)]
        sheet.append([number, participant.name, *values, None])
    sheet.append([None, "Tổng cộng", *totals, None])
    sheet.column_dimensions["B"].width = 40
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def portal_report(period: Period, window: Window) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(
        ["Mã đơn vị", "Tên đơn vị", "Hồ sơ có phí", "Thanh toán trực tuyến", "Hồ sơ tiếp nhận", "Hồ sơ nhập hệ thống"]
    )
    for participant in _units(period):
        f = _figures(participant, window)
        code = participant.unit.code if participant.unit is not None else ""
        writer.writerow([code, participant.name, f["fees"], f["paid"], f["received"], f["entered"]])
    return buffer.getvalue().encode("utf-8-sig")


def sample_report(layout: str, period: Period, window: Window) -> tuple[str, bytes]:
    """(file name, content) of one sample layout for the period's collectives and month."""
    if layout == ONE_STOP:
        return f"{ONE_STOP}-{window.start:%Y-%m}.xlsx", one_stop_report(period, window)
    return f"{PORTAL}-{window.start:%Y-%m}.csv", portal_report(period, window)
