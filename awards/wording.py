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
