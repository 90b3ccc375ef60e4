"""Nomination pages: reasons on screen, scope (404), roles (403), confirmation and reasons, uploads and downloads."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from awards.models import Nomination
from awards.services import nominations as services
from tests.awards.nominations_setup import PDF_BYTES, commune_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(org):
    setup = commune_plan(org)
    services.propose_for_period(period=setup.period)
    return setup


@pytest.fixture
def leader(plan):
    return Nomination.objects.get(participant=plan.collectives[0])


def login(client, user):
    client.force_login(user)
    return client


def test_period_page_shows_why_each_participant_was_or_was_not_proposed(client, org, plan):
    response = login(client, org.chairman_a).get(reverse("awards:nomination_list", args=[plan.period.pk]))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Được đề xuất vì xếp hạng 1/3 khối Bộ phận, tỷ lệ điểm 95,50%, đủ số liệu" in text
    assert "Không được đề xuất vì đã đủ chỉ tiêu 1 tập thể" in text
    assert "Không được đề xuất vì đã đủ chỉ tiêu 2 cá nhân" in text


def test_tied_nominations_are_flagged_on_screen(client, org):
    setup = commune_plan(org)
    setup.standings[1].rank = 1
    setup.standings[1].tied = True
    setup.standings[1].save()
    setup.standings[0].tied = True
    setup.standings[0].save()
    services.propose_for_period(period=setup.period)
    response = login(client, org.chairman_a).get(reverse("awards:nomination_list", args=[setup.period.pk]))
    text = response.content.decode()
    assert "Đồng hạng tại ngưỡng" in text
    assert "Chủ tịch cần chọn" in text


def test_list_pages_keep_a_constant_query_count(client, org, plan, django_assert_max_num_queries):
    login(client, org.chairman_a)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("awards:nomination_list", args=[plan.period.pk])).status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(reverse("awards:nomination_index")).status_code == 200


def test_staff_of_commune_a_gets_404_on_commune_b(client, org):
    other = commune_plan(org, commune=org.commune_b, prefix="B")
    services.propose_for_period(period=other.period)
    nomination = Nomination.objects.filter(period=other.period).first()
    login(client, org.staff_a)
    assert client.get(nomination.get_absolute_url()).status_code == 404
    assert client.get(reverse("awards:nomination_list", args=[other.period.pk])).status_code == 404
    assert (
        client.post(
            reverse("awards:nomination_reject", args=[nomination.pk]), {"reason": "x", "confirm": "on", "version": 1}
        ).status_code
        == 404
    )
    dossier = services.attach_dossier_file(
        nomination=nomination, requirement=other.report, by=org.staff_b, upload=SimpleUploadedFile("b.pdf", PDF_BYTES)
    )
    assert client.get(reverse("awards:dossier_file_download", args=[dossier.pk])).status_code == 404
    assert nomination.name not in client.get(reverse("awards:nomination_index")).content.decode()


def test_noi_vu_reads_everything_but_every_write_is_403(client, org, plan, leader):
    dossier = services.attach_dossier_file(
        nomination=leader, requirement=plan.report, by=org.staff_a, upload=SimpleUploadedFile("a.pdf", PDF_BYTES)
    )
    leader.refresh_from_db()
    login(client, org.noi_vu)
    page = client.get(leader.get_absolute_url())
    assert page.status_code == 200
    text = page.content.decode()
    assert "Hoàn tất hồ sơ" not in text and "Chấp thuận" not in text.replace("Không chấp thuận", "")
    version = {"version": leader.version}
    writes = [
        (
            reverse("awards:nomination_check", args=[leader.pk]),
            {**version, "condition": plan.condition.pk, "confirmed": "1"},
        ),
        (
            reverse("awards:nomination_upload", args=[leader.pk]),
            {**version, "file": SimpleUploadedFile("a.pdf", PDF_BYTES)},
        ),
        (reverse("awards:nomination_prepare", args=[leader.pk]), version),
        (reverse("awards:nomination_submit", args=[leader.pk]), version),
        (reverse("awards:nomination_accept", args=[leader.pk]), {**version, "confirm": "on"}),
        (reverse("awards:nomination_reject", args=[leader.pk]), {**version, "reason": "Không", "confirm": "on"}),
        (reverse("awards:nomination_add", args=[plan.period.pk]), {"reason": "x"}),
        (reverse("awards:nomination_propose", args=[plan.period.pk]), {}),
        (reverse("awards:council_meeting", args=[plan.period.pk]), {"members_total": 5, "members_present": 5}),
        (reverse("awards:dossier_file_remove", args=[dossier.pk]), {}),
    ]
    for url, data in writes:
        assert client.post(url, data).status_code == 403, url
    leader.refresh_from_db()
    assert (leader.status, leader.version, leader.files.count()) == ("proposed", version["version"], 1)


def test_reject_page_asks_for_confirmation_and_a_reason(client, org, leader):
    login(client, org.chairman_a)
    url = reverse("awards:nomination_reject", args=[leader.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"version": leader.version, "reason": " ", "confirm": "on"})
    assert response.status_code == 400
    assert "Phải ghi lý do không chấp thuận" in response.content.decode()
    assert client.post(url, {"version": leader.version, "reason": "Chưa tiêu biểu"}).status_code == 400
    leader.refresh_from_db()
    assert leader.status == "proposed"
    response = client.post(url, {"version": leader.version, "reason": "Chưa tiêu biểu", "confirm": "on"})
    assert response.status_code == 302
    leader.refresh_from_db()
    assert (leader.status, leader.reject_reason) == ("rejected", "Chưa tiêu biểu")


def test_a_stale_form_gets_a_conflict_message(client, org, plan, leader):
    login(client, org.chairman_a)
    stale = leader.version
    services.record_condition_check(nomination=leader, condition=plan.condition, confirmed=True, by=org.staff_a)
    response = client.post(
        reverse("awards:nomination_reject", args=[leader.pk]), {"version": stale, "reason": "Trùng", "confirm": "on"}
    )
    assert response.status_code == 400
    assert "vừa được người khác cập nhật" in response.content.decode()


def test_office_prepares_the_dossier_through_the_pages(client, org, plan, leader):
    login(client, org.staff_a)
    response = client.post(
        reverse("awards:nomination_check", args=[leader.pk]),
        {"version": leader.version, "condition": plan.condition.pk, "confirmed": "1"},
    )
    assert response.status_code == 302
    leader.refresh_from_db()
    for requirement in (plan.report, plan.submission):
        response = client.post(
            reverse("awards:nomination_upload", args=[leader.pk]),
            {
                "version": leader.version,
                "requirement": requirement.pk,
                "file": SimpleUploadedFile("Báo cáo.pdf", PDF_BYTES, content_type="application/pdf"),
            },
        )
        assert response.status_code == 302
        leader.refresh_from_db()
    bad = client.post(
        reverse("awards:nomination_upload", args=[leader.pk]),
        {
            "version": leader.version,
            "requirement": plan.report.pk,
            "file": SimpleUploadedFile("virus.pdf", b"MZ\x90\x00", content_type="application/pdf"),
        },
    )
    assert bad.status_code == 400
    assert "Chỉ nhận tệp PDF" in bad.content.decode()
    page = client.get(leader.get_absolute_url()).content.decode()
    assert "Báo cáo.pdf" in page and "Nộp muộn" in page  # the test clock is past the 15/07/2024 deadline
    response = client.post(reverse("awards:nomination_prepare", args=[leader.pk]), {"version": leader.version})
    assert response.status_code == 302
    leader.refresh_from_db()
    assert leader.status == "prepared"
    download = client.get(reverse("awards:dossier_file_download", args=[leader.files.first().pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF_BYTES
    assert download["X-Content-Type-Options"] == "nosniff"


def test_chairman_adds_by_hand_only_within_the_quota(client, org, plan, leader):
    login(client, org.chairman_a)
    url = reverse("awards:nomination_add", args=[plan.period.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"quota_rule": plan.rule_units.pk, "participant": plan.collectives[2].pk, "reason": "Có sáng kiến"}
    )
    assert response.status_code == 400
    assert "đã đủ chỉ tiêu 1 tập thể" in response.content.decode()
    assert not Nomination.objects.filter(participant=plan.collectives[2]).exists()


def test_period_export_is_an_excel_file(client, org, plan):
    from io import BytesIO

    from openpyxl import load_workbook

    response = login(client, org.chairman_a).get(reverse("awards:nomination_export", args=[plan.period.pk]))
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    assert sheet.freeze_panes == "A2"
    header = [c.value for c in sheet[1]]
    assert header[:6] == ["STT", "Kế hoạch", "Đợt", "Hình thức khen thưởng", "Tập thể/Cá nhân", "Tên"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 3
    assert {row[5] for row in rows} == {"Bộ phận Địa chính A", "Nguyễn Văn An A", "Trần Thị Bình A"}
    ratio = next(row[9] for row in rows if row[5] == "Bộ phận Địa chính A")
    assert ratio == 95.5 and isinstance(ratio, float)
