"""Decisions as a Home Affairs office files them (issue 18): the decision's date is the signing date, numbers from
the văn thư's register, wording by the issuer's level, only texts in force on the date, and the .docx's own
page numbers, language and properties."""

from __future__ import annotations

import datetime as dt
import io
import re
from http import HTTPStatus

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from docx import Document

from awards.docx import render_decision_docx
from awards.models import Decision, IssuerSetting
from awards.pdf import certificate_line, decision_context
from awards.services.decisions import create_draft_decision, sign_decision, update_draft
from core.formatting import official_date
from core.official_docx import docx_title
from tests.awards.decision_data import accepted_batch
from tests.factories import member

pytestmark = pytest.mark.django_db
PASSWORD = "mat-khau-thu-nghiem"
PLANNED = dt.date(2024, 7, 5)


def sign(draft, by, **extra):
    return sign_decision(decision=draft, by=by, password=PASSWORD, **extra)


# 1. The decision's date is the signing date ------------------------------------------------------------------------


def test_a_draft_planned_for_july_2024_signed_today_carries_todays_date(org):
    period, award, _ = accepted_batch(org)
    draft = create_draft_decision(period=period, award_kind=award, by=org.chairman_a, signed_on=PLANNED)
    signed = sign(draft, org.chairman_a)
    today = timezone.localdate()
    assert signed.signed_on == today
    context = decision_context(signed)
    assert context["place_and_date"] == f"An Bình, {official_date(today)}"
    assert str(today.year) in context["annex_reference"]
    # The texts and the base salary follow the signing date, not the planned one.
    assert signed.base_salary != 1_800_000
    assert not any("Nghị định số 98/2023" in line for line in signed.legal_bases)


def test_the_signing_time_prints_in_vietnamese_form_never_iso(org):
    period, award, _ = accepted_batch(org)
    signed = sign(create_draft_decision(period=period, award_kind=award, by=org.chairman_a), org.chairman_a)
    stamp = decision_context(signed)["signed_at_display"]
    assert re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d", stamp)
    assert stamp == timezone.localtime(signed.signed_at).strftime("%d/%m/%Y %H:%M")
    assert "T" not in stamp and "+07" not in stamp


def test_another_date_needs_a_reason_and_is_logged(org):
    period, award, _ = accepted_batch(org)
    draft = create_draft_decision(period=period, award_kind=award, by=org.chairman_a, signed_on=PLANNED)
    with pytest.raises(ValidationError, match="phải nêu lý do"):
        sign(draft, org.chairman_a, signed_on=PLANNED)
    draft.refresh_from_db()
    assert draft.status == Decision.Status.DRAFT and draft.number is None
    signed = sign(draft, org.chairman_a, signed_on=PLANNED, date_reason="Đã ký bản giấy ngày 05/7/2024")
    assert signed.signed_on == PLANNED and signed.base_salary == 2_340_000
    assert signed.signed_on_reason == "Đã ký bản giấy ngày 05/7/2024"
    last = signed.history.first()
    assert "05/07/2024" in last.history_change_reason and "bản giấy" in last.history_change_reason
    # Signed on paper that day and entered today: no electronic "Đã ký <today>" stamp beside the 2024 date.
    assert decision_context(signed)["signed_at_display"] == ""


def test_the_home_affairs_office_in_nơi_nhận_follows_the_signing_date(org):
    org.phong_noi_vu.valid_to = dt.date(2025, 6, 30)
    org.phong_noi_vu.save()
    period, award, _ = accepted_batch(org)
    draft = create_draft_decision(period=period, award_kind=award, by=org.chairman_a)  # planned today: Sở Nội vụ
    assert "Sở Nội vụ tỉnh Thử Nghiệm" in draft.recipients
    signed = sign(draft, org.chairman_a, signed_on=PLANNED, date_reason="Đã ký bản giấy")
    assert "Phòng Nội vụ huyện Thử Nghiệm" in signed.recipients
    assert "Sở Nội vụ tỉnh Thử Nghiệm" not in signed.recipients


def test_a_future_signing_date_is_refused(org):
    period, award, _ = accepted_batch(org)
    draft = create_draft_decision(period=period, award_kind=award, by=org.chairman_a)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationError, match="chưa đến"):
        sign(draft, org.chairman_a, signed_on=tomorrow, date_reason="ký trước")


def test_texts_edited_by_hand_for_the_planned_date_block_a_signing_date_that_changes_them(org):
    period, award, _ = accepted_batch(org)
    draft = create_draft_decision(period=period, award_kind=award, by=org.chairman_a, signed_on=PLANNED)
    draft = update_draft(decision=draft, by=org.chairman_a, legal_bases=[*draft.legal_bases[:-1], "Căn cứ riêng"])
    with pytest.raises(ValidationError, match="sửa tay"):
        sign(draft, org.chairman_a)
    assert Decision.objects.get(pk=draft.pk).status == Decision.Status.DRAFT


# 2. Numbering from the văn thư's register ---------------------------------------------------------------------------


