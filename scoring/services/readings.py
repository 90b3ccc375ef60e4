"""State changes of readings: save a figure, send a window, return it, import a workbook, attach evidence.

Every change goes through ``can_edit_reading`` (scoring.access) and keeps an audit row (django-simple-history on
Reading). Saving the same figures again changes nothing: no version bump, no history row. After a change the
participant's scores are recomputed at once (scoring.services.scores.recompute_participant).
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.models import Participant, Period, Role
from campaigns.notices import clerks_of, notify
from campaigns.permissions import ensure_role
from core.formatting import history_reason
from core.uploads import sanitise_filename, sniff_document_type
from scoring.access import EditAccessCache, can_edit_reading, window_of, window_statuses
from scoring.entry_selectors import (
    expected_indicators,
    figures_present,
    indicators_for_kind,
    is_present,
    plan_criteria,
    previous_readings,
)
from scoring.figures import ImportRow, clean_figures, describe_figures, reading_figures
from scoring.locks import share_period
from scoring.models import Indicator, Reading, WindowReturn
from scoring.plausibility import Figures, reading_warnings
from scoring.services.scores import recompute_participant, recompute_participants
from scoring.windows import Window, windows_for

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class ConflictError(Exception):
    """Somebody else saved this reading since the page was opened; carries their current figures for the UI."""

    def __init__(self, reading: Reading | None, *, indicator: Indicator, expected_version: int | None) -> None:
        self.reading = reading
        self.indicator = indicator
        self.expected_version = expected_version
        self.current = reading_figures(reading) if reading is not None else {}
        self.current_version = reading.version if reading is not None else 0
        self.by = (
            (reading.entered_by.get_full_name() or reading.entered_by.get_username())
            if (reading is not None and reading.entered_by is not None)
            else ""
        )
        self.at = reading.entered_at if reading is not None else None
        super().__init__(self.message)

    @property
    def message(self) -> str:
        if self.reading is None:
            return _("Số liệu “%(indicator)s” vừa bị người khác xóa. Hãy kiểm tra lại trước khi lưu.") % {
                "indicator": self.indicator.name
            }
        return _(
            "Số liệu “%(indicator)s” vừa được %(by)s sửa lúc %(at)s: %(values)s. "
            "Hãy kiểm tra rồi lưu lại nếu vẫn muốn ghi đè."
        ) % {
            "indicator": self.indicator.name,
            "by": self.by or _("người khác"),
            "at": timezone.localtime(self.at).strftime("%H:%M %d/%m/%Y") if self.at else "",
            "values": describe_figures(self.indicator, self.current),
        }


def warnings_for(
    *,
    participant: Participant,
    indicator: Indicator,
    window_start: dt.date,
    numerator: int | None,
    denominator: int | None,
    value: Decimal | None,
) -> list[str]:
    """Soft warnings for these figures against the participant's earlier windows (never block saving)."""
    previous = [
        Figures(r.numerator, r.denominator, r.value)
        for r in previous_readings(participant=participant, indicator=indicator, before=window_start)
    ]
    return reading_warnings(kind=indicator.kind, current=Figures(numerator, denominator, value), previous=previous)


def import_warnings(rows: list[ImportRow], *, history_days: int = 3 * 366) -> int:
    """The grid's plausibility warnings (``reading_warnings``, what the grid shows beside a cell) on every new or
    changed row of an import, set on ``row.warnings``; returns how many rows warn. The earlier windows are the stored
    readings as the file leaves them (a row of the file for an earlier window counts as written), loaded in one query
    back to ``history_days`` before the file's first window (the grid compares with the last three windows)."""
    changes = [row for row in rows if row.state != "unchanged"]
    if not changes:
        return 0
    first = min(row.window_start for row in changes)
    earlier: dict[tuple[int, int], dict[dt.date, Figures]] = {}
    stored = Reading.objects.filter(
        participant_id__in={row.participant.pk for row in changes},
        indicator_id__in={row.indicator.pk for row in changes},
        window_start__gte=first - dt.timedelta(days=history_days),
        window_start__lt=max(row.window_start for row in changes),
    ).values_list("participant_id", "indicator_id", "window_start", "numerator", "denominator", "value")
    for participant_id, indicator_id, start, numerator, denominator, value in stored:
        earlier.setdefault((participant_id, indicator_id), {})[start] = Figures(numerator, denominator, value)
    for row in rows:
        figures = row.figures
        earlier.setdefault((row.participant.pk, row.indicator.pk), {})[row.window_start] = Figures(
            figures["numerator"], figures["denominator"], figures["value"]
        )
    warned = 0
    for row in changes:
        windows = earlier[(row.participant.pk, row.indicator.pk)]
        previous = [windows[start] for start in sorted(windows, reverse=True) if start < row.window_start]
        row.warnings = reading_warnings(kind=row.indicator.kind, current=windows[row.window_start], previous=previous)
        warned += bool(row.warnings)
    return warned


