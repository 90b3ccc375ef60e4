"""Readings from another system's report (issue 22): upload any .xlsx/.csv, map its columns once (or pick a saved
profile), preview with the Excel import's own checks, then write all or nothing; profiles export and import as JSON.

Steps: ``report_upload`` keeps the file (core.uploads, bound to the user and the period) and sends the user to
``report_map``, which shows the sheet's columns, maps, previews and — on "Ghi số liệu" — judges the file again and
writes it through ``import_readings``. The preview's current figures travel as a digest, so a reading changed by
someone else between preview and confirmation stops the write with a Vietnamese message instead of overwriting it.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns.models import Participant, Period
from campaigns.typing import AuthenticatedRequest
from core.uploads import (
    accepts_upload,
    keep_pending_upload,
    pending_upload,
    purge_stale_upload_files,
    sanitise_filename,
)
from core.widgets import VietnameseFileInput
from scoring import entry_selectors as selectors
from scoring import report_samples
from scoring.access import may_import
from scoring.excel import FIELD_OF_LETTER, ImportResult, judge_readings
from scoring.models import Indicator, ReportProfile
from scoring.report_mapping import (
    MappedReport,
    Mapping,
    Table,
    column_labels,
    letter,
    map_report,
    read_tables,
    suggest_header_row,
)
from scoring.services.readings import ConflictError, import_readings
from scoring.windows import Window, windows_for

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FOLDER = "imports/reports"
SALT = "scoring.report-import"


def _period(request: AuthenticatedRequest, period_pk: int) -> Period:
    period = get_object_or_404(selectors.periods_visible_to(user=request.user), pk=period_pk)
    if not (allowed := may_import(request.user)):
        raise PermissionDenied(allowed.reason)
    return period


def _profiles(period: Period) -> Any:
    return ReportProfile.objects.filter(issuer=period.plan.issuer)


def _indicators(period: Period) -> list[Indicator]:
    """The indicators of the plan's collectives: reports have one row per unit."""
    return list(
        Indicator.objects.filter(criteria__plan=period.plan)
        .exclude(criteria__applies_to=Participant.Kind.INDIVIDUAL)
        .distinct()
        .order_by("criteria__order", "pk")
    )


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Tệp báo cáo (.xlsx hoặc .csv)"), widget=VietnameseFileInput(attrs={"accept": ".xlsx,.csv"})
    )
    profile = forms.ModelChoiceField(
        label=gettext_lazy("Cấu hình đã lưu"),
        queryset=ReportProfile.objects.none(),
        required=False,
        empty_label=gettext_lazy("— Ghép cột lần đầu —"),
    )


class ProfileFileForm(forms.Form):
    prefix = "cau-hinh"  # beside the upload form on one page: its own field ids
    name = forms.CharField(label=gettext_lazy("Tên cấu hình"), max_length=120)
    file = forms.FileField(
        label=gettext_lazy("Tệp cấu hình (.json)"), widget=VietnameseFileInput(attrs={"accept": ".json"})
    )


@accepts_upload
@login_required
def report_upload(request: AuthenticatedRequest, period_pk: int) -> HttpResponse:
    """GET: the upload form and the saved profiles. POST: keep the file and go on to the mapping."""
    period = _period(request, period_pk)
    posted = request.method == "POST"
    form = UploadForm(request.POST if posted else None, request.FILES if posted else None)
    form.fields["profile"].queryset = _profiles(period)  # type: ignore[attr-defined]  # a ModelChoiceField
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            content = upload.read()
            read_tables(content, _kind(content))
            upload.seek(0)
            token = keep_pending_upload(upload, folder=FOLDER, salt=SALT, user=request.user.pk, period=period.pk)
        except ValidationError as error:
            form.add_error("file", error)
        else:
            url = reverse("scoring:report_map", args=[period.pk]) + f"?tep={token}"
            if form.cleaned_data["profile"]:
                url += f"&cau-hinh={form.cleaned_data['profile'].pk}"
            return redirect(url)
        finally:
            upload.close()
            purge_stale_upload_files()
    context = {"period": period, "form": form, "profiles": _profiles(period), "profile_form": ProfileFileForm()}
    context["samples"] = report_samples.NAMES
    return render(request, "scoring/report_upload.html", context, status=400 if form.errors else 200)