@pytest.fixture
def register(org):
    return IssuerSetting.objects.create(unit=org.commune_a, numbering=IssuerSetting.Numbering.REGISTER)


def test_by_default_the_app_counts(org):
    period, award, _ = accepted_batch(org)
    assert sign(create_draft_decision(period=period, award_kind=award, by=org.chairman_a), org.chairman_a).number == 1


def test_a_register_issuer_must_enter_the_number_at_signing(org, register):
    period, award, _ = accepted_batch(org)
    draft = create_draft_decision(period=period, award_kind=award, by=org.chairman_a)
    with pytest.raises(ValidationError, match="sổ đăng ký"):
        sign(draft, org.chairman_a)
    assert Decision.objects.get(pk=draft.pk).number is None
    signed = sign(draft, org.chairman_a, number=57)
    assert signed.number == 57 and signed.number_display == "57/QĐ-UBND"


def test_register_numbers_are_unique_per_issuer_and_year_and_may_leave_gaps(org, register):
    period, award, nominations = accepted_batch(org)
    first = create_draft_decision(period=period, award_kind=award, by=org.chairman_a)
    assert sign(first, org.chairman_a, number=57).number == 57
    period_b, award_b, _ = accepted_batch(org)
    second = create_draft_decision(period=period_b, award_kind=award_b, by=org.chairman_a)
    with pytest.raises(ValidationError, match="đã được dùng"):
        sign(second, org.chairman_a, number=57)
    assert sign(second, org.chairman_a, number=63).number == 63  # 58–62 went to the register's other decisions
    # Another issuer may use 57 the same year.
    period_c, award_c, _ = accepted_batch(org, issuer=org.commune_b)
    other = create_draft_decision(period=period_c, award_kind=award_c, by=org.chairman_b)
    IssuerSetting.objects.create(unit=org.commune_b, numbering=IssuerSetting.Numbering.REGISTER)
    assert sign_decision(decision=other, by=org.chairman_b, password=PASSWORD, number=57).number == 57


# 4. Wording by the issuer's level -----------------------------------------------------------------------------------


@pytest.fixture
def province_chairman(org):
    return member(org.province, "lanh_dao", "chu_tich_tinh", title="Chủ tịch")


def test_a_commune_decision_reads_as_a_commune_and_cites_its_council(org):
    period, award, _ = accepted_batch(org)
    draft = create_draft_decision(period=period, award_kind=award, by=org.chairman_a)
    assert draft.proposal_basis == "Xét đề nghị của Hội đồng Thi đua – Khen thưởng xã An Bình"
    assert "Tài chính – Kế toán xã An Bình" in draft.article_3
    assert "Sở Nội vụ" not in draft.article_3
    assert "Chủ tịch, các Phó Chủ tịch UBND xã An Bình" in draft.recipients


def test_a_province_decision_names_its_departments_and_sở_nội_vụ_tờ_trình(org, province_chairman):
    period, award, _ = accepted_batch(org, issuer=org.province)
    draft = create_draft_decision(
        period=period,
        award_kind=award,
        by=province_chairman,
        appraisal_number="125/TTr-SNV",
        appraisal_on=dt.date(2023, 12, 15),
    )
    assert draft.proposal_basis == "Xét đề nghị của Giám đốc Sở Nội vụ tại Tờ trình số 125/TTr-SNV ngày 15/12/2023"
    assert "Giám đốc Sở Nội vụ, Giám đốc Sở Tài chính" in draft.article_3
    assert "Chánh Văn phòng Ủy ban nhân dân tỉnh" in draft.article_3
    assert "Tài chính – Kế toán" not in draft.article_3
    assert "Sở Nội vụ tỉnh Thử Nghiệm" in draft.recipients
    assert "Thường trực Tỉnh ủy, HĐND tỉnh" in draft.recipients


def test_a_province_draft_waits_for_the_tờ_trình_number_before_signing(org, province_chairman):
    period, award, _ = accepted_batch(org, issuer=org.province)
    draft = create_draft_decision(period=period, award_kind=award, by=province_chairman)
    assert draft.proposal_basis == "Xét đề nghị của Giám đốc Sở Nội vụ tại Tờ trình số … ngày …"
    with pytest.raises(ValidationError, match="chỗ trống"):
        sign(draft, province_chairman)
    draft = update_draft(
        decision=draft, by=province_chairman, appraisal_number="88/TTr-SNV", appraisal_on=dt.date(2023, 12, 18)
    )
    assert draft.proposal_basis.endswith("Tờ trình số 88/TTr-SNV ngày 18/12/2023")
    assert sign(draft, province_chairman).status == Decision.Status.SIGNED


