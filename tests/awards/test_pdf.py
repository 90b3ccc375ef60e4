"""The decision PDF as a Vietnamese office reads it: exact text (pdftotext), embedded fonts (pdffonts), pages
rendered to PNG (pdftoppm), page numbers from page 2, the draft mark, and one certificate per awardee."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess

import pytest

from awards.pdf import render_certificates_pdf, render_decision_pdf
from awards.services.decisions import create_draft_decision, sign_decision
from campaigns.models import Person
from tests.awards.decision_data import accepted_batch, on_paper

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils is not installed"),
]
PASSWORD = "mat-khau-thu-nghiem"


def run(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def pdf_text(path, *pages: int) -> str:
    options = ["-f", str(pages[0]), "-l", str(pages[-1])] if pages else []
    return run("pdftotext", "-layout", *options, str(path), "-")


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def signed_pdf(org, tmp_path):
    period, award, _ = accepted_batch(org)
    Person.objects.create(full_name="Dương Đình Đường", unit=org.commune_a, user=org.deputy_a)
    draft = create_draft_decision(period=period, award_kind=award, by=org.chairman_a, signed_on=dt.date(2024, 2, 5))
    decision = sign_decision(decision=draft, by=org.deputy_a, password=PASSWORD, **on_paper(draft))
    path = tmp_path / "quyet-dinh.pdf"
    path.write_bytes(render_decision_pdf(decision))
    return decision, path


def test_pdf_text_has_the_exact_vietnamese_parts(signed_pdf):
    decision, path = signed_pdf
    text = flat(pdf_text(path))
    for expected in [
        "ỦY BAN NHÂN DÂN",
        "XÃ AN BÌNH",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 01/QĐ-UBND",
        "An Bình, ngày 05 tháng 02 năm 2024",
        "QUYẾT ĐỊNH",
        "CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ AN BÌNH",
        "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;",
        "Xét đề nghị của Hội đồng Thi đua – Khen thưởng xã An Bình.",
        "QUYẾT ĐỊNH:",
        "Điều 1.",
        "Điều 2.",
        "Điều 3.",
        "Nơi nhận:",
        "- Như Điều 3;",
        "- Lưu: VT, VP.",
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
        "Dương Đình Đường",
        "DANH SÁCH TẬP THỂ, CÁ NHÂN ĐƯỢC KHEN THƯỞNG",
        "(Kèm theo Quyết định số 01/QĐ-UBND ngày 05/02/2024 của Chủ tịch UBND xã An Bình)",
        "I. Tập thể",
        "II. Cá nhân",
        "Nguyễn Thị Hương",
        "Đặng Văn Đức",
        "540.000",
        "270.000",
        "1.080.000",
        "Tổng số tiền thưởng bằng chữ: Một triệu không trăm tám mươi nghìn đồng./.",
        "mức tiền thưởng 270.000 đồng (Hai trăm bảy mươi nghìn đồng)",
    ]:
        assert expected in text, expected
    assert "TM. ỦY BAN NHÂN DÂN" not in text
    # A long name wraps inside its table cell; in content order (-raw) each cell's text is still whole.
    reading_order = flat(run("pdftotext", "-raw", str(path), "-"))
    assert "Văn phòng – Thống kê xã An Bình" in reading_order
    assert "Công chức Tư pháp – Hộ tịch" in reading_order
    assert "Dẫn đầu khối về tỷ lệ hồ sơ trực tuyến toàn trình" in reading_order
    assert "DỰ THẢO" not in text


def test_every_font_is_embedded_and_is_a_times_compatible_face(signed_pdf):
    _, path = signed_pdf
    rows = run("pdffonts", str(path)).splitlines()[2:]
    assert rows
    for row in rows:
        columns = row.split()
        name, embedded = columns[0], columns[-5]
        assert embedded == "yes", row
        assert re.search(r"Tinos|LiberationSerif|TimesNewRoman", name), row


def test_page_numbers_start_on_page_2_and_the_list_is_on_its_own_page(signed_pdf):
    _, path = signed_pdf
    pages = int(re.search(r"Pages:\s+(\d+)", run("pdfinfo", str(path))).group(1))
    assert pages >= 2
    first = pdf_text(path, 1).strip().splitlines()
    assert first[0].split()[0] != "1"
    for page in range(2, pages + 1):
        assert pdf_text(path, page).strip().splitlines()[0].strip() == str(page)
    last = flat(pdf_text(path, pages))
    rest = flat("".join(pdf_text(path, page) for page in range(2, pages + 1)))
    assert "DANH SÁCH TẬP THỂ, CÁ NHÂN ĐƯỢC KHEN THƯỞNG" in rest
    assert "Tổng số tiền thưởng bằng chữ" in last


def test_first_page_is_a4_portrait_and_the_list_landscape(signed_pdf):
    _, path = signed_pdf
    sizes = re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", run("pdfinfo", "-f", "1", "-l", "99", str(path)))
    width, height = (round(float(value)) for value in sizes[0])
    assert (width, height) == (595, 842)  # A4 portrait in points
    width, height = (round(float(value)) for value in sizes[-1])
    assert (width, height) == (842, 595)


def test_pdf_renders_to_png_pages(signed_pdf, tmp_path):
    _, path = signed_pdf
    run("pdftoppm", "-r", "40", "-png", str(path), str(tmp_path / "trang"))
    images = sorted(tmp_path.glob("trang-*.png"))
    assert len(images) >= 2
    for image in images:
        assert image.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert image.stat().st_size > 2_000  # not a blank page


def test_a_draft_preview_is_marked_and_leaves_number_and_date_blank(org, tmp_path):
    period, award, _ = accepted_batch(org)
    draft = create_draft_decision(period=period, award_kind=award, by=org.chairman_a)
    path = tmp_path / "du-thao.pdf"
    path.write_bytes(render_decision_pdf(draft))
    text = flat(pdf_text(path))
    assert "DỰ THẢO" in text
    assert "Số: /QĐ-UBND" in text
    assert re.search(r"An Bình, ngày tháng năm \d{4}", text)
    assert "CHỦ TỊCH" in text and "KT. CHỦ TỊCH" not in text


def test_one_landscape_certificate_per_awardee(signed_pdf, tmp_path):
    decision, _ = signed_pdf
    path = tmp_path / "giay-khen.pdf"
    path.write_bytes(render_certificates_pdf(decision))
    info = run("pdfinfo", str(path))
    assert int(re.search(r"Pages:\s+(\d+)", info).group(1)) == 3
    assert re.search(r"Page size:\s+841\.\d+ x 595\.\d+", info) or re.search(r"Page size:\s+842 x 595", info)
    for page, name in enumerate(["Văn phòng – Thống kê xã An Bình", "Nguyễn Thị Hương", "Đặng Văn Đức"], start=1):
        text = flat(pdf_text(path, page))
        assert "GIẤY KHEN" in text and name in text
        assert "CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ AN BÌNH" in text
        assert "Quyết định số 01/QĐ-UBND" in text
