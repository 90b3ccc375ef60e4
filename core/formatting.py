"""Vietnamese number and date formatting (pure functions, no Django settings needed)."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation


def format_number(value: int | Decimal | float | None, places: int = 0) -> str:
    """1234567 → "1.234.567"; Decimal("92.5"), 2 → "92,50"; None → "—"."""
    if value is None:
        return "—"
    quantum = Decimal(1).scaleb(-places)
    number = Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)
    sign = "-" if number < 0 else ""
    text = f"{abs(number):.{places}f}"
    whole, _, fraction = text.partition(".")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    result = ".".join(groups)
    return f"{sign}{result},{fraction}" if places else f"{sign}{result}"


def format_percent(value: Decimal | float | None, places: int = 2) -> str:
    """Decimal("92.5") → "92,50%"."""
    return "—" if value is None else f"{format_number(value, places)}%"


def official_date(day: dt.date) -> str:
    """The date as written in official documents: "ngày 05 tháng 02 năm 2024" (months 1–2 and days < 10 padded)."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def short_date(day: dt.date | None) -> str:
    return "—" if day is None else f"{day:%d/%m/%Y}"


def cut_title(title: str, year: int, limit: int = 70) -> str:
    """A long title cut at a word boundary, never before its year: the year is what tells two plans apart.

    "Thi đua chuyển đổi số xã An Bình năm 2024 trên địa bàn…" keeps "…năm 2024" even when the year lies past
    `limit`; a title without its year is cut at `limit`. A cut title ends with "…"."""
    title = " ".join(title.split())
    if len(title) <= limit:
        return title
    at = title.find(str(year))
    keep = max(limit, at + len(str(year))) if at >= 0 else limit
    if keep >= len(title):
        return title
    end = title.find(" ", keep)  # the word holding the year (or the limit) is kept whole: “…năm 2024”” stays
    if end < 0:
        return title
    return title[:end].rstrip(" ,;:-–") + "…"


def parse_decimal(text: str) -> Decimal:
    """A number typed Vietnamese style or with a dot: "4,5", "4.5", "92,5%", "1.234,5" → Decimal; ValueError else.

    With a comma, the comma is the decimal mark and dots group thousands ("1.234,5"); without one, a single dot is
    the decimal mark ("4.5"), the way a number is copied from a spreadsheet or typed on an English keyboard."""
    cleaned = text.strip().rstrip("%").strip().replace(" ", "")
    if "," in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    try:
        number = Decimal(cleaned)
    except InvalidOperation as error:
        raise ValueError(text) from error
    if not number.is_finite():
        raise ValueError(text)
    return number


def decimal_text(value: Decimal | int | float | None) -> str:
    """A number as typed back into a form: Decimal("4.00") → "4", Decimal("92.50") → "92,5" (comma, no grouping)."""
    if value is None:
        return ""
    number = Decimal(str(value))
    if number == number.to_integral_value():
        return str(number.quantize(Decimal(1)))
    return format(number.normalize(), "f").replace(".", ",")


HISTORY_REASON_MAX = 100  # django-simple-history's history_change_reason column


def history_reason(text: str) -> str:
    """A reason as a history row can hold it: PostgreSQL refuses more than the column's 100 characters (SQLite does
    not), so a longer one is cut at a word with "…"; the full text lives where the event keeps it (WindowReturn,
    the nomination's or decision's own field)."""
    text = " ".join(str(text).split())
    if len(text) <= HISTORY_REASON_MAX:
        return text
    cut = text[: HISTORY_REASON_MAX - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > HISTORY_REASON_MAX // 2 else cut).rstrip(" ,;:") + "…"
