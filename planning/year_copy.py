"""Carrying a plan's text to a new year (pure: plain data in, plain data out, no database).

"Sao chép sang năm mới" copies the plan file's data; this module rewrites its words: the old year becomes the new
one in every text field ("trong năm 2024" → "trong năm 2026"), and a legal basis naming the old year (the 2024
decision the plan cites) is dropped, since next year's plan rests on next year's documents. Every change is
returned, so the person copying reviews each one before the draft goes further.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from django.utils.translation import gettext as _


class CopyChange(NamedTuple):
    """One change the copy made: where (a Vietnamese label), the text before and after ("" when dropped)."""

    field: str
    before: str
    after: str


def _year_pattern(year: int) -> re.Pattern[str]:
    # The year as a whole number: "2024" in "năm 2024" or "16/01/2024", never inside "120245".
    return re.compile(rf"(?<!\d){year}(?!\d)")


def carry_text_to_year(data: dict[str, Any], *, old_year: int, new_year: int) -> list[CopyChange]:
    """Rewrite the plan data's text fields in place for `new_year`; return every change made, in page order."""
    pattern, new = _year_pattern(old_year), str(new_year)
    changes: list[CopyChange] = []

    def carry(label: str, text: str | None) -> str | None:
        if not text or not pattern.search(text):
            return text
        after = pattern.sub(new, text)
        changes.append(CopyChange(label, text, after))
        return after

    for key, label in (("title", _("Tên kế hoạch")), ("purpose", _("Mục đích")), ("requirements", _("Yêu cầu"))):
        if key in data:
            data[key] = carry(label, data[key])
    kept = []
    for basis in data.get("legal_bases", []):
        if pattern.search(basis):
            changes.append(CopyChange(_("Căn cứ (đã bỏ vì nêu năm %(year)s)") % {"year": old_year}, basis, ""))
        else:
            kept.append(basis)
    data["legal_bases"] = kept
    data["recipients"] = [carry(_("Nơi nhận"), text) for text in data.get("recipients", [])]
    for number, period in enumerate(data.get("periods", []), start=1):
        period["name"] = carry(_("Đợt %(number)s: tên đợt") % {"number": number}, period.get("name"))
    for group in data.get("groups", []):
        group["name"] = carry(_("Khối %(code)s: tên khối") % {"code": group.get("code", "")}, group.get("name"))
    for criterion in data.get("criteria", []):
        code = criterion.get("code", "")
        criterion["name"] = carry(_("Tiêu chí %(code)s: tên") % {"code": code}, criterion.get("name"))
        if criterion.get("note"):
            criterion["note"] = carry(_("Tiêu chí %(code)s: ghi chú") % {"code": code}, criterion["note"])
    for task in data.get("tasks", []):
        task["title"] = carry(_("Nhiệm vụ %(code)s") % {"code": task.get("code", "")}, task.get("title"))
    return changes
