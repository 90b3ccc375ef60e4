"""Effective-dated reference data: the legal texts a decision cites and the base salary it pays from.

A decision uses the texts and figures in force on its signing date (DOMAIN.md §0), so both are rows with
`effective_from` / `effective_to`, loaded by `sync_reference()` (idempotent: run it on every deploy or demo
load) and edited afterwards in the admin when a new text comes out.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from awards.models import LegalText, RewardRule
from campaigns.models import Unit

D = dt.date
Kind = LegalText.Kind

# Order of the căn cứ lines in a decision: local government law, the emulation law, decree, circular, province.
ORDER_LOCAL_GOVERNMENT, ORDER_LAW, ORDER_DECREE, ORDER_CIRCULAR, ORDER_REGULATION = 1, 2, 3, 4, 5

# Every row: number, issue date (issued_on), effective dates, and where each date comes from. Labels as in
# DOMAIN.md: [confirmed] official text or government page; [secondary] law Q&A sites, newspapers; [unconfirmed]
# recalled, not checked against a source here (this machine has no internet): check before relying on it, and
# correct the row in the admin (sync_reference() restores these values, so change them here too).
# The citation prints the number and the issue date; an effective date never prints (Nghị định 30/2020 cites a
# text by its number, date and issuer), but a decision may only cite a text issued and in force on its own date
# (check_legal_bases below).
LEGAL_TEXTS: list[dict] = [
    {
        # Luật số 77/2015/QH13, 19/06/2015, in force 01/01/2016 [confirmed: DOMAIN.md §2 pattern, the seeds' era];
        # amended by Luật số 47/2019/QH14, 22/11/2019, in force 01/07/2020 [secondary].
        "code": "luat-tccqdp-2015",
        "kind": Kind.LOCAL_GOVERNMENT,
        "order": ORDER_LOCAL_GOVERNMENT,
        "number": "77/2015/QH13",
        "issued_on": D(2015, 6, 19),
        "citation": (
            "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; Luật sửa đổi, bổ sung một số "
            "điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương ngày 22 tháng 11 năm 2019"
        ),
        "effective_from": D(2016, 1, 1),
        "effective_to": D(2025, 2, 28),
    },
    {
        # Luật số 65/2025/QH15, 19/02/2025, in force 01/03/2025 until the two-tier law below [secondary].
        "code": "luat-tccqdp-2025-02",
        "kind": Kind.LOCAL_GOVERNMENT,
        "order": ORDER_LOCAL_GOVERNMENT,
        "number": "65/2025/QH15",
        "issued_on": D(2025, 2, 19),
        "citation": "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 02 năm 2025",
        "effective_from": D(2025, 3, 1),
        "effective_to": D(2025, 6, 30),
    },
    {
        # Luật số 72/2025/QH15, 16/06/2025: the two-tier local government (tỉnh → xã) from 01/07/2025
        # [secondary; the 01/07/2025 start of the two tiers is confirmed in DOMAIN.md §0].
        "code": "luat-tccqdp-2025-06",
        "kind": Kind.LOCAL_GOVERNMENT,
        "order": ORDER_LOCAL_GOVERNMENT,
        "number": "72/2025/QH15",
        "issued_on": D(2025, 6, 16),
        "citation": "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025",
        "effective_from": D(2025, 7, 1),
        "effective_to": None,
    },
    {
        # Luật số 15/2003/QH11, 26/11/2003 (in force 01/06/2004); amended 14/06/2005 and 16/11/2013 (Luật số
        # 39/2013/QH13, in force 01/06/2014) [secondary]; replaced by the 2022 law on 01/01/2024 [confirmed].
        "code": "luat-tdkt-2003",
        "kind": Kind.LAW,
        "order": ORDER_LAW,
        "number": "15/2003/QH11",
        "issued_on": D(2003, 11, 26),
        "citation": (
            "Căn cứ Luật Thi đua, khen thưởng ngày 26 tháng 11 năm 2003; Luật sửa đổi, bổ sung một số điều của "
            "Luật Thi đua, khen thưởng ngày 14 tháng 6 năm 2005 và ngày 16 tháng 11 năm 2013"
        ),
        "effective_from": D(2014, 6, 1),
        "effective_to": D(2023, 12, 31),
    },
    {
        # Luật số 06/2022/QH15, 15/06/2022, in force 01/01/2024 [confirmed: DOMAIN.md §1].
        "code": "luat-tdkt-2022",
        "kind": Kind.LAW,
        "order": ORDER_LAW,
        "number": "06/2022/QH15",
        "issued_on": D(2022, 6, 15),
        "citation": "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022",
        "effective_from": D(2024, 1, 1),
        "effective_to": None,
    },
    {
        # 31/07/2017, in force 01/10/2017 [secondary]; replaced by Nghị định 98/2023 on 01/01/2024 [confirmed:
        # DOMAIN.md §0 gives 98/2023 "from 01/01/2024"].
        "code": "nd-91-2017",
        "kind": Kind.DECREE,
        "order": ORDER_DECREE,
        "number": "91/2017/NĐ-CP",
        "issued_on": D(2017, 7, 31),
        "citation": (
            "Căn cứ Nghị định số 91/2017/NĐ-CP ngày 31 tháng 7 năm 2017 của Chính phủ quy định chi tiết thi hành "
            "một số điều của Luật Thi đua, khen thưởng"
        ),
        "effective_from": D(2017, 10, 1),
        "effective_to": D(2023, 12, 31),
    },
    {
        # 31/12/2023 [secondary], in force 01/01/2024 [confirmed: DOMAIN.md §0]. The day Nghị định 152/2025 took
        # over is secondary (DOMAIN.md §0): 30/06/2025 is the last day here, see nd-152-2025.
        "code": "nd-98-2023",
        "kind": Kind.DECREE,
        "order": ORDER_DECREE,
        "number": "98/2023/NĐ-CP",
        "issued_on": D(2023, 12, 31),
        "citation": (
            "Căn cứ Nghị định số 98/2023/NĐ-CP ngày 31 tháng 12 năm 2023 của Chính phủ quy định chi tiết thi hành "
            "một số điều của Luật Thi đua, khen thưởng"
        ),
        "effective_from": D(2024, 1, 1),
        "effective_to": D(2025, 6, 30),
    },
    {
        # [unconfirmed] issue date 14/06/2025 and start 01/07/2025 (the day the two-tier local government
        # started) are recalled, not checked against the decree's text; that 152/2025 fully replaced 98/2023 is
        # [secondary] (DOMAIN.md §0). Check both dates before a decision citing it is signed.
        "code": "nd-152-2025",
        "kind": Kind.DECREE,
        "order": ORDER_DECREE,
        "number": "152/2025/NĐ-CP",
        "issued_on": D(2025, 6, 14),
        "citation": (
            "Căn cứ Nghị định số 152/2025/NĐ-CP ngày 14 tháng 6 năm 2025 của Chính phủ quy định chi tiết thi hành "
            "một số điều của Luật Thi đua, khen thưởng"
        ),
        "effective_from": D(2025, 7, 1),
        "effective_to": None,
    },
    {
        # 04/11/2019, in force 20/12/2019 [secondary]; ends with Nghị định 91/2017, which it details.
        "code": "tt-12-2019-bnv",
        "kind": Kind.CIRCULAR,
        "order": ORDER_CIRCULAR,
        "number": "12/2019/TT-BNV",
        "issued_on": D(2019, 11, 4),
        "citation": (
            "Căn cứ Thông tư số 12/2019/TT-BNV ngày 04 tháng 11 năm 2019 của Bộ trưởng Bộ Nội vụ quy định chi tiết "
            "thi hành một số điều của Nghị định số 91/2017/NĐ-CP"
        ),
        "effective_from": D(2019, 12, 20),
        "effective_to": D(2023, 12, 31),
    },
    {
        # [unconfirmed] issued 29/02/2024, in force 15/04/2024 (recalled, not checked here). It was NOT in force
        # on 01/01/2024: a decision dated between 01/01/2024 and 14/04/2024 cites no circular (the 2019 one ended
        # with decree 91/2017). Ends the day before Thông tư 15/2025 starts.
        "code": "tt-01-2024-bnv",
        "kind": Kind.CIRCULAR,
        "order": ORDER_CIRCULAR,
        "number": "01/2024/TT-BNV",
        "issued_on": D(2024, 2, 29),
        "citation": (
            "Căn cứ Thông tư số 01/2024/TT-BNV ngày 29 tháng 02 năm 2024 của Bộ trưởng Bộ Nội vụ quy định chi tiết "
            "thi hành một số điều của Luật Thi đua, khen thưởng"
        ),
        "effective_from": D(2024, 4, 15),
        "effective_to": D(2025, 8, 3),
    },
    {
        # Issued 04/08/2025 [confirmed: DOMAIN.md §0]; in force from its issue date [unconfirmed: the circular's
        # own effect clause was not available here; a later start only narrows when it may be cited].
        "code": "tt-15-2025-bnv",
        "kind": Kind.CIRCULAR,
        "order": ORDER_CIRCULAR,
        "number": "15/2025/TT-BNV",
        "issued_on": D(2025, 8, 4),
        "citation": (
            "Căn cứ Thông tư số 15/2025/TT-BNV ngày 04 tháng 8 năm 2025 của Bộ trưởng Bộ Nội vụ quy định chi tiết "
            "thi hành một số điều của Luật Thi đua, khen thưởng"
        ),
        "effective_from": D(2025, 8, 4),
        "effective_to": None,
    },
]

# Mức lương cơ sở; rounding "lên hàng chục ngàn đồng" (Nghị định 91/2017), collective doubled before rounding.
REWARD_RULES: list[dict] = [
    {"effective_from": D(2019, 7, 1), "base_salary": 1_490_000, "legal_basis": "Nghị định số 38/2019/NĐ-CP"},
    {"effective_from": D(2023, 7, 1), "base_salary": 1_800_000, "legal_basis": "Nghị định số 24/2023/NĐ-CP"},
    {"effective_from": D(2024, 7, 1), "base_salary": 2_340_000, "legal_basis": "Nghị định số 73/2024/NĐ-CP"},
    # Secondary (DOMAIN.md §0): confirm against the official decree before relying on it.
    {"effective_from": D(2026, 7, 1), "base_salary": 2_530_000, "legal_basis": "Nghị định số 161/2026/NĐ-CP"},
]


@transaction.atomic
def sync_reference() -> dict[str, int]:
    """Create or update the built-in legal texts and base salaries; running it again changes nothing.

    Rows are matched by their stable key (a legal text's code, a rule's start date), so texts added by hand in
    the admin are left alone. Returns how many rows were created.
    """
    created = {"legal_texts": 0, "reward_rules": 0}
    for row in LEGAL_TEXTS:
        fields = {key: value for key, value in row.items() if key != "code"}
        _, was_created = LegalText.objects.update_or_create(code=row["code"], defaults=fields)
        created["legal_texts"] += was_created
    for row in REWARD_RULES:
        fields = {key: value for key, value in row.items() if key != "effective_from"}
        _, was_created = RewardRule.objects.update_or_create(effective_from=row["effective_from"], defaults=fields)
        created["reward_rules"] += was_created
    return created


def legal_texts_in_force(on: dt.date, province: Unit | None = None) -> list[LegalText]:
    """National texts in force on a date, plus the given province's own (its Quy chế), in citation order."""
    in_force = (
        Q(effective_from__lte=on)
        & (Q(effective_to__isnull=True) | Q(effective_to__gte=on))
        & (Q(issued_on__isnull=True) | Q(issued_on__lte=on))
    )
    where = Q(province__isnull=True)
    if province is not None:
        where |= Q(province=province)
    return list(LegalText.objects.filter(in_force & where).order_by("order", "effective_from", "pk"))


