"""The wording of a commendation decision: pure helpers over the instances passed in (no query, no write).

Drafting (services/decisions.py), the decision's pages and its PDF read the same phrases, the attached list and its
amounts from here, so none of them imports another to borrow a sentence.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from awards import money
from awards.models import AwardKind, Decision, Nomination, RewardRule
from campaigns.models import Participant, Unit


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text else text


def upper_first(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def issuer_phrase(unit: Unit) -> str:
    """ "xã Tây Hiếu" for Xã Tây Hiếu, as it follows "Ủy ban nhân dân" or "Chủ tịch UBND" in a sentence."""
    return lower_first(unit.name) if unit.is_administrative else unit.name


def issuer_name_lines(unit: Unit) -> list[str]:
    """The issuing body at the top left: ["ỦY BAN NHÂN DÂN", "XÃ TÂY HIẾU"]."""
    if unit.is_administrative:
        return ["ỦY BAN NHÂN DÂN", unit.name.upper()]
    parent = unit.administrative_unit()
    lines = ["ỦY BAN NHÂN DÂN " + parent.name.upper()] if parent.pk != unit.pk else []
    return [*lines, unit.name.upper()]


def authority_line(unit: Unit) -> str:
    """The signer's power above the căn cứ: a commendation is the chairman's, not the UBND collective's."""
    if unit.is_administrative:
        return "CHỦ TỊCH ỦY BAN NHÂN DÂN " + unit.name.upper()
    return "THỦ TRƯỞNG " + unit.name.upper()


# The parts of a decision that differ by the issuer's level, as data (each draft copies them in and may edit them;
# the PDF and the .docx print the draft as edited). {issuer} is "xã Tây Hiếu", "tỉnh Ninh Thuận", …; a
# department or a section (bộ phận) uses its own name. "appraiser" is the Home Affairs body's head who presents
# the tờ trình when that body appraised the dossiers; "appraised" says whether it does so by default at that level
# (a province's Sở Nội vụ appraises the dossiers for the chairman, Luật Thi đua, khen thưởng 2022 and the seed
# plan of Ninh Thuận: "trình Chủ tịch Ủy ban nhân dân tỉnh khen thưởng (qua Sở Nội vụ)").
LEVEL_WORDING: dict[str, dict[str, Any]] = {
    "commune": {
        "executing": "Văn phòng – Thống kê, Tài chính – Kế toán {issuer}",
        "appraiser": "",
        "appraised": False,
        "leaders": "Chủ tịch, các Phó Chủ tịch UBND {issuer}",
        "archive": "Lưu: VT, VP",
    },
    "district": {
        "executing": (
            "Chánh Văn phòng Hội đồng nhân dân và Ủy ban nhân dân {issuer}, Trưởng phòng Nội vụ, Trưởng phòng Tài "
            "chính – Kế hoạch {issuer}, Thủ trưởng các cơ quan, đơn vị có liên quan"
        ),
        "appraiser": "Trưởng phòng Nội vụ",
        "appraised": False,
        "leaders": "Chủ tịch, các Phó Chủ tịch UBND {issuer}",
        "archive": "Lưu: VT, NV",
    },
    "province": {
        "executing": (
            "Chánh Văn phòng Ủy ban nhân dân tỉnh, Giám đốc Sở Nội vụ, Giám đốc Sở Tài chính, Thủ trưởng các cơ "
            "quan, đơn vị có liên quan"
        ),
        "appraiser": "Giám đốc Sở Nội vụ",
        "appraised": True,
        "leaders": "Chủ tịch, các Phó Chủ tịch UBND {issuer}",
        "archive": "Lưu: VT, NC",
    },
    "department": {
        "executing": "Chánh Văn phòng, Kế toán trưởng {issuer}, Thủ trưởng các phòng, đơn vị có liên quan",
        "appraiser": "",
        "appraised": False,
        "leaders": "Lãnh đạo {issuer}",
        "archive": "Lưu: VT, VP",
    },
}


def issuer_level(unit: Unit) -> str:
    """commune, district, province or department (a bộ phận or phòng issues as a department does)."""
    level = unit.level
    return level if level in LEVEL_WORDING else "department"


