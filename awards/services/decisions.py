"""The commendation decision (Quyết định khen thưởng): draft from accepted nominations, edit, sign, annul.

Every function here is one state change in one transaction; the decision's history rows (simple_history)
are the audit trail, each with a reason. A signed decision never changes again except its stored PDF;
correcting it means annulling it (with a reason) and drafting a new one from the released nominations.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from awards import money
from awards.decision_selectors import recipient_users
from awards.models import AwardKind, CouncilMeeting, Decision, IssuerSetting, Nomination, RewardRule
from awards.policies import DRAFT_ROLES as DRAFT_ROLES  # re-exported for callers written against this module
from awards.policies import DecisionPolicy, chairman_membership
from awards.policies import decision_issuer_name as decision_issuer_name  # re-exported for callers of this module
from awards.reference import check_legal_bases, legal_texts_in_force, province_of, reward_rule_on
from awards.tasks import render_decision_pdf as render_decision_pdf_task
from awards.wording import (
    amounts_for,
    appraisal_phrase,
    authority_line,
    build_lines,
    certificate_word,
    decision_date,
    issuer_name_lines,
    issuer_phrase,
    level_wording,
    lower_first,
    movement_name,
    recipients_phrase,
    upper_first,
    who,
)
from campaigns.models import Membership, Participant, Period, Plan, Unit
from campaigns.notices import notify
from core.formatting import format_number, history_reason, official_date

if TYPE_CHECKING:
    from django.contrib.auth.models import User

EDITABLE_FIELDS = (
    "number",
    "signed_on",
    "place",
    "summary",
    "legal_bases",
    "appraisal_by",
    "appraisal_number",
    "appraisal_on",
    "proposal_basis",
    "article_1",
    "article_2",
    "article_3",
    "recipients",
)
# The party committee named in the recipients, by the issuer's kind.
PARTY_COMMITTEE = {
    "xa": "Đảng ủy",
    "phuong": "Đảng ủy",
    "thi_tran": "Đảng ủy",
    "tinh": "Tỉnh ủy",
    "thanh_pho_tw": "Thành ủy",
    "huyen": "Huyện ủy",
    "thi_xa": "Thị ủy",
    "thanh_pho": "Thành ủy",
}


def _draft_nominations(decision: Decision) -> list[Nomination]:
    return list(decision.nominations.select_related("participant"))


# ---------------------------------------------------------------------------------------------------------------
# Composing a draft
# ---------------------------------------------------------------------------------------------------------------


def _legal_bases(*, issuer: Unit, plan: Plan, on: dt.date) -> list[str]:
    bases = [text.citation for text in legal_texts_in_force(on, province_of(issuer))]
    plan_line = (
        _("Căn cứ Kế hoạch số %(number)s") % {"number": plan.number_display} if plan.number else _("Căn cứ Kế hoạch")
    )
    if plan.issued_on:
        plan_line += " " + official_date(plan.issued_on)
    plan_line += _(" của Ủy ban nhân dân %(issuer)s về %(title)s") % {
        "issuer": issuer_phrase(plan.issuer),
        "title": lower_first(plan.title),
    }
    return [*bases, plan_line]


def _proposal_basis(*, decision: Decision, period: Period) -> str:
    """The council's proposal, or the Home Affairs body's tờ trình when it appraised (LEVEL_WORDING)."""
    issuer = decision.issuer
    wording = level_wording(issuer)
    if decision.appraisal_by or decision.appraisal_number or wording["appraised"]:
        return appraisal_phrase(
            appraiser=decision.appraisal_by or wording["appraiser"],
            number=decision.appraisal_number,
            on=decision.appraisal_on,
        )
    text = _("Xét đề nghị của Hội đồng Thi đua – Khen thưởng %(issuer)s") % {"issuer": issuer_phrase(issuer)}
    meeting = CouncilMeeting.objects.filter(period=period).order_by("-held_on").first()
    if meeting is not None:
        text += _(" tại cuộc họp ngày %(date)s") % {"date": meeting.held_on.strftime("%d/%m/%Y")}
    return text


def appraising_office(issuer: Unit, on: dt.date) -> Unit | None:
    """The Home Affairs body over the issuer on a date: a province's own Sở Nội vụ, else the office above it."""
    for office in Unit.objects.filter(path__startswith=issuer.path, depth=issuer.depth + 1, is_home_affairs=True):
        current: Unit | None = office
        while current is not None and not current.is_current(on):
            current = current.successor
        if current is not None:
            return current
    return issuer.home_affairs_office(on)


