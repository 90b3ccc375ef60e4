"""Decision pages: scope (404 outside), roles (403), forms that refuse bad input with 400, downloads in scope."""

from __future__ import annotations

import datetime as dt
import io
from http import HTTPStatus

import pytest
from django.urls import reverse

from awards.models import Decision
from awards.services.decisions import create_draft_decision, sign_decision
from tests.awards.decision_data import accepted_batch, on_paper

pytestmark = pytest.mark.django_db
PASSWORD = "mat-khau-thu-nghiem"


@pytest.fixture
def batch(org):
    return accepted_batch(org)


@pytest.fixture
def draft(org, batch):
    period, award, _ = batch
    return create_draft_decision(period=period, award_kind=award, by=org.chairman_a, signed_on=dt.date(2024, 8, 5))


@pytest.fixture
def signed(org, draft, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        decision = sign_decision(decision=draft, by=org.chairman_a, password=PASSWORD, **on_paper(draft))
    decision.refresh_from_db()
    return decision


def login(client, user):
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("chairman_a", 200),
        ("staff_a", 200),
        ("noi_vu", 200),
        ("noi_vu_tinh", 200),
        ("chairman_b", 404),
        ("nobody", 404),
    ],
)
def test_who_sees_a_decision(client, org, draft, who, expected):
    response = login(client, getattr(org, who)).get(reverse("awards:decision_detail", args=[draft.pk]))
    assert response.status_code == expected


def test_anonymous_is_sent_to_login(client, draft):
    response = client.get(reverse("awards:decision_detail", args=[draft.pk]))
    assert response.status_code == HTTPStatus.FOUND and response["Location"].startswith(reverse("login"))


def test_detail_shows_every_part_and_the_chairmans_actions(client, org, draft):
    page = login(client, org.chairman_a).get(reverse("awards:decision_detail", args=[draft.pk])).content.decode()
    for text in [
        "CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ AN BÌNH",
        "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;",
        "Điều 1.",
        "Điều 2.",
        "Điều 3.",
        "Nơi nhận:",
        "- Lưu: VT, VP.",
        "Nguyễn Thị Hương",
        "1.430.000",
        "Một triệu bốn trăm ba mươi nghìn đồng",
        "Sửa dự thảo",
        "Ký quyết định",
    ]:
        assert text in page, text


def test_home_affairs_sees_no_edit_controls_and_gets_403_on_writes(client, org, draft):
    client = login(client, org.noi_vu)
    page = client.get(reverse("awards:decision_detail", args=[draft.pk])).content.decode()
    assert "Sửa dự thảo" not in page and "Ký quyết định" not in page
    for name in ["decision_edit", "decision_sign", "decision_discard"]:
        assert client.get(reverse(f"awards:{name}", args=[draft.pk])).status_code == HTTPStatus.FORBIDDEN
        assert client.post(reverse(f"awards:{name}", args=[draft.pk]), {}).status_code == HTTPStatus.FORBIDDEN
    assert client.post(reverse("awards:decision_regenerate", args=[draft.pk])).status_code == HTTPStatus.FORBIDDEN


def test_list_is_scoped_searchable_and_shows_batches_awaiting_a_decision(
    client, org, batch, draft, django_assert_max_num_queries
):
    accepted_batch(org, issuer=org.commune_b, individuals=[("Lê Văn Bình", "Công chức", "Tốt")])
    client = login(client, org.chairman_a)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("awards:decision_list")).content.decode()
    assert draft.summary[:60] in page
    page_b = login(client, org.chairman_b).get(reverse("awards:decision_list")).content.decode()
    assert draft.summary[:60] not in page_b
    assert "Lập dự thảo" in page_b  # commune B's accepted nominations wait for a draft
    assert (
        "Chưa có quyết định nào"
        in login(client, org.chairman_a).get(reverse("awards:decision_list"), {"q": "không-có-gì"}).content.decode()
    )


def test_list_query_count_does_not_grow_with_decisions(client, org, batch, django_assert_max_num_queries):
    period, award, _ = batch
    for number in range(1, 30):
        Decision.objects.create(
            issuer=org.commune_a,
            period=period,
            award_kind=award,
            number=number,
            year=2024,
            status="signed",
            place="An Bình",
            summary=f"QĐ {number}",
            article_1="1",
            article_2="2",
            article_3="3",
            authority_line="CHỦ TỊCH",
        )
    client = login(client, org.chairman_a)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("awards:decision_list"))
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == 29


def test_create_draft_asks_for_confirmation(client, org, batch):
    period, award, _ = batch
    client = login(client, org.chairman_a)
    url = reverse("awards:decision_create", args=[period.pk])
    assert "Nguyễn Thị Hương" in client.get(url).content.decode()
    response = client.post(url, {"award_kind": award.pk})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert not Decision.objects.exists()
    response = client.post(url, {"award_kind": award.pk, "signed_on": "2024-08-05", "confirm": "on"})
    decision = Decision.objects.get()
    assert response.status_code == HTTPStatus.FOUND and response["Location"] == decision.get_absolute_url()
    assert decision.base_salary == 2_340_000