@dataclass
class SaveOutcome:
    """What one save did: the reading (None when cleared), whether anything changed, and the soft warnings."""

    reading: Reading | None
    changed: bool
    warnings: list[str] = field(default_factory=list)


def apply_reading(
    *,
    user: User,
    participant: Participant,
    indicator: Indicator,
    period: Period,
    window_start: dt.date,
    numerator: Any = None,
    denominator: Any = None,
    value: Any = None,
    note: str = "",
    check_again: bool = False,
    expected_version: int | None = None,
    access_checked: bool = False,
    change_reason: str = "",
    applicable_ids: set[int] | None = None,
    with_warnings: bool = True,
) -> SaveOutcome:
    """Save (or clear, when every figure is blank) one reading without recomputing scores; the caller's transaction.

    Used by ``save_reading`` and by the grid and the Excel import, which recompute once per participant at the end.
    ``expected_version`` 0 means "I saw no reading"; a different current version raises ConflictError.
    ``applicable_ids`` (the participant's expected indicator ids) and ``with_warnings=False`` spare queries on imports.
    """
    num, den, val = clean_figures(indicator, numerator=numerator, denominator=denominator, value=value)
    if participant.plan_id != period.plan_id:
        raise ValidationError(_("Đối tượng không thuộc kế hoạch của đợt này."))
    if applicable_ids is None:
        applicable_ids = {item.pk for item in expected_indicators(participant=participant, plan=period.plan)}
    if indicator.pk not in applicable_ids:
        raise ValidationError(
            _("Chỉ số “%(indicator)s” không áp dụng cho đối tượng này.") % {"indicator": indicator.name}
        )
    window = window_of(period, window_start)
    if window is None:
        raise ValidationError(_("Kỳ báo cáo không thuộc đợt này."))
    if not access_checked:
        access = can_edit_reading(user=user, participant=participant, period=period, window_start=window_start)
        if not access.allowed:
            raise PermissionDenied(access.reason)

    note = (note or "").strip()
    existing = (
        Reading.objects.select_for_update(of=("self",))
        .select_related("entered_by")
        .filter(participant=participant, indicator=indicator, window_start=window_start)
        .first()
    )
    blank = num is None and den is None and val is None
    figures = {"numerator": num, "denominator": den, "value": val, "note": note, "check_again": bool(check_again)}
    # Asking for what is already there writes nothing, whatever version the page had: no lost update is possible.
    if blank and existing is None:
        return SaveOutcome(None, False)
    if existing is not None and reading_figures(existing) == figures:
        return SaveOutcome(
            existing,
            False,
            warnings_for(
                participant=participant,
                indicator=indicator,
                window_start=window_start,
                numerator=num,
                denominator=den,
                value=val,
            )
            if with_warnings
            else [],
        )
    current_version = existing.version if existing else 0
    if expected_version is not None and expected_version != current_version:
        raise ConflictError(existing, indicator=indicator, expected_version=expected_version)

    if blank:
        assert existing is not None  # clearing what is not stored returned above
        existing._history_user = user
        if change_reason:
            existing._change_reason = history_reason(change_reason)
        existing.delete()  # the history keeps the deletion and who made it
        return SaveOutcome(None, True)

    warnings = (
        warnings_for(
            participant=participant,
            indicator=indicator,
            window_start=window_start,
            numerator=num,
            denominator=den,
            value=val,
        )
        if with_warnings
        else []
    )
    reading = existing or Reading(
        participant=participant,
        indicator=indicator,
        period=period,
        window_start=window.start,
        window_end=window.end,
        version=0,
    )
    for name, figure in figures.items():
        setattr(reading, name, figure)
    reading.entered_by = reading._history_user = user
    reading.version = current_version + 1
    if change_reason:
        reading._change_reason = history_reason(change_reason)
    try:
        with transaction.atomic():
            reading.save()
    except IntegrityError:
        # Two people created the same reading at once: the other save won.
        winner = Reading.objects.filter(participant=participant, indicator=indicator, window_start=window_start).first()
        raise ConflictError(winner, indicator=indicator, expected_version=expected_version) from None
    return SaveOutcome(reading, True, warnings)


def _recompute(*, participant: Participant, period: Period) -> None:
    """Scores are never stale: recompute the participant as soon as its readings change."""
    recompute_participant(participant=participant, period=period)