def _article_2(*, decision: Decision, lines: list[dict[str, Any]], amounts: money.RewardAmounts, on: dt.date) -> str:
    word = certificate_word(decision.award_kind)
    collectives = sum(1 for line in lines if line["kind"] == Participant.Kind.COLLECTIVE)
    individuals = len(lines) - collectives
    parts = []
    if collectives:
        parts.append(
            _("mỗi tập thể được tặng %(word)s kèm theo mức tiền thưởng %(amount)s đồng (%(words)s)")
            % {
                "word": word,
                "amount": format_number(amounts.collective.rounded),
                "words": money.amount_in_words(amounts.collective.rounded),
            }
        )
    if individuals:
        parts.append(
            _("mỗi cá nhân được tặng %(word)s kèm theo mức tiền thưởng %(amount)s đồng (%(words)s)")
            % {
                "word": word,
                "amount": format_number(amounts.individual.rounded),
                "words": money.amount_in_words(amounts.individual.rounded),
            }
        )
    total = sum(line["amount"] for line in lines)
    return _(
        "%(parts)s, tính theo mức lương cơ sở %(base)s đồng. Tổng số tiền thưởng: %(total)s đồng (%(total_words)s). "
        "Kinh phí khen thưởng chi từ Quỹ thi đua, khen thưởng của %(issuer)s năm %(year)s."
    ) % {
        "parts": upper_first("; ".join(parts)),
        "base": format_number(amounts.base_salary),
        "total": format_number(total),
        "total_words": money.amount_in_words(total),
        "issuer": issuer_phrase(decision.issuer),
        "year": on.year,
    }


def _recipients(*, issuer: Unit, on: dt.date) -> list[str]:
    """Nơi nhận by the issuer's level (LEVEL_WORDING), with the Home Affairs body that appraises or oversees it."""
    wording = level_wording(issuer)
    recipients = [_("Như Điều 3")]
    office = appraising_office(issuer, on)
    if office is not None:
        recipients.append(office.name)
    if issuer.is_administrative:
        word = Unit.KIND_WORDS[issuer.kind]
        recipients.append(
            _("Thường trực %(party)s, HĐND %(level)s")
            % {
                "party": PARTY_COMMITTEE.get(issuer.kind, "Đảng ủy"),
                "level": word,
            }
        )
    recipients.append(wording["leaders"])
    recipients.append(wording["archive"])
    return recipients


def _compose(decision: Decision, nominations: list[Nomination], rule: RewardRule, on: dt.date) -> None:
    """Fill every generated part of a draft from its nominations, its date and the reward rule in force."""
    issuer, period, plan = decision.issuer, decision.period, decision.period.plan
    amounts = amounts_for(decision.award_kind, rule)
    lines = build_lines(nominations, amounts)
    collectives = sum(1 for line in lines if line["kind"] == Participant.Kind.COLLECTIVE)
    individuals = len(lines) - collectives
    movement = movement_name(plan.title)
    stage = f"{lower_first(period.get_review_kind_display())} {lower_first(period.name)}"
    decision.place = issuer.short_name or issuer.name
    decision.issuer_name_lines = issuer_name_lines(issuer)
    decision.authority_line = authority_line(issuer)
    decision.summary = _(
        "Về việc khen thưởng %(who)s có thành tích xuất sắc trong phong trào thi đua %(movement)s (%(stage)s)"
    ) % {"who": who(collectives, individuals), "movement": movement, "stage": stage}
    decision.legal_bases = _legal_bases(issuer=issuer, plan=plan, on=on)
    decision.proposal_basis = _proposal_basis(decision=decision, period=period)
    decision.article_1 = _(
        "Tặng %(award)s cho %(recipients)s (có danh sách kèm theo) đã có thành tích xuất sắc trong phong trào thi "
        "đua %(movement)s, %(stage)s."
    ) % {
        "award": decision.award_kind.name,
        "recipients": recipients_phrase(collectives, individuals),
        "movement": movement,
        "stage": stage,
    }
    decision.article_2 = _article_2(decision=decision, lines=lines, amounts=amounts, on=on)
    decision.article_3 = _(
        "Quyết định này có hiệu lực kể từ ngày ký. %(executing)s và các tập thể, cá nhân có tên tại Điều 1 chịu "
        "trách nhiệm thi hành Quyết định này./."
    ) % {"executing": upper_first(level_wording(issuer)["executing"])}
    decision.recipients = _recipients(issuer=issuer, on=on)
    decision.base_salary = rule.base_salary
    decision.total_amount = sum(line["amount"] for line in lines)


