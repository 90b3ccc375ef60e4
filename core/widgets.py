"""Form widgets that keep Vietnamese formats whatever the browser's language."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from core.formatting import decimal_text, parse_decimal

DATE_PATTERN = r"\d{1,2}/\d{1,2}/\d{4}|\d{4}-\d{2}-\d{2}"


class VietnameseDateInput(forms.DateInput):
    """A date typed and shown as dd/mm/yyyy. A native ``<input type="date">`` follows the browser's language
    (mm/dd/yyyy in an English Chromium: "12/03/2026" for 3 December); this text input does not. The field parses it
    with DATE_INPUT_FORMATS (config/formats/vi): 03/12/2026, and 2026-12-03 as well."""

    input_type = "text"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        defaults = {
            "placeholder": "dd/mm/yyyy",
            "inputmode": "numeric",
            "autocomplete": "off",
            "pattern": DATE_PATTERN,
            "title": "Ngày/tháng/năm, ví dụ 03/12/2026",
        }
        super().__init__(attrs={**defaults, **(attrs or {})}, format="%d/%m/%Y")


class VietnameseDecimalInput(forms.TextInput):
    """A decimal shown with a comma ("4,5", not "4.50"): a native ``<input type="number">`` shows the dot whatever
    the page's language. The field (VietnameseDecimalField) reads "4,5" and "4.5" alike."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        defaults = {"inputmode": "decimal", "autocomplete": "off", "title": "Số thập phân dùng dấu phẩy, ví dụ 4,5"}
        super().__init__(attrs={**defaults, **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, (Decimal, int, float)) and not isinstance(value, bool):
            return decimal_text(value)
        return super().format_value(value)


class VietnameseDecimalField(forms.DecimalField):
    """A DecimalField typed Vietnamese style (core.formatting.parse_decimal), with its limits checked as Django's."""

    widget = VietnameseDecimalInput
    default_error_messages = {"invalid": _("Nhập một số, ví dụ 4,5.")}

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]  # the stubs type it as IntegerField's
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            return value
        try:
            return parse_decimal(str(value))
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return forms.Field.widget_attrs(self, widget)  # no min/max/step: those belong to a type="number" input


def use_vietnamese_decimals(fields: dict[str, forms.Field]) -> None:
    """Swap a form's DecimalFields (a ModelForm makes them from the model) for VietnameseDecimalField, keeping their
    label, help text, limits and whether they are required. Called from the forms' __init__."""
    for name, field in list(fields.items()):
        if isinstance(field, forms.DecimalField) and not isinstance(field, VietnameseDecimalField):
            replacement = VietnameseDecimalField(
                max_value=field.max_value,
                min_value=field.min_value,
                max_digits=field.max_digits,
                decimal_places=field.decimal_places,
                required=field.required,
                label=field.label,
                help_text=field.help_text,
                initial=field.initial,
                disabled=field.disabled,
                widget=VietnameseDecimalInput(
                    attrs={k: v for k, v in field.widget.attrs.items() if k not in ("step", "min", "max")}
                ),
            )
            replacement.error_messages.update(
                {
                    k: v
                    for k, v in field.error_messages.items()
                    if k not in ("invalid", "max_digits", "max_decimal_places")
                }
            )
            fields[name] = replacement


class VietnameseFileInput(forms.FileInput):
    """A file input that speaks Vietnamese whatever the browser's language. Chromium draws ``<input type="file">`` in
    its own language ("Choose File / No file chosen" in an English browser) and that text cannot be restyled, so the
    real input is visually hidden but stays the control a keyboard and a screen reader reach (Tab, then Space or
    Enter opens the picker); a label drawn as a button says "Chọn tệp…" and a live line says which file was chosen,
    "Chưa chọn tệp" before (static/js/file_input.js keeps it current). Every form's file field uses this widget:
    tests/core/test_file_inputs.py fails on a bare one."""

    CHOOSE = "Chọn tệp…"
    NONE_CHOSEN = "Chưa chọn tệp"

    def use_required_attribute(self, initial: Any) -> bool:
        # The browser's own "Please select a file." bubble is in its language too: the form says it, in Vietnamese.
        return False

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        attrs = dict(attrs or {})
        input_id = attrs.get("id") or self.attrs.get("id") or f"id_{name}"
        name_id = f"{input_id}_ten_tep"
        described = " ".join(filter(None, [attrs.get("aria-describedby", ""), name_id]))
        given = f"{self.attrs.get('class', '')} {attrs.get('class', '')}".split()
        classes = " ".join(dict.fromkeys(c for c in given if c != "form-control"))
        attrs.update(
            {"id": input_id, "class": f"{classes} vn-file-input visually-hidden".strip(), "aria-describedby": described}
        )
        control = super().render(name, value, attrs, renderer)
        multiple = "multiple" in {**self.attrs, **attrs}
        return format_html(
            '<div class="vn-file" data-none-chosen="{none}"{multiple}>{control}'
            '<label for="{id}" class="btn btn-outline-primary vn-file-button">'
            '<i class="bi bi-paperclip" aria-hidden="true"></i> {choose}</label>'
            '<span class="vn-file-name text-break" id="{name_id}" aria-live="polite">{none}</span></div>',
            control=control,
            id=input_id,
            name_id=name_id,
            choose=self.CHOOSE,
            none=self.NONE_CHOSEN,
            multiple=mark_safe(' data-multiple="1"') if multiple else "",
        )
