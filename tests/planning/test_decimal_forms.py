"""Decimals with a comma in every form (issue 19, point 7: the criteria editor showed "4.00"): shown "4,5", typed as
"4,5" or "4.5"."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from core.formatting import decimal_text, parse_decimal
from core.widgets import VietnameseDecimalField
from planning.plan_io import import_plan
from tests.campaigns.test_plan_io import SMALL

# An input (or a textarea) whose value is a number written with a dot: "4.00", "92.50".
DOT_DECIMAL = re.compile(r'<input[^>]*\bvalue="-?\d+\.\d+"[^>]*>')


@pytest.mark.parametrize(
    ("typed", "number"),
    [("4,5", "4.5"), ("4.5", "4.5"), ("92,5%", "92.5"), ("1.234,5", "1234.5"), (" 60 ", "60"), ("0,15", "0.15")],
)
def test_a_number_is_read_with_a_comma_or_a_dot(typed, number):
    assert parse_decimal(typed) == Decimal(number)


@pytest.mark.parametrize("typed", ["bốn", "4,5,6", "NaN", ""])
def test_what_is_not_a_number_is_refused(typed):
    with pytest.raises(ValueError):
        parse_decimal(typed)


def test_a_number_is_written_back_with_a_comma_and_no_trailing_zeros():
    assert [decimal_text(Decimal(v)) for v in ("4.00", "92.50", "0.150", "100")] == ["4", "92,5", "0,15", "100"]


def test_the_field_reads_both_marks_and_says_why_it_refuses():
    field = VietnameseDecimalField(max_digits=5, decimal_places=2)
    assert field.clean("4,5") == Decimal("4.5") == field.clean("4.5")
    with pytest.raises(Exception, match="Nhập một số, ví dụ 4,5."):
        field.clean("bốn")


@pytest.mark.django_db
def test_no_plan_form_shows_a_dot_decimal(client, org):
    plan = import_plan(
        text=SMALL.replace("max_points: 60", "max_points: 57.5").replace("max_points: 40", "max_points: 42.5")
        + "vote_threshold: 66.5\n"
    ).plan
    client.force_login(org.chairman_a)
    pages = {
        name: client.get(reverse(name, args=[plan.pk])).content.decode()
        for name in ("planning:plan_edit", "planning:plan_rules_criteria", "planning:plan_rules_awards")
    }
    pages["planning:plan_create"] = client.get(reverse("planning:plan_create")).content.decode()
    for name, page in pages.items():
        assert not DOT_DECIMAL.findall(page), name
    assert 'value="57,5"' in pages["planning:plan_rules_criteria"]
    assert 'value="66,5"' in pages["planning:plan_edit"]


@pytest.mark.django_db
def test_a_criterion_typed_with_a_comma_is_saved(client, org):
    plan = import_plan(text=SMALL.replace("status: active", "status: draft")).plan
    client.force_login(org.chairman_a)
    url = reverse("planning:plan_rules_criteria", args=[plan.pk])
    page = client.get(url).content.decode()
    form = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page))
    form.update(
        {
            k: v
            for k, v in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>.*?<option value="([^"]*)" selected', page, re.S)
        }
    )
    form.update(dict(re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>\s*([^<]*)</textarea>', page)))
    prefix = next(k for k in form if k.endswith("-0-max_points")).removesuffix("-0-max_points")
    form[f"{prefix}-0-max_points"], form[f"{prefix}-1-max_points"] = "57,5", "42.5"
    response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert sorted(c.max_points for c in plan.criteria.all()) == [Decimal("42.5"), Decimal("57.5")]