@transaction.atomic
def save_reading(
    *,
    user: User,
    participant: Participant,
    indicator: Indicator,
    period: Period,
    window_start: dt.date,
    numerator: Any = None,
    denominator: Any = None,
    value: Any = None,
    note: str = "",
    check_again: bool = False,
    expected_version: int | None = None,
) -> Reading:
    """Save one reading as a draft (validated, access-checked, versioned, audited) and recompute the participant.

    The returned reading carries ``warnings`` (soft, never blocking) and ``changed``. Blank figures are refused here:
    clearing a reading goes through the grid (``save_window_readings``).
    """
    share_period(period)
    outcome = apply_reading(
        user=user,
        participant=participant,
        indicator=indicator,
        period=period,
        window_start=window_start,
        numerator=numerator,
        denominator=denominator,
        value=value,
        note=note,
        check_again=check_again,
        expected_version=expected_version,
    )
    if outcome.reading is None:
        raise ValidationError(
            {"value" if indicator.kind != Indicator.Kind.RATE else "numerator": _("Chưa nhập số liệu.")}
        )
    if outcome.changed:
        _recompute(participant=participant, period=period)
    outcome.reading.warnings = outcome.warnings
    outcome.reading.changed = outcome.changed
    return outcome.reading


def _unchanged(indicator: Indicator, seen: Reading | None, row: dict[str, Any]) -> bool:
    """Whether a grid row asks for exactly what the reading read by this request holds (figures, note, check mark):
    nothing to write and nothing to lock. Invalid figures are "changed", so that apply_reading reports them."""
    try:
        num, den, val = clean_figures(
            indicator, numerator=row.get("numerator"), denominator=row.get("denominator"), value=row.get("value")
        )
    except ValidationError:
        return False
    if seen is None:
        return num is None and den is None and val is None  # as apply_reading: nothing asked, nothing there
    figures = {
        "numerator": num,
        "denominator": den,
        "value": val,
        "note": (row.get("note") or "").strip(),
        "check_again": bool(row.get("check_again", False)),
    }
    # As apply_reading: asking for what is already there writes nothing, whatever version the page had.
    return reading_figures(seen) == figures


@transaction.atomic
def save_window_readings(
    *,
    user: User,
    participant: Participant,
    period: Period,
    window_start: dt.date,
    rows: list[dict[str, Any]],
    applicable_ids: set[int] | None = None,
) -> dict[int, SaveOutcome]:
    """Save the grid of one window in one transaction: every row or none (a conflict on any row rolls back all).

    Each row: indicator, numerator, denominator, value, note, check_again, expected_version, and optionally
    ``reading``: the reading as the page read it. A row equal to that reading is skipped without locking anything
    (19 of 20 rows on a typical save). ``applicable_ids``: the participant's indicators when the caller has them
    (the grid read the plan already). Warnings are not computed: the page shows them when it is read again.
    Returns outcomes by indicator id; recomputes the participant once when something changed.
    """
    share_period(period)
    access = can_edit_reading(user=user, participant=participant, period=period, window_start=window_start)
    if not access.allowed:
        raise PermissionDenied(access.reason)
    outcomes: dict[int, SaveOutcome] = {}
    # Reading rows are locked in one order for every writer (participant, indicator, window), so a grid and an
    # import of the same participant queue instead of deadlocking.
    for row in sorted(rows, key=lambda row: row["indicator"].pk):
        indicator = row["indicator"]
        if "reading" in row and _unchanged(indicator, row["reading"], row):
            outcomes[indicator.pk] = SaveOutcome(row["reading"], False)
            continue
        if applicable_ids is None:
            applicable_ids = {item.pk for item in expected_indicators(participant=participant, plan=period.plan)}
        outcomes[indicator.pk] = apply_reading(
            user=user,
            participant=participant,
            indicator=indicator,
            period=period,
            window_start=window_start,
            numerator=row.get("numerator"),
            denominator=row.get("denominator"),
            value=row.get("value"),
            note=row.get("note", ""),
            check_again=row.get("check_again", False),
            expected_version=row.get("expected_version"),
            access_checked=True,
            applicable_ids=applicable_ids,
            with_warnings=False,
        )
    if any(outcome.changed for outcome in outcomes.values()):
        _recompute(participant=participant, period=period)
    return outcomes


def missing_indicators(*, participant: Participant, period: Period, window_start: dt.date) -> list[Indicator]:
    """Expected indicators with no figures in this window (a zero is present; a blank is missing)."""
    readings = {
        r.indicator_id: r
        for r in Reading.objects.filter(
            participant=participant, period=period, window_start=window_start
        ).select_related("indicator")
    }
    return [
        indicator
        for indicator in expected_indicators(participant=participant, plan=period.plan)
        if indicator.pk not in readings or not is_present(readings[indicator.pk])
    ]