def test_the_wording_is_printed_as_edited_on_the_draft(org):
    period, award, _ = accepted_batch(org)
    draft = create_draft_decision(period=period, award_kind=award, by=org.chairman_a)
    article_3 = "Quyết định này có hiệu lực kể từ ngày ký. Công chức Văn phòng – Thống kê thi hành Quyết định này./."
    draft = update_draft(
        decision=draft,
        by=org.chairman_a,
        article_3=article_3,
        proposal_basis="Xét đề nghị của Văn phòng – Thống kê xã tại Tờ trình số 03/TTr-VP ngày 02/12/2026",
        recipients=["Như Điều 3", "Lưu: VT"],
    )
    context = decision_context(draft)
    assert ("Điều 3.", article_3) in context["articles"]
    assert context["legal_bases"][-1] == (
        "Xét đề nghị của Văn phòng – Thống kê xã tại Tờ trình số 03/TTr-VP ngày 02/12/2026."
    )
    assert context["recipients"] == ["Như Điều 3;", "Lưu: VT."]


# 5. The legal-text date check on drafting ---------------------------------------------------------------------------


def test_a_draft_dated_before_a_text_is_in_force_cannot_cite_it(org):
    period, award, _ = accepted_batch(org, plan_issued=dt.date(2023, 12, 20))
    draft = create_draft_decision(period=period, award_kind=award, by=org.chairman_a, signed_on=dt.date(2024, 1, 22))
    assert not any("01/2024/TT-BNV" in line for line in draft.legal_bases)
    bases = list(draft.legal_bases)
    with pytest.raises(ValidationError, match="chưa có hiệu lực"):
        update_draft(
            decision=draft,
            by=org.chairman_a,
            legal_bases=[*bases, "Căn cứ Thông tư số 01/2024/TT-BNV của Bộ trưởng Bộ Nội vụ"],
        )
    assert Decision.objects.get(pk=draft.pk).legal_bases == bases


# 6. The .docx: page numbers from page 2, vi-VN, its own properties; certificates without scores ---------------------


def test_docx_has_page_numbers_from_page_2_language_and_properties(org):
    period, award, _ = accepted_batch(org)
    decision = sign(create_draft_decision(period=period, award_kind=award, by=org.chairman_a), org.chairman_a)
    document = Document(io.BytesIO(render_decision_docx(decision)))
    first, annex = document.sections
    assert first.different_first_page_header_footer
    assert "PAGE" in first.header._element.xml and "PAGE" not in first.first_page_header._element.xml
    assert not annex.different_first_page_header_footer
    assert round(annex.left_margin.mm) == 30 and round(annex.top_margin.mm) == round(annex.bottom_margin.mm) == 20
    styles = document.styles.element.xml
    assert 'w:val="vi-VN"' in styles and "en-US" not in styles
    props = document.core_properties
    assert props.author == "Ủy ban nhân dân xã An Bình"
    assert props.title == docx_title(decision.summary) and props.title.startswith("Về việc khen thưởng")
    assert props.last_modified_by == props.author
    assert "python-docx" not in (props.author + props.comments + props.last_modified_by)
    assert props.revision == 1 and props.created.year == timezone.now().year


def test_certificates_print_no_score(org):
    period, award, _ = accepted_batch(org)
    decision = sign(create_draft_decision(period=period, award_kind=award, by=org.chairman_a), org.chairman_a)
    line = certificate_line(decision)
    assert line.startswith("Đã có thành tích xuất sắc trong phong trào thi đua “Đẩy mạnh chuyển đổi số")
    assert "%" not in line and "điểm" not in line
    IssuerSetting.objects.create(unit=org.commune_a, certificate_line="Đã hoàn thành xuất sắc {phong_trao}")
    assert certificate_line(decision).startswith("Đã hoàn thành xuất sắc “Đẩy mạnh")


# The signing page ---------------------------------------------------------------------------------------------------


def test_sign_page_asks_the_register_number_and_a_reason_for_another_date(client, org, register):
    period, award, _ = accepted_batch(org)
    draft = create_draft_decision(period=period, award_kind=award, by=org.chairman_a)
    client.force_login(org.chairman_a)
    url = reverse("awards:decision_sign", args=[draft.pk])
    page = client.get(url).content.decode()
    assert "Số quyết định theo sổ đăng ký văn bản" in page
    assert f'value="{timezone.localdate():%d/%m/%Y}"' in page  # the date defaults to today, day first
    form = {"password": PASSWORD, "confirm": "on", "signed_on": "2024-07-05"}
    response = client.post(url, form)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Trường này là bắt buộc" in response.content.decode() or "bắt buộc" in response.content.decode()
    response = client.post(url, {**form, "number": "41"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "phải nêu lý do" in response.content.decode()
    assert Decision.objects.get(pk=draft.pk).status == Decision.Status.DRAFT
    response = client.post(url, {**form, "number": "41", "date_reason": "Đã ký bản giấy"})
    assert response.status_code == HTTPStatus.FOUND
    signed = Decision.objects.get(pk=draft.pk)
    assert (signed.number, signed.signed_on) == (41, dt.date(2024, 7, 5))
    detail = client.get(reverse("awards:decision_detail", args=[draft.pk])).content.decode()
    assert "05/07/2024 — Đã ký bản giấy" in detail
