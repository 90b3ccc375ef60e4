"""Data entry pages: periods to enter, the office dashboard, the grid of one participant and window, its history.

Every object comes from a scoped queryset (out of scope → 404); every change goes through a service that asks
``can_edit_reading`` (in scope but not allowed → 403, e.g. Nội vụ's POSTs).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, TypedDict

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, register_converter, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe
from django.views.generic import ListView

from campaigns.models import Participant, Period, Role, Unit
from campaigns.permissions import has_role
from campaigns.typing import AuthenticatedRequest
from core.formatting import format_number, format_percent
from core.jobs import start_big_import
from core.uploads import (
    DOCUMENT_CONTENT_TYPES,
    accepts_upload,
    keep_pending_upload,
    pending_upload,
    purge_stale_upload_files,
)
from core.widgets import VietnameseFileInput
from scoring import entry_selectors as selectors
from scoring.access import (
    Access,
    active_lock_exception,
    can_edit_reading,
    entry_deadline,
    grant_lock_exception,
    may_import,
    window_of,
)
from scoring.excel import ImportResult, build_template, parse_readings
from scoring.figures import ImportRow, describe_figures
from scoring.forms import LockExceptionForm, ReadingImportForm, ReadingRowForm, ReturnWindowForm
from scoring.models import Indicator, Reading, WindowReturn
from scoring.plausibility import Figures, reading_warnings
from scoring.services.excel_import import (
    IMPORT_TASK,
    ImportRefused,
    import_job_kwargs,
    import_stored_readings,
    in_request_max_rows,
)
from scoring.services.readings import (
    ConflictError,
    attach_evidence,
    import_warnings,
    remove_evidence,
    return_window,
    save_window_readings,
    submit_window,
    submit_windows,
    windows_to_send,
)
from scoring.windows import Window, windows_for


class IsoDateConverter:
    """A window's first day in URLs: 2024-05-01."""

    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value: str) -> dt.date:
        try:
            return dt.date.fromisoformat(value)
        except ValueError as error:
            raise ValueError(value) from error

    def to_url(self, value: dt.date | str) -> str:
        return value.isoformat() if isinstance(value, dt.date) else value


register_converter(IsoDateConverter, "isodate")


def _period(request: AuthenticatedRequest, period_pk: int) -> Period:
    return get_object_or_404(selectors.periods_visible_to(user=request.user), pk=period_pk)


def _participant(request: AuthenticatedRequest, period: Period, participant_pk: int) -> Participant:
    participants = Participant.objects.visible_to(request.user).filter(plan=period.plan)
    return get_object_or_404(participants.select_related("unit", "person__unit", "group"), pk=participant_pk)


def _target(
    request: AuthenticatedRequest, period_pk: int, participant_pk: int, window: dt.date
) -> tuple[Period, Participant, Window]:
    period = _period(request, period_pk)
    participant = _participant(request, period, participant_pk)
    found = window_of(period, window)
    if found is None:
        raise Http404(_("Kỳ báo cáo không thuộc đợt này."))
    return period, participant, found


def entry_url(period: Period, participant: Participant, window: Window | dt.date) -> str:
    start = window.start if isinstance(window, Window) else window
    return reverse("scoring:reading_entry", args=[period.pk, participant.pk, start])


class EntryPeriodListView(LoginRequiredMixin, ListView):
    """Periods of the plans in the user's scope, open ones first; each links to its dashboard."""

    request: AuthenticatedRequest

    template_name = "scoring/dashboard_periods.html"
    paginate_by = 20
    context_object_name = "periods"

    def get_queryset(self) -> QuerySet[Period]:
        return selectors.periods_for_entry(user=self.request.user, query=self.request.GET.get("q", "").strip())


