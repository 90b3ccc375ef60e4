"""The commendation decision: drafting, numbering, signing by the chairman or a deputy, immutability, annulment."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from awards.decision_selectors import decision_lines
from awards.models import Decision, Nomination, RewardRule
from awards.services.decisions import (
    annul_decision,
    create_draft_decision,
    discard_draft,
    next_decision_number,
    regenerate_draft,
    sign_decision,
    update_draft,
)
from awards.wording import signature_lines
from tests.awards.decision_data import accepted_batch, on_paper

pytestmark = pytest.mark.django_db
PASSWORD = "mat-khau-thu-nghiem"
AUGUST_2024 = dt.date(2024, 8, 5)


@pytest.fixture
def batch(org):
    return accepted_batch(org)


@pytest.fixture
def draft(org, batch):
    period, award, _ = batch
    return create_draft_decision(period=period, award_kind=award, by=org.chairman_a, signed_on=AUGUST_2024)


def make_decision(issuer, period, award, **fields):
    defaults = {
        "place": issuer.short_name,
        "summary": "Về việc khen thưởng",
        "article_1": "1",
        "article_2": "2",
        "article_3": "3",
        "authority_line": "CHỦ TỊCH",
    }
    return Decision.objects.create(issuer=issuer, period=period, award_kind=award, **{**defaults, **fields})


# Drafting ---------------------------------------------------------------------------------------------------------


def test_draft_is_composed_from_the_accepted_nominations(org, batch, draft):
    _, _, nominations = batch
    assert draft.status == Decision.Status.DRAFT
    assert draft.number is None
    assert draft.place == "An Bình"
    assert draft.issuer_name_lines == ["ỦY BAN NHÂN DÂN", "XÃ AN BÌNH"]
    assert draft.authority_line == "CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ AN BÌNH"
    assert "TM." not in draft.authority_line
    assert draft.summary.startswith(
        "Về việc khen thưởng các tập thể, cá nhân có thành tích xuất sắc trong phong trào thi đua “Đẩy mạnh"
    )
    assert draft.legal_bases[-1].startswith(
        "Căn cứ Kế hoạch số 12/KH-UBND ngày 05 tháng 02 năm 2024 của Ủy ban nhân dân xã An Bình"
    )
    assert draft.proposal_basis == "Xét đề nghị của Hội đồng Thi đua – Khen thưởng xã An Bình"
    assert draft.article_1.startswith(
        "Tặng Giấy khen của Chủ tịch Ủy ban nhân dân xã cho 01 tập thể và 02 cá nhân (có danh sách kèm theo)"
    )
    assert draft.article_2.startswith(
        "Mỗi tập thể được tặng Giấy khen kèm theo mức tiền thưởng 710.000 đồng (Bảy trăm mười nghìn đồng); "
        "mỗi cá nhân được tặng Giấy khen kèm theo mức tiền thưởng 360.000 đồng (Ba trăm sáu mươi nghìn đồng)"
    )
    assert "Tổng số tiền thưởng: 1.430.000 đồng (Một triệu bốn trăm ba mươi nghìn đồng)" in draft.article_2
    assert "Quỹ thi đua, khen thưởng của xã An Bình năm 2024" in draft.article_2
    assert draft.article_3.startswith("Quyết định này có hiệu lực kể từ ngày ký.")
    assert draft.recipients[0] == "Như Điều 3"
    assert "Phòng Nội vụ huyện Thử Nghiệm" in draft.recipients
    assert draft.recipients[-1] == "Lưu: VT, VP"
    assert set(draft.nominations.values_list("pk", flat=True)) == {n.pk for n in nominations}
    lines = decision_lines(draft)
    assert [(line["kind"], line["name"], line["amount"]) for line in lines] == [
        ("collective", "Văn phòng – Thống kê xã An Bình", 710_000),
        ("individual", "Nguyễn Thị Hương", 360_000),
        ("individual", "Đặng Văn Đức", 360_000),
    ]


def test_a_second_draft_finds_nothing_left(org, batch, draft):
    period, award, _ = batch
    with pytest.raises(ValidationError, match="không còn đề nghị"):
        create_draft_decision(period=period, award_kind=award, by=org.chairman_a)


def test_rejected_and_undecided_nominations_are_not_drafted(org, batch):
    period, award, nominations = batch
    Nomination.objects.filter(pk=nominations[2].pk).update(status="rejected", reject_reason="Chưa đủ tiêu chuẩn")
    Nomination.objects.filter(pk=nominations[1].pk).update(status="submitted")
    draft = create_draft_decision(period=period, award_kind=award, by=org.admin_a, signed_on=AUGUST_2024)
    assert [line["name"] for line in decision_lines(draft)] == ["Văn phòng – Thống kê xã An Bình"]
    assert "cho 01 tập thể (có danh sách kèm theo)" in draft.article_1
    assert draft.summary.startswith("Về việc khen thưởng các tập thể có thành tích")


@pytest.mark.parametrize("who", ["staff_a", "noi_vu", "chairman_b"])
def test_only_the_issuers_chairman_or_administrator_drafts(org, batch, who):
    period, award, _ = batch
    with pytest.raises(PermissionDenied):
        create_draft_decision(period=period, award_kind=award, by=getattr(org, who))
    assert not Decision.objects.exists()


def test_discarding_a_draft_releases_its_nominations(org, batch, draft):
    discard_draft(decision=draft, by=org.chairman_a)
    assert not Decision.objects.exists()
    assert Nomination.objects.awaiting_decision().count() == 3


# Reference data by date ---------------------------------------------------------------------------------------------


def test_a_decision_signed_in_2023_cites_the_2023_texts_and_pays_from_1_800_000(org):
    period, award, _ = accepted_batch(org, plan_issued=dt.date(2023, 9, 1))
    draft = create_draft_decision(period=period, award_kind=award, by=org.chairman_a, signed_on=dt.date(2023, 11, 20))
    signed = sign_decision(decision=draft, by=org.chairman_a, password=PASSWORD, **on_paper(draft))
    assert signed.base_salary == 1_800_000
    assert signed.year == 2023
    bases = " ".join(signed.legal_bases)
    assert "Luật Thi đua, khen thưởng ngày 26 tháng 11 năm 2003" in bases
    assert "Nghị định số 91/2017/NĐ-CP" in bases and "Thông tư số 12/2019/TT-BNV" in bases
    assert "98/2023" not in bases and "ngày 15 tháng 6 năm 2022" not in bases
    assert [line["amount"] for line in signed.awardees] == [540_000, 270_000, 270_000]
    assert signed.total_amount == 1_080_000
    assert "1.080.000 đồng (Một triệu không trăm tám mươi nghìn đồng)" in signed.article_2


def test_a_decision_signed_after_1_july_2024_pays_from_2_340_000(org, draft):
    signed = sign_decision(decision=draft, by=org.chairman_a, password=PASSWORD, **on_paper(draft))
    assert signed.base_salary == 2_340_000
    assert "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022" in signed.legal_bases
    assert [line["amount"] for line in signed.awardees] == [710_000, 360_000, 360_000]


def test_moving_the_date_recomposes_the_texts_in_force_and_the_amounts(org, draft):
    updated = update_draft(decision=draft, by=org.chairman_a, signed_on=dt.date(2024, 6, 20))
    assert updated.base_salary == 1_800_000
    assert "540.000 đồng" in updated.article_2
    assert any("Nghị định số 98/2023/NĐ-CP" in basis for basis in updated.legal_bases)


def test_moving_the_date_keeps_texts_edited_in_the_same_change(org, draft):
    bases = [*draft.legal_bases, "Căn cứ Quyết định số 20/2024/QĐ-UBND của UBND tỉnh về Quy chế thi đua"]
    updated = update_draft(decision=draft, by=org.chairman_a, signed_on=dt.date(2024, 6, 20), legal_bases=bases)
    assert updated.legal_bases == bases


def test_a_base_salary_change_after_drafting_blocks_signing_until_the_draft_is_recomposed(org, draft):
    RewardRule.objects.create(base_salary=2_500_000, effective_from=dt.date(2024, 8, 1), legal_basis="thử")
    with pytest.raises(ValidationError, match="khác với dự thảo"):
        sign_decision(decision=draft, by=org.chairman_a, password=PASSWORD, **on_paper(draft))
    regenerate_draft(decision=draft, by=org.chairman_a)
    signed = sign_decision(decision=draft, by=org.chairman_a, password=PASSWORD, **on_paper(draft))
    assert signed.base_salary == 2_500_000
    assert [line["amount"] for line in signed.awardees] == [750_000, 380_000, 380_000]


# Numbering ----------------------------------------------------------------------------------------------------------


def test_numbers_restart_every_year_and_per_issuer(org, batch):
    period, award, _ = batch
    make_decision(org.commune_a, period, award, number=7, year=2024, status="signed")
    make_decision(org.commune_a, period, award, number=3, year=2023, status="signed")
    make_decision(org.commune_b, period, award, number=41, year=2024, status="signed")
    assert next_decision_number(issuer=org.commune_a, year=2024) == 8
    assert next_decision_number(issuer=org.commune_a, year=2023) == 4
    assert next_decision_number(issuer=org.commune_a, year=2025) == 1
    assert next_decision_number(issuer=org.commune_b, year=2024) == 42
    assert next_decision_number(issuer=org.commune_b, year=2025) == 1


def test_signing_takes_the_next_number_and_shows_it_with_a_leading_zero(org, batch, draft):
    period, award, _ = batch
    make_decision(org.commune_a, period, award, number=4, year=2024, status="annulled", annul_reason="Sai tên")
    signed = sign_decision(decision=draft, by=org.chairman_a, password=PASSWORD, **on_paper(draft))
    assert signed.number == 5  # an annulled number is never reused
    assert signed.number_display == "05/QĐ-UBND"


def test_first_decision_of_a_new_year_is_number_01(org, batch):
    period, award, _ = batch
    make_decision(org.commune_a, period, award, number=30, year=2024, status="signed")
    draft = create_draft_decision(period=period, award_kind=award, by=org.chairman_a, signed_on=dt.date(2025, 1, 2))
    signed = sign_decision(decision=draft, by=org.chairman_a, password=PASSWORD, **on_paper(draft))
    assert (signed.number, signed.year, signed.number_display) == (1, 2025, "01/QĐ-UBND")


def test_a_number_written_in_the_draft_is_kept_and_a_taken_one_refused(org, batch, draft):
    period, award, _ = batch
    make_decision(org.commune_a, period, award, number=15, year=2024, status="signed")
    with pytest.raises(ValidationError, match="đã được dùng"):
        update_draft(decision=draft, by=org.chairman_a, number=15)
    update_draft(decision=draft, by=org.chairman_a, number=21)
    assert sign_decision(decision=draft, by=org.chairman_a, password=PASSWORD, **on_paper(draft)).number == 21


# Signing ------------------------------------------------------------------------------------------------------------


def test_chairman_signs(org, draft, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        signed = sign_decision(decision=draft, by=org.chairman_a, password=PASSWORD, **on_paper(draft))
    assert signed.status == Decision.Status.SIGNED
    assert signed.signer == org.chairman_a
    assert signed.signer_is_deputy is False
    assert signature_lines(signed) == ["CHỦ TỊCH"]
    assert signed.signed_on == AUGUST_2024
    assert len(callbacks) == 1  # the PDF is queued only once the signature is committed


def test_deputy_signs_for_the_chairman(org, draft):
    signed = sign_decision(decision=draft, by=org.deputy_a, password=PASSWORD, **on_paper(draft))
    assert signed.signer_is_deputy is True
    assert signed.signer_title == "Phó Chủ tịch"
    assert signature_lines(signed) == ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]


def test_signer_name_comes_from_the_person_record(org, draft):
    from campaigns.models import Person

    Person.objects.create(full_name="Dương Đình Đường", unit=org.commune_a, user=org.chairman_a)
    signed = sign_decision(decision=draft, by=org.chairman_a, password=PASSWORD, **on_paper(draft))
    assert signed.signer_name == "Dương Đình Đường"


def test_wrong_password_changes_nothing(org, draft, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(ValidationError, match="Mật khẩu không đúng"):
        sign_decision(decision=draft, by=org.chairman_a, password="sai-mat-khau", **on_paper(draft))
    draft.refresh_from_db()
    assert (draft.status, draft.number, draft.signer_id, draft.awardees) == ("draft", None, None, [])
    assert callbacks == []


@pytest.mark.parametrize("who", ["staff_a", "admin_a", "noi_vu", "chairman_b", "noi_vu_tinh"])
def test_only_the_issuers_chairman_or_deputy_signs(org, draft, who):
    with pytest.raises(PermissionDenied):
        sign_decision(decision=draft, by=getattr(org, who), password=PASSWORD, **on_paper(draft))
    draft.refresh_from_db()
    assert draft.status == Decision.Status.DRAFT


def test_signing_twice_is_refused(org, draft):
    signed = sign_decision(decision=draft, by=org.chairman_a, password=PASSWORD, **on_paper(draft))
    with pytest.raises(ValidationError, match="đã được ký"):
        sign_decision(decision=signed, by=org.deputy_a, password=PASSWORD, **on_paper(signed))
    signed.refresh_from_db()
    assert signed.signer == org.chairman_a and signed.number == 1


def test_signed_decision_refuses_edits_and_discarding(org, draft):
    signed = sign_decision(decision=draft, by=org.chairman_a, password=PASSWORD, **on_paper(draft))
    with pytest.raises(ValidationError, match="đã ký không thể sửa"):
        update_draft(decision=signed, by=org.chairman_a, summary="Sửa sau khi ký")
    with pytest.raises(ValidationError):
        regenerate_draft(decision=signed, by=org.chairman_a)
    with pytest.raises(ValidationError):
        discard_draft(decision=signed, by=org.chairman_a)
    signed.refresh_from_db()
    assert signed.summary.startswith("Về việc khen thưởng")


def test_signing_stores_the_pdf_and_its_sha256(org, draft, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sign_decision(decision=draft, by=org.chairman_a, password=PASSWORD, **on_paper(draft))
    draft.refresh_from_db()
    content = draft.pdf.read()
    assert content.startswith(b"%PDF")
    assert draft.pdf_sha256 == hashlib.sha256(content).hexdigest()


# Annulment ----------------------------------------------------------------------------------------------------------


def test_annulment_needs_a_reason(org, draft):
    signed = sign_decision(decision=draft, by=org.chairman_a, password=PASSWORD, **on_paper(draft))
    with pytest.raises(ValidationError, match="lý do"):
        annul_decision(decision=signed, by=org.chairman_a, reason="   ")
    signed.refresh_from_db()
    assert signed.status == Decision.Status.SIGNED


def test_annulment_keeps_both_decisions_and_frees_the_nominations(org, batch, draft):
    period, award, _ = batch
    signed = sign_decision(decision=draft, by=org.chairman_a, password=PASSWORD, **on_paper(draft))
    annulled = annul_decision(decision=signed, by=org.chairman_a, reason="Ghi sai chức vụ của cá nhân")
    assert annulled.status == Decision.Status.ANNULLED
    assert annulled.annul_reason == "Ghi sai chức vụ của cá nhân"
    assert [line["name"] for line in decision_lines(annulled)][0] == "Văn phòng – Thống kê xã An Bình"  # list kept
    replacement = create_draft_decision(period=period, award_kind=award, by=org.chairman_a, signed_on=AUGUST_2024)
    resigned = sign_decision(decision=replacement, by=org.chairman_a, password=PASSWORD, **on_paper(replacement))
    assert resigned.number == 2
    assert Decision.objects.count() == 2
    assert annulled.history.first().history_change_reason.startswith("Hủy quyết định")


def test_a_draft_is_not_annulled_and_an_annulled_decision_not_again(org, draft):
    with pytest.raises(ValidationError):
        annul_decision(decision=draft, by=org.chairman_a, reason="Không cần")
    signed = sign_decision(decision=draft, by=org.chairman_a, password=PASSWORD, **on_paper(draft))
    annul_decision(decision=signed, by=org.chairman_a, reason="Sai số")
    with pytest.raises(ValidationError, match="đã bị hủy"):
        annul_decision(decision=signed, by=org.chairman_a, reason="Lần nữa")


def test_only_the_chairman_annuls(org, draft):
    signed = sign_decision(decision=draft, by=org.chairman_a, password=PASSWORD, **on_paper(draft))
    with pytest.raises(PermissionDenied):
        annul_decision(decision=signed, by=org.staff_a, reason="Không có quyền")
