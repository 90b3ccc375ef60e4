"""Who may move a nomination or a decision along, and why not: one answer read by pages, templates and services.

Shaped like campaigns/policies.py (``PlanPolicy``) and scoring/access.py: every method returns an ``Answer`` —
``allowed``, the Vietnamese ``reason`` when not and a stable ``code``. The first refusal wins, so the reason is the
most fundamental one: the role first, then the step the nomination or decision is at, then what the step depends on.

Codes: ``role`` (not the right role on the right unit: 403 on a page, PermissionDenied from a service); ``status``
(the nomination or decision is not at this step: the action is not offered); ``incomplete`` (a condition not
confirmed, a document missing), ``dossier`` (the office has not submitted the dossier yet: the chairman sees
"Chấp thuận" disabled, not missing), ``appraisal`` (Nội vụ has not appraised yet), ``council`` (no vote, or the votes
are below the plan's threshold), ``quota`` (the quota is taken), ``decided`` (already in a decision), ``not_ready``
(the period's standings are not frozen): the action is relevant but refused, and pages show it disabled with the
reason (``shown_refusal``).

The units: office work (condition checks, documents, completing and submitting a dossier) belongs to the
participant's unit (``Participant.home_unit``) or a unit above it; the chairman's decisions (accept, reject, add by
hand) to lãnh đạo of the plan's issuer; appraisal to Nội vụ over the issuer; drafting a decision to lãnh đạo or quản
trị of the issuer; signing and annulling to the issuer's own chairman or deputy chairman (a membership on the issuer
itself, not on a unit above it: a district chairman does not sign for a commune).

Services call the same methods inside their transaction, after re-reading the row under its lock; the role checks
come from campaigns/permissions.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils.text import Truncator
from django.utils.translation import gettext as _

from awards import quota
from awards.models import Condition, ConditionCheck, CouncilVote, Decision, Nomination, QuotaRule
from awards.selectors import ChecklistItem, applicable_conditions, dossier_checklist
from awards.wording import issuer_phrase
from campaigns.models import Membership, Participant, Period, Role, Unit
from campaigns.permissions import acting_q, has_role
from campaigns.policies import ALLOWED, Answer
from core.formatting import format_percent

if TYPE_CHECKING:
    from django.contrib.auth.models import User

Status = Nomination.Status
ACTIVE_STATUSES = (Status.PROPOSED, Status.PREPARED, Status.SUBMITTED, Status.APPRAISED, Status.ACCEPTED)
OPEN_STATUSES = (Status.PROPOSED, Status.PREPARED, Status.SUBMITTED, Status.APPRAISED)
EDITABLE_STATUSES = (Status.PROPOSED, Status.PREPARED)

OFFICE_ROLES = (Role.NHAP_LIEU, Role.QUAN_TRI)
SUBMIT_ROLES = (Role.NHAP_LIEU, Role.LANH_DAO, Role.QUAN_TRI)
ISSUER_STAFF_ROLES = (Role.LANH_DAO, Role.NHAP_LIEU, Role.QUAN_TRI)  # re-run proposals, record the council
DRAFT_ROLES = (Role.LANH_DAO, Role.QUAN_TRI)

HIDDEN_CODES = ("role", "status")


def shown_refusal(answer: Answer) -> str:
    """The reason to show on a disabled button: the action is relevant to this user now but refused. Empty when the
    action is allowed, or not this user's (``role``), or not at this step (``status``): then it is not shown."""
    return "" if answer or answer.code in HIDDEN_CODES else answer.reason


# Who handles the signed file: the chairman who signs, the office (văn thư) who adds the seal, the administrator.
DIGITAL_SIGNING_ROLES = (Role.LANH_DAO, Role.NHAP_LIEU, Role.QUAN_TRI)


def _role(reason: str) -> Answer:
    return Answer(False, reason, "role")


def _status(reason: str) -> Answer:
    return Answer(False, reason, "status")


