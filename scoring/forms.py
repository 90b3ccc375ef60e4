"""Forms of data entry: one grid row per indicator, returning a sent month, a lock exception, an Excel upload."""

from __future__ import annotations

import zipfile
from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.widgets import VietnameseFileInput
from scoring.figures import FIGURE_FIELDS, THOUSANDS_HINT, check_figures
from scoring.models import Indicator, Reading


def _figure_field(label: str, role: str, attrs: dict[str, str], *, help_text: Any = "") -> forms.CharField:
    """A figure as typed: text, judged by scoring.figures.check_figures (the same sentences as the Excel import). A
    text input, not ``type="number"``: a browser empties a number input holding "1.234.567" (and reads "1.234" as
    one point two), where check_figures reads the dots as thousands separators."""
    return forms.CharField(
        label=label,
        required=False,
        help_text=help_text,
        widget=forms.TextInput(attrs={**attrs, "data-role": role}),
    )


class ReadingRowForm(forms.Form):
    """One indicator's figures in the grid; its fields depend on the indicator's kind (rate, count, yes/no). The
    figures are judged by ``check_figures``, the one statement the services and the Excel import use too."""

    note = forms.CharField(
        label=_("Ghi chú"),
        required=False,
        max_length=2000,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )
    check_again = forms.BooleanField(
        label=_("Cần kiểm tra lại"), required=False, widget=forms.CheckboxInput(attrs={"class": "form-check-input"})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args, indicator: Indicator, reading: Reading | None = None, **kwargs) -> None:
        self.indicator = indicator
        self.reading = reading
        kwargs.setdefault("prefix", f"r{indicator.pk}")
        if reading is not None:
            kwargs.setdefault(
                "initial",
                {
                    "numerator": reading.numerator,
                    "denominator": reading.denominator,
                    "value": None if reading.value is None else int(reading.value),
                    "note": reading.note,
                    "check_again": reading.check_again,
                    "version": reading.version,
                },
            )
        else:
            kwargs.setdefault("initial", {"version": 0})
        super().__init__(*args, **kwargs)
        number = {
            "class": "form-control form-control-sm text-end",
            "inputmode": "numeric",
            "autocomplete": "off",
        }
        if indicator.kind == Indicator.Kind.RATE:
            self.fields["numerator"] = _figure_field(str(indicator.numerator_label or _("Tử số")), "numerator", number)
            self.fields["denominator"] = _figure_field(
                str(indicator.denominator_label or _("Mẫu số")), "denominator", number
            )
        elif indicator.kind == Indicator.Kind.BOOLEAN:
            self.fields["value"] = forms.TypedChoiceField(
                label=_("Có/Không"),
                required=False,
                coerce=int,
                empty_value=None,
                choices=[("", "—"), (1, _("Có")), (0, _("Không"))],
                widget=forms.Select(attrs={"class": "form-select form-select-sm", "data-role": "value"}),
            )
        else:
            self.fields["value"] = _figure_field(
                str(indicator.unit_label or _("Giá trị")), "value", number, help_text=THOUSANDS_HINT
            )
            # The hint under the count's input is read with it by a screen reader.
            self.fields["value"].widget.attrs["aria-describedby"] = f"{self['value'].auto_id}_hint"
        self.order_fields(["numerator", "denominator", "value", "note", "check_again", "version"])

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
                widget.attrs["aria-invalid"] = "true"

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if self.errors:
            return data
        checked = check_figures(
            self.indicator,
            numerator=data.get("numerator"),
            denominator=data.get("denominator"),
            value=data.get("value"),
        )
        for problem in checked.problems:
            self.add_error(problem.field if problem.field in self.fields else None, problem.message)
        if not checked.problems:
            data.update({name: getattr(checked, name) for name in FIGURE_FIELDS if name in self.fields})
        return data

    def row(self) -> dict:
        """The cleaned row as the service takes it."""
        data = self.cleaned_data
        return {
            "indicator": self.indicator,
            "numerator": data.get("numerator"),
            "denominator": data.get("denominator"),
            "value": data.get("value"),
            "note": data.get("note", ""),
            "check_again": data.get("check_again", False),
            "expected_version": data.get("version") or 0,
        }


class ReturnWindowForm(forms.Form):
    """Lãnh đạo returns a sent month to nhập liệu; the reason is kept in the readings' history."""

    reason = forms.CharField(label=_("Lý do trả lại"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class LockExceptionForm(forms.Form):
    """Lãnh đạo reopens entry of an expired window for the unit, with a reason and an expiry."""

    reason = forms.CharField(label=_("Lý do mở khóa"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
    expires_at = forms.DateTimeField(
        label=_("Mở đến hết"),
        input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_expires_at(self):
        expires_at = self.cleaned_data["expires_at"]
        if expires_at <= timezone.now():
            raise ValidationError(_("Thời hạn mở khóa phải sau thời điểm hiện tại."))
        return expires_at


def is_xlsx(upload) -> bool:
    """True when the file is really an Office Open XML package (a zip with [Content_Types].xml), whatever its name."""
    position = upload.tell() if hasattr(upload, "tell") else 0
    try:
        upload.seek(0)
        if not zipfile.is_zipfile(upload):
            return False
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
        return "[Content_Types].xml" in names and any(name.startswith("xl/") for name in names)
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        upload.seek(position)


class ReadingImportForm(forms.Form):
    """An Excel file of readings filled from the downloaded template (≤ 10 MB, a real .xlsx)."""

    file = forms.FileField(label=_("Tệp Excel số liệu (.xlsx)"), widget=VietnameseFileInput(attrs={"accept": ".xlsx"}))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.add_input(Submit("submit", _("Kiểm tra tệp"), css_class="btn-primary"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.UPLOAD_MAX_BYTES
        if upload.size > limit:
            raise ValidationError(
                _("Tệp quá lớn (%(size)s MB); tối đa %(limit)s MB.")
                % {"size": f"{upload.size / 1024 / 1024:.1f}".replace(".", ","), "limit": limit // (1024 * 1024)}
            )
        if not is_xlsx(upload):
            raise ValidationError(_("Tệp không phải là tệp Excel .xlsx hợp lệ. Hãy dùng tệp mẫu tải về từ hệ thống."))
        return upload
