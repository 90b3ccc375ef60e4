"""Plan pages: list, detail, create and edit with inline formsets, activation, print, bulk enrolment, tasks, files."""

from __future__ import annotations

import datetime as dt
from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from campaigns.models import Participant, Person, Plan, PlanTask
from planning.plan_io import export_plan, import_plan
from tests.campaigns.test_plan_io import SMALL
from tests.factories import PlanFactory

pytestmark = pytest.mark.django_db


def _formset(prefix: str, rows: list[dict], initial: int = 0) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-{key}": value for key, value in row.items()})
    return data


def _plan_post(org, **changes) -> dict:
    data = {
        "key": "an-binh-2025",
        "issuer": str(org.commune_a.pk),
        "number": "15",
        "symbol": "KH-UBND",
        "title": "Thi đua số hóa năm 2025",
        "kind": "chuyen_de",
        "start": "2025-01-01",
        "end": "2025-11-30",
        "frequency": "monthly",
        "grace_days": "5",
        "total_points": "100",
        "vote_threshold": "70",
        "legal_bases": "Luật Thi đua, khen thưởng ngày 15/6/2022;\nKế hoạch số 09/KH-UBND",
        "purpose": "Mục đích",
        "requirements": "",
        "signer_name": "Nguyễn Văn Chủ",
        "signer_title": "TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH",
        "recipients": "Phòng Nội vụ\nLưu: VT",
        "source_note": "",
        "place": "An Bình",
        "issued_on": "2025-01-10",
    }
    data.update(
        _formset(
            "periods",
            [
                {"order": "1", "name": "Đợt 1", "start": "2025-01-01", "end": "2025-06-30", "review_kind": "so_ket"},
                {"order": "2", "name": "Đợt 2", "start": "2025-07-01", "end": "2025-11-30", "review_kind": "tong_ket"},
            ],
        )
    )
    data.update(_formset("groups", [{"order": "1", "code": "bo-phan", "name": "Bộ phận"}]))
    data.update(
        _formset(
            "tasks",
            [
                {
                    "order": "1",
                    "code": "1",
                    "title": "Số hóa kết quả",
                    "deadline": "2025-11-30",
                    "lead_unit": str(org.section_a.pk),
                    "executing_units": [str(org.section_a.pk)],
                }
            ],
        )
    )
    data.update(changes)
    return data


def test_plan_list_filters_searches_and_paginates(client, org, django_assert_max_num_queries):
    for index in range(25):
        PlanFactory(issuer=org.commune_a, title=f"Kế hoạch thường niên {index}", start=dt.date(2024, 1, 1))
    PlanFactory(
        issuer=org.commune_a,
        title="Cao điểm dịch vụ công",
        kind="cao_diem",
        status="active",
        start=dt.date(2023, 8, 14),
        end=dt.date(2023, 9, 14),
    )
    PlanFactory(issuer=org.commune_b, title="Kế hoạch của xã Bình Minh")
    client.force_login(org.noi_vu)
    url = reverse("campaigns:plan_list")
    archive = {"xem": "da-ket-thuc"}  # every plan here ended before this year
    with django_assert_max_num_queries(12):
        page = client.get(url, archive).content.decode()
    assert "Trang 1/2 (27 mục)" in page
    assert "Cao điểm dịch vụ công" in client.get(url, {"nam": "2023"}).content.decode()
    assert "Kế hoạch thường niên" not in client.get(url, {"nam": "2023"}).content.decode()
    only_b = client.get(url, {**archive, "don_vi": org.commune_b.pk}).content.decode()
    assert "Bình Minh" in only_b and "thường niên" not in only_b
    active = client.get(url, {"trang_thai": "active", "loai": "cao_diem"}).content.decode()
    assert "Cao điểm dịch vụ công" in active and "thường niên" not in active
    assert "Cao điểm" in client.get(url, {**archive, "q": "dịch vụ công"}).content.decode()


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("admin_a", HTTPStatus.OK),
        ("chairman_a", HTTPStatus.OK),
        ("staff_a", HTTPStatus.FORBIDDEN),
        ("noi_vu", HTTPStatus.FORBIDDEN),  # may read, may not edit
        ("staff_b", HTTPStatus.NOT_FOUND),  # another commune: the id does not leak
    ],
)
def test_who_may_edit_a_plan(client, org, who, expected):
    plan = import_plan(text=SMALL).plan
    client.force_login(getattr(org, who))
    assert client.get(reverse("planning:plan_edit", args=[plan.pk])).status_code == expected
    if expected != HTTPStatus.OK:
        assert client.post(reverse("planning:plan_edit", args=[plan.pk]), _plan_post(org)).status_code == expected
        assert Plan.objects.get(pk=plan.pk).title == "Thi đua chuyển đổi số xã An Bình năm 2024"


