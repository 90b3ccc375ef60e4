"""The award workflow's map: đề xuất → hồ sơ → thẩm định → hội đồng → phê duyệt → quyết định → ký.

Every step names its owner (role and unit), its state and, for the person looking, the one next action: a link or a
button when the policy allows it, the same button disabled with the policy's reason when the action is relevant but
refused (``shown_refusal``), or "Chờ <owner>: <what>" when the step is someone else's. Nothing here states a rule of
its own: who may act comes from awards/policies.py (NominationPolicy, PeriodAwardsPolicy, DecisionPolicy) and
campaigns/policies.py (PeriodPolicy), whether an appraisal is needed from ``needs_appraisal``, whether the council
passed from ``council_result`` / ``reaches_threshold``; what is done is read from the statuses the nomination went
through (its transitions) and from its decision.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Prefetch
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from awards.models import CouncilVote, Decision, Nomination
from awards.policies import (
    DecisionPolicy,
    NominationPolicy,
    PeriodAwardsPolicy,
    council_result,
    needs_appraisal,
    reaches_threshold,
    shown_refusal,
)
from awards.selectors import submitting_unit
from campaigns.models import Period, Unit
from campaigns.policies import Answer, PeriodPolicy

if TYPE_CHECKING:
    from django.contrib.auth.models import User

Status = Nomination.Status

DONE, CURRENT, WAITING, NOT_NEEDED, STOPPED = "done", "current", "waiting", "not_needed", "stopped"
STATE_LABELS = {
    DONE: gettext_lazy("Đã xong"),
    CURRENT: gettext_lazy("Đang ở bước này"),
    WAITING: gettext_lazy("Chưa đến"),
    NOT_NEEDED: gettext_lazy("Không cần"),
    STOPPED: gettext_lazy("Đã dừng"),
}
STEP_LABELS = {
    "de_xuat": gettext_lazy("Đề xuất"),
    "ho_so": gettext_lazy("Hồ sơ"),
    "tham_dinh": gettext_lazy("Thẩm định"),
    "hoi_dong": gettext_lazy("Hội đồng"),
    "phe_duyet": gettext_lazy("Phê duyệt"),
    "quyet_dinh": gettext_lazy("Quyết định"),
    "ky": gettext_lazy("Ký"),
}
STEP_KEYS = tuple(STEP_LABELS)
# What the step's owner does, as "Chờ <owner>: <what>" says it.
STEP_TASKS = {
    "de_xuat": gettext_lazy("chốt đợt để hệ thống lập đề xuất theo chỉ tiêu"),
    "ho_so": gettext_lazy("xác nhận tiêu chuẩn, đính kèm tài liệu, hoàn tất và trình hồ sơ"),
    "tham_dinh": gettext_lazy("thẩm định hồ sơ"),
    "hoi_dong": gettext_lazy("họp và bỏ phiếu"),
    "phe_duyet": gettext_lazy("chấp thuận hoặc không chấp thuận"),
    "quyet_dinh": gettext_lazy("lập dự thảo quyết định"),
    "ky": gettext_lazy("ký quyết định"),
}


@dataclass(frozen=True)
class Action:
    """The one next action for the person looking: a link (GET) or a button (POST), allowed or disabled with the
    reason; or, when it is someone else's, ``waiting`` says whose and what."""

    label: str = ""
    url: str = ""
    post: bool = False
    name: str = ""  # the policy's action ("prepare", "accept" …): a page that shows the same button elsewhere hides it
    reason: str = ""  # shown on a disabled button: the action is this user's, relevant now, but refused
    waiting: str = ""  # "Chờ <owner>: <what>"

    @property
    def allowed(self) -> bool:
        return bool(self.url) and not self.reason


@dataclass(frozen=True)
class Step:
    key: str
    owner: str
    state: str
    note: str = ""

    @property
    def label(self) -> str:
        return str(STEP_LABELS[self.key])

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])


@dataclass(frozen=True)
class StepBar:
    steps: Sequence[Step]
    action: Action | None
    stopped: str = ""  # why the workflow ended (rejected, withdrawn, annulled)

    @property
    def current(self) -> Step | None:
        return next((s for s in self.steps if s.state in (CURRENT, STOPPED)), None)


