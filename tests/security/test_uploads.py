"""Hostile uploads are refused by content, quickly, in bounded memory, with a clear Vietnamese message."""

from __future__ import annotations

import io
import os
import time
import tracemalloc

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from core.uploads import check_xlsx, check_yaml, sanitise_filename
from tests.security import hostile

SECONDS = 5
PEAK_BYTES = 48 * 1024 * 1024


def refusal(check, content, name="so-lieu.xlsx") -> str:
    """Run the check on an uploaded file and return its message; fail if it accepts, is slow or eats memory."""
    upload = SimpleUploadedFile(name, content)
    tracemalloc.start()
    started = time.monotonic()
    try:
        with pytest.raises(ValidationError) as refused:
            check(upload)
    finally:
        elapsed = time.monotonic() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert elapsed < SECONDS, f"took {elapsed:.1f} s"
    assert peak < PEAK_BYTES, f"peak {peak / 1048576:.0f} MB"
    return " ".join(refused.value.messages)


def test_a_plain_workbook_passes():
    assert check_xlsx(SimpleUploadedFile("so-lieu.xlsx", hostile.good_workbook())) is None


def test_a_workbook_with_computed_formulas_passes():
    # What Excel saves: the formula and its cached result.
    content = hostile.workbook_parts(
        hostile._plain(
            "xl/worksheets/sheet1.xml",
            hostile.SHEET_HEAD % b'<dimension ref="A1:B1"/>'
            + b'<row r="1"><c r="A1"><f>1+1</f><v>2</v></c><c r="B1" t="str"><f>""</f><v></v></c></row>'
            + hostile.SHEET_TAIL,
        )
    )
    assert check_xlsx(content) is None


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda: hostile.zip_bomb(2), "bom nén"),
        (lambda: hostile.ratio_bomb(32), "tỷ lệ nén bất thường"),
        (lambda: hostile.million_empty_rows(dimension=True), "tỷ lệ nén bất thường"),
        (lambda: hostile.million_empty_rows(dimension=False), "tỷ lệ nén bất thường"),
        (hostile.many_rows, "có hơn 20.000 dòng; mỗi lần chỉ nhập tối đa 20.000 dòng"),
        (hostile.far_cell, "1.000.000 dòng"),
        (hostile.formula_only, "Ô A2 của trang “sheet1” chứa công thức chưa có giá trị đã tính"),
        (hostile.encrypted_ole2, "Tệp được đặt mật khẩu"),
        (hostile.zip_encrypted_member, "Tệp được đặt mật khẩu"),
        (lambda: b"Ma doi tuong;Tu so;Mau so\nDT1;3;4\n", "không phải bảng tính Excel (.xlsx)"),
        (lambda: b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "không phải bảng tính Excel (.xlsx)"),
        (lambda: b"<html><script>alert(1)</script></html>", "không phải bảng tính Excel (.xlsx)"),
        (lambda: b"PK\x03\x04" + b"\x00" * 200, "bị hỏng"),
        (hostile.docx_as_xlsx, "thiếu phần sổ làm việc"),
        (hostile.lying_sizes, "bị hỏng"),
        (hostile.path_traversal_zip, "đường dẫn không hợp lệ"),
        (hostile.too_many_members, "quá nhiều thành phần"),
        (lambda: b"", "Tệp rỗng"),
        (lambda: b"PK\x03\x04" + b"\xff" * (11 * 1024 * 1024), "Tệp quá lớn"),
        (hostile.many_shared_strings, "phần chuỗi văn bản quá lớn (38,3 MB khi giải nén"),
        (lambda: hostile.many_shared_strings(150_000), "quá nhiều chuỗi văn bản khác nhau (hơn 100.000)"),
        (hostile.long_shared_strings, "phần chuỗi văn bản quá lớn"),
        (hostile.many_cells, "có hơn 400.000 ô dữ liệu"),
    ],
    ids=[
        "zip-bomb-2GB",
        "ratio-bomb",
        "million-empty-rows-dimension",
        "million-empty-rows-no-dimension",
        "25000-rows",
        "last-cell-row-1000000",
        "formula-only",
        "password-ole2",
        "zip-encrypted-flag",
        "csv-named-xlsx",
        "pdf-named-xlsx",
        "html-named-xlsx",
        "truncated-zip",
        "docx-named-xlsx",
        "lying-zip-sizes",
        "zip-slip",
        "600-members",
        "empty",
        "11MB",
        "1.5M-shared-strings",
        "150000-shared-strings",
        "24MB-of-shared-strings",
        "600000-cells",
    ],
)
def test_hostile_workbooks_are_refused_quickly_with_a_clear_message(make, expected):
    assert expected in refusal(check_xlsx, make())