# ---------------------------------------------------------------------------------------------------------------
# Rules the answers depend on
# ---------------------------------------------------------------------------------------------------------------


def needs_appraisal(period: Period) -> bool:
    """Plans decided above the commune (issuer at district or province level) go through Nội vụ appraisal."""
    return period.plan.issuer.level in ("district", "province")


def reaches_threshold(votes_for: int, members_total: int, threshold_percent: Decimal) -> bool:
    """votes_for / members_total ≥ threshold, in exact integer arithmetic."""
    return members_total > 0 and Decimal(votes_for) * 100 >= Decimal(threshold_percent) * members_total


def council_result(nomination: Nomination) -> tuple[CouncilVote | None, bool]:
    """The latest council vote on a nomination and whether it reaches the meeting's threshold (% of all members)."""
    vote = (
        CouncilVote.objects.filter(nomination=nomination)
        .select_related("meeting")
        .order_by("-meeting__held_on", "-meeting_id")
        .first()
    )
    if vote is None:
        return None, False
    return vote, reaches_threshold(vote.votes_for, vote.meeting.members_total, vote.meeting.threshold_percent)


def quota_limit(rule: QuotaRule, kind: str) -> int:
    """How many nominees of a kind the rule allows in total."""
    if kind == Participant.Kind.COLLECTIVE:
        return rule.max_collectives
    if rule.individuals_per_collective:
        return rule.max_individuals or rule.max_collectives * rule.individuals_per_collective
    return rule.max_individuals


def unit_of(collective: Nomination) -> Unit:
    """The unit of a collective's nomination."""
    unit = collective.participant.unit
    assert unit is not None  # a collective has a unit (participant_kind_matches_subject)
    return unit


def owning_collective(collectives: list[Nomination], individual: Participant) -> Nomination | None:
    """The deepest nominated collective an individual's unit lies in (a section inside a commune goes with the
    section), as the quota engine attaches individuals to collectives."""
    unit = individual.home_unit
    owners = [
        n
        for n in collectives
        if unit is not None and n.participant.unit_id and quota.belongs_to(unit.path, unit_of(n).path)
    ]
    return max(owners, key=lambda n: (len(unit_of(n).path), -n.participant_id), default=None)


def _quota_answer(nomination: Nomination, rule: QuotaRule) -> Answer:
    """Accepting stays within the rule's quota, and "K individuals per selected collective" holds for accepted
    nominees too. The service calls this with the rule's row locked, so two chairmen cannot take the last place."""
    kind = nomination.participant.kind
    limit = quota_limit(rule, kind)
    accepted = Nomination.objects.filter(
        period_id=nomination.period_id, quota_rule_id=rule.pk, participant__kind=kind, status=Status.ACCEPTED
    ).count()
    if accepted >= limit:
        return Answer(
            False,
            _(
                "Không thể chấp thuận %(name)s: đã đủ chỉ tiêu %(limit)s %(kind)s. Nếu có đồng hạng tại ngưỡng, "
                "hãy chọn và không chấp thuận người còn lại."
            )
            % {"name": nomination.name, "limit": limit, "kind": nomination.participant.get_kind_display().lower()},
            "quota",
        )
    if rule.individuals_per_collective and kind == Participant.Kind.INDIVIDUAL:
        return _per_collective_answer(nomination, rule)
    return ALLOWED