def owners(period: Period, office: Unit | None = None) -> dict[str, str]:
    """Who owns each step, by role and unit."""
    issuer = period.plan.issuer
    return {
        "de_xuat": _("Lãnh đạo %(unit)s (chốt đợt)") % {"unit": issuer.name},
        "ho_so": _("Văn phòng (nhập liệu) %(unit)s") % {"unit": office.name if office else _("đơn vị có đề nghị")},
        "tham_dinh": _("Nội vụ cấp trên của %(unit)s") % {"unit": issuer.name},
        "hoi_dong": _("Hội đồng Thi đua – Khen thưởng %(unit)s") % {"unit": issuer.name},
        "phe_duyet": _("Lãnh đạo %(unit)s") % {"unit": issuer.name},
        "quyet_dinh": _("Lãnh đạo hoặc quản trị %(unit)s") % {"unit": issuer.name},
        "ky": _("Chủ tịch hoặc Phó Chủ tịch %(unit)s") % {"unit": issuer.name},
    }


def _action(
    answer: Answer, label: str, url: str, owner: str, key: str, *, post: bool = False, name: str = ""
) -> Action:
    """An allowed answer gives the action, a relevant refusal the disabled action with its reason, any other refusal
    the wait for the step's owner."""
    if answer:
        return Action(label=label, url=url, post=post, name=name)
    reason = shown_refusal(answer)
    if reason:
        return Action(label=label, url=url, post=post, reason=reason, name=name)
    return Action(waiting=_("Chờ %(owner)s: %(task)s.") % {"owner": owner, "task": STEP_TASKS[key]})


def _sequence(done: dict[str, bool], skipped: set[str], owner: dict[str, str], notes: dict[str, str]) -> list[Step]:
    """Done steps are done, not needed ones skipped; the first other one is current, the rest waiting."""
    steps, current_seen = [], False
    for key in STEP_KEYS:
        if key in skipped:
            state = NOT_NEEDED
        elif done[key]:
            state = DONE
        elif not current_seen:
            state, current_seen = CURRENT, True
        else:
            state = WAITING
        steps.append(Step(key=key, owner=owner[key], state=state, note=notes.get(key, "")))
    return steps


# ---------------------------------------------------------------------------------------------------------------
# One nomination
# ---------------------------------------------------------------------------------------------------------------


def nomination_steps(
    user: User,
    nomination: Nomination,
    *,
    prepare: Answer | None = None,
    council: tuple[CouncilVote | None, bool] | None = None,
) -> StepBar:
    """The step bar of one nomination for this user. ``prepare`` and ``council`` are what the page has already read
    (the prepare answer with the checklist, ``council_result``), to save the queries."""
    period = nomination.period
    office = submitting_unit(home) if (home := nomination.participant.home_unit) is not None else None
    owner = owners(period, office)
    visited = {t.to_status for t in nomination.transitions.all()} | {nomination.status}
    vote, passed = council if council is not None else council_result(nomination)
    decision = nomination.decision
    skipped = set() if needs_appraisal(period) else {"tham_dinh"}
    done = {
        "de_xuat": True,
        "ho_so": bool(visited & {Status.SUBMITTED, Status.APPRAISED, Status.ACCEPTED}),
        # Acceptance comes after the appraisal (where needed) and a passing vote: the policy refuses it otherwise.
        "tham_dinh": bool(visited & {Status.APPRAISED, Status.ACCEPTED}),
        "hoi_dong": (vote is not None and passed) or Status.ACCEPTED in visited,
        "phe_duyet": Status.ACCEPTED in visited,
        "quyet_dinh": decision is not None,
        "ky": decision is not None and decision.status == Decision.Status.SIGNED,
    }
    notes = {"de_xuat": _("Bổ sung thủ công")} if nomination.added_by_hand else {}
    if vote is not None:
        notes["hoi_dong"] = _("%(votes)s/%(total)s phiếu đồng ý%(below)s") % {
            "votes": vote.votes_for,
            "total": vote.meeting.members_total,
            "below": "" if passed else _(", dưới ngưỡng"),
        }
    if decision is not None:
        notes["quyet_dinh"] = decision.number_display
    steps = _sequence(done, skipped, owner, notes)

    stopped = ""
    if nomination.status in (Status.REJECTED, Status.WITHDRAWN):
        stopped = (
            _("Không chấp thuận: %(reason)s") % {"reason": nomination.reject_reason}
            if nomination.status == Status.REJECTED
            else _("Không còn được đề xuất: %(reason)s") % {"reason": nomination.reason}
        )
    elif decision is not None and decision.status == Decision.Status.ANNULLED:
        stopped = _("Quyết định %(number)s đã bị hủy.") % {"number": decision.number_display}
    if stopped:
        steps = [
            Step(s.key, s.owner, STOPPED if s.state == CURRENT else NOT_NEEDED if s.state == WAITING else s.state)
            for s in steps
        ]
        return StepBar(steps=steps, action=None, stopped=stopped)
    current = next((s for s in steps if s.state == CURRENT), None)
    return StepBar(steps=steps, action=_nomination_action(user, nomination, current, owner, prepare))