def test_the_size_cap_comes_from_settings(settings):
    settings.UPLOAD_MAX_BYTES = 1024
    with pytest.raises(ValidationError, match="Tệp quá lớn"):
        check_xlsx(SimpleUploadedFile("a.xlsx", hostile.good_workbook(200)))


def test_the_row_cap_comes_from_settings(settings):
    settings.IMPORT_MAX_ROWS = 10
    assert "mỗi lần chỉ nhập tối đa 10 dòng" in refusal(check_xlsx, hostile.good_workbook(50))


def test_the_name_does_not_matter_only_the_content():
    assert check_xlsx(SimpleUploadedFile("bao-cao.pdf", hostile.good_workbook())) is None
    assert "không phải bảng tính" in refusal(check_xlsx, b"not a workbook", name="so-lieu.xlsx")


def test_a_file_object_is_left_at_its_start_for_the_parser():
    handle = io.BytesIO(hostile.good_workbook())
    check_xlsx(handle)
    assert handle.tell() == 0


# --- YAML plan files -------------------------------------------------------------------------------------------

BILLION_LAUGHS = b"""a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: [*e,*e,*e,*e,*e,*e,*e,*e,*e]
"""


def test_a_plain_plan_file_passes():
    text = "ke_hoach:\n  ma: chuyen-doi-so-2024\n  ten: Kế hoạch thi đua chuyển đổi số\n"
    assert check_yaml(SimpleUploadedFile("ke-hoach.yaml", text.encode())) == text


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (BILLION_LAUGHS, "không dùng tham chiếu"),
        (b"a: " + b"[" * 5000 + b"]" * 5000, "lồng quá sâu"),
        (b"a: " + b"[" * 200_000 + b"]" * 200_000, "lồng quá sâu"),  # libyaml's composer would crash the process
        (b"!!python/object/apply:os.system ['echo pwned']", "viết sai quy cách"),
        (b"a: !!python/name:os.system\n", "viết sai quy cách"),
        (b"- 1\n- 2\n", "mapping"),
        (b"just a string", "mapping"),
        (b"a: [1, 2\nb: 3\n", "dòng"),
        (b"ten: K\xe1 ho\xe1ch\n", "không phải văn bản UTF-8"),
        (b"a: b\x00c\n", "không phải văn bản YAML"),
        (b"a: b\x1bc\n", "ký tự điều khiển"),
        (hostile.good_workbook(), "không phải văn bản YAML"),
        (hostile.encrypted_ole2(), "không phải văn bản YAML"),
        (b"a: " + b"x" * (2 * 1024 * 1024), "quá lớn"),
        (b"", "Tệp rỗng"),
        (b"a: [" + b"1," * 60_000 + b"]", "quá nhiều phần tử"),
    ],
    ids=[
        "billion-laughs",
        "deep-nesting",
        "deep-nesting-200k",
        "python-object-tag",
        "python-name-tag",
        "list-at-top",
        "scalar-at-top",
        "syntax-error",
        "latin1",
        "nul-byte",
        "escape-char",
        "xlsx-named-yaml",
        "ole2-named-yaml",
        "2MB",
        "empty",
        "60k-nodes",
    ],
)
def test_hostile_plan_files_are_refused(content, expected):
    assert expected in refusal(check_yaml, content, name="ke-hoach.yaml")


# Syntax errors as a clerk makes them: each gets its line and a Vietnamese reason, from libyaml or the pure-Python
# parser alike; no English word of the library reaches the page.
SYNTAX_ERRORS = [
    (b"ke_hoach:\n  ma: a\n ten: b\n", "dòng 3"),
    (b"ke_hoach: [1, 2\nb: 3\n", "thiếu dấu “,” hoặc “]”"),
    (b"ke_hoach: {ma: a\n", "thiếu dấu “,” hoặc “}”"),
    ('ke_hoach: "chưa đóng\n'.encode(), "chưa đóng"),
    (b"ke_hoach:\n\t- a\n", "Tab"),
    (b"ke_hoach: a: b\n", "dấu “:” đặt sai chỗ"),
    (b"ke_hoach: @x\n", "ký tự không được phép"),
    (b"a: 1\n---\nb: 2\n", "một tài liệu"),
    (b"ke_hoach: !khac x\n", "thẻ"),
    (b"a: " + b"[" * 1500 + b"]" * 1500, "lồng quá sâu"),
]
ENGLISH = ("expected", "found", "while", "scanning", "parsing", "exceeded", "could not", "allowed")