def _per_collective_answer(nomination: Nomination, rule: QuotaRule) -> Answer:
    """The individual's collective must still be nominated (not rejected nor withdrawn) and must have fewer than K
    individuals accepted already.

    The engine applies the rule when it proposes; at acceptance it can be broken by a tie at the K-th place (both
    proposed, the chairman must choose), by nominees added by hand, or by a collective rejected afterwards."""
    per_collective = rule.individuals_per_collective
    assert per_collective is not None  # the caller checks the rule has one
    collectives = list(
        Nomination.objects.filter(
            period_id=nomination.period_id, quota_rule=rule, participant__kind=Participant.Kind.COLLECTIVE
        ).select_related("participant__unit")
    )
    owner = owning_collective(collectives, nomination.participant)
    if owner is None:
        return Answer(
            False,
            _(
                "Không thể chấp thuận %(name)s: chỉ tiêu chỉ khen %(count)s cá nhân cho mỗi tập thể được chọn, "
                "nhưng %(name)s không thuộc tập thể nào được đề nghị khen thưởng."
            )
            % {"name": nomination.name, "count": per_collective},
            "quota",
        )
    if owner.status in (Status.REJECTED, Status.WITHDRAWN):
        return Answer(
            False,
            _(
                "Không thể chấp thuận %(name)s: chỉ tiêu chỉ khen %(count)s cá nhân cho mỗi tập thể được chọn, "
                "nhưng tập thể %(collective)s %(status)s."
            )
            % {
                "name": nomination.name,
                "count": per_collective,
                "collective": owner.name,
                "status": _("đã không được chấp thuận")
                if owner.status == Status.REJECTED
                else _("không còn được đề xuất"),
            },
            "quota",
        )
    accepted = [
        other
        for other in Nomination.objects.filter(
            period_id=nomination.period_id,
            quota_rule=rule,
            participant__kind=Participant.Kind.INDIVIDUAL,
            status=Status.ACCEPTED,
        )
        .exclude(pk=nomination.pk)
        .select_related("participant__unit", "participant__person__unit")
        .order_by("name", "pk")
        if owning_collective(collectives, other.participant) == owner
    ]
    if len(accepted) >= per_collective:
        return Answer(
            False,
            _(
                "Không thể chấp thuận %(name)s: chỉ tiêu tối đa %(count)s cá nhân cho mỗi tập thể được chọn, "
                "tập thể %(collective)s đã có %(accepted)s cá nhân được chấp thuận (%(names)s). "
                "Nếu có đồng hạng tại ngưỡng, hãy chọn và không chấp thuận người còn lại."
            )
            % {
                "name": nomination.name,
                "count": per_collective,
                "collective": owner.name,
                "accepted": len(accepted),
                "names": ", ".join(other.name for other in accepted),
            },
            "quota",
        )
    return ALLOWED


def _missing_conditions(
    nomination: Nomination, conditions: Sequence[Condition] | None, checks: dict[int, ConditionCheck] | None
) -> list[str]:
    if conditions is None:
        conditions = applicable_conditions(nomination)
    if checks is None:
        checks = {c.condition_id: c for c in nomination.condition_checks.all()}
    return [c.text for c in conditions if c.pk not in checks or not checks[c.pk].confirmed]


# ---------------------------------------------------------------------------------------------------------------
# Nominations
# ---------------------------------------------------------------------------------------------------------------