def _rule_or_error(on: dt.date) -> RewardRule:
    rule = reward_rule_on(on)
    if rule is None:
        raise ValidationError(
            _("Chưa có mức lương cơ sở áp dụng cho ngày %(date)s; hãy nạp dữ liệu tham chiếu.")
            % {"date": on.strftime("%d/%m/%Y")}
        )
    return rule


def _save(decision: Decision, reason: str, **kwargs: Any) -> None:
    decision._change_reason = history_reason(reason)  # simple_history: the audit row says why
    decision.save(**kwargs)


# ---------------------------------------------------------------------------------------------------------------
# Services
# ---------------------------------------------------------------------------------------------------------------


@transaction.atomic
def create_draft_decision(
    *,
    period: Period,
    award_kind: AwardKind,
    by: User,
    signed_on: dt.date | None = None,
    appraisal_by: str = "",
    appraisal_number: str = "",
    appraisal_on: dt.date | None = None,
) -> Decision:
    """Draft the decision for a period's accepted nominations of one award that have no decision yet.

    The issuer is the plan's issuer; its chairman (lãnh đạo) or administrator drafts. The nominations are
    attached to the draft at once, so two drafts never list the same person. `signed_on` is the planned date
    (the decision's date is the signing date, confirmed when it is signed); the appraisal is the Home Affairs
    body's tờ trình when it appraised the dossiers (the proposal line then cites it).
    """
    issuer = period.plan.issuer
    DecisionPolicy.draft(by, issuer).ensure()
    nominations = list(
        Nomination.objects.select_for_update()
        .filter(period=period, award_kind=award_kind, status=Nomination.Status.ACCEPTED, decision__isnull=True)
        .select_related("participant")
    )
    if not nominations:
        raise ValidationError(_("Đợt này không còn đề nghị nào đã được chấp thuận mà chưa có quyết định."))
    on = signed_on or timezone.localdate()
    rule = _rule_or_error(on)
    decision = Decision(
        issuer=issuer,
        period=period,
        award_kind=award_kind,
        signed_on=signed_on,
        year=on.year,
        appraisal_by=appraisal_by.strip(),
        appraisal_number=appraisal_number.strip(),
        appraisal_on=appraisal_on,
    )
    _compose(decision, nominations, rule, on)
    check_legal_bases(decision.legal_bases, on)
    _save(decision, _("Lập dự thảo"))
    for nomination in nominations:
        nomination.decision = decision
        nomination._change_reason = _("Đưa vào dự thảo quyết định")
        nomination.save(update_fields=["decision"])
    return decision


def _appraisal(decision: Decision) -> tuple[str, str, dt.date | None]:
    return (decision.appraisal_by, decision.appraisal_number, decision.appraisal_on)


def _check_number_free(decision: Decision, number: int | None, year: int) -> None:
    if number is None:
        return
    if number < 1:
        raise ValidationError(_("Số quyết định phải là số nguyên dương."))
    taken = Decision.objects.filter(issuer=decision.issuer, year=year, symbol=decision.symbol, number=number).exclude(
        pk=decision.pk
    )
    if taken.exists():
        raise ValidationError(
            _("Số %(number)s/%(symbol)s năm %(year)s đã được dùng cho quyết định khác.")
            % {"number": f"{number:02d}", "symbol": decision.symbol, "year": year}
        )


