"""Effective-dated reference data: the legal texts a decision cites and the base salary it pays from.

A decision uses the texts and figures in force on its signing date (DOMAIN.md §0), so both are rows with
`effective_from` / `effective_to`, loaded by `sync_reference()` (idempotent: run it on every deploy or demo
load) and edited afterwards in the admin when a new text comes out.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q

from awards.models import LegalText, RewardRule
from campaigns.models import Unit

D = dt.date
Kind = LegalText.Kind

# Order of the căn cứ lines in a decision: local government law, the emulation law, decree, circular, province.
ORDER_LOCAL_GOVERNMENT, ORDER_LAW, ORDER_DECREE, ORDER_CIRCULAR, ORDER_REGULATION = 1, 2, 3, 4, 5

LEGAL_TEXTS: list[dict] = [
    {
        "code": "luat-tccqdp-2015",
        "kind": Kind.LOCAL_GOVERNMENT,
        "order": ORDER_LOCAL_GOVERNMENT,
        "citation": (
            "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; Luật sửa đổi, bổ sung một số "
            "điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương ngày 22 tháng 11 năm 2019"
        ),
        "effective_from": D(2016, 1, 1),
        "effective_to": D(2025, 2, 28),
    },
    {
        # Luật số 65/2025/QH15, in force 01/03/2025 until the two-tier law below replaced it. [secondary]
        "code": "luat-tccqdp-2025-02",
        "kind": Kind.LOCAL_GOVERNMENT,
        "order": ORDER_LOCAL_GOVERNMENT,
        "citation": "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 02 năm 2025",
        "effective_from": D(2025, 3, 1),
        "effective_to": D(2025, 6, 30),
    },
    {
        # Luật số 72/2025/QH15: the two-tier local government (tỉnh → xã) from 01/07/2025. [secondary]
        "code": "luat-tccqdp-2025-06",
        "kind": Kind.LOCAL_GOVERNMENT,
        "order": ORDER_LOCAL_GOVERNMENT,
        "citation": "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025",
        "effective_from": D(2025, 7, 1),
        "effective_to": None,
    },
    {
        "code": "luat-tdkt-2003",
        "kind": Kind.LAW,
        "order": ORDER_LAW,
        "citation": (
            "Căn cứ Luật Thi đua, khen thưởng ngày 26 tháng 11 năm 2003; Luật sửa đổi, bổ sung một số điều của "
            "Luật Thi đua, khen thưởng ngày 14 tháng 6 năm 2005 và ngày 16 tháng 11 năm 2013"
        ),
        "effective_from": D(2014, 6, 1),
        "effective_to": D(2023, 12, 31),
    },
    {
        "code": "luat-tdkt-2022",
        "kind": Kind.LAW,
        "order": ORDER_LAW,
        "citation": "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022",
        "effective_from": D(2024, 1, 1),
        "effective_to": None,
    },
    {
        "code": "nd-91-2017",
        "kind": Kind.DECREE,
        "order": ORDER_DECREE,
        "citation": (
            "Căn cứ Nghị định số 91/2017/NĐ-CP ngày 31 tháng 7 năm 2017 của Chính phủ quy định chi tiết thi hành "
            "một số điều của Luật Thi đua, khen thưởng"
        ),
        "effective_from": D(2017, 10, 1),
        "effective_to": D(2023, 12, 31),
    },
    {
        # The date Nghị định 152/2025 took over from 98/2023 is secondary (DOMAIN.md §0): 01/07/2025 chosen,
        # the day the two-tier local government started. Correct both rows in the admin if the official text differs.
        "code": "nd-98-2023",
        "kind": Kind.DECREE,
        "order": ORDER_DECREE,
        "citation": (
            "Căn cứ Nghị định số 98/2023/NĐ-CP ngày 31 tháng 12 năm 2023 của Chính phủ quy định chi tiết thi hành "
            "một số điều của Luật Thi đua, khen thưởng"
        ),
        "effective_from": D(2024, 1, 1),
        "effective_to": D(2025, 6, 30),
    },
    {
        "code": "nd-152-2025",
        "kind": Kind.DECREE,
        "order": ORDER_DECREE,
        "citation": (
            "Căn cứ Nghị định số 152/2025/NĐ-CP của Chính phủ quy định chi tiết thi hành một số điều của Luật Thi "
            "đua, khen thưởng"
        ),
        "effective_from": D(2025, 7, 1),  # secondary, see nd-98-2023
        "effective_to": None,
    },
    {
        "code": "tt-12-2019-bnv",
        "kind": Kind.CIRCULAR,
        "order": ORDER_CIRCULAR,
        "citation": (
            "Căn cứ Thông tư số 12/2019/TT-BNV ngày 04 tháng 11 năm 2019 của Bộ trưởng Bộ Nội vụ quy định chi tiết "
            "thi hành một số điều của Nghị định số 91/2017/NĐ-CP"
        ),
        "effective_from": D(2019, 12, 20),
        "effective_to": D(2023, 12, 31),
    },
    {
        "code": "tt-01-2024-bnv",
        "kind": Kind.CIRCULAR,
        "order": ORDER_CIRCULAR,
        "citation": (
            "Căn cứ Thông tư số 01/2024/TT-BNV của Bộ trưởng Bộ Nội vụ quy định chi tiết thi hành một số điều của "
            "Luật Thi đua, khen thưởng"
        ),
        "effective_from": D(2024, 1, 1),
        "effective_to": D(2025, 8, 3),
    },
    {
        "code": "tt-15-2025-bnv",
        "kind": Kind.CIRCULAR,
        "order": ORDER_CIRCULAR,
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
    in_force = Q(effective_from__lte=on) & (Q(effective_to__isnull=True) | Q(effective_to__gte=on))
    where = Q(province__isnull=True)
    if province is not None:
        where |= Q(province=province)
    return list(LegalText.objects.filter(in_force & where).order_by("order", "effective_from", "pk"))


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