@transaction.atomic
def submit_window(*, user: User, participant: Participant, period: Period, window_start: dt.date) -> list[Reading]:
    """Nhập liệu sends the window ("Gửi số liệu tháng"): only when every expected reading is present.

    The readings become ``submitted`` and read-only until lãnh đạo returns the window.
    """
    share_period(period)
    access = can_edit_reading(user=user, participant=participant, period=period, window_start=window_start)
    if not access.allowed:
        raise PermissionDenied(access.reason)
    missing = missing_indicators(participant=participant, period=period, window_start=window_start)
    if missing:
        raise ValidationError(
            _("Chưa đủ số liệu, còn thiếu: %(names)s.") % {"names": "; ".join(indicator.name for indicator in missing)}
        )
    readings = list(
        Reading.objects.select_for_update().filter(
            participant=participant, period=period, window_start=window_start, status=Reading.Status.DRAFT
        )
    )
    for reading in readings:
        reading.status = Reading.Status.SUBMITTED
        reading.entered_by = reading._history_user = user
        reading._change_reason = _("Gửi số liệu")
        reading.save(update_fields=["status", "entered_by", "entered_at"])
    return readings


@dataclass(frozen=True)
class WindowToSend:
    """A draft window of one participant, as "Gửi tất cả" and "Gửi luôn sau khi ghi" judge it: ready to send, or the
    Vietnamese reason it cannot be (readings missing, the deadline passed...)."""

    participant: Participant
    window: Window
    drafts: int
    missing: tuple[str, ...] = ()
    reason: str = ""

    @property
    def ready(self) -> bool:
        return not self.reason


@dataclass
class SendOutcome:
    """What a send of many windows did: windows and readings sent, and the windows left in draft with why."""

    windows: int = 0
    readings: int = 0
    left: list[WindowToSend] = field(default_factory=list)

    def message(self) -> str:
        """One sentence for the page or the job: how many were sent, how many not and why (the first few)."""
        text = _("Đã gửi %(windows)s kỳ số liệu (%(readings)s số liệu).") % {
            "windows": self.windows,
            "readings": self.readings,
        }
        if self.left:
            reasons = "; ".join(
                f"{item.participant.name} – {item.window.label}: {item.reason.rstrip('.')}" for item in self.left[:5]
            )
            more = _(" và %(count)s kỳ khác") % {"count": len(self.left) - 5} if len(self.left) > 5 else ""
            text += " " + _("%(count)s kỳ chưa gửi được: %(reasons)s%(more)s.") % {
                "count": len(self.left),
                "reasons": reasons,
                "more": more,
            }
        return text


# Access answers that mean "not yours to send" (a leader's, Nội vụ's, another unit's): such windows are not listed.
NOT_YOURS = ("role", "read_only")


def windows_to_send(*, user: User, period: Period, keys: set[tuple[int, dt.date]] | None = None) -> list[WindowToSend]:
    """The draft windows (a reading or more, none sent) of the participants the user may submit, each judged by the
    rule of the one-window send (``submit_window``): may edit the window now (``can_edit_reading``), every expected
    reading present (``is_present``); and the windows open for entry now with nothing entered (they cannot be sent
    either, and the office should know). ``keys`` (participant id, window start) narrows it to an import's windows.
    A constant number of queries whatever the number of windows."""
    criteria = plan_criteria(period.plan)
    expected = {kind: indicators_for_kind(criteria, kind) for kind in Participant.Kind.values}
    windows = {window.start: window for window in windows_for(period)}
    participants_qs = Participant.objects.visible_to(user).filter(plan=period.plan)
    if keys is not None:
        participants_qs = participants_qs.filter(pk__in={participant_id for participant_id, _start in keys})
    participants = {p.pk: p for p in participants_qs.select_related("unit", "person__unit").order_by("name", "pk")}
    if not participants:
        return []
    present: dict[tuple[int, dt.date], set[int]] = {}
    drafts: dict[tuple[int, dt.date], int] = {}
    rows = []
    for row in Reading.objects.filter(period=period, participant__in=participants_qs).values_list(
        "participant_id",
        "indicator_id",
        "indicator__kind",
        "window_start",
        "status",
        "numerator",
        "denominator",
        "value",
    ):
        participant_id, indicator_id, kind, start, status, numerator, denominator, value = row
        key = (participant_id, start)
        rows.append((participant_id, start, status))
        if status == Reading.Status.DRAFT:
            drafts[key] = drafts.get(key, 0) + 1
        if figures_present(kind, numerator, denominator, value):
            present.setdefault(key, set()).add(indicator_id)
    statuses = window_statuses(rows)
    access = EditAccessCache(user=user, period=period, participants=participants.values())
    found: list[WindowToSend] = []
    for participant in participants.values():
        for start, window in windows.items():
            key = (participant.pk, start)
            if statuses.get(key, Reading.Status.DRAFT) != Reading.Status.DRAFT or (
                keys is not None and key not in keys
            ):
                continue
            allowed = access(participant, start, Reading.Status.DRAFT)
            if not allowed and allowed.code in NOT_YOURS:
                continue
            if key not in drafts:
                # Nothing entered yet: listed only while it can be entered (not a future or an expired window).
                if allowed:
                    found.append(WindowToSend(participant, window, 0, (), _("Chưa nhập số liệu nào.")))
                continue
            missing = tuple(
                indicator.name for indicator in expected[participant.kind] if indicator.pk not in present.get(key, ())
            )
            reason = allowed.reason
            if allowed and missing:
                reason = _("Chưa đủ số liệu, còn thiếu: %(names)s.") % {"names": "; ".join(missing)}
            found.append(WindowToSend(participant, window, drafts[key], missing, reason))
    return found