class NominationPolicy:
    """Every step of a nomination, from the engine's proposal to the chairman's acceptance or rejection."""

    @staticmethod
    def office(user: User, nomination: Nomination) -> Answer:
        """Office staff (nhập liệu, quản trị) of the nominee's unit or a unit above it prepare the dossier."""
        if has_role(user, nomination.participant.home_unit, *OFFICE_ROLES):
            return ALLOWED
        return _role(_("Chỉ cán bộ nhập liệu của đơn vị được chuẩn bị hồ sơ đề nghị khen thưởng."))

    @classmethod
    def check(cls, user: User, nomination: Nomination) -> Answer:
        """Record whether the nominee meets a condition: the office, while the nomination is proposed."""
        answer = cls.office(user, nomination)
        if answer and nomination.status != Status.PROPOSED:
            return _status(_("Chỉ xác nhận tiêu chuẩn khi đề nghị đang ở bước Đề xuất."))
        return answer

    @classmethod
    def upload(cls, user: User, nomination: Nomination) -> Answer:
        """Attach a document: the office, until the dossier is submitted."""
        answer = cls.office(user, nomination)
        if answer and nomination.status not in EDITABLE_STATUSES:
            return _status(_("Hồ sơ đã trình, không thể thêm tệp."))
        return answer

    @classmethod
    def remove_file(cls, user: User, nomination: Nomination) -> Answer:
        """Remove a wrongly attached document: the office, until the dossier is submitted."""
        answer = cls.office(user, nomination)
        if answer and nomination.status not in EDITABLE_STATUSES:
            return _status(_("Hồ sơ đã trình, không thể xóa tệp."))
        return answer

    @classmethod
    def prepare(
        cls,
        user: User,
        nomination: Nomination,
        *,
        conditions: Sequence[Condition] | None = None,
        checks: dict[int, ConditionCheck] | None = None,
        checklist: Sequence[ChecklistItem] | None = None,
    ) -> Answer:
        """proposed → prepared: the office, once every condition is confirmed and every required document attached.

        A page that has already read the conditions, checks and checklist passes them to save the queries."""
        answer = cls.office(user, nomination)
        if not answer:
            return answer
        if nomination.status != Status.PROPOSED:
            return _status(_("Chỉ hoàn tất hồ sơ cho đề nghị đang ở bước Đề xuất."))
        missing_conditions = _missing_conditions(nomination, conditions, checks)
        if missing_conditions:
            return Answer(
                False,
                _("Chưa xác nhận đạt các tiêu chuẩn: %(items)s.")
                % {"items": "; ".join(Truncator(text).chars(80) for text in missing_conditions)},
                "incomplete",
            )
        if checklist is None:
            checklist = dossier_checklist(nomination=nomination)
        # The council's biên bản comes after the dossier is submitted to the council: not needed to complete it.
        missing_files = [item.requirement.name for item in checklist if not item.present and not item.not_yet_due]
        if missing_files:
            return Answer(
                False, _("Còn thiếu tài liệu: %(items)s.") % {"items": "; ".join(missing_files)}, "incomplete"
            )
        return ALLOWED

    @staticmethod
    def submit(user: User, nomination: Nomination) -> Answer:
        """prepared → submitted: the nominee's unit (its office or its lãnh đạo) sends the dossier up."""
        if not has_role(user, nomination.participant.home_unit, *SUBMIT_ROLES):
            return _role(_("Chỉ cán bộ nhập liệu hoặc lãnh đạo của đơn vị được trình hồ sơ đề nghị."))
        if nomination.status != Status.PREPARED:
            return _status(_("Chỉ trình đề nghị đã hoàn tất hồ sơ."))
        return ALLOWED

    @staticmethod
    def appraise(user: User, nomination: Nomination) -> Answer:
        """submitted → appraised: Nội vụ over the plan's issuer, for plans decided above the commune."""
        period = nomination.period
        if not has_role(user, period.plan.issuer, Role.NOI_VU):
            return _role(_("Chỉ cơ quan Nội vụ được thẩm định hồ sơ khen thưởng."))
        if not needs_appraisal(period):
            return _status(_("Kế hoạch này do cấp xã quyết định, không qua thẩm định của Nội vụ."))
        if nomination.status != Status.SUBMITTED:
            return _status(_("Chỉ thẩm định hồ sơ đã trình."))
        return ALLOWED

    @staticmethod
    def chairman(user: User, period: Period) -> Answer:
        """Lãnh đạo of the plan's issuer (or a unit above it) decides: accepts, rejects, adds by hand."""
        if has_role(user, period.plan.issuer, Role.LANH_DAO):
            return ALLOWED
        return _role(_("Chỉ lãnh đạo của đơn vị ban hành kế hoạch được quyết định khen thưởng."))

    @classmethod
    def add(cls, user: User, period: Period) -> Answer:
        """The chairman adds a nominee the engine did not propose (the quota is checked on the chosen row)."""
        return cls.chairman(user, period)

    @classmethod
    def reject(cls, user: User, nomination: Nomination) -> Answer:
        """→ rejected: the chairman, from any open step, while the nomination is in no decision."""
        answer = cls.chairman(user, nomination.period)
        if not answer:
            return answer
        if nomination.status not in OPEN_STATUSES:
            return _status(
                _("Đề nghị ở trạng thái %(status)s, không thể không chấp thuận.")
                % {"status": nomination.get_status_display()}
            )
        if nomination.decision_id:
            return Answer(False, _("Đề nghị đã đưa vào quyết định."), "decided")
        return ALLOWED

    @classmethod
    def accept(cls, user: User, nomination: Nomination) -> Answer:
        """→ accepted: the chairman; appraised first where required, the council's votes at or above the plan's
        threshold, within the quota (and K individuals per selected collective)."""
        answer = cls.chairman(user, nomination.period)
        if not answer:
            return answer
        ready = (Status.APPRAISED,) if needs_appraisal(nomination.period) else (Status.SUBMITTED, Status.APPRAISED)
        if nomination.status not in ready:
            if nomination.status == Status.SUBMITTED:
                return Answer(False, _("Hồ sơ chưa được Nội vụ thẩm định."), "appraisal")
            if nomination.status in EDITABLE_STATUSES:
                return Answer(
                    False,
                    _("Chưa thể chấp thuận: văn phòng chưa hoàn tất và trình hồ sơ (bước hiện tại: %(status)s).")
                    % {"status": nomination.get_status_display()},
                    "dossier",
                )
            return _status(
                _("Chỉ chấp thuận đề nghị đã trình (trạng thái hiện tại: %(status)s).")
                % {"status": nomination.get_status_display()}
            )
        if nomination.decision_id:
            return Answer(False, _("Đề nghị đã đưa vào quyết định."), "decided")
        vote, passed = council_result(nomination)
        if vote is None:
            return Answer(
                False,
                _("Chưa có kết quả bỏ phiếu của Hội đồng Thi đua – Khen thưởng cho %(name)s.")
                % {"name": nomination.name},
                "council",
            )
        if not passed:
            return Answer(
                False,
                _(
                    "Không thể chấp thuận %(name)s: chỉ được %(votes)s/%(total)s phiếu đồng ý, dưới ngưỡng "
                    "%(threshold)s tổng số thành viên Hội đồng."
                )
                % {
                    "name": nomination.name,
                    "votes": vote.votes_for,
                    "total": vote.meeting.members_total,
                    "threshold": format_percent(vote.meeting.threshold_percent),
                },
                "council",
            )
        if nomination.quota_rule_id is not None:
            rule = nomination.quota_rule
            assert rule is not None  # quota_rule_id is set
            return _quota_answer(nomination, rule)
        return ALLOWED


