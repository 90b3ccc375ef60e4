"""The plan file: all-or-nothing import with every error named by its place, idempotent re-import, exact round trip."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command

from awards.models import AwardKind, Condition, DossierRequirement, QuotaRule
from campaigns.models import Group, Participant, Period, Person, Plan, PlanTask
from planning.plan_io import PlanFileError, copy_plan_to_year, export_plan, import_plan
from scoring.models import Criterion, Indicator

pytestmark = pytest.mark.django_db
PLANS = Path(__file__).resolve().parents[2] / "demo" / "plans"
MODELS = (
    Plan,
    Period,
    Group,
    Participant,
    PlanTask,
    Criterion,
    QuotaRule,
    Condition,
    DossierRequirement,
    Person,
    AwardKind,
    Indicator,
)

SMALL = """\
key: an-binh-2024
issuer: T-H-A
title: Thi đua chuyển đổi số xã An Bình năm 2024
start: 2024-01-01
end: 2024-12-31
status: active
total_points: 100
periods:
  - {name: Đợt 1, start: 2024-01-01, end: 2024-06-30, review_kind: so_ket}
  - {name: Đợt 2, start: 2024-07-01, end: 2024-12-31}
groups:
  - {code: bo-phan, name: Bộ phận}
participants:
  collectives:
    - {unit: T-H-A-VP, group: bo-phan}
criteria:
  - {code: so-hoa, name: Số hóa kết quả, indicator: 766-so-hoa-ket-qua, target: 90, max_points: 60, rule: linear}
  - {code: tuyen-truyen, name: Tuyên truyền bằng hình thức khác, indicator: tuyen-truyen-hinh-thuc-khac, max_points: 40}
quotas:
  - {award_kind: giay-khen-chu-tich-xa, group: bo-phan, max_collectives: 1, max_individuals: 2}