def _current_window(period: Period) -> Window:
    """The month a report downloaded today is about: the latest window that has started (or the first)."""
    today = timezone.localdate()
    windows = windows_for(period)
    return [w for w in windows if w.start <= today][-1] if windows[0].start <= today else windows[0]


def _kind(content: bytes) -> str:
    return "bao-cao.xlsx" if content.startswith(b"PK") else "bao-cao.csv"


class MappingForm(forms.Form):
    """The mapping of one report: dynamic columns per indicator figure, offered from the sheet's own labels."""

    sheet = forms.ChoiceField(label=gettext_lazy("Trang tính"))
    header_row = forms.IntegerField(label=gettext_lazy("Dòng tiêu đề cuối cùng"), min_value=1, max_value=50)
    unit_column = forms.TypedChoiceField(label=gettext_lazy("Cột tên (hoặc mã) đơn vị"), coerce=int)
    window = forms.ChoiceField(label=gettext_lazy("Số liệu của kỳ"))
    save_as = forms.CharField(
        label=gettext_lazy("Lưu cách ghép cột thành cấu hình"),
        max_length=120,
        required=False,
        help_text=gettext_lazy("Đặt tên (ví dụ “Báo cáo hệ thống một cửa”) để tháng sau chỉ cần chọn lại."),
    )

    def __init__(
        self, *args: Any, tables: list[Table], table: Table, indicators: list[Indicator], period: Period, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.indicators = indicators
        self.fields["sheet"].choices = [(t.sheet, t.sheet) for t in tables]  # type: ignore[attr-defined]
        header = self.data.get("header_row") or self.initial.get("header_row") or suggest_header_row(table)
        labels = column_labels(table, int(header) if str(header).isdigit() else 1)
        columns = [(index, f"{letter(index)} · {label}") for index, label in enumerate(labels)]
        self.fields["unit_column"].choices = columns  # type: ignore[attr-defined]
        self.fields["window"].choices = [(w.start.isoformat(), w.label) for w in windows_for(period)]  # type: ignore[attr-defined]
        optional = [("", _("— Không lấy —")), *columns]
        for indicator in indicators:
            names = ("numerator", "denominator") if indicator.kind == Indicator.Kind.RATE else ("value",)
            for name in names:
                label = {
                    "numerator": indicator.numerator_label or _("Tử số"),
                    "denominator": indicator.denominator_label or _("Mẫu số"),
                    "value": _("Giá trị"),
                }[name]
                self.fields[f"c_{indicator.code}_{name}"] = forms.TypedChoiceField(
                    label=f"{indicator.name} — {label}", choices=optional, coerce=int, empty_value=None, required=False
                )

    def mapping(self) -> Mapping:
        data = self.cleaned_data
        columns: dict[str, dict[str, int]] = {}
        for indicator in self.indicators:
            for name in ("numerator", "denominator", "value"):
                column = data.get(f"c_{indicator.code}_{name}")
                if column is not None:
                    columns.setdefault(indicator.code, {})[name] = column
        return Mapping(data["sheet"], data["header_row"], data["unit_column"], columns)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for indicator in self.indicators:
            if indicator.kind == Indicator.Kind.RATE:
                pair = [data.get(f"c_{indicator.code}_{name}") for name in ("numerator", "denominator")]
                if (pair[0] is None) != (pair[1] is None):
                    self.add_error(
                        f"c_{indicator.code}_numerator",
                        _("“%(name)s” là tỷ lệ: chọn cả cột tử số và cột mẫu số, hoặc bỏ cả hai.")
                        % {"name": indicator.name},
                    )
        if not any(data.get(name) is not None for name in self.fields if name.startswith("c_")):
            raise ValidationError(_("Chọn ít nhất một cột số liệu cho một chỉ số."))
        return data


def _digest(result: ImportResult) -> str:
    """What the preview showed as current: a reading changed since then changes this."""
    shown = sorted(
        (
            row.participant.pk,
            row.indicator.code,
            row.window_start.isoformat(),
            row.reading.version if row.reading else 0,
        )
        for row in result.rows
    )
    return hashlib.sha256(json.dumps(shown).encode()).hexdigest()


def _locate(issue_row: int, column: str, mapped: MappedReport, mapping: Mapping) -> str:
    """The report's own row and column of a problem the import's judge found in a mapped row."""
    if not 1 <= issue_row <= len(mapped.rows):
        return ""
    row = mapped.rows[issue_row - 1]
    sheet_row = mapped.row_numbers[issue_row - 1]
    field = FIELD_OF_LETTER.get(column, "")
    source = mapping.columns.get(row["indicator"], {}).get(field)
    if field == "participant" or source is None:
        source = mapping.unit_column
    return f"{letter(source)}{sheet_row}"


@login_required
def report_map(request: AuthenticatedRequest, period_pk: int) -> HttpResponse:
    """Map the kept report's columns, preview, and (on confirmation) write."""
    period = _period(request, period_pk)
    token = request.GET.get("tep", "") or request.POST.get("tep", "")
    stored = pending_upload(token, folder=FOLDER, salt=SALT, user=request.user.pk, period=period.pk)
    if stored is None:
        messages.error(request, _("Tệp đã hết hạn hoặc không hợp lệ: hãy tải báo cáo lên lại."))
        return redirect("scoring:report_upload", period_pk=period.pk)
    with default_storage.open(stored, "rb") as handle:
        content = handle.read()
    tables = read_tables(content, _kind(content))
    profile = None
    if (request.GET.get("cau-hinh") or "").isdigit():
        profile = get_object_or_404(_profiles(period), pk=int(request.GET["cau-hinh"]))
    initial: dict[str, Any] = {"window": _current_window(period).start.isoformat()}
    if profile is not None:
        saved = Mapping.from_json(profile.mapping)
        initial.update(sheet=saved.sheet, header_row=saved.header_row, unit_column=saved.unit_column)
        for code, figures in saved.columns.items():
            for name, column in figures.items():
                initial[f"c_{code}_{name}"] = column
    chosen = request.POST.get("sheet") or initial.get("sheet") or tables[0].sheet
    table = next((t for t in tables if t.sheet == chosen), tables[0])
    indicators = _indicators(period)
    post = request.POST if request.method == "POST" else None
    form = MappingForm(post, initial=initial, tables=tables, table=table, indicators=indicators, period=period)
    context: dict[str, Any] = {"period": period, "form": form, "token": token, "profile": profile, "table": table}
    context["sample"] = table.rows[:12]
    context["letters"] = [letter(index) for index in range(table.width)]
    if post is None or not form.is_valid():
        return render(request, "scoring/report_map.html", context, status=400 if post else 200)

    mapping = form.mapping()
    window = next(w for w in windows_for(period) if w.start.isoformat() == form.cleaned_data["window"])
    participants = list(Participant.objects.filter(plan=period.plan).select_related("unit"))
    mapped = map_report(table, mapping, participants=participants, window_start=window.start)
    result = judge_readings(user=request.user, period=period, rows=mapped.rows, source=table.sheet)
    errors = [(_locate(issue.row, issue.column, mapped, mapping), issue.message) for issue in result.errors]
    errors += [("", problem) for problem in mapped.problems]
    names = {participant.pk: participant.name for participant in participants}
    matches = [(written, names[pk]) for pk, written in mapped.matched.items()]
    context.update(mapped=mapped, result=result, errors=errors, digest=_digest(result), window=window, matches=matches)
    if "ghi" not in request.POST or errors:
        return render(request, "scoring/report_map.html", context, status=400 if errors else 200)
    if request.POST.get("digest") != context["digest"]:
        messages.error(request, _("Số liệu đã thay đổi từ lúc xem trước (có người vừa nhập): hãy xem trước lại."))
        return render(request, "scoring/report_map.html", context, status=409)
    reason = _("Nhập từ báo cáo: %(name)s") % {"name": profile.name if profile else table.sheet}
    try:
        written = import_readings(user=request.user, period=period, rows=result.rows, reason=reason)
    except ConflictError as conflict:
        messages.error(request, conflict.message)
        return render(request, "scoring/report_map.html", context, status=409)
    except (PermissionDenied, ValidationError) as refused:
        messages.error(request, " ".join(getattr(refused, "messages", [str(refused)])))
        return render(request, "scoring/report_map.html", context, status=400)
    if form.cleaned_data["save_as"]:
        ReportProfile.objects.update_or_create(
            issuer=period.plan.issuer,
            name=form.cleaned_data["save_as"].strip(),
            defaults={"mapping": mapping.as_json(), "created_by": request.user},
        )
    default_storage.delete(stored)
    messages.success(
        request,
        _("Đã ghi %(count)s số liệu từ báo cáo (%(units)s đơn vị). Bước tiếp theo: kiểm tra rồi “Gửi số liệu tháng”.")
        % {"count": written, "units": len(mapped.matched)},
    )
    return redirect("scoring:entry_dashboard", period_pk=period.pk)


@login_required
def report_profile_download(request: AuthenticatedRequest, period_pk: int, pk: int) -> HttpResponse:
    period = _period(request, period_pk)
    profile = get_object_or_404(_profiles(period), pk=pk)
    body = json.dumps({"name": profile.name, **profile.mapping}, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{sanitise_filename(profile.name)}.json"'
    return response


@accepts_upload
@login_required
def report_profile_upload(request: AuthenticatedRequest, period_pk: int) -> HttpResponse:
    """A profile shared by another province: checked, then saved under the name given for this issuer."""
    period = _period(request, period_pk)
    posted = request.method == "POST"
    form = ProfileFileForm(request.POST if posted else None, request.FILES if posted else None)
    if request.method == "POST" and form.is_valid():
        raw = form.cleaned_data["file"].read(64 * 1024 + 1)
        try:
            if len(raw) > 64 * 1024:
                raise ValidationError(_("Tệp cấu hình quá lớn (tối đa 64 KB)."))
            try:
                data = json.loads(raw.decode("utf-8-sig"))
            except (UnicodeDecodeError, json.JSONDecodeError):
                raise ValidationError(_("Tệp cấu hình không phải JSON hợp lệ.")) from None
            mapping = Mapping.from_json(data)
        except ValidationError as error:
            form.add_error("file", error)
        else:
            ReportProfile.objects.update_or_create(
                issuer=period.plan.issuer,
                name=form.cleaned_data["name"].strip(),
                defaults={"mapping": mapping.as_json(), "created_by": request.user},
            )
            messages.success(request, _("Đã lưu cấu hình “%(name)s”.") % {"name": form.cleaned_data["name"].strip()})
            return redirect("scoring:report_upload", period_pk=period.pk)
    context = {"period": period, "form": UploadForm(), "profiles": _profiles(period), "profile_form": form}
    context["samples"] = report_samples.NAMES
    context["form"].fields["profile"].queryset = _profiles(period)
    return render(request, "scoring/report_upload.html", context, status=400 if request.method == "POST" else 200)


@login_required
def report_sample(request: AuthenticatedRequest, period_pk: int, layout: str) -> HttpResponse:
    """A sample report in one of the layouts offices download, for this period's collectives and current month."""
    period = _period(request, period_pk)
    if layout not in report_samples.NAMES:
        raise Http404(_("Không có báo cáo mẫu này."))
    name, content = report_samples.sample_report(layout, period, _current_window(period))
    kind = "text/csv; charset=utf-8" if name.endswith(".csv") else XLSX
    response = HttpResponse(content, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


urlpatterns = [
    path("nhap-lieu/dot/<int:period_pk>/bao-cao/mau/<slug:layout>/", report_sample, name="report_sample"),
    path("nhap-lieu/dot/<int:period_pk>/bao-cao/", report_upload, name="report_upload"),
    path("nhap-lieu/dot/<int:period_pk>/bao-cao/ghep-cot/", report_map, name="report_map"),
    path(
        "nhap-lieu/dot/<int:period_pk>/bao-cao/cau-hinh/<int:pk>/",
        report_profile_download,
        name="report_profile_download",
    ),
    path("nhap-lieu/dot/<int:period_pk>/bao-cao/cau-hinh/nhap/", report_profile_upload, name="report_profile_upload"),
]
