"""Units, officials and accounts with roles from one Excel file (issue 20, point 3): a template, a preview, all or
nothing, errors by sheet/row/column in Vietnamese, idempotent by code, the readings' upload checks, an export of the
same sheets, and `manage.py import_org FILE --as USERNAME`."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from campaigns.models import Job, Membership, Notice, OrgEvent, Person, Unit
from campaigns.org.excel import SHEETS, export_org, import_org, parse_org
from tests.factories import member

pytestmark = pytest.mark.django_db

UNIT_HEADERS = ["Mã đơn vị", "Tên đầy đủ", "Tên ngắn", "Loại", "Mã đơn vị cấp trên", "Cơ quan Nội vụ",
                "Hiệu lực từ", "Hiệu lực đến", "Mã đơn vị kế thừa"]  # fmt: skip
PERSON_HEADERS = ["Mã cán bộ", "Họ và tên", "Chức vụ", "Mã đơn vị", "Đang công tác"]
ACCOUNT_HEADERS = ["Tên đăng nhập", "Mã cán bộ", "Thư điện tử", "Vai trò", "Mã đơn vị", "Chức danh", "Cấp phó"]


def workbook(units=(), people=(), accounts=()) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, headers, rows in (
        (SHEETS["units"], UNIT_HEADERS, units),
        (SHEETS["people"], PERSON_HEADERS, people),
        (SHEETS["accounts"], ACCOUNT_HEADERS, accounts),
    ):
        sheet = book.create_sheet(title)
        sheet.append(headers)
        for values in rows:
            sheet.append(list(values))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


SECTIONS = [
    ("T-H-A-TC", "Tài chính – Kế toán xã An Bình", "Tài chính – Kế toán", "bo_phan", "T-H-A", "", None, None, ""),
    ("T-H-A-VH", "Văn hóa – Xã hội xã An Bình", "Văn hóa – Xã hội", "Bộ phận chuyên môn", "T-H-A", "", None, None, ""),
]
PEOPLE = [
    ("AB-001", "Trần Thị Thu", "Kế toán", "T-H-A-TC", "có"),
    ("AB-002", "Hoàng Văn Đức", "Công chức", "T-H-A-VH", ""),
]
ACCOUNTS = [
    ("thutt", "AB-001", "thu@example.vn", "Nhập liệu", "T-H-A-TC", "Kế toán", ""),
    ("thutt", "AB-001", "thu@example.vn", "lanh_dao", "T-H-A-VH", "", "x"),
    ("ducchv", "AB-002", "", "Nhập liệu", "T-H-A-VH", "", ""),
]


def load(user, content: bytes):
    result = parse_org(user=user, source=io.BytesIO(content))
    return result


def test_a_commune_loads_its_sections_officials_and_logins_and_a_second_load_changes_nothing(org):
    content = workbook(SECTIONS, PEOPLE, ACCOUNTS)
    result = load(org.admin_a, content)
    assert not result.errors
    assert result.counts["units"]["new"] == 2 and result.counts["people"]["new"] == 2
    assert result.counts["accounts"]["new"] == 2 and result.counts["roles"]["new"] == 3

    import_org(user=org.admin_a, result=result)

    section = Unit.objects.get(code="T-H-A-VH")
    assert Unit.objects.get_parent(section) == org.commune_a and section.kind == "bo_phan"
    thu = Person.objects.get(code="AB-001")
    assert thu.unit.code == "T-H-A-TC" and thu.user.username == "thutt" and thu.user.email == "thu@example.vn"
    assert not thu.user.has_usable_password()  # first sign-in: "Quên mật khẩu" or a one-time password
    assert set(Membership.objects.filter(user=thu.user).values_list("unit__code", "role", "is_deputy")) == {
        ("T-H-A-TC", "nhap_lieu", False),
        ("T-H-A-VH", "lanh_dao", True),
    }
    events = OrgEvent.objects.count()

    again = load(org.admin_a, content)
    assert not again.errors
    assert all(counts["new"] == counts["changed"] == 0 for counts in again.counts.values())
    import_org(user=org.admin_a, result=again)
    assert OrgEvent.objects.count() == events


def test_a_changed_row_updates_by_code(org):
    import_org(user=org.admin_a, result=load(org.admin_a, workbook(SECTIONS, PEOPLE)))
    people = [("AB-001", "Trần Thị Thu", "Phó Chủ tịch", "T-H-A-VH", "có")]
    result = load(org.admin_a, workbook(SECTIONS, people))
    assert result.counts["people"]["changed"] == 1
    import_org(user=org.admin_a, result=result)
    thu = Person.objects.get(code="AB-001")
    assert thu.unit.code == "T-H-A-VH" and thu.position == "Phó Chủ tịch"
    assert thu.postings.count() == 2  # moved: the history is kept


def _only_error(user, content):
    result = load(user, content)
    assert len(result.errors) == 1, result.errors
    return str(result.errors[0])


@pytest.mark.parametrize(
    ("units", "people", "accounts", "expected"),
    [
        pytest.param([SECTIONS[0], SECTIONS[0]], [], [], "Đơn vị», dòng 3, cột «Mã đơn vị»", id="duplicate unit code"),
        pytest.param(
            [("T-H-X", "Xã Mới", "Xã Mới", "xa", "T-H", "", None, None, "")],
            [],
            [],
            "dòng 2, cột «Mã đơn vị cấp trên»",
            id="unit outside the subtree",
        ),
        pytest.param(
            [], [("AB-9", "Lê Văn Chín", "", "T-H-B-VP", "")], [], "dòng 2, cột «Mã đơn vị»", id="official outside"
        ),
        pytest.param(
            SECTIONS,
            [PEOPLE[0], ("AB-001", "Trần Thị Thu", "", "T-H-A-VH", "")],
            [],
            "Cán bộ», dòng 3, cột «Mã cán bộ»",
            id="a person in two units at once",
        ),
        pytest.param(
            SECTIONS, PEOPLE, [("thutt", "AB-001", "", "Quản trị", "T-H", "", "")], "cột «Mã đơn vị»", id="role above"
        ),
        pytest.param(
            SECTIONS,
            PEOPLE,
            [("thutt", "AB-001", "", "Thủ quỹ", "T-H-A-TC", "", "")],
            "cột «Vai trò»",
            id="unknown role",
        ),  # fmt: skip
        pytest.param([], [], [("admin_a", "", "", "lanh_dao", "T-H-A", "", "")], "Tài khoản», dòng 2", id="oneself"),
        pytest.param(
            [
                ("T-H-A-VP", "Văn phòng", "Văn phòng", "bo_phan", "T-H-A", "", None, "2025-06-30", "T-H-A-TC"),
                ("T-H-A-TC", "Tài chính", "Tài chính", "bo_phan", "T-H-A", "", None, None, ""),
            ],
            [],
            [],
            "cột «Mã đơn vị kế thừa»",
            id="a second successor",
        ),  # fmt: skip
    ],
)
def test_bad_input_is_refused_with_its_row_and_reason_and_nothing_is_written(org, units, people, accounts, expected):
    successor = Unit.objects.get(pk=org.commune_a.pk)
    Unit.objects.filter(pk=org.section_a.pk).update(successor=successor)  # the section already has a successor
    before = (
        Unit.objects.count(),
        Person.objects.count(),
        get_user_model().objects.count(),
        Membership.objects.count(),
    )
    message = _only_error(org.admin_a, workbook(units, people, accounts))
    assert expected in message
    with pytest.raises(ValueError):
        import_org(user=org.admin_a, result=load(org.admin_a, workbook(units, people, accounts)))
    after = (Unit.objects.count(), Person.objects.count(), get_user_model().objects.count(), Membership.objects.count())
    assert after == before


def test_the_readings_upload_checks_refuse_a_file_that_is_not_a_workbook(org):
    result = load(org.admin_a, b"Ho va ten;Don vi\nA;B\n")
    assert result.errors and "không phải bảng tính Excel" in str(result.errors[0])


def test_a_missing_column_is_named(org):
    book = openpyxl.Workbook()
    book.active.title = SHEETS["people"]
    book.active.append(["Mã cán bộ", "Họ và tên"])
    buffer = io.BytesIO()
    book.save(buffer)
    errors = [str(error) for error in load(org.admin_a, buffer.getvalue()).errors]
    assert any("thiếu cột «Mã đơn vị»" in error for error in errors)


def test_the_export_reads_back_unchanged_and_shows_only_the_subtree(org):
    import_org(user=org.admin_a, result=load(org.admin_a, workbook(SECTIONS, PEOPLE, ACCOUNTS)))
    Person.objects.create(full_name="Người Xã Khác", unit=org.section_b, code="BM-1")
    content = export_org(user=org.admin_a)
    names = {
        cell.value for sheet in openpyxl.load_workbook(io.BytesIO(content)).worksheets for row in sheet for cell in row
    }
    assert "Trần Thị Thu" in names and "Người Xã Khác" not in names and "Xã Bình Minh" not in names
    again = load(org.admin_a, content)
    assert not again.errors, again.errors
    assert all(counts["new"] == counts["changed"] == 0 for counts in again.counts.values()), again.counts


def test_the_command_loads_a_file_for_a_user_or_refuses_it_whole(org, tmp_path, capsys):
    good = tmp_path / "to-chuc.xlsx"
    good.write_bytes(workbook(SECTIONS, PEOPLE, ACCOUNTS))
    call_command("import_org", str(good), "--as", "admin_a")
    assert Person.objects.filter(code__in=["AB-001", "AB-002"]).count() == 2

    bad = tmp_path / "loi.xlsx"
    bad.write_bytes(workbook([], [("AB-9", "Lê Văn Chín", "", "T-H-B-VP", "")]))
    with pytest.raises(CommandError) as error:
        call_command("import_org", str(bad), "--as", "admin_a")
    assert "dòng 2" in str(error.value)
    assert not Person.objects.filter(code="AB-9").exists()


def test_the_page_previews_then_writes(client, org):
    client.force_login(org.admin_a)
    upload = SimpleUploadedFile("to-chuc.xlsx", workbook(SECTIONS, PEOPLE, ACCOUNTS))
    preview = client.post(reverse("campaigns:org_import"), {"file": upload})
    assert preview.status_code == 200 and not Person.objects.filter(code="AB-001").exists()
    token = preview.context["token"]
    rows = preview.context["rows"]
    response = client.post(reverse("campaigns:org_import_commit"), {"token": token, "rows": rows})
    assert response.status_code == 302 and response.url == reverse("campaigns:person_list")
    assert Person.objects.filter(code="AB-001").exists()


def test_a_tampered_row_count_is_refused_like_a_forged_token(client, org):
    client.force_login(org.admin_a)
    upload = SimpleUploadedFile("to-chuc.xlsx", workbook(SECTIONS, PEOPLE, ACCOUNTS))
    preview = client.post(reverse("campaigns:org_import"), {"file": upload})
    response = client.post(reverse("campaigns:org_import_commit"), {"token": preview.context["token"], "rows": 99999})
    assert response.status_code == 302 and response.url == reverse("campaigns:org_import")
    assert not Person.objects.filter(code="AB-001").exists()


def test_a_big_file_is_written_by_a_job_with_progress_and_a_notice(
    client, org, settings, django_capture_on_commit_callbacks
):
    settings.ORG_IMPORT_IN_REQUEST_MAX_ROWS = 2  # this small file counts as big here
    client.force_login(org.admin_a)
    upload = SimpleUploadedFile("to-chuc.xlsx", workbook(SECTIONS, PEOPLE, ACCOUNTS))
    preview = client.post(reverse("campaigns:org_import"), {"file": upload})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("campaigns:org_import_commit"), {"token": preview.context["token"], "rows": preview.context["rows"]}
        )
    job = Job.objects.get(task="campaigns.tasks.import_org_file")
    assert response.status_code == 302 and response.url == reverse("planning:job_detail", args=[job.pk])
    assert job.state == Job.State.SUCCESS and job.progress == 100 and "cán bộ" in job.message
    assert Person.objects.filter(code="AB-001").exists()
    notice = Notice.objects.get(user=org.admin_a, key=f"org-import-{job.pk}")
    assert notice.title.startswith("Đã nhập xong")
    page = client.get(reverse("planning:job_detail", args=[job.pk]))
    assert "Xem cán bộ, tài khoản đã nhập" in page.content.decode()
    assert not default_storage.listdir("imports/org")[1]  # the kept file is gone


def test_a_job_whose_file_now_has_refusals_writes_nothing_and_says_why(
    client, org, settings, django_capture_on_commit_callbacks
):
    settings.ORG_IMPORT_IN_REQUEST_MAX_ROWS = 2
    client.force_login(org.admin_a)
    upload = SimpleUploadedFile("to-chuc.xlsx", workbook(SECTIONS, PEOPLE, ACCOUNTS))
    preview = client.post(reverse("campaigns:org_import"), {"file": upload})
    # Between the preview and the confirmation, another quản trị gives one of the file's codes to someone else.
    Person.objects.create(full_name="Người Khác", unit=org.commune_b, code="AB-001")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("campaigns:org_import_commit"), {"token": preview.context["token"], "rows": preview.context["rows"]}
        )
    job = Job.objects.get(task="campaigns.tasks.import_org_file")
    assert job.is_refused and "không ghi gì" in job.error.lower() + job.message.lower()
    assert not Person.objects.filter(code="AB-002").exists()
    assert Notice.objects.get(key=f"org-import-{job.pk}").title.endswith("không thành công")


def test_template_download_has_the_three_sheets(client, org):
    client.force_login(org.admin_a)
    response = client.get(reverse("campaigns:org_template"))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert [SHEETS["units"], SHEETS["people"], SHEETS["accounts"]] == book.sheetnames[:3]
    assert [cell.value for cell in book[SHEETS["people"]][1]] == PERSON_HEADERS


def test_another_commune_admin_cannot_use_a_code_of_commune_a(org):
    member(org.commune_b, "quan_tri", "admin_b")
    admin_b = get_user_model().objects.get(username="admin_b")
    message = _only_error(admin_b, workbook([("T-H-A-VP", "X", "X", "bo_phan", "T-H-B", "", None, None, "")]))
    assert "dòng 2, cột «Mã đơn vị»" in message


def test_the_export_lists_officials_in_vietnamese_alphabetical_order(org):
    names = ["Anh Tuấn", "Ăn Hòa", "Dương Thị Mai", "Đặng Văn Lâm", "Zơ Rát Y"]
    for number, name in enumerate(reversed(names)):  # codes in the reverse order: the sheet does not follow codes
        Person.objects.create(full_name=name, unit=org.section_a, code=f"AB-{number:03d}")
    sheet = openpyxl.load_workbook(io.BytesIO(export_org(user=org.admin_a)))[SHEETS["people"]]
    assert [row[1] for row in sheet.iter_rows(min_row=2, values_only=True) if row[1] in names] == names


def test_a_preview_of_a_thousand_rows_posts_its_row_count_as_plain_digits(client, org):
    """The row count the confirmation posts back is signed into the token; shown Vietnamese style ("1.002") it no
    longer matched and every file of 1,000 rows or more was refused as an expired preview."""
    client.force_login(org.admin_a)
    people = [(f"AB-{n:04d}", f"Cán bộ số {n}", "Công chức", "T-H-A-TC", "") for n in range(1, 1001)]
    upload = SimpleUploadedFile("to-chuc.xlsx", workbook(SECTIONS, people))
    preview = client.post(reverse("campaigns:org_import"), {"file": upload})
    rows = re.search(r'name="rows" value="([^"]*)"', preview.content.decode()).group(1)
    assert rows == str(preview.context["rows"]) and preview.context["rows"] >= 1000
    response = client.post(reverse("campaigns:org_import_commit"), {"token": preview.context["token"], "rows": rows})
    assert "Phiên xem trước đã hết hạn" not in [str(m) for m in response.wsgi_request._messages]