class PeriodAwardsPolicy:
    """A period's award work at the issuer: re-running the quota engine and recording the council."""

    @staticmethod
    def propose(user: User | None, period: Period) -> Answer:
        """Re-run the quota engine: lãnh đạo, nhập liệu or quản trị of the issuer, once the standings are frozen.
        ``None`` is the system (the period close, a command), which proposes on the standings it has just frozen."""
        if user is None:
            return ALLOWED
        if not has_role(user, period.plan.issuer, *ISSUER_STAFF_ROLES):
            return _role(_("Chỉ lãnh đạo hoặc văn phòng của đơn vị ban hành được xét đề xuất khen thưởng."))
        if not period.standings.filter(frozen=True).exists():
            return Answer(False, _("Đợt này chưa chốt xếp hạng, chưa thể xét đề xuất."), "not_ready")
        return ALLOWED

    @staticmethod
    def record_council(user: User, period: Period) -> Answer:
        """Record a Hội đồng TĐKT meeting and its votes: lãnh đạo or the office of the issuer."""
        if has_role(user, period.plan.issuer, *ISSUER_STAFF_ROLES):
            return ALLOWED
        return _role(_("Chỉ lãnh đạo hoặc văn phòng của đơn vị ban hành được ghi biên bản Hội đồng."))

    @staticmethod
    def home_affairs(user: User) -> Answer:
        """The Home Affairs pages: a nội vụ membership anywhere (what it sees is scoped by the selectors)."""
        if user.is_superuser or (
            user.is_authenticated and Membership.objects.filter(user=user, role=Role.NOI_VU).exists()
        ):
            return ALLOWED
        return _role(_("Trang này dành cho cơ quan Nội vụ."))