@transaction.atomic
def update_draft(*, decision: Decision, by: User, **changes: Any) -> Decision:
    """Edit a draft's number, date and texts; refused once signed.

    When the date moves, the parts that depend on it (the texts in force and the amounts) are recomposed,
    unless the same edit also changed them by hand.
    """
    decision = (
        Decision.objects.select_for_update().select_related("issuer", "period__plan", "award_kind").get(pk=decision.pk)
    )
    DecisionPolicy.edit(by, decision).ensure()
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    old_date, old_bases, old_article_2 = decision.signed_on, list(decision.legal_bases), decision.article_2
    old_recipients = list(decision.recipients)
    old_appraisal, old_proposal = _appraisal(decision), decision.proposal_basis
    for field, value in changes.items():
        setattr(decision, field, value)
    on = decision_date(decision)
    decision.year = on.year
    _check_number_free(decision, decision.number, decision.year)
    if _appraisal(decision) != old_appraisal and decision.proposal_basis == old_proposal:
        decision.proposal_basis = _proposal_basis(decision=decision, period=decision.period)
    if decision.signed_on != old_date:
        rule = _rule_or_error(on)
        fresh = Decision(issuer=decision.issuer, period=decision.period, award_kind=decision.award_kind)
        _compose(fresh, _draft_nominations(decision), rule, on)
        if list(decision.legal_bases) == old_bases:
            decision.legal_bases = fresh.legal_bases
        if decision.article_2 == old_article_2:
            decision.article_2 = fresh.article_2
        if list(decision.recipients) == old_recipients:  # the Home Affairs office over the issuer on that date
            decision.recipients = fresh.recipients
        decision.base_salary, decision.total_amount = fresh.base_salary, fresh.total_amount
    check_legal_bases(decision.legal_bases, on)
    _save(decision, _("Sửa dự thảo"))
    return decision


@transaction.atomic
def regenerate_draft(*, decision: Decision, by: User) -> Decision:
    """Recompose every generated part of a draft from its nominations and date (after a change of rule or text)."""
    decision = (
        Decision.objects.select_for_update().select_related("issuer", "period__plan", "award_kind").get(pk=decision.pk)
    )
    DecisionPolicy.edit(by, decision).ensure()
    on = decision_date(decision)
    _compose(decision, _draft_nominations(decision), _rule_or_error(on), on)
    decision.year = on.year
    _save(decision, _("Tạo lại nội dung dự thảo"))
    return decision


@transaction.atomic
def discard_draft(*, decision: Decision, by: User) -> None:
    """Delete a draft and release its nominations; a signed decision is annulled instead, never deleted."""
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    DecisionPolicy.edit(by, decision).ensure()
    for nomination in decision.nominations.all():
        nomination.decision = None
        nomination._change_reason = _("Bỏ dự thảo quyết định")
        nomination.save(update_fields=["decision"])
    decision._change_reason = _("Bỏ dự thảo")
    decision.delete()


def next_decision_number(*, issuer: Unit, year: int) -> int:
    """The next number of the issuer's decisions in a year: 1 on every 1 January (Nghị định 30/2020, Art. 15).

    Annulled decisions keep their numbers, which are not reused.
    """
    last = Decision.objects.filter(issuer=issuer, year=year).aggregate(last=Max("number"))["last"]
    return (last or 0) + 1


def signing_membership(user: User, issuer: Unit) -> Membership:
    """The user's chairman (or deputy) membership on the issuer itself; PermissionDenied for anyone else."""
    DecisionPolicy.signer(user, issuer).ensure()
    membership = chairman_membership(user, issuer)
    assert membership is not None  # the policy has just found it
    return membership


def _person_name(user: User) -> str:
    person = getattr(user, "person", None)
    return (person.full_name if person else "") or user.get_full_name() or user.get_username()


def numbering_of(issuer: Unit) -> str:
    """The issuer's numbering setting: the app's counter (default) or the văn thư's register."""
    setting = IssuerSetting.objects.filter(unit=issuer).first()
    return setting.numbering if setting is not None else IssuerSetting.Numbering.COUNTER