@pytest.mark.parametrize(("who", "expected"), [("staff_a", 403), ("noi_vu", 403), ("chairman_b", 404)])
def test_create_draft_refused_to_others(client, org, batch, who, expected):
    period, _, _ = batch
    response = login(client, getattr(org, who)).get(reverse("awards:decision_create", args=[period.pk]))
    assert response.status_code == expected


def test_edit_draft_and_bad_input_re_renders_with_400(client, org, draft):
    client = login(client, org.admin_a)
    url = reverse("awards:decision_edit", args=[draft.pk])
    form = client.get(url).context["form"]
    data = {name: form.initial.get(name, getattr(draft, name, "")) or "" for name in form.fields}
    data.update({"signed_on": "2024-08-05", "summary": "Về việc khen thưởng đợt 1", "number": "7"})
    response = client.post(url, data)
    assert response.status_code == HTTPStatus.FOUND
    draft.refresh_from_db()
    assert (draft.summary, draft.number) == ("Về việc khen thưởng đợt 1", 7)
    response = client.post(url, {**data, "number": "abc", "summary": "Khác"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    draft.refresh_from_db()
    assert draft.summary == "Về việc khen thưởng đợt 1"


def test_sign_page_wrong_password_then_right_one(client, org, draft, django_capture_on_commit_callbacks):
    client = login(client, org.deputy_a)
    url = reverse("awards:decision_sign", args=[draft.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"password": "sai", "confirm": "on"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Mật khẩu không đúng" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Decision.Status.DRAFT
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == HTTPStatus.FOUND
    draft.refresh_from_db()
    assert draft.status == Decision.Status.SIGNED and draft.signer_is_deputy
    page = client.get(reverse("awards:decision_detail", args=[draft.pk])).content.decode()
    assert "KT. CHỦ TỊCH" in page and draft.pdf_sha256 in page
    assert "Sửa dự thảo" not in page


@pytest.mark.parametrize(("who", "expected"), [("staff_a", 403), ("admin_a", 403), ("chairman_b", 404)])
def test_sign_page_refused_to_others(client, org, draft, who, expected):
    response = login(client, getattr(org, who)).get(reverse("awards:decision_sign", args=[draft.pk]))
    assert response.status_code == expected


def test_signed_decision_edit_page_redirects_with_an_error(client, org, signed):
    response = login(client, org.chairman_a).get(reverse("awards:decision_edit", args=[signed.pk]), follow=True)
    assert "không thể sửa" in response.content.decode()


def test_annul_needs_a_reason_and_confirmation(client, org, signed):
    client = login(client, org.chairman_a)
    url = reverse("awards:decision_annul", args=[signed.pk])
    assert client.post(url, {"reason": "", "confirm": "on", "password": PASSWORD}).status_code == 400
    assert client.post(url, {"reason": "Sai tên", "password": PASSWORD}).status_code == HTTPStatus.BAD_REQUEST
    assert client.post(url, {"reason": "Sai tên", "confirm": "on"}).status_code == HTTPStatus.BAD_REQUEST
    signed.refresh_from_db()
    assert signed.status == Decision.Status.SIGNED
    response = client.post(url, {"reason": "Sai tên cá nhân", "confirm": "on", "password": PASSWORD})
    assert response.status_code == HTTPStatus.FOUND
    signed.refresh_from_db()
    assert (signed.status, signed.annul_reason) == ("annulled", "Sai tên cá nhân")


def test_discard_draft_after_confirmation(client, org, draft):
    client = login(client, org.chairman_a)
    url = reverse("awards:decision_discard", args=[draft.pk])
    assert client.post(url, {}).status_code == HTTPStatus.BAD_REQUEST
    assert client.post(url, {"confirm": "on"}).status_code == HTTPStatus.FOUND
    assert not Decision.objects.exists()


@pytest.mark.parametrize(
    ("name", "content_type", "magic"),
    [
        ("decision_pdf", "application/pdf", b"%PDF"),
        ("decision_certificates", "application/pdf", b"%PDF"),
        ("decision_docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", b"PK"),
        ("decision_xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK"),
    ],
)
def test_downloads_are_served_in_scope_only(client, org, signed, name, content_type, magic):
    url = reverse(f"awards:{name}", args=[signed.pk])
    response = login(client, org.noi_vu).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body.startswith(magic)
    assert login(client, org.chairman_b).get(url).status_code == HTTPStatus.NOT_FOUND


def test_the_downloaded_pdf_is_the_stored_one(client, org, signed):
    import hashlib

    response = login(client, org.staff_a).get(reverse("awards:decision_pdf", args=[signed.pk]))
    assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == signed.pdf_sha256


def test_excel_list_has_names_and_amounts(client, org, signed):
    import openpyxl

    response = login(client, org.chairman_a).get(reverse("awards:decision_xlsx", args=[signed.pk]))
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert ("I. Tập thể",) == rows[5][:1]
    assert (1, "Nguyễn Thị Hương", "Công chức Văn phòng – Thống kê") == rows[8][:3]
    assert rows[8][5] == 360_000
    assert rows[-2][5] == 1_430_000
    assert rows[-1][0] == "Bằng chữ: Một triệu bốn trăm ba mươi nghìn đồng"