def submit_windows(*, user: User, period: Period, keys: set[tuple[int, dt.date]] | None = None) -> SendOutcome:
    """Send every ready window of ``windows_to_send`` through ``submit_window``, the one-window send (which checks
    the access and the completeness again under the period's lock); a window refused meanwhile stays in draft and
    is reported with its reason, the others are sent."""
    outcome = SendOutcome()
    for item in windows_to_send(user=user, period=period, keys=keys):
        if not item.ready:
            outcome.left.append(item)
            continue
        try:
            sent = submit_window(user=user, participant=item.participant, period=period, window_start=item.window.start)
        except (ValidationError, PermissionDenied) as error:
            reason = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            outcome.left.append(WindowToSend(item.participant, item.window, item.drafts, item.missing, reason))
            continue
        outcome.windows += 1
        outcome.readings += len(sent)
    return outcome


@transaction.atomic
def return_window(
    *, user: User, participant: Participant, period: Period, window_start: dt.date, reason: str
) -> list[Reading]:
    """Lãnh đạo returns a sent window to draft so nhập liệu can correct it; the reason goes into the history."""
    share_period(period)
    ensure_role(
        user,
        participant.home_unit,
        Role.LANH_DAO,
        message=_("Chỉ lãnh đạo đơn vị được trả lại số liệu đã gửi."),
    )
    if period.status != Period.Status.OPEN:
        raise ValidationError(_("Đã chốt kỳ: không thể trả lại số liệu."))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Phải ghi lý do trả lại.")})
    readings = list(
        Reading.objects.select_for_update().filter(
            participant=participant, period=period, window_start=window_start, status=Reading.Status.SUBMITTED
        )
    )
    if not readings:
        raise ValidationError(_("Số liệu kỳ này chưa được gửi nên không cần trả lại."))
    for reading in readings:
        reading.status = Reading.Status.DRAFT
        reading._history_user = user
        reading._change_reason = history_reason(_("Trả lại: %(reason)s") % {"reason": reason.strip()})
        reading.save(update_fields=["status", "entered_at"])
    names = list(
        Indicator.objects.filter(pk__in=[reading.indicator_id for reading in readings])
        .order_by("name")
        .values_list("name", flat=True)
    )
    returned = WindowReturn.objects.create(
        participant=participant,
        period=period,
        window_start=window_start,
        reason=reason.strip(),
        indicators=names,
        returned_by=user,
    )
    _notify_returned(returned)
    return readings


def _notify_returned(returned: WindowReturn) -> None:
    """The unit's nhập liệu are told which window came back and why, with a link to its entry page."""
    participant, period = returned.participant, returned.period
    window = window_of(period, returned.window_start)
    label = window.label if window else f"{returned.window_start:%d/%m/%Y}"
    notify(
        users=clerks_of(participant.home_unit),
        key=f"returned-{returned.pk}",
        title=_("Số liệu %(window)s của %(name)s bị trả lại") % {"window": label, "name": participant.name},
        body=_("Lý do: %(reason)s") % {"reason": returned.reason},
        url=reverse("scoring:reading_entry", args=[period.pk, participant.pk, returned.window_start]),
    )


FIGURES = ("numerator", "denominator", "value", "note", "check_again")
_CURRENT = ("id", "participant_id", "indicator_id", "window_start", *FIGURES, "status", "version")


# Rows written per statement: progress is reported after each chunk ("rows written / total"), and a chunk's
# statements stay far below PostgreSQL's and SQLite's parameter limits; 10,000 rows cost five rounds.
WRITE_CHUNK = 2000