def _move_to_signing_date(decision: Decision, on: dt.date) -> None:
    """The decision's date is the signing date: when it differs from the draft's planned date, the parts that
    depend on the date (texts in force, amounts) follow it, unless they were edited by hand and would change."""
    planned = decision_date(decision)
    if planned == on:
        return
    nominations = _draft_nominations(decision)
    before = Decision(issuer=decision.issuer, period=decision.period, award_kind=decision.award_kind)
    after = Decision(issuer=decision.issuer, period=decision.period, award_kind=decision.award_kind)
    _compose(before, nominations, _rule_or_error(planned), planned)
    _compose(after, nominations, _rule_or_error(on), on)
    for field, label in (("legal_bases", _("Căn cứ")), ("article_2", _("Điều 2")), ("recipients", _("Nơi nhận"))):
        current, was, now = getattr(decision, field), getattr(before, field), getattr(after, field)
        if current == was:
            setattr(decision, field, now)
        elif was != now:
            raise ValidationError(
                _(
                    "%(part)s của dự thảo đã sửa tay theo ngày %(planned)s, nhưng ngày ký %(on)s áp dụng văn bản hoặc "
                    "mức tiền khác. Hãy sửa dự thảo theo ngày ký rồi ký lại."
                )
                % {"part": label, "planned": planned.strftime("%d/%m/%Y"), "on": on.strftime("%d/%m/%Y")}
            )
    decision.base_salary = after.base_salary


def _blanks_left(decision: Decision) -> list[str]:
    """The parts of a draft still holding a blank (…) to fill in, e.g. a tờ trình's number not known yet."""
    parts = {
        _("Trích yếu"): decision.summary,
        _("Căn cứ"): " ".join(decision.legal_bases),
        _("Xét đề nghị"): decision.proposal_basis,
        _("Điều 1"): decision.article_1,
        _("Điều 2"): decision.article_2,
        _("Điều 3"): decision.article_3,
        _("Nơi nhận"): " ".join(decision.recipients),
    }
    return [label for label, text in parts.items() if "…" in text]


