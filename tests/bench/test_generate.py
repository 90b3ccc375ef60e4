"""The benchmark's generator at small scale: a valid treebeard tree, the expected rows, the same data from a seed."""

from __future__ import annotations

import datetime as dt
import random
from itertools import islice
from types import SimpleNamespace

import pytest

from bench.generate import CRITERIA, INDICATORS, _build_org, _reading_rows, expected_counts, generate, windows_ending
from campaigns.models import Participant, Person, Plan, Unit
from scoring.models import Criterion, Reading

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 23)


def test_small_scale_builds_a_tree_treebeard_accepts():
    made = generate(scale="small", seed=1, today=TODAY)

    assert Unit.objects.find_problems() == ([], [], [], [], [])
    province = Unit.objects.get(code="BS")
    commune = Unit.objects.get(code="BS-X001")
    assert province.depth == 1 and province.numchild == 1
    assert [u.code for u in Unit.objects.get_children(commune)] == [f"BS-X001-{i:02d}" for i in range(1, 9)]
    assert Unit.objects.get_descendants(province).count() == 9
    assert list(Unit.objects.get_ancestors(Unit.objects.get(code="BS-X001-08"))) == [province, commune]
    assert made.issuer_id == commune.pk
    # The manager API still works on the bulk-built tree: a new section goes after the eighth.
    added = Unit.objects.add_child(
        commune, {"code": "BS-X001-09", "name": "Bộ phận mới", "short_name": "Mới", "kind": "bo_phan"}
    )
    assert added.path == commune.path + "0009"


def test_small_scale_has_the_expected_rows():
    made = generate(scale="small", seed=1, today=TODAY)
    expected = expected_counts("small")

    plan = Plan.objects.get(pk=made.plan_id)
    assert Person.objects.count() == 20
    assert Participant.objects.filter(plan=plan, kind="collective").count() == expected["collectives"] == 8
    assert Participant.objects.filter(plan=plan, kind="individual").count() == expected["individuals"] == 20
    assert Reading.objects.filter(period_id=made.period_id).count() == expected["readings"] == 28 * 20 * 12
    assert made.counts["readings"] == expected["readings"]
    assert Criterion.objects.filter(plan=plan).count() == len(CRITERIA) == 20
    assert set(Criterion.objects.filter(plan=plan).values_list("rule", flat=True)) == {
        "threshold",
        "linear",
        "bands",
        "relative",
    }
    kinds = set(Criterion.objects.filter(plan=plan).values_list("indicator__kind", "indicator__direction"))
    assert kinds == {
        ("rate", "higher"),
        ("rate", "lower"),
        ("count", "higher"),
        ("count", "lower"),
        ("boolean", "higher"),
    }
    assert Criterion.objects.filter(
        plan=plan, rule="linear", indicator__direction="lower", worst__isnull=False
    ).exists()
    # Only the current month is still a draft; the eleven before it were sent.
    assert Reading.objects.filter(status="draft").values("window_start").distinct().count() == 1
    assert Reading.objects.filter(status="draft").first().window_start == dt.date(2026, 11, 1)
    assert len(made.staff_usernames) == 16


def test_same_seed_same_tree_and_figures_another_seed_others():
    def sample(seed: int) -> tuple[list, list]:
        rng = random.Random(f"national:{seed}")
        org = _build_org("national", rng)
        indicators = [
            SimpleNamespace(pk=i, code=code, kind=kind, direction=direction)
            for i, (code, _n, kind, direction, _a, _u) in enumerate(INDICATORS)
        ]
        rows = list(islice(_reading_rows(rng, list(range(50)), indicators, windows_ending(TODAY)), 5000))
        return [(u.path, u.name) for u in org.tree.units], rows

    first, again, other = sample(1), sample(1), sample(2)

    assert first == again
    assert first[1] != other[1] and first[0] != other[0]
    units = first[0]
    assert len(units) == 1 + 34 + 3321 + 3 * 3321
    assert len({path for path, _name in units}) == len(units)


def test_twelve_monthly_windows_end_with_the_current_month():
    windows = windows_ending(TODAY)
    assert len(windows) == 12
    assert windows[0] == (dt.date(2025, 12, 1), dt.date(2025, 12, 31))
    assert windows[-1] == (dt.date(2026, 11, 1), dt.date(2026, 11, 30))