"""


def _counts() -> tuple[int, ...]:
    return tuple(model.objects.count() for model in MODELS)


def test_a_small_file_imports_and_importing_it_again_changes_nothing(org):
    first = import_plan(text=SMALL)
    assert first.created and first.plan.status == Plan.Status.ACTIVE
    counts = _counts()
    second = import_plan(text=SMALL)
    assert not second.created and second.plan.pk == first.plan.pk
    assert _counts() == counts


def test_reimporting_an_edited_file_updates_in_place(org):
    plan = import_plan(text=SMALL).plan
    edited = SMALL.replace("target: 90", "target: 95").replace("max_collectives: 1", "max_collectives: 2")
    import_plan(text=edited)
    assert Criterion.objects.get(plan=plan, code="so-hoa").target == 95
    assert QuotaRule.objects.get(plan=plan).max_collectives == 2
    assert Plan.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ("start: 2024-07-01, end: 2024-12-31", "start: 2024-13-01, end: 2024-12-31"),
            "Dòng 10, mục periods › 2 › start: Ngày «2024-13-01» không hợp lệ",
        ),
        (
            ("unit: T-H-A-VP", "unit: KHONG-CO"),
            "Dòng 15, mục participants › collectives › 1 › unit: Đơn vị «KHONG-CO» không có trong đơn vị của bạn.",
        ),
        (
            ("start: 2024-07-01, end: 2024-12-31", "start: 2024-06-01, end: 2024-12-31"),
            "Dòng 10, mục periods › 2 › start: Đợt «Đợt 2» trùng thời gian với đợt «Đợt 1».",
        ),
        (
            ("group: bo-phan, max_collectives", "group: khoi-la, max_collectives"),
            "Dòng 20, mục quotas › 1 › group: Khối «khoi-la» chưa được khai báo trong mục groups.",
        ),
        (
            ("target: 90", "target: 140"),
            "Dòng 17, mục criteria › 1 › target: Chỉ số tỷ lệ tính theo phần trăm: giá trị phải từ 0 đến 100.",
        ),
        (
            ("indicator: 766-so-hoa-ket-qua", "indicator: khong-co"),
            "Dòng 17, mục criteria › 1 › indicator: Không có chỉ số «khong-co» trong danh mục chỉ số.",
        ),
        (
            ("max_points: 40", "max_points: 30"),
            "Tổng điểm tối đa của các tiêu chí (90,00) phải bằng tổng điểm của kế hoạch (100,00).",
        ),
        (("issuer: T-H-A", "isuer: T-H-A"), "Dòng 2, mục isuer: Mục «isuer» không có trong định dạng tệp kế hoạch"),
    ],
)
def test_a_broken_file_names_the_error_and_leaves_the_database_unchanged(org, change, expected):
    import_plan(text=SMALL.replace("an-binh-2024", "da-co-truoc"))  # something already there must survive
    before = _counts()
    with pytest.raises(PlanFileError) as error:
        import_plan(text=SMALL.replace(*change))
    assert any(message.startswith(expected) for message in error.value.errors), error.value.errors
    assert _counts() == before


def test_every_error_is_reported_at_once(org):
    broken = SMALL.replace("target: 90", "target: 140").replace("unit: T-H-A-VP", "unit: KHONG-CO")
    with pytest.raises(PlanFileError) as error:
        import_plan(text=broken)
    assert len(error.value.errors) == 2


def test_yaml_syntax_error_names_its_line(org):
    with pytest.raises(PlanFileError, match="viết sai quy cách ở dòng 2: dấu “:” đặt sai chỗ"):
        import_plan(text="key: a b\n  title: b\nperiods: []\n")


def test_the_command_refuses_a_broken_file_in_vietnamese(org, tmp_path):
    path = tmp_path / "hong.yaml"
    path.write_text(SMALL.replace("target: 90", "target: 140"), encoding="utf-8")
    with pytest.raises(CommandError, match="không nhập được, dữ liệu không thay đổi"):
        call_command("import_plan", str(path))
    assert not Plan.objects.exists()


@pytest.mark.parametrize("name", sorted(path.name for path in PLANS.glob("*.yaml")))
def test_export_import_into_an_empty_database_export_gives_the_same_file(name, django_db_blocker):
    call_command("load_demo", "--quiet-logins", "--plans-only")
    first = export_plan(plan=Plan.objects.get(key=import_plan(text=(PLANS / name).read_text("utf-8")).plan.key))
    Plan.objects.all().delete()
    assert not Plan.objects.exists()
    again = import_plan(text=first)
    assert again.created
    assert export_plan(plan=again.plan) == first


def test_command_line_round_trip(org, tmp_path, capsys):
    source = tmp_path / "plan.yaml"
    source.write_text(SMALL, encoding="utf-8")
    call_command("import_plan", str(source))
    call_command("export_plan", "an-binh-2024", "-o", str(tmp_path / "out.yaml"))
    exported = (tmp_path / "out.yaml").read_text(encoding="utf-8")
    assert "indicator: 766-so-hoa-ket-qua" in exported and "issuer: T-H-A" in exported
    call_command("import_plan", str(tmp_path / "out.yaml"))
    assert Plan.objects.count() == 1


def test_people_without_a_code_travel_by_name_and_unit(org):
    person = Person.objects.create(full_name="Nguyễn Thị Mới", unit=org.section_a, position="Công chức")
    plan = import_plan(text=SMALL).plan
    Participant.objects.create(
        plan=plan,
        kind="individual",
        person=person,
        unit=person.unit,
        name=person.full_name,
        position=person.position,
        unit_name=person.unit.name,
    )
    text = export_plan(plan=plan)
    assert "{full_name: Nguyễn Thị Mới, unit: T-H-A-VP, position: Công chức}" in text
    Plan.objects.all().delete()
    again = import_plan(text=text).plan
    assert again.participants.get(kind="individual").person == person
    assert Person.objects.filter(full_name="Nguyễn Thị Mới").count() == 1


def test_copy_to_a_new_year_makes_a_draft_with_shifted_dates(org):
    plan = import_plan(text=SMALL).plan
    copy = copy_plan_to_year(plan=plan, year=2025, by=org.chairman_a)
    assert copy.status == Plan.Status.DRAFT and copy.key == "an-binh-2025"
    assert copy.title == "Thi đua chuyển đổi số xã An Bình năm 2025"
    assert [(p.start, p.end) for p in copy.periods.order_by("order")] == [
        (dt.date(2025, 1, 1), dt.date(2025, 6, 30)),
        (dt.date(2025, 7, 1), dt.date(2025, 12, 31)),
    ]
    assert copy.criteria.count() == 2 and copy.quota_rules.count() == 1 and copy.participants.count() == 1
    assert Plan.objects.get(pk=plan.pk).status == Plan.Status.ACTIVE


def test_only_leaders_and_administrators_of_the_issuer_may_import_or_copy(org):
    with pytest.raises(PermissionDenied):
        import_plan(text=SMALL, by=org.staff_a)
    with pytest.raises(PermissionDenied):
        import_plan(text=SMALL, by=org.noi_vu)
    with pytest.raises(PermissionDenied):
        import_plan(text=SMALL, by=org.chairman_b)
    assert not Plan.objects.exists()
    assert import_plan(text=SMALL, by=org.admin_a).created


def test_the_documented_example_imports_and_round_trips(org):
    doc = (PLANS.parents[1] / "docs" / "plan-format.md").read_text(encoding="utf-8")
    example = doc.split("## A complete example", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    plan = import_plan(text=example).plan
    assert plan.number_display == "15/KH-UBND" and plan.status == Plan.Status.ACTIVE
    assert plan.criteria.get(code="nop-truc-tuyen").bands == [[50, 20], [30, 10], [0, 0]]
    assert plan.tasks.get().progress_percent == 60
    text = export_plan(plan=plan)
    Plan.objects.all().delete()
    assert export_plan(plan=import_plan(text=text).plan) == text


BANDED = SMALL.replace(
    "target: 90, max_points: 60, rule: linear}",
    "target: 70, max_points: 60, rule: bands, bands: [[30, 20], [50, 40], [70, 60]]}",
)


def test_bands_import_in_any_order_and_are_stored_and_exported_best_first(org):
    plan = import_plan(text=BANDED).plan
    assert Criterion.objects.get(plan=plan, code="so-hoa").bands == [[70, 60], [50, 40], [30, 20]]
    exported = yaml.safe_load(export_plan(plan=plan))
    assert next(c for c in exported["criteria"] if c["code"] == "so-hoa")["bands"] == [[70, 60], [50, 40], [30, 20]]


def test_two_bands_with_one_threshold_are_refused(org):
    with pytest.raises(PlanFileError) as error:
        import_plan(text=BANDED.replace("[50, 40]", "[30, 40]"))
    assert "criteria › 1 › bands: Khung 2: ngưỡng 30 bị lặp." in str(error.value)


def test_a_relative_criterion_needs_no_target_and_any_other_rule_does(org):
    relative = SMALL.replace("target: 90, max_points: 60, rule: linear}", "max_points: 60, rule: relative}")
    plan = import_plan(text=relative).plan
    assert Criterion.objects.get(plan=plan, code="so-hoa").target is None
    assert "target" not in export_plan(plan=plan).split("code: so-hoa")[1].split("code: tuyen-truyen")[0]
    with pytest.raises(PlanFileError, match="target"):
        import_plan(text=SMALL.replace("target: 90, max_points: 60, rule: linear}", "max_points: 60, rule: linear}"))