@transaction.atomic
def import_readings(
    *,
    user: User,
    period: Period,
    rows: list[ImportRow],
    reason: str = "",
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Apply a checked Excel import in one transaction: every row or none; unchanged rows write nothing.

    Each row carries the version it was judged against, so a reading changed meanwhile raises ConflictError and the
    whole import rolls back. Set-based, so 10,000 rows cost a fixed number of queries: the period row lock first,
    the affected readings locked and read in one query, access judged once per (unit, window), new readings in one
    bulk insert, changed ones in one UPDATE, one history row per changed reading ("Nhập từ tệp Excel") written with
    INSERT … SELECT, then every changed participant recomputed in one call. Returns the rows changed. ``reason`` names
    the source in the history when it is not an Excel file (the API's batch).

    The writes go in chunks of WRITE_CHUNK rows; ``progress(written, total)`` is called after each (the import job
    shows it), inside the transaction: a conflict later still rolls every chunk back.
    """
    share_period(period)
    # Blank figures leave the reading as it is (the file's rule); the parser never yields them, callers might.
    pending = [
        row
        for row in rows
        if row.state != "unchanged"
        and any(row.figures.get(name) is not None for name in ("numerator", "denominator", "value"))
    ]
    if not pending:
        return 0
    participants = {row.participant.pk: row.participant for row in pending}
    current = {
        (values[1], values[2], values[3]): values
        for values in Reading.objects.select_for_update()
        .filter(
            period=period,
            participant_id__in=list(participants),
            window_start__in={row.window_start for row in pending},
        )
        .order_by("participant_id", "indicator_id", "window_start")  # the one lock order of every writer
        .values_list(*_CURRENT)
    }
    statuses = window_statuses((key[0], key[2], values[-2]) for key, values in current.items())
    criteria = plan_criteria(period.plan)
    applicable = {kind: {i.pk for i in indicators_for_kind(criteria, kind)} for kind in Participant.Kind.values}
    windows = {window.start: window for window in windows_for(period)}
    access = EditAccessCache(user=user, period=period, participants=participants.values())
    now = timezone.now()

    created: list[Reading] = []
    updated: list[tuple[Any, ...]] = []  # (id, numerator, denominator, value, note, check_again)
    changed: dict[int, Participant] = {}
    seen: dict[tuple[int, int, dt.date], int] = {}
    for row in pending:
        participant, indicator = row.participant, row.indicator
        # The checks of a single save (access, then apply_reading's), in that order and with the same messages.
        allowed = access(
            participant, row.window_start, statuses.get((participant.pk, row.window_start), Reading.Status.DRAFT)
        )
        if not allowed:
            raise PermissionDenied(allowed.reason)
        num, den, val = clean_figures(
            indicator,
            numerator=row.figures["numerator"],
            denominator=row.figures["denominator"],
            value=row.figures["value"],
        )
        if participant.plan_id != period.plan_id:
            raise ValidationError(_("Đối tượng không thuộc kế hoạch của đợt này."))
        if indicator.pk not in applicable[participant.kind]:
            raise ValidationError(
                _("Chỉ số “%(indicator)s” không áp dụng cho đối tượng này.") % {"indicator": indicator.name}
            )
        window = windows.get(row.window_start)
        if window is None:
            raise ValidationError(_("Kỳ báo cáo không thuộc đợt này."))
        key = (participant.pk, indicator.pk, window.start)
        if key in seen:  # the parser refuses these; a set-based write could not apply them one after the other
            raise ValidationError(_("Dòng trùng với dòng %(row)s (cùng đối tượng, chỉ số và kỳ).") % {"row": seen[key]})
        seen[key] = row.row

        figures = (num, den, val, (row.figures.get("note") or "").strip(), bool(row.figures.get("check_again")))
        existing = current.get(key)
        if existing is not None and tuple(existing[4:9]) == figures:
            continue  # what is already there: nothing written, whatever version the preview saw
        expected = row.reading.version if row.reading is not None else 0
        if (existing[-1] if existing is not None else 0) != expected:
            raise ConflictError(
                Reading.objects.select_related("entered_by").filter(pk=existing[0]).first() if existing else None,
                indicator=indicator,
                expected_version=expected,
            )
        if existing is None:
            created.append(
                Reading(
                    participant=participant,
                    indicator=indicator,
                    period=period,
                    window_start=window.start,
                    window_end=window.end,
                    numerator=num,
                    denominator=den,
                    value=val,
                    note=figures[3],
                    check_again=figures[4],
                    entered_by=user,
                    entered_at=now,
                    version=1,
                )
            )
        else:
            updated.append((existing[0], *figures))
        changed[participant.pk] = participant
    if not changed:
        return 0

    reason = reason or _("Nhập từ tệp Excel")
    total, written = len(created) + len(updated), 0
    for index in range(0, len(created), WRITE_CHUNK):
        chunk = created[index : index + WRITE_CHUNK]
        try:
            with transaction.atomic():
                _insert_readings(chunk, period=period)
        except IntegrityError:
            # Somebody created one of these readings meanwhile without the period lock: theirs won.
            keys = {(r.participant_id, r.indicator_id, r.window_start): r for r in chunk}
            winner = next(
                r
                for r in Reading.objects.select_related("entered_by").filter(
                    period=period, participant_id__in={k[0] for k in keys}, window_start__in={k[2] for k in keys}
                )
                if (r.participant_id, r.indicator_id, r.window_start) in keys
            )
            raise ConflictError(winner, indicator=winner.indicator, expected_version=0) from None
        _copy_to_history([r.pk for r in chunk], history_type="+", reason=reason, user=user, now=now)
        written += len(chunk)
        if progress is not None:
            progress(written, total)
    for index in range(0, len(updated), WRITE_CHUNK):
        rows_chunk = updated[index : index + WRITE_CHUNK]
        _update_figures(rows_chunk, user=user, now=now)
        _copy_to_history([values[0] for values in rows_chunk], history_type="~", reason=reason, user=user, now=now)
        written += len(rows_chunk)
        if progress is not None:
            progress(written, total)
    recompute_participants(period=period, participants=list(changed.values()))
    return total


def _insert_readings(created: list[Reading], *, period: Period) -> None:
    """Insert new readings and learn their ids: bulk_create (INSERT … RETURNING) on PostgreSQL; elsewhere one
    executemany and the ids read back by key, since SQLite's bulk_create splits 10,000 rows into 170 statements."""
    if connection.vendor == "postgresql":
        Reading.objects.bulk_create(created, batch_size=2000)
        return
    quote = connection.ops.quote_name
    fields = [field for field in Reading._meta.concrete_fields if not field.primary_key]
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {quote(Reading._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
            f"VALUES ({', '.join(['%s'] * len(fields))})",
            [
                [field.get_db_prep_save(getattr(reading, field.attname), connection) for field in fields]
                for reading in created
            ],
        )
    ids = {
        (participant_id, indicator_id, window_start): pk
        for pk, participant_id, indicator_id, window_start in Reading.objects.filter(
            period=period,
            participant_id__in={r.participant_id for r in created},
            window_start__in={r.window_start for r in created},
        ).values_list("id", "participant_id", "indicator_id", "window_start")
    }
    for reading in created:
        reading.pk = ids[(reading.participant_id, reading.indicator_id, reading.window_start)]


def _update_figures(rows: list[tuple[Any, ...]], *, user: User, now: dt.datetime) -> None:
    """Write new figures into existing readings (rows of id and FIGURES), bump their version, sign them; one UPDATE
    on PostgreSQL (arrays unnested), one executemany elsewhere."""
    table, quote = Reading._meta.db_table, connection.ops.quote_name
    columns = ", ".join(f"{quote(name)} = %s" for name in FIGURES)
    stamp = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            ids, numerators, denominators, values, notes, checks = (list(column) for column in zip(*rows, strict=True))
            cursor.execute(
                f"UPDATE {quote(table)} AS r SET numerator = v.numerator, denominator = v.denominator, "
                "value = v.value, note = v.note, check_again = v.check_again, entered_by_id = %s, entered_at = %s, "
                "version = r.version + 1 FROM unnest(%s::bigint[], %s::integer[], %s::integer[], %s::numeric[], "
                "%s::text[], %s::boolean[]) AS v(id, numerator, denominator, value, note, check_again) "
                "WHERE r.id = v.id",
                [user.pk, stamp, ids, numerators, denominators, values, notes, checks],
            )
        else:
            cursor.executemany(
                f"UPDATE {quote(table)} SET {columns}, {quote('entered_by_id')} = %s, "
                f"{quote('entered_at')} = %s, {quote('version')} = {quote('version')} + 1 WHERE {quote('id')} = %s",
                [(*figures, user.pk, stamp, pk) for pk, *figures in rows],
            )


def _copy_to_history(ids: list[int], *, history_type: str, reason: str, user: User | None, now: dt.datetime) -> None:
    """One history row per reading, copied from its current row (what django-simple-history would write on save)."""
    history = Reading.history.model
    quote = connection.ops.quote_name
    tracked = ", ".join(
        quote(field.column) for field in history._meta.concrete_fields if not field.name.startswith("history_")
    )
    insert = (
        f"INSERT INTO {quote(history._meta.db_table)} ({tracked}, {quote('history_date')}, "
        f"{quote('history_change_reason')}, {quote('history_type')}, {quote('history_user_id')}) "
        f"SELECT {tracked}, %s, %s, %s, %s FROM {quote(Reading._meta.db_table)} WHERE {quote('id')} "
    )
    params = [
        connection.ops.adapt_datetimefield_value(now),
        str(reason),
        history_type,
        user.pk if user is not None else None,
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(insert + "= ANY(%s)", [*params, ids])
            return
        for index in range(0, len(ids), 500):  # SQLite's limit on bound parameters
            chunk = ids[index : index + 500]
            cursor.execute(insert + f"IN ({', '.join(['%s'] * len(chunk))})", [*params, *chunk])


EVIDENCE_MAX_BYTES = 10 * 1024 * 1024


def _locked_reading_for_change(*, user: User, reading: Reading) -> Reading:
    """The reading re-read under its period's and its own row lock, after the one access rule allowed the change."""
    period = reading.period
    share_period(period)
    current = Reading.objects.select_for_update(of=("self",)).filter(pk=reading.pk).first()
    if current is None:
        raise ValidationError(_("Số liệu này vừa bị người khác xóa."))
    access = can_edit_reading(
        user=user, participant=current.participant, period=period, window_start=current.window_start
    )
    if not access.allowed:
        raise PermissionDenied(access.reason)
    return current


def _checked_evidence(file: Any) -> tuple[bytes, str]:
    """An evidence upload's bytes and real type: ≤ 10 MB and a PDF, JPEG, PNG, Word or Excel file by content."""
    too_large = _("Tệp quá lớn (%(size)s MB); tối đa 10 MB.")
    size = getattr(file, "size", None)
    if size is not None and size > EVIDENCE_MAX_BYTES:
        raise ValidationError({"file": too_large % {"size": f"{size / 1048576:.1f}".replace(".", ",")}})
    if hasattr(file, "seek"):
        file.seek(0)
    content = file.read(EVIDENCE_MAX_BYTES + 1)
    if len(content) > EVIDENCE_MAX_BYTES:
        raise ValidationError({"file": too_large % {"size": f"{len(content) / 1048576:.1f}".replace(".", ",")}})
    if not content:
        raise ValidationError({"file": _("Tệp rỗng, không có nội dung.")})
    kind = sniff_document_type(content)
    if kind is None:
        raise ValidationError(
            {
                "file": _(
                    "Chỉ nhận tệp PDF, ảnh (JPEG, PNG), Word (.docx) hoặc Excel (.xlsx); nội dung tệp này không thuộc "
                    "các loại đó, dù tên tệp có thể ghi như vậy."
                )
            }
        )
    return content, kind


def attach_evidence(*, user: User, reading: Reading, file: Any) -> Reading:
    """Attach (or replace) the evidence file of a reading: same access rule as its figures (Nội vụ never).

    The file is checked by content (≤ 10 MB; PDF, JPEG, PNG, DOCX, XLSX), stored under a random name with the real
    extension, and its sanitised original name kept in ``evidence_name``. A replaced file stays in the storage: the
    history row of the previous version still names it. Bumps ``version``; the history says "Đính kèm minh chứng".

    The access check and the content check come before anything is written; the file is written last, and when
    saving the row fails after that (a lock timeout, a lost connection, a failed commit) the new file is deleted
    again, so no upload is left in the storage without a reading naming it. A caller that wraps this in its own
    transaction and rolls back after it returned owns that cleanup (the views do not).
    """

    stored: list[str] = []  # the new file's storage name once written
    storage = Reading._meta.get_field("evidence").storage
    try:
        with transaction.atomic():
            current = _locked_reading_for_change(user=user, reading=reading)
            content, kind = _checked_evidence(file)
            stem = sanitise_filename(getattr(file, "name", "") or "", default="minh-chung", max_length=200)
            stem = stem.rsplit(".", 1)[0] if "." in stem else stem
            current.evidence.save(f"{uuid.uuid4().hex}.{kind}", ContentFile(content), save=False)
            stored.append(current.evidence.name)
            current.evidence_name = f"{stem}.{kind}"
            current.entered_by = current._history_user = user
            current.version += 1
            current._change_reason = _("Đính kèm minh chứng")
            current.save()
    except BaseException:
        for name in stored:
            try:
                storage.delete(name)
            except OSError:  # the original error matters more than a file the storage could not remove
                logging.getLogger(__name__).exception("Could not delete the orphaned evidence file %s", name)
        raise
    return current


@transaction.atomic
def remove_evidence(*, user: User, reading: Reading) -> Reading:
    """Detach the evidence file of a reading (same access rule); the history keeps the removed file's reference."""
    current = _locked_reading_for_change(user=user, reading=reading)
    if not current.evidence:
        raise ValidationError(_("Số liệu này chưa có tệp minh chứng."))
    current.evidence = ""
    current.evidence_name = ""
    current.entered_by = current._history_user = user
    current.version += 1
    current._change_reason = _("Xóa minh chứng")
    current.save()
    return current
