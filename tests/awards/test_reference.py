"""Dated legal texts and base salaries: a decision cites and pays what was in force on its date."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from awards.models import LegalText, RewardRule
from awards.reference import (
    LEGAL_TEXTS,
    check_legal_bases,
    legal_texts_in_force,
    province_of,
    reward_rule_on,
    sync_reference,
)
from core.formatting import official_date

pytestmark = pytest.mark.django_db


@pytest.fixture
def reference(db):
    sync_reference()


def citations(on, province=None):
    return [text.citation for text in legal_texts_in_force(on, province)]


def test_sync_is_idempotent():
    LegalText.objects.all().delete()  # migrate already loaded them into the empty database
    RewardRule.objects.all().delete()
    first = sync_reference()
    assert first["legal_texts"] == LegalText.objects.count() > 0
    assert first["reward_rules"] == RewardRule.objects.count() == 4
    assert sync_reference() == {"legal_texts": 0, "reward_rules": 0}
    assert RewardRule.objects.count() == 4


def test_sync_restores_an_edited_builtin_text_but_keeps_texts_added_by_hand(reference):
    LegalText.objects.filter(code="luat-tdkt-2022").update(citation="sửa nhầm")
    LegalText.objects.create(kind="regulation", citation="Căn cứ Quy chế riêng", effective_from=dt.date(2024, 1, 1))
    sync_reference()
    restored = LegalText.objects.get(code="luat-tdkt-2022").citation
    assert restored == "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022"
    assert LegalText.objects.filter(citation="Căn cứ Quy chế riêng").exists()


def test_a_2023_decision_cites_the_2003_law_decree_91_and_circular_12(reference):
    texts = citations(dt.date(2023, 10, 5))
    assert len(texts) == 4
    assert texts[0].startswith("Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015")
    assert "Luật Thi đua, khen thưởng ngày 26 tháng 11 năm 2003" in texts[1]
    assert "Nghị định số 91/2017/NĐ-CP" in texts[2]
    assert "Thông tư số 12/2019/TT-BNV" in texts[3]


def test_a_2024_decision_cites_the_2022_law_decree_98_and_circular_01(reference):
    texts = citations(dt.date(2024, 8, 15))
    assert texts == [
        texts[0],
        "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022",
        texts[2],
        texts[3],
    ]
    assert "ngày 19 tháng 6 năm 2015" in texts[0]
    assert "Nghị định số 98/2023/NĐ-CP" in texts[2]
    assert "Thông tư số 01/2024/TT-BNV" in texts[3]


@pytest.mark.parametrize(
    ("on", "law", "decree", "circular"),
    [
        (dt.date(2023, 12, 31), "ngày 19 tháng 6 năm 2015", "91/2017", "12/2019"),
        (dt.date(2024, 4, 15), "ngày 19 tháng 6 năm 2015", "98/2023", "01/2024"),
        (dt.date(2025, 2, 28), "ngày 19 tháng 6 năm 2015", "98/2023", "01/2024"),
        (dt.date(2025, 3, 1), "ngày 19 tháng 02 năm 2025", "98/2023", "01/2024"),
        (dt.date(2025, 7, 1), "ngày 16 tháng 6 năm 2025", "152/2025", "01/2024"),
        (dt.date(2025, 8, 4), "ngày 16 tháng 6 năm 2025", "152/2025", "15/2025"),
    ],
)
def test_texts_change_on_their_boundaries(reference, on, law, decree, circular):
    local_government, _, decree_text, circular_text = citations(on)
    assert law in local_government
    assert decree in decree_text
    assert circular in circular_text


def test_a_province_regulation_is_cited_only_for_that_province(reference, org):
    LegalText.objects.create(
        kind="regulation",
        order=5,
        province=org.province,
        effective_from=dt.date(2024, 1, 1),
        citation="Căn cứ Quyết định số 10/2024/QĐ-UBND của UBND tỉnh Thử Nghiệm ban hành Quy chế công tác thi đua",
    )
    assert province_of(org.commune_a) == org.province
    on = dt.date(2024, 9, 1)
    assert citations(on, province_of(org.commune_a))[-1].startswith("Căn cứ Quyết định số 10/2024/QĐ-UBND")
    assert len(citations(on)) == 4


@pytest.mark.parametrize(
    ("on", "base"),
    [
        (dt.date(2019, 7, 1), 1_490_000),
        (dt.date(2023, 6, 30), 1_490_000),
        (dt.date(2023, 7, 1), 1_800_000),
        (dt.date(2023, 11, 20), 1_800_000),
        (dt.date(2024, 6, 30), 1_800_000),
        (dt.date(2024, 7, 1), 2_340_000),
        (dt.date(2026, 6, 30), 2_340_000),
        (dt.date(2026, 7, 1), 2_530_000),
    ],
)
def test_base_salary_on_a_date(reference, on, base):
    rule = reward_rule_on(on)
    assert rule.base_salary == base
    assert (rule.rounding, rule.rounding_step, rule.double_before_rounding) == ("up", 10_000, True)


def test_no_base_salary_before_the_first_rule(reference):
    assert reward_rule_on(dt.date(2019, 6, 30)) is None


# Issue and effective dates (issue 18) ---------------------------------------------------------------------------


def test_every_builtin_text_has_its_number_and_issue_date_in_its_citation():
    for row in LEGAL_TEXTS:
        assert row["number"] and row["issued_on"], row["code"]
        assert row["issued_on"] <= row["effective_from"], row["code"]
        citation = row["citation"]
        # A law is cited by its date ("Luật … ngày 15 tháng 6 năm 2022"), a decree or circular by number and date.
        assert official_date(row["issued_on"]) in citation, row["code"]
        if row["kind"] in ("decree", "circular"):
            assert row["number"] in citation, row["code"]


def test_a_january_2024_decision_cites_no_circular_not_yet_issued(reference):
    texts = citations(dt.date(2024, 1, 22))
    assert not any("01/2024/TT-BNV" in text for text in texts)
    assert any("Nghị định số 98/2023/NĐ-CP ngày 31 tháng 12 năm 2023" in text for text in texts)
    assert any("Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022" in text for text in texts)


def test_decree_152_and_circular_01_carry_their_dates(reference):
    texts = citations(dt.date(2025, 7, 20))
    assert any("Nghị định số 152/2025/NĐ-CP ngày 14 tháng 6 năm 2025" in text for text in texts)
    assert any("Thông tư số 01/2024/TT-BNV ngày 29 tháng 02 năm 2024" in text for text in texts)


def test_the_check_refuses_a_text_cited_before_it_is_in_force(reference):
    hand_written = [
        "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022",
        "Căn cứ Thông tư 01/2024/TT-BNV của Bộ Nội vụ",  # typed by hand, without the date
    ]
    with pytest.raises(ValidationError) as refused:
        check_legal_bases(hand_written, dt.date(2024, 1, 22))
    assert "01/2024/TT-BNV" in refused.value.messages[0]
    assert "22/01/2024" in refused.value.messages[0]
    assert "15/04/2024" in refused.value.messages[0]
    check_legal_bases(hand_written, dt.date(2024, 8, 1))  # in force by then: no error


def test_the_check_refuses_the_2022_law_before_2024(reference):
    with pytest.raises(ValidationError):
        check_legal_bases(["Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022"], dt.date(2023, 11, 20))
