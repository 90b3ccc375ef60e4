"""Who may change a reading, and when: the one answer used by the entry page, its form, the Excel import and any API.

The rule, checked in this order (the first refusal wins, so the reason shown is the most fundamental one):

1. Role: ``nhap_lieu`` or ``quan_tri`` on the participant's home unit (``Participant.home_unit``)
   or a unit above it. ``noi_vu`` is read-only everywhere; ``lanh_dao`` reviews, returns and unlocks but does not type.
2. The period is not closed (or being closed): "Đã chốt kỳ".
3. The plan is active (a draft or finished plan takes no readings).
4. The window belongs to the period and is open: from its first day until its last day plus the plan's grace days
   (inclusive, Asia/Ho_Chi_Minh dates): "Đã hết hạn nhập" — unless lãnh đạo granted an unexpired LockException for
   the participant's unit (or a unit above it), this period and this window.
5. The window's readings are still drafts. Once nhập liệu sends the month ("Gửi số liệu tháng") its readings are
   read-only for everybody until lãnh đạo returns the window to draft (``return_window``, with a reason); a locked
   reading (period closed) never changes here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.models import Participant, Period, Plan, Role, Unit
from campaigns.permissions import ensure_role, has_role, prime_roles, user_roles
from scoring.models import LockException, Reading
from scoring.windows import Window, windows_for

if TYPE_CHECKING:
    from django.contrib.auth.models import User

EDIT_ROLES = (Role.NHAP_LIEU, Role.QUAN_TRI)


@dataclass(frozen=True)
class Access:
    """The answer to "can this user change this reading now?": allowed, and the Vietnamese reason when not.

    ``code`` is a stable machine name for the reason (``role``, ``read_only``, ``closed``, ``plan``, ``window``,
    ``not_started``, ``expired``, ``submitted``, ``locked``), so pages can choose how to show it.
    """

    allowed: bool
    reason: str = ""
    code: str = ""
    via_exception: bool = False

    def __bool__(self) -> bool:
        return self.allowed


def may_import(user: User) -> Access:
    """The first gate of a file or batch of readings (Excel import, the API's batch): the user enters readings
    somewhere. Each row is then judged by ``can_edit_reading`` like a single save."""
    if user_roles(user) & set(EDIT_ROLES):
        return Access(True)
    return Access(False, _("Bạn chỉ được xem, không được nhập số liệu."), "role")


def window_of(period: Period, window_start: dt.date) -> Window | None:
    """The reporting window of the period that starts on this day, or None."""
    return next((window for window in windows_for(period) if window.start == window_start), None)


def entry_deadline(period: Period, window: Window) -> dt.date:
    """Last day readings of the window may be entered without an exception: its end plus the plan's grace days."""
    return window.end + dt.timedelta(days=period.plan.grace_days)


def open_windows(period: Period, today: dt.date) -> list[tuple[Window, dt.date]]:
    """The period's windows that take readings today, each with its entry deadline: begun, and not past the deadline
    (so November's window is still open in the first days of December, within the plan's grace days)."""
    return [
        (window, entry_deadline(period, window))
        for window in windows_for(period)
        if window.start <= today <= entry_deadline(period, window)
    ]


def active_lock_exception(
    *, unit: Unit, period: Period, window_start: dt.date, now: dt.datetime | None = None
) -> LockException | None:
    """An unexpired lock exception for this unit (or a unit above it), period and window."""
    now = now or timezone.now()
    ancestor_paths = [unit.path[: i * Unit.steplen] for i in range(1, unit.depth + 1)]
    return (
        LockException.objects.filter(
            unit__path__in=ancestor_paths, period=period, window_start=window_start, expires_at__gt=now
        )
        .order_by("-expires_at")
        .first()
    )


def window_status(*, participant: Participant, period: Period, window_start: dt.date) -> str:
    """The most advanced status among the window's readings: submitted > draft (draft when none). A closed period's
    readings are locked by the period's status, which can_edit_reading checks first."""
    statuses = set(
        Reading.objects.filter(participant=participant, period=period, window_start=window_start)
        .values_list("status", flat=True)
        .distinct()
    )
    return Reading.Status.SUBMITTED if Reading.Status.SUBMITTED in statuses else Reading.Status.DRAFT


def window_statuses(rows: Iterable[tuple[int, dt.date, str]]) -> dict[tuple[int, dt.date], str]:
    """``window_status`` of many windows at once, from (participant id, window start, status) of readings already
    loaded: submitted when any of the window's readings is; a window absent from the answer is a draft."""
    statuses: dict[tuple[int, dt.date], str] = {}
    for participant_id, window_start, status in rows:
        if status == Reading.Status.SUBMITTED:
            statuses[(participant_id, window_start)] = Reading.Status.SUBMITTED
        else:
            statuses.setdefault((participant_id, window_start), Reading.Status.DRAFT)
    return statuses


def can_edit_reading(
    *,
    user: User,
    participant: Participant,
    period: Period,
    window_start: dt.date,
    now: dt.datetime | None = None,
    status: str | None = None,
) -> Access:
    """Whether the user may change the participant's readings of this window now, with the reason when not.

    ``status`` may be passed when the caller already knows the window's status (saves a query per row on imports);
    ``now`` exists for tests and for an import that must judge every row at the same instant.
    """
    unit = participant.home_unit
    if not has_role(user, unit, *EDIT_ROLES):
        if has_role(user, unit, Role.NOI_VU):
            return Access(False, _("Nội vụ chỉ được xem số liệu, không được nhập hoặc sửa."), "read_only")
        if has_role(user, unit, Role.LANH_DAO):
            return Access(
                False, _("Lãnh đạo xem, trả lại hoặc mở khóa số liệu; việc nhập do cán bộ nhập liệu."), "read_only"
            )
        return Access(False, _("Bạn không có quyền nhập số liệu của đơn vị này."), "role")
    if period.status != Period.Status.OPEN:
        return Access(False, _("Đã chốt kỳ: số liệu của đợt này không thể thay đổi."), "closed")
    plan = period.plan
    if participant.plan_id != plan.pk:
        return Access(False, _("Đối tượng không thuộc kế hoạch của đợt này."), "window")
    if plan.status != Plan.Status.ACTIVE:
        return Access(False, _("Kế hoạch chưa triển khai hoặc đã kết thúc: không nhận số liệu."), "plan")
    window = window_of(period, window_start)
    if window is None:
        return Access(False, _("Kỳ báo cáo không thuộc đợt này."), "window")

    if status is None:
        status = window_status(participant=participant, period=period, window_start=window_start)
    if status == Reading.Status.SUBMITTED:
        return Access(False, _("Đã được gửi/phê duyệt: chỉ sửa được khi lãnh đạo trả lại số liệu kỳ này."), "submitted")

    now = now or timezone.now()
    today = timezone.localdate(now)
    if today < window.start:
        return Access(
            False,
            _("Chưa đến kỳ nhập: kỳ này bắt đầu ngày %(start)s.") % {"start": f"{window.start:%d/%m/%Y}"},
            "not_started",
        )
    deadline = entry_deadline(period, window)
    if today > deadline:
        if active_lock_exception(unit=unit, period=period, window_start=window_start, now=now):
            return Access(True, via_exception=True)
        return Access(
            False,
            _("Đã hết hạn nhập (hạn cuối %(deadline)s, gồm %(days)s ngày gia hạn).")
            % {"deadline": f"{deadline:%d/%m/%Y}", "days": plan.grace_days},
            "expired",
        )
    return Access(True)


class EditAccessCache:
    """``can_edit_reading`` for many participants judged at one instant (the Excel import), without a query per row.

    The answer depends on a participant only through its unit (roles, lock exceptions) and its plan, so it is asked
    once per (unit, plan, window, window status); the roles of every unit come from one query (``prime_roles``).
    The caller passes the window's status, read with the readings it already loads.
    """

    def __init__(
        self,
        *,
        user: User,
        period: Period,
        participants: Iterable[Participant] = (),
        now: dt.datetime | None = None,
    ) -> None:
        self.user, self.period, self.now = user, period, now or timezone.now()
        self._answers: dict[tuple, Access] = {}
        prime_roles(user, {participant.home_unit for participant in participants})

    def __call__(self, participant: Participant, window_start: dt.date, status: str) -> Access:
        key = (participant.home_unit.pk, participant.plan_id, window_start, status)
        if key not in self._answers:
            self._answers[key] = can_edit_reading(
                user=self.user,
                participant=participant,
                period=self.period,
                window_start=window_start,
                now=self.now,
                status=status,
            )
        return self._answers[key]


@transaction.atomic
def grant_lock_exception(
    *, by: User, unit: Unit, period: Period, window_start: dt.date, reason: str, expires_at: dt.datetime
) -> LockException:
    """Lãnh đạo reopens entry for one unit and window past its deadline, with a reason and an expiry in the future."""
    ensure_role(by, unit, Role.LANH_DAO, message=_("Chỉ lãnh đạo đơn vị được mở khóa nhập số liệu."))
    errors = {}
    if period.status != Period.Status.OPEN:
        errors["period"] = _("Đã chốt kỳ: không thể mở khóa nhập số liệu.")
    if window_of(period, window_start) is None:
        errors["window_start"] = _("Kỳ báo cáo không thuộc đợt này.")
    if not (reason or "").strip():
        errors["reason"] = _("Phải ghi lý do mở khóa.")
    if expires_at is None or expires_at <= timezone.now():
        errors["expires_at"] = _("Thời hạn mở khóa phải sau thời điểm hiện tại.")
    if errors:
        raise ValidationError(errors)
    return LockException.objects.create(
        unit=unit, period=period, window_start=window_start, reason=reason.strip(), expires_at=expires_at, granted_by=by
    )