def level_wording(unit: Unit) -> dict[str, Any]:
    """The issuer's level's row of LEVEL_WORDING with {issuer} filled in."""
    phrase = issuer_phrase(unit)
    return {
        key: value.format(issuer=phrase) if isinstance(value, str) else value
        for key, value in LEVEL_WORDING[issuer_level(unit)].items()
    }


def appraisal_phrase(*, appraiser: str, number: str, on: dt.date | None) -> str:
    """ "Xét đề nghị của Giám đốc Sở Nội vụ tại Tờ trình số 125/TTr-SNV ngày 10/12/2023"; blanks (…) while the tờ
    trình's number or date is not known yet (signing refuses a text with blanks)."""
    return _("Xét đề nghị của %(who)s tại Tờ trình số %(number)s ngày %(date)s") % {
        "who": appraiser,
        "number": number or "…",
        "date": on.strftime("%d/%m/%Y") if on else "…",
    }


def signed_at_display(moment: dt.datetime | None) -> str:
    """A signing time as documents print it: "03/12/2026 14:36" (local time), never ISO."""
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M") if moment else ""


def signature_lines(decision: Decision) -> list[str]:
    """ "CHỦ TỊCH", or "KT. CHỦ TỊCH" / "PHÓ CHỦ TỊCH" when a deputy signs (Nghị định 30/2020)."""
    if decision.signer_is_deputy:
        return ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
    return ["CHỦ TỊCH"]


def movement_name(title: str) -> str:
    """The campaign's name in quotes: the quoted part of the plan's title, or the title itself."""
    quoted = re.search(r"[“\"](.+?)[”\"]", title)
    prefix = r"^(phát động|thực hiện)\s+phong trào thi đua\s+"
    name = quoted.group(1) if quoted else re.sub(prefix, "", title, flags=re.I)
    return "“" + name.strip().strip('“”"') + "”"


def count(number: int) -> str:
    """Counts in official texts take two digits: 01 tập thể, 12 cá nhân."""
    return f"{number:02d}"


def recipients_phrase(collectives: int, individuals: int) -> str:
    parts = []
    if collectives:
        parts.append(_("%(n)s tập thể") % {"n": count(collectives)})
    if individuals:
        parts.append(_("%(n)s cá nhân") % {"n": count(individuals)})
    return _(" và ").join(parts)


def who(collectives: int, individuals: int) -> str:
    if collectives and individuals:
        return _("các tập thể, cá nhân")
    return _("các tập thể") if collectives else _("các cá nhân")


def certificate_word(award_kind: AwardKind) -> str:
    """ "GIẤY KHEN" → "Giấy khen", as it reads inside a sentence."""
    return upper_first(award_kind.certificate_title.lower())


def amounts_for(award_kind: AwardKind, rule: RewardRule) -> money.RewardAmounts:
    """The award kind's individual and collective amounts under a reward rule."""
    return money.reward_amounts(
        base_salary=rule.base_salary,
        individual_coefficient=award_kind.individual_coefficient,
        collective_multiplier=award_kind.collective_multiplier,
        mode=rule.rounding,
        step=rule.rounding_step,
        double_before_rounding=rule.double_before_rounding,
    )


def _line_order(nomination: Nomination) -> tuple:
    return (nomination.rank is None, nomination.rank or 0, nomination.name)


def build_lines(nominations: list[Nomination], amounts: money.RewardAmounts | None) -> list[dict[str, Any]]:
    """The attached list: collectives (I) then individuals (II), each by rank then name, with the amount."""
    lines = []
    for nomination in sorted(
        nominations, key=lambda n: (n.participant.kind != Participant.Kind.COLLECTIVE, *_line_order(n))
    ):
        collective = nomination.participant.kind == Participant.Kind.COLLECTIVE
        amount = None
        if amounts is not None:
            amount = (amounts.collective if collective else amounts.individual).rounded
        lines.append(
            {
                "nomination_id": nomination.pk,
                "kind": Participant.Kind.COLLECTIVE if collective else Participant.Kind.INDIVIDUAL,
                "name": nomination.name,
                "position": "" if collective else nomination.position,
                "unit_name": nomination.unit_name,
                "achievement": nomination.achievement,
                "amount": amount,
            }
        )
    return lines


def decision_date(decision: Decision) -> dt.date:
    """The signing date, or for a draft the date written on it (today when left blank)."""
    return decision.signed_on or timezone.localdate()