class EntryDashboardView(LoginRequiredMixin, ListView):
    """Per participant × window of a period: expected readings missing, drafted and sent, linking into the grid."""

    request: AuthenticatedRequest

    template_name = "scoring/dashboard.html"
    paginate_by = 25
    context_object_name = "participants"

    def get_queryset(self) -> QuerySet[Participant]:
        self.period = _period(self.request, self.kwargs["period_pk"])
        return selectors.dashboard_participants(
            user=self.request.user, period=self.period, query=self.request.GET.get("q", "").strip()
        )

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        participants = list(context["participants"])
        cells = selectors.dashboard_cells(period=self.period, participants=participants)
        context.update(
            period=self.period,
            plan=self.period.plan,
            windows=windows_for(self.period),
            # "Gửi tất cả" for who enters readings while the period is open; the page it opens lists what goes.
            may_send=bool(may_import(self.request.user)) and self.period.status == Period.Status.OPEN,
            rows=[
                (
                    participant,
                    [(cell, entry_url(self.period, participant, cell.window)) for cell in cells[participant.pk]],
                )
                for participant in participants
            ],
        )
        return context


def _row_warnings(row: selectors.GridRow) -> list[str]:
    reading = row.reading
    if reading is None:
        return []
    return reading_warnings(
        kind=row.indicator.kind,
        current=Figures(reading.numerator, reading.denominator, reading.value),
        previous=[Figures(r.numerator, r.denominator, r.value) for r in row.history],
    )


def _target_text(criterion) -> str:
    """A criterion's target as the office reads it: "≥ 95,00%", "≥ 2 buổi", "Có"."""
    indicator = criterion.indicator
    if criterion.target is None:
        return _("Cao nhất trong khối được điểm tối đa")
    if indicator.kind == Indicator.Kind.BOOLEAN:
        return _("Có") if criterion.target >= 1 else _("Không")
    comparison = criterion.get_comparison_display()
    if indicator.kind == Indicator.Kind.RATE:
        return f"{comparison} {format_percent(criterion.target)}"
    places = 0 if criterion.target == criterion.target.to_integral_value() else 2
    return f"{comparison} {format_number(criterion.target, places)} {indicator.unit_label}".strip()


def _window_status(period: Period, rows: list[selectors.GridRow]) -> str:
    """ "locked" once the period is closed (the lock is the period's, recorded once in its history), else the most
    advanced status of the window's readings."""
    if period.status != Period.Status.OPEN:
        return "locked"
    statuses = {row.reading.status for row in rows if row.reading is not None}
    return Reading.Status.SUBMITTED if Reading.Status.SUBMITTED in statuses else Reading.Status.DRAFT


class _EntryTarget(TypedDict):
    """What every render of one entry grid is about."""

    period: Period
    participant: Participant
    window: Window
    access: Access


