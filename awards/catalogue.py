"""The award kinds catalogue as data (DOMAIN.md §1): who awards them and the reward coefficients.

Coefficients multiply the base salary (mức lương cơ sở) in force on the signing date; a collective receives
`collective_multiplier` times the individual amount. Sources: Nghị định 98/2023/NĐ-CP Art. 58 and following,
carried into Nghị định 152/2025/NĐ-CP [secondary]; the 0.15 of a Giấy khen is confirmed under the 2017 decree.
"""

from __future__ import annotations

from decimal import Decimal

from awards.models import AwardKind, Level, Recipient
from campaigns.catalogues import upsert_by_code

AWARD_KINDS: list[dict] = [
    {
        "code": "giay-khen-chu-tich-xa",
        "name": "Giấy khen của Chủ tịch Ủy ban nhân dân xã",
        "certificate_title": "GIẤY KHEN",
        "level": Level.COMMUNE,
        "recipients": Recipient.BOTH,
        "individual_coefficient": Decimal("0.150"),
        "collective_multiplier": Decimal("2.00"),
    },
    {
        "code": "giay-khen-chu-tich-huyen",
        "name": "Giấy khen của Chủ tịch Ủy ban nhân dân huyện",
        "certificate_title": "GIẤY KHEN",
        "level": Level.DISTRICT,
        "recipients": Recipient.BOTH,
        "individual_coefficient": Decimal("0.150"),
        "collective_multiplier": Decimal("2.00"),
    },
    {
        "code": "giay-khen-giam-doc-so",
        "name": "Giấy khen của Giám đốc Sở",
        "certificate_title": "GIẤY KHEN",
        "level": Level.DEPARTMENT,
        "recipients": Recipient.BOTH,
        "individual_coefficient": Decimal("0.150"),
        "collective_multiplier": Decimal("2.00"),
    },
    {
        "code": "bang-khen-chu-tich-tinh",
        "name": "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh",
        "certificate_title": "BẰNG KHEN",
        "level": Level.PROVINCE,
        "recipients": Recipient.BOTH,
        "individual_coefficient": Decimal("1.000"),
        "collective_multiplier": Decimal("2.00"),
    },
    # A commune chairman may confer this title himself (Luật Thi đua, khen thưởng 2022, Art. 80 khoản 3).
    {
        "code": "lao-dong-tien-tien",
        "name": "Danh hiệu Lao động tiên tiến",
        "certificate_title": "GIẤY CHỨNG NHẬN",
        "level": Level.COMMUNE,
        "recipients": Recipient.INDIVIDUAL,
        "individual_coefficient": Decimal("0.300"),
        "collective_multiplier": Decimal("2.00"),
    },
    # Proposed upward: conferred by the district chairman.
    {
        "code": "chien-si-thi-dua-co-so",
        "name": "Danh hiệu Chiến sĩ thi đua cơ sở",
        "certificate_title": "BẰNG CHỨNG NHẬN",
        "level": Level.DISTRICT,
        "recipients": Recipient.INDIVIDUAL,
        "individual_coefficient": Decimal("1.000"),
        "collective_multiplier": Decimal("2.00"),
    },
]
CODES: frozenset[str] = frozenset(row["code"] for row in AWARD_KINDS)


def sync_award_kinds() -> int:
    """Write the catalogue into the database (create or update by code); returns how many rows changed."""
    return upsert_by_code(AwardKind, AWARD_KINDS)
