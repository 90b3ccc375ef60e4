"""Form widgets that keep Vietnamese formats whatever the browser's language."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
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