@transaction.atomic
def sign_decision(
    *,
    decision: Decision,
    by: User,
    password: str,
    signed_on: dt.date | None = None,
    date_reason: str = "",
    number: int | None = None,
) -> Decision:
    """The chairman, or a deputy signing for him, signs a draft after re-entering the password.

    The decision's date is the signing date: `signed_on` as the signer confirms it, today by default; another
    date needs `date_reason`, kept on the decision and in its history. The number is the app's next number of
    the year, or, when the issuer's văn thư numbers from its register (IssuerSetting), the `number` entered at
    signing (unique per issuer, year and symbol; gaps allowed). Records the base salary in force on that date,
    the signer and the list as signed; refuses a text not yet in force on that date; queues the PDF on commit.
    """
    decision = (
        Decision.objects.select_for_update().select_related("issuer", "period__plan", "award_kind").get(pk=decision.pk)
    )
    DecisionPolicy.sign(by, decision).ensure()
    membership = signing_membership(by, decision.issuer)
    if not password or not by.check_password(password):
        raise ValidationError(_("Mật khẩu không đúng. Quyết định chưa được ký."))
    today = timezone.localdate()
    on = signed_on or today
    date_reason = (date_reason or "").strip()
    if on > today:
        raise ValidationError(
            _("Ngày ký %(date)s chưa đến; quyết định mang ngày Chủ tịch ký.") % {"date": on.strftime("%d/%m/%Y")}
        )
    if on != today and not date_reason:
        raise ValidationError(
            _("Ngày ký %(date)s khác ngày hôm nay (%(today)s): phải nêu lý do (ví dụ: đã ký bản giấy ngày đó).")
            % {"date": on.strftime("%d/%m/%Y"), "today": today.strftime("%d/%m/%Y")}
        )
    _move_to_signing_date(decision, on)
    rule = _rule_or_error(on)
    if decision.base_salary and decision.base_salary != rule.base_salary:
        raise ValidationError(
            _(
                "Mức lương cơ sở ngày %(date)s là %(new)s đồng, khác với dự thảo (%(old)s đồng). Hãy tạo lại nội dung "
                "dự thảo trước khi ký."
            )
            % {
                "date": on.strftime("%d/%m/%Y"),
                "new": format_number(rule.base_salary),
                "old": format_number(decision.base_salary),
            }
        )
    check_legal_bases(decision.legal_bases, on)
    blanks = _blanks_left(decision)
    if blanks:
        raise ValidationError(
            _("Dự thảo còn chỗ trống “…” ở: %(parts)s. Hãy điền đủ trước khi ký.") % {"parts": ", ".join(blanks)}
        )
    lines = build_lines(_draft_nominations(decision), amounts_for(decision.award_kind, rule))
    if not lines:
        raise ValidationError(_("Dự thảo không còn ai trong danh sách khen thưởng."))
    Unit.objects.select_for_update().filter(pk=decision.issuer_id).first()  # one numbering at a time per issuer
    decision.year = on.year
    if number is not None:
        decision.number = number
    if numbering_of(decision.issuer) == IssuerSetting.Numbering.REGISTER and decision.number is None:
        raise ValidationError(
            _("%(issuer)s lấy số theo sổ đăng ký văn bản của văn thư: hãy nhập số quyết định khi ký.")
            % {"issuer": decision_issuer_name(decision.issuer)}
        )
    if decision.number is None:
        decision.number = next_decision_number(issuer=decision.issuer, year=on.year)
    else:
        _check_number_free(decision, decision.number, on.year)
    decision.signed_on = on
    decision.signed_on_reason = date_reason if on != today else ""
    decision.status = Decision.Status.SIGNED
    decision.signer = by
    decision.signer_name = _person_name(by)
    decision.signer_is_deputy = membership.is_deputy
    decision.signer_title = membership.title or (_("Phó Chủ tịch") if membership.is_deputy else _("Chủ tịch"))
    decision.signed_at = timezone.now()
    decision.base_salary = rule.base_salary
    decision.awardees = lines
    decision.certificate_title = decision.award_kind.certificate_title
    decision.total_amount = sum(line["amount"] for line in lines)
    reason = _("Ký quyết định")
    if decision.signed_on_reason:
        reason += _(" ngày %(date)s (thao tác ký ngày %(today)s): %(why)s") % {
            "date": on.strftime("%d/%m/%Y"),
            "today": today.strftime("%d/%m/%Y"),
            "why": decision.signed_on_reason,
        }
    _save(decision, reason)
    decision_id = decision.pk
    transaction.on_commit(lambda: render_decision_pdf_task.delay(decision_id))
    _notify_signed(decision)
    return decision


def _notify_signed(decision: Decision) -> None:
    """Everyone the Nơi nhận names who has a login learns the decision is signed (the digest mails it)."""
    notify(
        users=recipient_users(decision),
        key=f"decision-signed-{decision.pk}-{decision.signed_at:%Y%m%d%H%M%S}",
        title=_("Đã ký Quyết định số %(number)s: %(summary)s")
        % {"number": decision.number_display, "summary": decision.summary},
        body=_("%(issuer)s, ngày %(date)s. Người ký: %(signer)s.")
        % {
            "issuer": decision.place,
            "date": f"{decision.signed_on:%d/%m/%Y}" if decision.signed_on else "",
            "signer": decision.signer_name,
        },
        url=decision.get_absolute_url(),
    )


@transaction.atomic
def annul_decision(*, decision: Decision, by: User, reason: str) -> Decision:
    """Annul a signed decision with a reason: both records stay, the nominations are free for a new decision."""
    decision = Decision.objects.select_for_update().select_related("issuer").get(pk=decision.pk)
    DecisionPolicy.annul(by, decision).ensure()
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Phải nêu lý do hủy quyết định."))
    decision.status = Decision.Status.ANNULLED
    decision.annul_reason = reason
    decision.annulled_at = timezone.now()
    decision.annulled_by = by
    _save(decision, _("Hủy quyết định: %(reason)s") % {"reason": reason[:80]})
    for nomination in decision.nominations.all():
        nomination.decision = None
        nomination._change_reason = _("Quyết định %(number)s bị hủy") % {"number": decision.number_display}
        nomination.save(update_fields=["decision"])
    return decision