@pytest.mark.parametrize(("content", "expected"), SYNTAX_ERRORS, ids=[expected for _, expected in SYNTAX_ERRORS])
def test_yaml_syntax_errors_are_told_in_vietnamese(content, expected):
    message = refusal(check_yaml, content, name="ke-hoach.yaml")
    assert expected in message
    assert not any(word in message for word in ENGLISH), message


@pytest.mark.parametrize(("content", "expected"), SYNTAX_ERRORS, ids=[expected for _, expected in SYNTAX_ERRORS])
def test_the_pure_python_parser_is_told_in_vietnamese_too(content, expected, monkeypatch):
    """Without libyaml (a build of PyYAML without it, or a platform without a wheel) the messages are the same."""
    import yaml

    monkeypatch.setattr("core.uploads._FAST_LOADER", yaml.SafeLoader)
    message = refusal(check_yaml, content, name="ke-hoach.yaml")
    assert expected in message
    assert not any(word in message for word in ENGLISH), message


# --- names -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\Windows\\win.ini", "win.ini"),
        ("C:\\Users\\x\\Báo cáo thành tích?.pdf", "Báo cáo thành tích.pdf"),
        ('Tờ trình "đề nghị" <khen>.docx', "Tờ trình đề nghị khen.docx"),
        ("so-lieu.xlsx\x00.exe", "so-lieu.xlsx.exe"),
        ("a\nb\r\tc.pdf", "abc.pdf"),
        ("CON.pdf", "_CON.pdf"),
        ("nul", "_nul"),
        ("   ...   ", "tep-tai-len"),
        ("", "tep-tai-len"),
        (".htaccess", "htaccess"),
        ("x" * 300 + ".pdf", "x" * 116 + ".pdf"),
        ("Ba\u0301o ca\u0301o.pdf", "Báo cáo.pdf"),  # decomposed accents become NFC
        ("bảng;rm -rf $HOME`.xlsx", "bảngrm -rf HOME.xlsx"),
        ("report.PDF", "report.pdf"),
        ("image.php%00.png", "image.php00.png"),
        ("‮fdp.exe", "fdp.exe"),  # right-to-left override removed
    ],
)
def test_names_are_sanitised(raw, clean):
    assert sanitise_filename(raw) == clean


def test_a_sanitised_name_is_never_empty_nor_a_path():
    for raw in ["/", "\\", "..", "./", "\x00", "<>:|?*"]:
        name = sanitise_filename(raw)
        assert name and "/" not in name and "\\" not in name and not name.startswith(".")


# --- Temporary files ----------------------------------------------------------------------------------------------


@pytest.fixture
def spool(settings, tmp_path):
    """Every upload above 1 KB is spooled to a file in a folder of the test's own."""
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024
    return tmp_path


def _post_workbook(client, org, content: bytes):
    from django.urls import reverse

    from tests.scoring.entry_fixtures import entry_world

    world = entry_world(org)
    client.force_login(org.staff_a)
    url = reverse("scoring:excel_upload", args=[world.period.pk])
    return client.post(url, {"file": SimpleUploadedFile("so-lieu.xlsx", content)})


@pytest.mark.django_db
def test_a_refused_upload_leaves_no_temporary_file(client, org, spool):
    response = _post_workbook(client, org, hostile.many_cells(rows=400, columns=30))
    assert response.status_code == 400
    assert list(spool.iterdir()) == []


@pytest.mark.django_db
def test_an_upload_whose_parse_crashes_leaves_no_temporary_file(client, org, spool, monkeypatch):
    client.raise_request_exception = False
    seen = []

    def crash(**kwargs):
        seen.extend(spool.iterdir())  # the spooled file exists while the parse runs
        raise RuntimeError("openpyxl gave up")

    monkeypatch.setattr("scoring.views.entry.parse_readings", crash)
    response = _post_workbook(client, org, hostile.good_workbook(200))
    assert response.status_code == 500
    assert seen and list(spool.iterdir()) == []


@pytest.mark.django_db
def test_a_file_left_by_a_killed_process_is_removed_by_the_next_upload(client, org, spool):
    left = spool / "tmpk1lled.upload.xlsx"
    left.write_bytes(b"PK" + b"\0" * 4_000_000)
    old = time.time() - 2 * 60 * 60
    os.utime(left, (old, old))
    fresh = spool / "tmpstill.upload.xlsx"  # another request's file, still in use
    fresh.write_bytes(b"PK")
    _post_workbook(client, org, hostile.good_workbook())
    assert not left.exists() and fresh.exists()