# ---------------------------------------------------------------------------------------------------------------
# Decisions
# ---------------------------------------------------------------------------------------------------------------


def decision_issuer_name(issuer: Unit) -> str:
    return _("UBND %(issuer)s") % {"issuer": issuer_phrase(issuer)} if issuer.is_administrative else issuer.name


def chairman_membership(user: User, issuer: Unit) -> Membership | None:
    """The user's acting chairman (or deputy) membership on the issuer itself, the chairman's first."""
    if not user.is_authenticated:
        return None
    return (
        Membership.objects.filter(acting_q(), user=user, unit=issuer, role=Role.LANH_DAO).order_by("is_deputy").first()
    )


class DecisionPolicy:
    """Drafting, editing, signing and annulling a commendation decision."""

    @staticmethod
    def draft(user: User, issuer: Unit) -> Answer:
        """Lãnh đạo or quản trị of the issuer (or a unit above it) drafts its decisions."""
        if has_role(user, issuer, *DRAFT_ROLES):
            return ALLOWED
        return _role(_("Chỉ lãnh đạo hoặc quản trị của đơn vị ban hành được lập dự thảo."))

    @classmethod
    def edit(cls, user: User, decision: Decision) -> Answer:
        """Edit, recompose or discard a draft: as draft, while the decision is a draft."""
        answer = cls.draft(user, decision.issuer)
        if not answer:
            return answer
        if decision.status == Decision.Status.SIGNED:
            return _status(_("Quyết định đã ký không thể sửa; muốn sửa phải hủy quyết định (nêu lý do)."))
        if decision.status == Decision.Status.ANNULLED:
            return _status(_("Quyết định đã bị hủy không thể sửa."))
        return ALLOWED

    @staticmethod
    def signer(user: User, issuer: Unit) -> Answer:
        """The issuer's own chairman or deputy chairman signs and annuls."""
        if chairman_membership(user, issuer) is not None:
            return ALLOWED
        return _role(
            _("Chỉ Chủ tịch hoặc Phó Chủ tịch của %(issuer)s được ký quyết định này.")
            % {"issuer": decision_issuer_name(issuer)}
        )

    @classmethod
    def sign(cls, user: User, decision: Decision) -> Answer:
        """Sign a draft (the password is the service's to check)."""
        answer = cls.signer(user, decision.issuer)
        if not answer:
            return answer
        if decision.status == Decision.Status.SIGNED:
            return _status(_("Quyết định này đã được ký, không ký lại."))
        if decision.status == Decision.Status.ANNULLED:
            return _status(_("Quyết định này đã bị hủy."))
        return ALLOWED

    @staticmethod
    def sign_digitally(user: User, decision: Decision) -> Answer:
        """Make the PDF to sign, upload the signed file, re-verify it (ký số): the chairman who signs, the office
        (văn thư, nhập liệu) who adds the seal, the administrator of the issuer; whether the decision is ready is the
        service's to say (awards.services.digital_signature)."""
        if user.is_authenticated and has_role(user, decision.issuer, *DIGITAL_SIGNING_ROLES):
            return ALLOWED
        return _role(_("Chỉ lãnh đạo, văn thư (nhập liệu) hoặc quản trị của cơ quan ban hành được xử lý chữ ký số."))

    @classmethod
    def annul(cls, user: User, decision: Decision) -> Answer:
        """Annul a signed decision (with a reason, the service's to check)."""
        answer = cls.signer(user, decision.issuer)
        if not answer:
            return answer
        if decision.status == Decision.Status.DRAFT:
            return _status(_("Dự thảo chưa ký thì bỏ dự thảo, không cần hủy."))
        if decision.status == Decision.Status.ANNULLED:
            return _status(_("Quyết định này đã bị hủy trước đó."))
        return ALLOWED