def _render_entry(
    request: AuthenticatedRequest,
    *,
    period: Period,
    participant: Participant,
    window: Window,
    rows: list[selectors.GridRow],
    access: Access,
    forms: list[ReadingRowForm] | None = None,
    conflict: ConflictError | None = None,
    return_form: ReturnWindowForm | None = None,
    lock_form: LockExceptionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    unit = participant.home_unit
    is_leader = has_role(request.user, unit, Role.LANH_DAO)
    window_state = _window_status(period, rows)
    if access.allowed and forms is None:
        forms = [ReadingRowForm(indicator=row.indicator, reading=row.reading) for row in rows]
    entries: list[dict[str, Any]] = []
    for index, row in enumerate(rows):
        reading = row.reading
        entries.append(
            {
                "row": row,
                "form": forms[index] if forms else None,
                "warnings": _row_warnings(row),
                "targets": [(criterion, _target_text(criterion)) for criterion in row.criteria],
                "present": reading is not None and selectors.is_present(reading),
                "shown": describe_figures(row.indicator, reading.__dict__) if reading else "—",
                "previous_shown": describe_figures(row.indicator, row.previous.__dict__) if row.previous else "—",
                "conflict": conflict if conflict is not None and conflict.indicator.pk == row.indicator.pk else None,
                "conflict_shown": describe_figures(row.indicator, conflict.current) if conflict is not None else "",
            }
        )
    missing = [entry["row"].indicator for entry in entries if not entry["present"]]
    windows = windows_for(period)
    position = windows.index(window)
    context = {
        "period": period,
        "plan": period.plan,
        "participant": participant,
        "window": window,
        "entries": entries,
        "access": access,
        "can_edit": access.allowed,
        "missing": missing,
        "complete": not missing and bool(rows),
        "window_state": window_state,
        "deadline": entry_deadline(period, window),
        "can_return": is_leader and window_state == Reading.Status.SUBMITTED and period.status == Period.Status.OPEN,
        # A leader cannot type, so the access answer says "read only"; the window's own deadline decides here.
        "can_grant": (
            is_leader
            and period.status == Period.Status.OPEN
            and window_state == Reading.Status.DRAFT
            and timezone.localdate() > entry_deadline(period, window)
        ),
        "active_exception": active_lock_exception(unit=unit, period=period, window_start=window.start),
        "return_form": return_form or ReturnWindowForm(),
        "lock_form": lock_form or LockExceptionForm(),
        "previous_url": entry_url(period, participant, windows[position - 1]) if position > 0 else "",
        "next_url": entry_url(period, participant, windows[position + 1]) if position + 1 < len(windows) else "",
        "dashboard_url": reverse("scoring:entry_dashboard", args=[period.pk]),
        "submit_label": _("Gửi số liệu tháng") if period.plan.frequency == "monthly" else _("Gửi số liệu kỳ này"),
        "conflict": conflict,
        # The chairman's latest return of this window while it is still a draft: the banner at the top says why.
        "window_return": WindowReturn.objects.pending()
        .filter(participant=participant, period=period, window_start=window.start)
        .select_related("returned_by")
        .first(),
    }
    return render(request, "scoring/entry.html", context, status=status)


@login_required
def reading_entry(request: AuthenticatedRequest, period_pk: int, participant_pk: int, window: dt.date) -> HttpResponse:
    """The grid of one participant and window: GET shows it; POST saves every row as a draft, or none."""
    period, participant, found = _target(request, period_pk, participant_pk, window)
    access = can_edit_reading(user=request.user, participant=participant, period=period, window_start=found.start)
    rows = selectors.grid_rows(participant=participant, period=period, window=found)
    common = _EntryTarget(period=period, participant=participant, window=found, access=access)
    if request.method != "POST":
        return _render_entry(request, rows=rows, **common)
    if not access.allowed:
        raise PermissionDenied(access.reason)
    forms = [ReadingRowForm(request.POST, indicator=row.indicator, reading=row.reading) for row in rows]
    if not all(form.is_valid() for form in forms):
        messages.error(request, _("Số liệu chưa hợp lệ, hãy sửa các ô được đánh dấu."))
        return _render_entry(request, rows=rows, forms=forms, status=400, **common)
    try:
        outcomes = save_window_readings(
            user=request.user,
            participant=participant,
            period=period,
            window_start=found.start,
            # The plan was read once (the grid's rows); rows equal to what the page showed are skipped unlocked.
            rows=[{**form.row(), "reading": row.reading} for form, row in zip(forms, rows, strict=True)],
            applicable_ids={row.indicator.pk for row in rows},
        )
    except ConflictError as conflict:
        data = request.POST.copy()
        data[f"r{conflict.indicator.pk}-version"] = str(conflict.current_version)
        forms = [ReadingRowForm(data, indicator=row.indicator, reading=row.reading) for row in rows]
        for form in forms:
            form.is_valid()
        return _render_entry(request, rows=rows, forms=forms, conflict=conflict, status=409, **common)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _render_entry(request, rows=rows, forms=forms, status=400, **common)
    changed = sum(1 for outcome in outcomes.values() if outcome.changed)
    if changed:
        messages.success(request, _("Đã lưu nháp %(count)s số liệu.") % {"count": changed})
    else:
        messages.info(request, _("Không có số liệu nào thay đổi."))
    return redirect(entry_url(period, participant, found))


@login_required
@require_POST
def reading_submit(request: AuthenticatedRequest, period_pk: int, participant_pk: int, window: dt.date) -> HttpResponse:
    """Nhập liệu sends the window when complete; the readings become read-only until returned."""
    period, participant, found = _target(request, period_pk, participant_pk, window)
    try:
        sent = submit_window(user=request.user, participant=participant, period=period, window_start=found.start)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("Đã gửi %(count)s số liệu của %(window)s.") % {"count": len(sent), "window": found.label}
        )
    return redirect(entry_url(period, participant, found))