def test_editing_a_plan_keeps_its_parts_and_refuses_a_clash(client, org):
    plan = import_plan(text=SMALL.replace("status: active", "status: draft")).plan
    client.force_login(org.chairman_a)
    url = reverse("planning:plan_edit", args=[plan.pk])
    periods = list(plan.periods.order_by("order"))
    data = _plan_post(org, start="2024-01-01", end="2024-12-31", title="Tên mới của kế hoạch")
    data.update(
        _formset(
            "periods",
            [
                {
                    "id": str(p.pk),
                    "order": str(p.order),
                    "name": p.name,
                    "start": f"{p.start:%Y-%m-%d}",
                    "end": f"{p.end:%Y-%m-%d}",
                    "review_kind": p.review_kind,
                }
                for p in periods
            ],
            initial=2,
        )
    )
    group = plan.groups.get()
    data.update(
        _formset("groups", [{"id": str(group.pk), "order": "1", "code": group.code, "name": group.name}], initial=1)
    )
    assert client.post(url, data).status_code == HTTPStatus.FOUND
    plan.refresh_from_db()
    assert plan.title == "Tên mới của kế hoạch" and plan.periods.count() == 2 and plan.criteria.count() == 2
    # A new period numbered like an existing one is refused with 400, nothing saved.
    clash = {**data, "title": "Không lưu"}
    clash.update(
        {
            "periods-TOTAL_FORMS": "3",
            "periods-2-order": "1",
            "periods-2-name": "Đợt thêm",
            "periods-2-start": "2025-01-01",
            "periods-2-end": "2025-01-31",
            "periods-2-review_kind": "so_ket",
        }
    )
    response = client.post(url, clash)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert Plan.objects.get(pk=plan.pk).title == "Tên mới của kế hoạch" and plan.periods.count() == 2


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("admin_a", HTTPStatus.FOUND),
        ("chairman_a", HTTPStatus.FOUND),
        ("staff_a", HTTPStatus.FORBIDDEN),
        ("noi_vu", HTTPStatus.FORBIDDEN),
    ],
)
def test_who_may_create_a_plan(client, org, who, expected):
    client.force_login(getattr(org, who))
    assert client.post(reverse("planning:plan_create"), _plan_post(org)).status_code == expected
    assert Plan.objects.filter(key="an-binh-2025").exists() == (expected == HTTPStatus.FOUND)


def test_office_staff_and_home_affairs_read_the_plan_without_edit_controls(client, org):
    plan = import_plan(text=SMALL).plan
    for user in (org.staff_a, org.noi_vu, org.noi_vu_tinh):
        client.force_login(user)
        page = client.get(plan.get_absolute_url()).content.decode()
        assert "Số hóa kết quả" in page and "Giấy khen của Chủ tịch Ủy ban nhân dân xã" in page
        assert reverse("planning:plan_edit", args=[plan.pk]) not in page
    client.force_login(org.chairman_a)
    assert reverse("planning:plan_edit", args=[plan.pk]) in client.get(plan.get_absolute_url()).content.decode()


