"""What waits for one person now, by role: the home page's "Việc cần làm" (read only; it reads scoring and awards,
so it lives in planning). Each line links straight to the page where the work is done.

Rules are read where they are stated: the reporting windows and their entry deadline from scoring.access, what is
missing from scoring.services.reminders.missing_readings, who enters readings from scoring.access.EDIT_ROLES, who
prepares a dossier from awards.policies.OFFICE_ROLES, which plans still give work from Plan.objects.current. The
number of queries depends on the open periods of the user's plans, never on their units or past periods.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from awards.models import Decision, Nomination
from awards.policies import OFFICE_ROLES, OPEN_STATUSES, needs_appraisal
from campaigns.models import Participant, Period, Plan, Role, Unit
from scoring.access import EDIT_ROLES, open_windows, window_of
from scoring.models import WindowReturn
from scoring.services.reminders import missing_readings

if TYPE_CHECKING:
    from django.contrib.auth.models import User

Status = Nomination.Status


@dataclass(frozen=True)
class Todo:
    """One line of "Việc cần làm": what to do, where, how many, by when, and a detail (a reason) when there is one."""

    text: str
    url: str
    count: int = 0
    deadline: dt.date | None = None
    detail: str = ""
    urgent: bool = False

    @property
    def days_left(self) -> int | None:
        return (self.deadline - timezone.localdate()).days if self.deadline else None


def _open_periods(user: User, today: dt.date) -> list[Period]:
    return list(
        Period.objects.filter(
            plan__in=Plan.objects.visible_to(user).current(today),
            plan__status=Plan.Status.ACTIVE,
            status=Period.Status.OPEN,
            start__lte=today,
        )
        .select_related("plan")
        .order_by("end", "pk")
    )


def _home_unit_q(units: object, prefix: str = "") -> Q:
    """Rows whose participant's home unit (its unit, or its person's unit for an individual) is among ``units``."""
    return Q(**{f"{prefix}unit__in": units}) | Q(**{f"{prefix}unit__isnull": True, f"{prefix}person__unit__in": units})


def clerk_todos(user: User, today: dt.date) -> list[Todo]:
    """Nhập liệu / quản trị: readings missing in windows still open (with their deadline), windows returned by the
    chairman (with the reason), dossiers to prepare and to send."""
    edit_units = Unit.objects.in_scope_of(user, roles=EDIT_ROLES)
    todos: list[Todo] = []
    periods = _open_periods(user, today)
    if periods:
        mine = set(
            Participant.objects.filter(_home_unit_q(edit_units), plan__in=[p.plan_id for p in periods]).values_list(
                "pk", flat=True
            )
        )
        for period in periods:
            for window, deadline in open_windows(period, today):
                gaps = missing_readings(period=period, window_start=window.start)
                lacking = [gap for pk, gap in gaps.items() if pk in mine]
                if not lacking:
                    continue
                todos.append(
                    Todo(
                        _("Nhập số liệu %(window)s — %(plan)s: %(count)s đối tượng còn thiếu (%(gaps)s số liệu)")
                        % {
                            "window": window.label,
                            "plan": period.plan.full_name,
                            "count": len(lacking),
                            "gaps": sum(lacking),
                        },
                        reverse("scoring:entry_dashboard", args=[period.pk]),
                        len(lacking),
                        deadline,
                        urgent=(deadline - today).days <= settings.THIDUA_REMINDER_DAYS,
                    )
                )
        returned = (
            WindowReturn.objects.pending()
            .filter(_home_unit_q(edit_units, "participant__"), period__in=periods)
            .select_related("participant", "period__plan")
            .order_by("-returned_at", "-pk")
        )
        seen: set[tuple[int, int, dt.date]] = set()
        for row in returned:
            key = (row.participant_id, row.period_id, row.window_start)
            if key in seen:  # returned twice before being sent again: the latest reason is the one to act on
                continue
            seen.add(key)
            returned_window = window_of(row.period, row.window_start)
            label = returned_window.label if returned_window else f"{row.window_start:%d/%m/%Y}"
            todos.append(
                Todo(
                    _("Sửa số liệu bị trả lại — %(name)s, %(window)s: %(count)s số liệu")
                    % {"name": row.participant.name, "window": label, "count": len(row.indicators)},
                    reverse("scoring:reading_entry", args=[row.period_id, row.participant_id, row.window_start]),
                    len(row.indicators) or 1,
                    detail=_("Lý do: %(reason)s") % {"reason": row.reason},
                    urgent=True,
                )
            )
    office_units = Unit.objects.in_scope_of(user, roles=OFFICE_ROLES)
    dossiers = (
        Nomination.objects.visible_to(user)
        .filter(
            _home_unit_q(office_units, "participant__"),
            period__plan__in=Plan.objects.current(today),
            status__in=[Status.PROPOSED, Status.PREPARED],
            decision__isnull=True,
        )
        .values("period", "status")
        .annotate(count=Count("pk"))
    )
    counts = {(row["period"], row["status"]): row["count"] for row in dossiers}
    dossier_periods = Period.objects.filter(pk__in={period for period, _status in counts}).select_related("plan")
    for period in sorted(dossier_periods, key=lambda p: (p.dossier_deadline or p.end, p.pk)):
        url = reverse("awards:nomination_list", args=[period.pk])
        where = f"{period.name}, {period.plan.full_name}"
        if counts.get((period.pk, Status.PROPOSED)):
            todos.append(
                Todo(
                    _("Chuẩn bị hồ sơ đề nghị khen thưởng — %(where)s") % {"where": where},
                    url,
                    counts[(period.pk, Status.PROPOSED)],
                    period.dossier_deadline,
                )
            )
        if counts.get((period.pk, Status.PREPARED)):
            todos.append(
                Todo(
                    _("Trình hồ sơ đã hoàn tất — %(where)s") % {"where": where},
                    url,
                    counts[(period.pk, Status.PREPARED)],
                    period.dossier_deadline,
                )
            )
    return todos


def leader_todos(user: User, today: dt.date) -> list[Todo]:
    """Lãnh đạo: dossiers sent for a decision, the council to hold, accepted proposals without a draft decision, and
    drafts to sign, in the units the user leads, of plans that still give work."""
    led = Unit.objects.in_scope_of(user, roles=(Role.LANH_DAO,))
    current = Plan.objects.current(today)
    mine = Nomination.objects.filter(period__plan__issuer__in=led, period__plan__in=current, decision__isnull=True)
    proposed: Counter[int] = Counter()  # the engine's proposals: the chairman reviews them (rejects, adds by hand)
    waiting: Counter[int] = Counter()  # dossiers sent up: the chairman decides
    accepted: Counter[int] = Counter()  # accepted, in no decision yet: a draft to prepare
    bucket = {Status.PROPOSED: proposed, Status.PREPARED: proposed, Status.ACCEPTED: accepted}
    for row in (
        mine.filter(status__in=OPEN_STATUSES + (Status.ACCEPTED,))
        .values("period", "status")
        .annotate(count=Count("pk"))
    ):
        bucket.get(row["status"], waiting)[row["period"]] += row["count"]
    # Dossiers at the chairman's step that no council meeting has voted on yet.
    unvoted: Counter[int] = Counter(
        {
            row["period"]: row["count"]
            for row in mine.filter(status__in=[Status.SUBMITTED, Status.APPRAISED], votes__isnull=True)
            .values("period")
            .annotate(count=Count("pk"))
        }
    )
    periods = {
        period.pk: period
        for period in Period.objects.filter(pk__in=set(proposed) | set(waiting) | set(accepted)).select_related("plan")
    }
    todos: list[Todo] = []
    for period_id, period in sorted(periods.items(), key=lambda item: (item[1].end, item[0])):
        where = f"{period.name}, {period.plan.full_name}"
        if unvoted[period_id]:
            todos.append(
                Todo(
                    _("Họp Hội đồng Thi đua – Khen thưởng xét hồ sơ — %(where)s") % {"where": where},
                    reverse("awards:council_meeting", args=[period_id]),
                    unvoted[period_id],
                )
            )
        if proposed[period_id]:
            todos.append(
                Todo(
                    _("Xem xét đề xuất khen thưởng — %(where)s") % {"where": where},
                    reverse("awards:nomination_list", args=[period_id]),
                    proposed[period_id],
                    period.dossier_deadline,
                )
            )
        if waiting[period_id]:
            todos.append(
                Todo(
                    _("Xem xét hồ sơ đề nghị khen thưởng đã trình — %(where)s") % {"where": where},
                    reverse("awards:nomination_list", args=[period_id]),
                    waiting[period_id],
                )
            )
        if accepted[period_id]:
            todos.append(
                Todo(
                    _("Lập dự thảo quyết định khen thưởng — %(where)s") % {"where": where},
                    reverse("awards:decision_create", args=[period_id]),
                    accepted[period_id],
                )
            )
    drafts = Decision.objects.filter(issuer__in=led, status=Decision.Status.DRAFT).order_by("created_at")
    todos += [
        Todo(_("Ký dự thảo quyết định — %(summary)s") % {"summary": draft.summary}, draft.get_absolute_url(), 1)
        for draft in drafts
    ]
    return todos


def home_affairs_todos(user: User, today: dt.date) -> list[Todo]:
    """Nội vụ: dossiers filed for appraisal in its subtree, and decisions signed there in the last 30 days."""
    scope = Unit.objects.in_scope_of(user, roles=(Role.NOI_VU,))
    filed = (
        Nomination.objects.filter(period__plan__issuer__in=scope, period__plan__in=Plan.objects.current(today))
        .filter(status=Status.SUBMITTED)
        .values("period")
        .annotate(count=Count("pk"))
    )
    counts = {row["period"]: row["count"] for row in filed}
    periods = Period.objects.filter(pk__in=list(counts)).select_related("plan__issuer").order_by("end", "pk")
    todos = [
        Todo(
            _("Thẩm định hồ sơ đề nghị khen thưởng — %(period)s, %(plan)s")
            % {"period": period.name, "plan": period.plan.full_name},
            reverse("awards:nomination_list", args=[period.pk]),
            counts[period.pk],
        )
        for period in periods
        if needs_appraisal(period)
    ]
    signed = Decision.objects.filter(
        issuer__in=scope, status=Decision.Status.SIGNED, signed_on__gte=today - dt.timedelta(days=30)
    ).count()
    if signed:
        todos.append(Todo(_("Quyết định khen thưởng đã ký trong 30 ngày qua"), reverse("awards:home_affairs"), signed))
    return todos


def todos_for(user: User, roles: set[str], today: dt.date | None = None) -> list[Todo]:
    """Every line that waits for this user, the most pressing first (returned readings, then by deadline)."""
    today = today or timezone.localdate()
    todos: list[Todo] = []
    if roles & set(EDIT_ROLES) or roles & set(OFFICE_ROLES):
        todos += clerk_todos(user, today)
    if Role.LANH_DAO in roles:
        todos += leader_todos(user, today)
    if Role.NOI_VU in roles:
        todos += home_affairs_todos(user, today)
    return sorted(todos, key=lambda todo: (not todo.urgent, todo.deadline or dt.date.max))
