"""Dates are typed and shown dd/mm/yyyy whatever the browser's language (issue 19, point 7): a native date input
shows mm/dd/yyyy in an English browser ("12/03/2026" for 3 December), so no form uses one."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django import forms

from core.widgets import VietnameseDateInput

ROOT = Path(__file__).resolve().parent.parent
APPS = ("core", "campaigns", "scoring", "awards", "planning", "api", "templates")


class Form(forms.Form):
    on = forms.DateField(label="Ngày", widget=VietnameseDateInput())


def test_a_date_is_shown_day_first_and_typed_either_way():
    html = str(Form(initial={"on": dt.date(2026, 12, 3)})["on"])
    assert 'value="03/12/2026"' in html and 'type="text"' in html and 'placeholder="dd/mm/yyyy"' in html
    for typed in ("03/12/2026", "3/12/2026", "2026-12-03"):
        form = Form({"on": typed})
        assert form.is_valid(), typed
        assert form.cleaned_data["on"] == dt.date(2026, 12, 3)
    bad = Form({"on": "12/31/2026"})  # month first: refused, not read as another day
    assert not bad.is_valid()


def test_no_page_uses_the_browsers_own_date_input():
    native = [
        f"{path.relative_to(ROOT)}"
        for app in APPS
        for path in (ROOT / app).rglob("*")
        if path.suffix in {".py", ".html"}
        and "migrations" not in path.parts
        and path.name != "widgets.py"
        and ('"type": "date"' in (text := path.read_text(encoding="utf-8")) or 'type="date"' in text)
    ]
    assert native == []