def test_a_plan_typed_in_the_browser_is_a_draft_and_exports_to_yaml_that_imports_elsewhere(client, org):
    client.force_login(org.chairman_a)
    response = client.post(reverse("planning:plan_create"), _plan_post(org))
    plan = Plan.objects.get(key="an-binh-2025")
    assert response.status_code == HTTPStatus.FOUND and response["Location"] == plan.get_absolute_url()
    assert plan.status == Plan.Status.DRAFT
    assert plan.legal_bases == ["Luật Thi đua, khen thưởng ngày 15/6/2022", "Kế hoạch số 09/KH-UBND"]
    assert plan.periods.count() == 2 and plan.groups.count() == 1
    assert plan.tasks.get().executing_units.get() == org.section_a
    download = client.get(reverse("planning:plan_download", args=[plan.pk]))
    assert download["Content-Disposition"] == 'attachment; filename="an-binh-2025.yaml"'
    text = download.content.decode()
    Plan.objects.all().delete()  # "elsewhere": the plan is gone, the file brings it back
    again = import_plan(text=text).plan
    assert export_plan(plan=again) == text
    assert again.title == "Thi đua số hóa năm 2025" and again.periods.count() == 2


def test_overlapping_periods_re_render_the_form_with_400_and_save_nothing(client, org):
    client.force_login(org.chairman_a)
    data = _plan_post(org, **{"periods-1-start": "2025-06-01"})
    response = client.post(reverse("planning:plan_create"), data)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "trùng thời gian" in response.content.decode()
    assert not Plan.objects.exists()


def test_activation_asks_for_confirmation_and_checks_the_points(client, org):
    plan = import_plan(text=SMALL.replace("status: active", "status: draft")).plan
    client.force_login(org.chairman_a)
    url = reverse("campaigns:plan_status", args=[plan.pk, "active"])
    assert "Xác nhận" in client.get(url).content.decode()
    plan.criteria.filter(code="tuyen-truyen").update(max_points=30)
    refused = client.post(url)
    assert refused.status_code == HTTPStatus.BAD_REQUEST
    assert "phải bằng tổng điểm của kế hoạch" in refused.content.decode()
    assert Plan.objects.get(pk=plan.pk).status == Plan.Status.DRAFT
    plan.criteria.filter(code="tuyen-truyen").update(max_points=40)
    assert client.post(url).status_code == HTTPStatus.FOUND
    plan.refresh_from_db()
    assert plan.status == Plan.Status.ACTIVE
    assert plan.history.first().history_user == org.chairman_a
    # Only the allowed transitions: an active plan cannot be activated again.
    assert client.post(url).status_code == HTTPStatus.FOUND
    client.force_login(org.noi_vu)
    assert client.post(reverse("campaigns:plan_status", args=[plan.pk, "closed"])).status_code == HTTPStatus.FORBIDDEN


def test_printable_view_lays_out_the_plan(client, org):
    plan = import_plan(text=SMALL).plan
    client.force_login(org.staff_a)
    page = client.get(reverse("campaigns:plan_print", args=[plan.pk])).content.decode()
    assert "Độc lập - Tự do - Hạnh phúc" in page and "Thi đua chuyển đổi số xã An Bình năm 2024" in page
    assert "từ ngày 01/01/2024 đến ngày 31/12/2024" in page and "js/print.js" in page
    assert "<script>" not in page


def test_bulk_add_every_commune_every_section_every_official(client, org):
    plan = PlanFactory(issuer=org.district, key="huyen-2024")
    group = plan.groups.create(code="xa", name="Các xã")
    Person.objects.create(full_name="Lê Văn Một", unit=org.section_a)
    Person.objects.create(full_name="Trần Thị Hai", unit=org.commune_b)
    client.force_login(org.noi_vu)
    url = reverse("planning:participants_bulk_add", args=[plan.pk])
    assert client.get(url).status_code == HTTPStatus.FORBIDDEN
    from tests.factories import member

    district_admin = member(org.district, "quan_tri", "admin_huyen")
    client.force_login(district_admin)
    assert client.post(url, {"mode": "communes", "units": [org.district.pk], "group": group.pk}).status_code == 302
    assert set(plan.participants.values_list("unit__code", flat=True)) == {"T-H-A", "T-H-B"}
    assert set(plan.participants.values_list("group", flat=True)) == {group.pk}
    client.post(url, {"mode": "sections", "units": [org.commune_a.pk]})
    assert plan.participants.filter(unit=org.section_a, group=None).exists()
    client.post(url, {"mode": "officials", "units": [org.commune_a.pk, org.commune_b.pk]})
    assert set(plan.participants.filter(kind="individual").values_list("name", flat=True)) == {
        "Lê Văn Một",
        "Trần Thị Hai",
    }
    # Again: nobody is enrolled twice or moved to another group.
    response = client.post(url, {"mode": "communes", "units": [org.district.pk]}, follow=True)
    assert "0 đối tượng" in response.content.decode()
    assert plan.participants.filter(kind=Participant.Kind.COLLECTIVE).count() == 3
    assert client.post(url, {"mode": "communes"}).status_code == HTTPStatus.BAD_REQUEST