@login_required
@require_POST
def reading_return(request: AuthenticatedRequest, period_pk: int, participant_pk: int, window: dt.date) -> HttpResponse:
    """Lãnh đạo returns a sent window to draft, with a reason."""
    period, participant, found = _target(request, period_pk, participant_pk, window)
    if not has_role(request.user, participant.home_unit, Role.LANH_DAO):
        raise PermissionDenied(_("Chỉ lãnh đạo đơn vị được trả lại số liệu đã gửi."))
    form = ReturnWindowForm(request.POST)
    if form.is_valid():
        try:
            return_window(
                user=request.user,
                participant=participant,
                period=period,
                window_start=found.start,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Đã trả lại số liệu %(window)s để cán bộ sửa.") % {"window": found.label})
        return redirect(entry_url(period, participant, found))
    access = can_edit_reading(user=request.user, participant=participant, period=period, window_start=found.start)
    rows = selectors.grid_rows(participant=participant, period=period, window=found)
    return _render_entry(
        request,
        period=period,
        participant=participant,
        window=found,
        rows=rows,
        access=access,
        return_form=form,
        status=400,
    )


@login_required
@require_POST
def lock_exception_grant(
    request: AuthenticatedRequest, period_pk: int, participant_pk: int, window: dt.date
) -> HttpResponse:
    """Lãnh đạo reopens an expired window for the participant's unit until a date, with a reason."""
    period, participant, found = _target(request, period_pk, participant_pk, window)
    unit = participant.home_unit
    if not has_role(request.user, unit, Role.LANH_DAO):
        raise PermissionDenied(_("Chỉ lãnh đạo đơn vị được mở khóa nhập số liệu."))
    form = LockExceptionForm(request.POST)
    if form.is_valid():
        try:
            exception = grant_lock_exception(
                by=request.user,
                unit=unit,
                period=period,
                window_start=found.start,
                reason=form.cleaned_data["reason"],
                expires_at=form.cleaned_data["expires_at"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Đã mở khóa nhập %(window)s cho %(unit)s đến %(until)s.")
                % {
                    "window": found.label,
                    "unit": unit.name,
                    "until": f"{timezone.localtime(exception.expires_at):%H:%M %d/%m/%Y}",
                },
            )
        return redirect(entry_url(period, participant, found))
    access = can_edit_reading(user=request.user, participant=participant, period=period, window_start=found.start)
    rows = selectors.grid_rows(participant=participant, period=period, window=found)
    return _render_entry(
        request,
        period=period,
        participant=participant,
        window=found,
        rows=rows,
        access=access,
        lock_form=form,
        status=400,
    )


@login_required
def reading_history(
    request: AuthenticatedRequest,
    period_pk: int,
    participant_pk: int,
    window: dt.date,
    indicator_pk: int,
    *,
    evidence: dict | None = None,
    status: int = 200,
) -> HttpResponse:
    """Side panel (htmx) of one cell: the last windows' values, every change of this window's reading, and its
    evidence file (download; upload and remove for who may edit). ``evidence`` carries a refused evidence form, which
    comes back on the full page with status 400."""
    period, participant, found = _target(request, period_pk, participant_pk, window)
    indicators = {item.pk: item for item in selectors.expected_indicators(participant=participant, plan=period.plan)}
    indicator: Indicator | None = indicators.get(indicator_pk)
    if indicator is None:
        raise Http404(_("Chỉ số không áp dụng cho đối tượng này."))
    previous = selectors.previous_readings(participant=participant, indicator=indicator, before=found.start)
    records = (
        Reading.history.filter(participant_id=participant.pk, indicator_id=indicator.pk, window_start=found.start)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[:50]
    )
    context = {
        "period": period,
        "participant": participant,
        "window": found,
        "indicator": indicator,
        "previous": [(reading, describe_figures(indicator, reading.__dict__)) for reading in previous],
        "records": [(record, describe_figures(indicator, record.__dict__)) for record in records],
        "entry_url": entry_url(period, participant, found),
        **_evidence_context(
            request, period=period, participant=participant, window=found, indicator=indicator, **(evidence or {})
        ),
    }
    template = "scoring/entry_history.html" if request.htmx and not evidence else "scoring/entry_history_page.html"
    return render(request, template, context, status=status)


# Excel: download the pre-filled template, upload → preview → commit. The file waits between the two steps in
# server-side storage under a random name; the page carries only a signed token naming it, bound to user and period.
IMPORT_FOLDER = "imports/readings"
IMPORT_SALT = "scoring.excel-import"


def _template_units(request: AuthenticatedRequest, period: Period) -> QuerySet[Unit]:
    return Unit.objects.in_scope_of(request.user).filter(kind__in=list(Unit.KIND_WORDS)).order_by("path")[:500]


PREVIEW_ROWS = 500


def _previewed(changes: list[ImportRow]) -> list[ImportRow]:
    """The rows the preview lists: those with a warning first (all of them), then the others up to PREVIEW_ROWS."""
    warned = [row for row in changes if row.warnings]
    quiet = [row for row in changes if not row.warnings]
    return warned + quiet[: max(PREVIEW_ROWS - len(warned), 0)]


def _render_excel(
    request: AuthenticatedRequest,
    period: Period,
    *,
    form: ReadingImportForm | None = None,
    result: ImportResult | None = None,
    token: str = "",
    status: int = 200,
) -> HttpResponse:
    context = {
        "period": period,
        "plan": period.plan,
        "form": form or ReadingImportForm(),
        "result": result,
        "token": token,
        "units": _template_units(request, period),
        "may_import": bool(may_import(request.user)),
        "dashboard_url": reverse("scoring:entry_dashboard", args=[period.pk]),
        "changes": _previewed(result.changes) if result else [],
        "warned": sum(1 for row in result.rows if row.warnings) if result else 0,
        "blank": max(result.read - len(result.rows) - result.refused, 0) if result else 0,
        "in_background": result is not None and len(result.rows) > in_request_max_rows(),
    }
    return render(request, "scoring/excel_import.html", context, status=status)


@login_required
def excel_template(request: AuthenticatedRequest, period_pk: int) -> HttpResponse:
    """The pre-filled .xlsx template of a period, for the user's participants or one unit's (?don_vi=)."""
    period = _period(request, period_pk)
    unit = None
    if request.GET.get("don_vi", "").isdigit():
        unit = get_object_or_404(Unit.objects.in_scope_of(request.user), pk=int(request.GET["don_vi"]))
    content = build_template(user=request.user, period=period, unit=unit)
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    name = f"so-lieu-{period.plan.key}-dot-{period.order}{f'-{unit.code}' if unit else ''}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@accepts_upload
@login_required
def excel_upload(request: AuthenticatedRequest, period_pk: int) -> HttpResponse:
    """GET: download and upload forms. POST: check the file and show what would change (nothing is written)."""
    period = _period(request, period_pk)
    if request.method != "POST":
        return _render_excel(request, period)
    if not (allowed := may_import(request.user)):
        raise PermissionDenied(allowed.reason)
    form = ReadingImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_excel(request, period, form=form, status=400)
    upload = form.cleaned_data["file"]
    try:
        upload.seek(0)
        result = parse_readings(user=request.user, period=period, source=upload)
        import_warnings(result.rows)  # the grid's warnings on what the file would write
        if result.errors:
            return _render_excel(request, period, form=form, result=result, status=400)
        token = keep_pending_upload(
            upload,
            folder=IMPORT_FOLDER,
            salt=IMPORT_SALT,
            user=request.user.pk,
            period=period.pk,
            rows=len(result.rows),
        )
    finally:
        upload.close()  # a spooled upload's temporary file is removed now, whatever happened above
        purge_stale_upload_files()
    return _render_excel(request, period, form=ReadingImportForm(), result=result, token=token)


@login_required
@require_POST
def excel_commit(request: AuthenticatedRequest, period_pk: int) -> HttpResponse:
    """Write a previewed file: checked again against the current data, then all rows in one transaction or none. A
    file of more than in_request_max_rows() rows is written by a background job (the user follows it on its page)."""
    period = _period(request, period_pk)
    if not (allowed := may_import(request.user)):
        raise PermissionDenied(allowed.reason)
    posted_rows = request.POST.get("rows", "")
    rows = int(posted_rows) if posted_rows.isdigit() and len(posted_rows) <= 9 else -1
    stored = pending_upload(
        request.POST.get("token", ""),
        folder=IMPORT_FOLDER,
        salt=IMPORT_SALT,
        user=request.user.pk,
        period=period.pk,
        rows=rows,  # signed with the token at the preview: the size that decides where the import runs
    )
    if stored is None:
        messages.error(request, _("Phiên xem trước đã hết hạn hoặc không hợp lệ; hãy tải tệp lên lại."))
        return redirect("scoring:excel_upload", period_pk=period.pk)
    submit = request.POST.get("gui_luon") == "1"  # "Gửi luôn sau khi ghi", off unless ticked
    if rows > in_request_max_rows():
        job, told = start_big_import(
            task=IMPORT_TASK,
            kwargs=import_job_kwargs(period=period, user=request.user, stored=stored, submit=submit),
            label=_("Nhập %(rows)s dòng số liệu từ Excel — %(period)s — %(plan)s")
            % {"rows": format_number(rows), "period": period.name, "plan": period.plan.title},
            rows=rows,
            unit=period.plan.issuer,
            by=request.user,
        )
        messages.info(request, told)
        return redirect("planning:job_detail", pk=job.pk)
    try:
        outcome = import_stored_readings(user=request.user, period=period, stored=stored, submit=submit)
    except ImportRefused as refused:
        if refused.result is not None:
            return _render_excel(request, period, result=refused.result, status=400)
        messages.error(request, refused.message)
        return redirect("scoring:excel_upload", period_pk=period.pk)
    messages.success(
        request,
        _("Đã nhập từ Excel: %(changed)s số liệu thay đổi, %(unchanged)s giữ nguyên.")
        % {"changed": outcome.changed, "unchanged": outcome.unchanged},
    )
    if outcome.sent is not None:
        (messages.success if not outcome.sent.left else messages.warning)(request, outcome.sent.message())
    return redirect("scoring:entry_dashboard", period_pk=period.pk)


@login_required
def submit_all(request: AuthenticatedRequest, period_pk: int) -> HttpResponse:
    """ "Gửi tất cả": GET lists the draft windows of the period the user may send, those ready and those that cannot
    be sent with why; POST sends every ready one through the one-window send (submit_windows → submit_window)."""
    period = _period(request, period_pk)
    if not (allowed := may_import(request.user)):
        raise PermissionDenied(allowed.reason)
    dashboard = reverse("scoring:entry_dashboard", args=[period.pk])
    if request.method == "POST":
        outcome = submit_windows(user=request.user, period=period)
        if outcome.windows or outcome.left:
            (messages.success if not outcome.left else messages.warning)(request, outcome.message())
        else:
            messages.info(request, _("Không có kỳ nào đang ở trạng thái nháp để gửi."))
        return redirect(dashboard)
    found = windows_to_send(user=request.user, period=period)
    ready = [item for item in found if item.ready]
    context = {
        "period": period,
        "plan": period.plan,
        "ready": [(item, entry_url(period, item.participant, item.window)) for item in ready],
        "left": [(item, entry_url(period, item.participant, item.window)) for item in found if not item.ready],
        "ready_readings": sum(item.drafts for item in ready),
        "dashboard_url": dashboard,
    }
    return render(request, "scoring/submit_all.html", context)


# Evidence: one file per reading (minh chứng), uploaded and removed by who may edit the reading, downloaded by anyone
# who may see it (Nội vụ included) through a scoped view: the storage is never served from MEDIA_URL.


class EvidenceForm(forms.Form):
    """The evidence upload of one reading; the content is checked by the service (attach_evidence)."""

    file = forms.FileField(
        label=gettext_lazy("Tệp minh chứng (PDF, ảnh, Word, Excel; tối đa 10 MB)"),
        widget=VietnameseFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.docx,.xlsx"}),
    )


class EvidenceRemoveForm(forms.Form):
    """Removing the evidence asks for an explicit confirmation."""

    confirm = forms.BooleanField(
        label=gettext_lazy("Tôi xác nhận gỡ tệp minh chứng này"),
        error_messages={"required": gettext_lazy("Hãy đánh dấu xác nhận trước khi gỡ tệp.")},
    )


def _evidence_size(reading: Reading) -> int | None:
    try:
        return reading.evidence.size
    except (OSError, ValueError):
        return None


def _evidence_context(
    request: AuthenticatedRequest,
    *,
    period: Period,
    participant: Participant,
    window: Window,
    indicator: Indicator,
    form: EvidenceForm | None = None,
    remove_form: EvidenceRemoveForm | None = None,
) -> dict:
    """The history panel's evidence part: the current file and, for who may edit, the upload and remove forms."""
    reading = Reading.objects.filter(participant=participant, indicator=indicator, window_start=window.start).first()
    if reading is None:
        return {"reading": None}
    access = can_edit_reading(user=request.user, participant=participant, period=period, window_start=window.start)
    size = _evidence_size(reading) if reading.evidence else None
    return {
        "reading": reading,
        "evidence_can_edit": access.allowed,
        "evidence_size": f"{size / 1024:,.0f} KB".replace(",", ".") if size is not None else "",
        "evidence_form": form or EvidenceForm(),
        "evidence_remove_form": remove_form or EvidenceRemoveForm(),
    }


def _scoped_reading(request: AuthenticatedRequest, pk: int) -> Reading:
    readings = Reading.objects.visible_to(request.user).select_related(
        "period__plan", "participant__unit", "participant__person__unit", "indicator"
    )
    return get_object_or_404(readings, pk=pk)


def _ensure_may_edit(request: AuthenticatedRequest, reading: Reading) -> None:
    access = can_edit_reading(
        user=request.user, participant=reading.participant, period=reading.period, window_start=reading.window_start
    )
    if not access.allowed:
        raise PermissionDenied(access.reason)


def _history_again(request: AuthenticatedRequest, reading: Reading, **evidence) -> HttpResponse:
    """The history page of the reading's cell with a refused evidence form and its errors (status 400)."""
    return reading_history(
        request,
        reading.period_id,
        reading.participant_id,
        reading.window_start,
        reading.indicator_id,
        evidence=evidence,
        status=400,
    )


def _back_to_grid(reading: Reading) -> HttpResponse:
    return redirect(
        "scoring:reading_entry",
        period_pk=reading.period_id,
        participant_pk=reading.participant_id,
        window=reading.window_start,
    )


@accepts_upload
@login_required
@require_POST
def evidence_upload(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Attach or replace a reading's evidence file; a refused file comes back with a Vietnamese error, nothing kept."""
    reading = _scoped_reading(request, pk)
    _ensure_may_edit(request, reading)
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        return _history_again(request, reading, form=form)
    try:
        reading = attach_evidence(user=request.user, reading=reading, file=form.cleaned_data["file"])
    except ValidationError as error:
        for message in error.messages:
            form.add_error("file", message)
        return _history_again(request, reading, form=form)
    messages.success(
        request,
        _("Đã đính kèm minh chứng “%(name)s” cho “%(indicator)s”.")
        % {"name": reading.evidence_name, "indicator": reading.indicator.name},
    )
    return _back_to_grid(reading)


@login_required
@require_POST
def evidence_remove(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Detach a reading's evidence file once the user ticked the confirmation."""
    reading = _scoped_reading(request, pk)
    _ensure_may_edit(request, reading)
    form = EvidenceRemoveForm(request.POST)
    if not form.is_valid():
        return _history_again(request, reading, remove_form=form)
    try:
        reading = remove_evidence(user=request.user, reading=reading)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Đã gỡ minh chứng của “%(indicator)s”.") % {"indicator": reading.indicator.name})
    return _back_to_grid(reading)


@login_required
@require_safe
def evidence_download(request: AuthenticatedRequest, pk: int) -> FileResponse:
    """Serve a reading's evidence to whoever may see the reading (Nội vụ too), as an attachment."""
    reading = _scoped_reading(request, pk)
    if not reading.evidence:
        raise Http404(_("Số liệu này chưa có tệp minh chứng."))
    try:
        handle = reading.evidence.open("rb")
    except (OSError, ValueError):
        raise Http404(_("Không tìm thấy tệp minh chứng trong kho lưu trữ.")) from None
    extension = reading.evidence.name.rsplit(".", 1)[-1].lower()
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=reading.evidence_name or f"minh-chung.{extension}",
        content_type=DOCUMENT_CONTENT_TYPES.get(extension, "application/octet-stream"),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


_cell = "nhap-lieu/dot/<int:period_pk>/doi-tuong/<int:participant_pk>/ky/<isodate:window>/"

urlpatterns = [
    path("nhap-lieu/", EntryPeriodListView.as_view(), name="entry_period_list"),
    path("nhap-lieu/dot/<int:period_pk>/", EntryDashboardView.as_view(), name="entry_dashboard"),
    path(_cell, reading_entry, name="reading_entry"),
    path(_cell + "gui/", reading_submit, name="reading_submit"),
    path(_cell + "tra-lai/", reading_return, name="reading_return"),
    path(_cell + "mo-khoa/", lock_exception_grant, name="lock_exception_grant"),
    path(_cell + "chi-so/<int:indicator_pk>/lich-su/", reading_history, name="reading_history"),
    path("nhap-lieu/dot/<int:period_pk>/excel/", excel_upload, name="excel_upload"),
    path("nhap-lieu/dot/<int:period_pk>/excel/mau.xlsx", excel_template, name="excel_template"),
    path("nhap-lieu/dot/<int:period_pk>/excel/ghi/", excel_commit, name="excel_commit"),
    path("nhap-lieu/dot/<int:period_pk>/gui-tat-ca/", submit_all, name="submit_all"),
    path("nhap-lieu/so-lieu/<int:pk>/minh-chung/", evidence_download, name="evidence_download"),
    path("nhap-lieu/so-lieu/<int:pk>/minh-chung/tai-len/", evidence_upload, name="evidence_upload"),
    path("nhap-lieu/so-lieu/<int:pk>/minh-chung/go/", evidence_remove, name="evidence_remove"),
]