def _nomination_action(
    user: User, nomination: Nomination, step: Step | None, owner: dict[str, str], prepare: Answer | None
) -> Action | None:
    if step is None:
        return None
    key, pk = step.key, nomination.pk
    if key == "ho_so":
        if nomination.status == Status.PREPARED:
            return _action(
                NominationPolicy.submit(user, nomination),
                _("Trình hồ sơ"),
                reverse("awards:nomination_submit", args=[pk]),
                owner[key],
                key,
                post=True,
                name="submit",
            )
        return _action(
            prepare if prepare is not None else NominationPolicy.prepare(user, nomination),
            _("Hoàn tất hồ sơ"),
            reverse("awards:nomination_prepare", args=[pk]),
            owner[key],
            key,
            post=True,
            name="prepare",
        )
    if key == "tham_dinh":
        return _action(
            NominationPolicy.appraise(user, nomination),
            _("Thẩm định"),
            reverse("awards:nomination_appraise", args=[pk]),
            owner[key],
            key,
            name="appraise",
        )
    if key == "hoi_dong":
        return _action(
            PeriodAwardsPolicy.record_council(user, nomination.period),
            _("Ghi kết quả họp Hội đồng"),
            reverse("awards:council_meeting", args=[nomination.period_id]),
            owner[key],
            key,
        )
    if key == "phe_duyet":
        return _action(
            NominationPolicy.accept(user, nomination),
            _("Chấp thuận"),
            reverse("awards:nomination_accept", args=[pk]),
            owner[key],
            key,
            name="accept",
        )
    if key == "quyet_dinh":
        return _action(
            DecisionPolicy.draft(user, nomination.period.plan.issuer),
            _("Lập dự thảo quyết định"),
            reverse("awards:decision_create", args=[nomination.period_id]),
            owner[key],
            key,
        )
    decision = nomination.decision
    assert decision is not None  # "ky" is current only once the nomination is in a decision
    return _action(
        DecisionPolicy.sign(user, decision),
        _("Ký quyết định"),
        reverse("awards:decision_sign", args=[decision.pk]),
        owner[key],
        key,
    )


# ---------------------------------------------------------------------------------------------------------------
# A period's award work (the proposals page)
# ---------------------------------------------------------------------------------------------------------------