def test_tasks_show_overdue_and_take_progress_reports(client, org):
    plan = import_plan(text=SMALL).plan
    overdue = PlanTask.objects.create(
        plan=plan, order=1, code="1", title="Rà soát TTHC", lead_unit=org.section_a, deadline=dt.date(2024, 3, 1)
    )
    client.force_login(org.staff_a)
    page = client.get(plan.get_absolute_url()).content.decode()
    assert "Quá hạn" in page
    url = reverse("campaigns:task_progress", args=[overdue.pk])
    response = client.post(url, {"status": "done", "progress_percent": "40", "progress": "Đã rà soát 12 TTHC."})
    assert response.status_code == HTTPStatus.FOUND
    overdue.refresh_from_db()
    assert (overdue.status, overdue.progress_percent, overdue.is_overdue) == ("done", 100, False)
    assert "Quá hạn" not in client.get(plan.get_absolute_url()).content.decode()
    assert client.post(url, {"status": "in_progress", "progress_percent": "140"}).status_code == 400
    client.force_login(org.noi_vu)
    assert client.post(url, {"status": "in_progress", "progress_percent": "10"}).status_code == 403
    client.force_login(org.staff_b)
    assert client.get(url).status_code == 404


def test_upload_imports_a_plan_and_a_broken_file_lists_its_errors(client, org):
    client.force_login(org.admin_a)
    url = reverse("planning:plan_upload")
    broken = SimpleUploadedFile("ke-hoach.yaml", SMALL.replace("target: 90", "target: 140").encode())
    response = client.post(url, {"file": broken})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Dòng 17, mục criteria › 1 › target" in response.content.decode()
    assert not Plan.objects.exists()
    good = SimpleUploadedFile("ke-hoach.yaml", SMALL.encode())
    response = client.post(url, {"file": good})
    plan = Plan.objects.get(key="an-binh-2024")
    assert response.status_code == HTTPStatus.FOUND and response["Location"] == plan.get_absolute_url()
    client.post(url, {"file": SimpleUploadedFile("ke-hoach.yaml", SMALL.encode())})
    assert Plan.objects.count() == 1
    client.force_login(org.staff_a)
    assert client.get(url).status_code == HTTPStatus.FORBIDDEN


def test_copy_to_a_new_year_from_the_browser(client, org):
    plan = import_plan(text=SMALL).plan
    client.force_login(org.chairman_a)
    url = reverse("planning:plan_copy", args=[plan.pk])
    assert 'value="2025"' in client.get(url).content.decode()
    response = client.post(url, {"year": "2025"})
    copy = Plan.objects.get(key="an-binh-2025")
    assert response["Location"] == f"{copy.get_absolute_url()}#thay-doi-khi-sao-chep"
    assert copy.status == Plan.Status.DRAFT and copy.start == dt.date(2025, 1, 1)
    review = client.get(copy.get_absolute_url()).content.decode()
    assert "Những chỗ đã sửa khi sao chép sang năm 2025" in review
    assert "Thi đua chuyển đổi số xã An Bình năm <mark>2024</mark>" in review  # the title before, its year marked
    client.force_login(org.staff_a)
    assert client.post(url, {"year": "2026"}).status_code == HTTPStatus.FORBIDDEN
