"""Template filters for Vietnamese numbers and dates."""

from __future__ import annotations

import difflib
import re

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

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


@register.filter
def marked_change(change: dict, side: str) -> str:
    """One side ("before" or "after") of a {before, after} change with the words that differ in <mark>, so a reader
    finds the rewritten year inside a long paragraph; line breaks kept."""
    before, after = (re.findall(r"\S+|\s+", change.get(key, "")) for key in ("before", "after"))
    words, other = (before, after) if side == "before" else (after, before)
    changed: set[int] = set()
    matcher = difflib.SequenceMatcher(a=words, b=other, autojunk=False)
    for tag, start, end, _other_start, _other_end in matcher.get_opcodes():
        if tag != "equal":
            changed.update(range(start, end))
    html = "".join(
        format_html("<mark>{}</mark>", word) if index in changed and not word.isspace() else escape(word)
        for index, word in enumerate(words)
    )
    return mark_safe(html.replace("\n", "<br>"))  # every word is escaped above
