"""Every file input speaks Vietnamese (issue 19, point 9): Chromium draws a bare ``<input type="file">`` in its own
language ("Choose File / No file chosen" in an English browser), so every form's file field uses
core.widgets.VietnameseFileInput ("Chọn tệp…", then the chosen file's name, "Chưa chọn tệp" before) and no template
writes a file input of its own."""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import pytest
from crispy_forms.utils import render_crispy_form
from django import forms

from core.widgets import VietnameseFileInput

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("core", "campaigns", "scoring", "awards", "planning", "api")
FILE_INPUT = re.compile(r"<input[^>]*type=\"file\"[^>]*>")


def _all_forms() -> list[type[forms.BaseForm]]:
    """Every form class the app defines, found by importing its modules (views included: some forms live there)."""
    for package in PACKAGES:
        module = importlib.import_module(package)
        for info in pkgutil.walk_packages(module.__path__, f"{package}."):
            if ".migrations" not in info.name and ".management" not in info.name:
                importlib.import_module(info.name)
    found, todo = [], [forms.BaseForm]
    while todo:
        cls = todo.pop()
        todo += cls.__subclasses__()
        if cls.__module__.split(".")[0] in PACKAGES:
            found.append(cls)
    return found


def _file_fields() -> list[tuple[str, str, forms.Field]]:
    return [
        (f"{form.__module__}.{form.__qualname__}", name, field)
        for form in _all_forms()
        for name, field in getattr(form, "base_fields", {}).items()
        if isinstance(field, forms.FileField)
    ]


def test_the_app_has_the_file_fields_this_test_guards():
    # plan upload, readings import, report import and its profile, evidence, dossier documents, signed PDF, trust
    # anchors, org import: if the walk found none, the next test would pass for nothing.
    assert len(_file_fields()) >= 9


@pytest.mark.parametrize(("form", "name", "field"), _file_fields(), ids=lambda value: str(value)[:60])
def test_every_file_field_uses_the_vietnamese_control(form, name, field):
    assert isinstance(field.widget, VietnameseFileInput), f"{form}.{name} vẽ ô chọn tệp của trình duyệt (tiếng Anh)"


class UploadForm(forms.Form):
    file = forms.FileField(label="Tệp kế hoạch", widget=VietnameseFileInput(attrs={"accept": ".xlsx"}))


def test_the_control_says_choose_a_file_and_none_chosen_in_vietnamese_through_crispy():
    html = render_crispy_form(UploadForm())

    inputs = FILE_INPUT.findall(html)
    assert len(inputs) == 1 and "vn-file-input visually-hidden" in inputs[0]
    assert "required" not in inputs[0]  # the browser would say "Please select a file." in its own language
    assert 'aria-describedby="id_file_ten_tep"' in inputs[0] and 'accept=".xlsx"' in inputs[0]
    assert '<label for="id_file" class="btn btn-outline-primary vn-file-button">' in html and "Chọn tệp…" in html
    assert '<span class="vn-file-name text-break" id="id_file_ten_tep" aria-live="polite">Chưa chọn tệp</span>' in html
    assert "form-control" not in inputs[0]  # Bootstrap's styled native input would show the English text again


def test_an_error_stays_visible_below_the_control():
    form = UploadForm(data={}, files={})
    html = render_crispy_form(form)
    assert "is-invalid" in FILE_INPUT.findall(html)[0] and "invalid-feedback" in html


def test_no_template_writes_a_file_input_of_its_own():
    raw = [
        str(path.relative_to(ROOT))
        for folder in ("templates", *PACKAGES)
        for path in (ROOT / folder).rglob("*.html")
        if 'type="file"' in path.read_text(encoding="utf-8") or "type=file" in path.read_text(encoding="utf-8")
    ]
    assert raw == []