def period_steps(user: User, period: Period, *, counts: dict[str, int] | None = None) -> StepBar:
    """The period's step bar for this user: a step is current while some nomination waits at it; the next action is
    the first one this user may take (or is shown refused), else the wait at the first current step. ``counts`` is
    the page's own count of the visible nominations per status."""
    owner = owners(period)
    visible = Nomination.objects.visible_to(user).filter(period=period)
    if counts is None:
        counts = dict(visible.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    active = sum(counts.values()) - counts.get(Status.REJECTED, 0) - counts.get(Status.WITHDRAWN, 0)
    at_council: list[Nomination] = []
    if counts.get(Status.SUBMITTED, 0) + counts.get(Status.APPRAISED, 0):
        at_council = list(
            visible.filter(status__in=(Status.SUBMITTED, Status.APPRAISED))
            .order_by("name", "pk")
            .prefetch_related(Prefetch("votes", queryset=CouncilVote.objects.select_related("meeting")))
        )
    council_pending = [n for n in at_council if not _passed(n)]
    decisions = list(Decision.objects.filter(period=period).order_by("pk"))
    drafts = [d for d in decisions if d.status == Decision.Status.DRAFT]
    awaiting_decision = visible.awaiting_decision().count() if counts.get(Status.ACCEPTED, 0) else 0
    skipped = set() if needs_appraisal(period) else {"tham_dinh"}
    pending = {
        "de_xuat": 0 if period.status == Period.Status.CLOSED else 1,
        "ho_so": counts.get(Status.PROPOSED, 0) + counts.get(Status.PREPARED, 0),
        "tham_dinh": counts.get(Status.SUBMITTED, 0) if "tham_dinh" not in skipped else 0,
        "hoi_dong": len(council_pending),
        "phe_duyet": len(at_council),
        "quyet_dinh": awaiting_decision,
        "ky": len(drafts),
    }
    later_done = {  # a step with nothing pending is done once something went past it
        "de_xuat": period.status == Period.Status.CLOSED,
        "ho_so": active > 0 and pending["ho_so"] == 0,
        "tham_dinh": counts.get(Status.APPRAISED, 0) + counts.get(Status.ACCEPTED, 0) > 0,
        "hoi_dong": counts.get(Status.ACCEPTED, 0) > 0 or bool(at_council),
        "phe_duyet": counts.get(Status.ACCEPTED, 0) > 0,
        "quyet_dinh": counts.get(Status.ACCEPTED, 0) > 0 and not pending["quyet_dinh"],
        "ky": any(d.status == Decision.Status.SIGNED for d in decisions),
    }
    notes = {
        "ho_so": _("%(count)s hồ sơ chưa trình") % {"count": pending["ho_so"]},
        "tham_dinh": _("%(count)s hồ sơ chờ thẩm định") % {"count": pending["tham_dinh"]},
        "hoi_dong": _("%(count)s đề nghị chưa đạt phiếu") % {"count": pending["hoi_dong"]},
        "phe_duyet": _("%(count)s đề nghị chờ quyết định") % {"count": pending["phe_duyet"]},
        "quyet_dinh": _("%(count)s đề nghị chưa có quyết định") % {"count": pending["quyet_dinh"]},
        "ky": _("%(count)s dự thảo chờ ký") % {"count": pending["ky"]},
    }
    notes = {key: text for key, text in notes.items() if pending[key]}
    if period.status != Period.Status.CLOSED:
        notes["de_xuat"] = _("Đợt chưa chốt")
    steps = []
    for key in STEP_KEYS:
        if key in skipped:
            state = NOT_NEEDED
        elif pending[key]:
            state = CURRENT  # several steps can have work pending at once; the first is the bar's current one
        elif later_done[key]:
            state = DONE
        else:
            state = WAITING
        steps.append(Step(key=key, owner=owner[key], state=state, note=notes.get(key, "")))
    candidates = [
        _period_action(user, period, step.key, owner, visible, council_pending, at_council, drafts)
        for step in steps
        if step.state == CURRENT
    ]
    action = next((a for a in candidates if a.url), candidates[0] if candidates else None)
    return StepBar(steps=steps, action=action)


def _passed(nomination: Nomination) -> bool:
    votes = sorted(nomination.votes.all(), key=lambda v: (v.meeting.held_on, v.meeting_id), reverse=True)
    if not votes:
        return False
    vote = votes[0]
    return reaches_threshold(vote.votes_for, vote.meeting.members_total, vote.meeting.threshold_percent)


def _period_action(
    user: User,
    period: Period,
    key: str,
    owner: dict[str, str],
    visible,
    council_pending: list[Nomination],
    at_council: list[Nomination],
    drafts: list[Decision],
) -> Action:
    """The action of one current step of the period, asked of the policy on the first nomination waiting there."""
    if key == "de_xuat":
        return _action(
            PeriodPolicy.close(user, period),
            _("Chốt đợt"),
            reverse("planning:period_close", args=[period.pk]),
            owner[key],
            key,
        )
    if key == "ho_so":
        first = (
            visible.filter(status__in=(Status.PROPOSED, Status.PREPARED))
            .select_related("participant__unit", "participant__person__unit")
            .order_by("status", "name")
            .first()
        )
        assert first is not None  # the step is current because some nomination waits at it
        office = first.participant.home_unit
        answer = NominationPolicy.office(user, first)
        return _action(
            answer,
            _("Chuẩn bị hồ sơ: %(name)s") % {"name": first.name},
            first.get_absolute_url(),
            _("Văn phòng (nhập liệu) %(unit)s") % {"unit": submitting_unit(office).name if office else ""},
            key,
        )
    if key == "tham_dinh":
        first = visible.filter(status=Status.SUBMITTED).order_by("name").first()
        assert first is not None
        return _action(
            NominationPolicy.appraise(user, first),
            _("Thẩm định: %(name)s") % {"name": first.name},
            reverse("awards:nomination_appraise", args=[first.pk]),
            owner[key],
            key,
        )
    if key == "hoi_dong":
        return _action(
            PeriodAwardsPolicy.record_council(user, period),
            _("Ghi kết quả họp Hội đồng"),
            reverse("awards:council_meeting", args=[period.pk]),
            owner[key],
            key,
        )
    if key == "phe_duyet":
        ready = [n for n in at_council if n not in council_pending] or at_council
        first = ready[0]
        return _action(
            NominationPolicy.chairman(user, period),
            _("Xét chấp thuận: %(name)s") % {"name": first.name},
            first.get_absolute_url(),
            owner[key],
            key,
        )
    if key == "quyet_dinh":
        return _action(
            DecisionPolicy.draft(user, period.plan.issuer),
            _("Lập dự thảo quyết định"),
            reverse("awards:decision_create", args=[period.pk]),
            owner[key],
            key,
            name="draft",
        )
    draft = drafts[0]
    return _action(
        DecisionPolicy.sign(user, draft),
        _("Ký quyết định"),
        reverse("awards:decision_sign", args=[draft.pk]),
        owner[key],
        key,
    )