def texts_not_in_force(lines: list[str], on: dt.date) -> list[LegalText]:
    """The known legal texts a decision's căn cứ lines cite that were not yet issued or not yet in force on its date.

    Lines may have been edited by hand, so a text is recognised by its number or its citation anywhere in a line.
    """
    cited = [text for text in LegalText.objects.all() if any(text.is_cited_in(line) for line in lines)]
    return [text for text in cited if not text.in_force_on(on)]


def check_legal_bases(lines: list[str], on: dt.date) -> None:
    """Refuse (ValidationError) a decision dated `on` that cites a text not yet issued or in force on that date."""
    early = texts_not_in_force(lines, on)
    if early:
        raise ValidationError(
            [
                _(
                    "Căn cứ “%(text)s” chưa có hiệu lực vào ngày %(date)s (ban hành %(issued)s, hiệu lực từ "
                    "%(start)s); hãy bỏ căn cứ này hoặc đổi ngày quyết định."
                )
                % {
                    "text": text.number or text.citation[:80],
                    "date": on.strftime("%d/%m/%Y"),
                    "issued": text.issued_on.strftime("%d/%m/%Y") if text.issued_on else "—",
                    "start": text.effective_from.strftime("%d/%m/%Y"),
                }
                for text in early
            ]
        )


def reward_rule_on(on: dt.date) -> RewardRule | None:
    """The base salary and rounding in force on a date (the latest rule starting on or before it)."""
    return RewardRule.objects.filter(effective_from__lte=on).order_by("-effective_from").first()


def province_of(unit: Unit) -> Unit | None:
    """The tỉnh (or centrally-run city) a unit belongs to, for its provincial Quy chế."""
    if unit.kind in ("tinh", "thanh_pho_tw"):
        return unit
    for ancestor in reversed(list(Unit.objects.get_ancestors(unit))):
        if ancestor.kind in ("tinh", "thanh_pho_tw"):
            return ancestor
    return None
