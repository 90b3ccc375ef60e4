"""Form widgets that keep Vietnamese formats whatever the browser's language."""

from __future__ import annotations

from typing import Any

from django import forms

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
