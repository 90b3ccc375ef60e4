"""Template filters for Vietnamese numbers and dates."""

from __future__ import annotations

from django import template

from core import formatting

register = template.Library()


@register.filter
def vn_number(value, places: int = 0) -> str:
    return formatting.format_number(value, int(places))


@register.filter
def vn_percent(value, places: int = 2) -> str:
    return formatting.format_percent(value, int(places))


@register.filter
def official_date(value) -> str:
    return formatting.official_date(value) if value else ""


@register.filter
def vn_date(value) -> str:
    return formatting.short_date(value)


@register.filter
def vn_decimal(value) -> str:
    """A number as typed, with a comma and no trailing zeros: 4.50 → "4,5", 90.00 → "90"."""
    return formatting.decimal_text(value)
