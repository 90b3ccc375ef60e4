"""The five seed plans ship as plan files, import, and say what their documents say."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command

from awards.models import AwardKind, QuotaRule
from campaigns.models import Membership, Participant, Plan, PlanTask, Unit
from scoring.models import Criterion, Indicator

pytestmark = pytest.mark.django_db
PLANS = Path(__file__).resolve().parents[2] / "demo" / "plans"


@pytest.fixture
def demo(db):
    call_command("load_demo", "--quiet-logins", "--plans-only")


def _plan(key: str) -> Plan:
    return Plan.objects.select_related("issuer").get(key=key)


def test_five_seed_plans_ship_and_load_active(demo):
    assert sorted(path.name for path in PLANS.glob("*.yaml")) == [
        "bao-cuong-2024.yaml",
        "duc-pho-2023.yaml",
        "hoang-viet-2024.yaml",
        "ninh-thuan-2023.yaml",
        "tay-hieu-2024.yaml",
    ]
    assert Plan.objects.count() == 5
    assert set(Plan.objects.values_list("status", flat=True)) == {Plan.Status.ACTIVE}
    for plan in Plan.objects.all():
        assert sum(c.max_points for c in plan.criteria.all()) == plan.total_points == 100


def test_tay_hieu_two_periods_and_giay_khen_for_one_collective_and_two_individuals(demo):
    plan = _plan("tay-hieu-2024-chuyen-doi-so")
    assert plan.issuer.code == "NA-TAYHIEU" and plan.kind == Plan.Kind.CHUYEN_DE
    assert [(p.name, p.start, p.end, p.review_kind) for p in plan.periods.order_by("order")] == [
        ("Đợt 1", dt.date(2024, 1, 1), dt.date(2024, 6, 30), "so_ket"),
        ("Đợt 2", dt.date(2024, 7, 1), dt.date(2024, 11, 30), "tong_ket"),
    ]
    quota = QuotaRule.objects.get(plan=plan)
    assert quota.award_kind.name == "Giấy khen của Chủ tịch Ủy ban nhân dân xã"
    assert (quota.max_collectives, quota.max_individuals, quota.period, quota.group) == (1, 2, None, None)
    targets = {c.indicator.code: (c.comparison, c.target) for c in plan.criteria.select_related("indicator")}
    assert targets["766-so-hoa-thanh-phan"] == ("gte", Decimal("90.00"))
    assert targets["766-so-hoa-ket-qua"] == ("gte", Decimal("75.00"))
    assert targets["766-qua-han"][0] == "lte"
    assert plan.criteria.count() == 13
    assert plan.criteria.get(code="tuyen-truyen").indicator.kind == Indicator.Kind.BOOLEAN
    # Collectives are the commune's sections, individuals its officials.
    sections = set(Unit.objects.filter(code__startswith="NA-TAYHIEU-").values_list("pk", flat=True))
    collectives = plan.participants.filter(kind=Participant.Kind.COLLECTIVE)
    assert set(collectives.values_list("unit", flat=True)) == sections
    assert plan.participants.filter(kind=Participant.Kind.INDIVIDUAL, person__code__startswith="TH-").count() == 6
    # The chairman and the deputy sign the award: they are not among those it could commend.
    assert not plan.participants.filter(person__code__in=["TH-01", "TH-02"]).exists()
    assert plan.conditions.filter(applies_to="collective").count() == 3
    assert plan.conditions.filter(applies_to="individual").count() == 3


def test_ninh_thuan_bang_khen_18_collectives_and_18_individuals_by_group(demo):
    plan = _plan("ninh-thuan-2023-cao-diem-tthc")
    assert plan.issuer.code == "NT" and plan.end == dt.date(2023, 12, 31)
    period = plan.periods.get()
    assert period.dossier_deadline == dt.date(2023, 12, 5)
    quotas = {q.group.code: q for q in QuotaRule.objects.filter(plan=plan).select_related("group", "award_kind")}
    assert {
        code: (q.max_collectives, q.max_individuals, q.individuals_per_collective) for code, q in quotas.items()
    } == {"so-nganh": (3, 3, 1), "huyen-thanh-pho": (2, 2, 1), "xa-phuong-thi-tran": (13, 13, 1)}
    assert {q.award_kind.name for q in quotas.values()} == {"Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh"}
    assert sum(q.max_collectives for q in quotas.values()) == 18
    assert sum(q.max_individuals for q in quotas.values()) == 18
    # Each group has more candidates than its quota, and each collective has one enrolled official.
    for code, quota in quotas.items():
        group = plan.groups.get(code=code)
        collectives = group.participants.filter(kind=Participant.Kind.COLLECTIVE)
        assert collectives.count() > quota.max_collectives
        for collective in collectives:
            assert plan.participants.filter(kind=Participant.Kind.INDIVIDUAL, person__unit=collective.unit).exists()


def test_bao_cuong_one_collective_two_individuals_dossier_documents_and_deadline(demo):
    plan = _plan("bao-cuong-2024-chung-tay-cchc")
    quota = QuotaRule.objects.get(plan=plan)
    assert (quota.award_kind.code, quota.max_collectives, quota.max_individuals) == ("giay-khen-chu-tich-xa", 1, 2)
    assert list(plan.dossier_requirements.order_by("order").values_list("name", flat=True)) == [
        "Tờ trình khen thưởng của cơ quan",
        "Biên bản họp của cơ quan",
        "Báo cáo thành tích tập thể, cá nhân",
    ]
    assert plan.periods.get().dossier_deadline == dt.date(2024, 12, 10)
    assert plan.signer_name == "Phan Thanh Nam"
    assert plan.conditions.count() == 7


def test_duc_pho_thirty_days_weekly_with_its_four_targets(demo):
    plan = _plan("duc-pho-2023-cao-diem-dvctt")
    assert (plan.start, plan.end, plan.kind, plan.frequency) == (
        dt.date(2023, 8, 14),
        dt.date(2023, 9, 14),
        Plan.Kind.CAO_DIEM,
        Plan.Frequency.WEEKLY,
    )
    criteria = {c.code: c for c in plan.criteria.all()}
    assert (criteria["xu-ly-truc-tuyen"].comparison, criteria["xu-ly-truc-tuyen"].target) == ("gte", 85)
    assert criteria["so-hoa-ho-so"].target == criteria["so-hoa-ket-qua"].target == 100
    assert criteria["bao-cao-truc-tuyen"].target == 50
    overdue = criteria["khong-qua-han"]
    assert (overdue.comparison, overdue.target, overdue.worst) == ("lte", 0, 5)
    communes = plan.participants.filter(unit__kind__in=["xa", "phuong"])
    assert communes.count() == 15
    assert plan.participants.filter(unit__kind__in=["phong", "khoi"]).exists()
    assert not plan.quota_rules.exists()  # the document names no award


def test_hoang_viet_tasks_with_advising_and_executing_sections_due_30_11_2024(demo):
    plan = _plan("hoang-viet-2024-chi-so-cchc")
    tasks = list(plan.tasks.select_related("lead_unit").prefetch_related("executing_units"))
    assert len(tasks) == 15  # III.1.1 (6), III.1.2 (5), IV.1, IV.2, IV.3 and IV.5 (the document has no IV.4)
    assert {task.deadline for task in tasks} == {dt.date(2024, 11, 30)}
    assert all(task.lead_unit.code.startswith("LS-HOANGVIET-") for task in tasks if task.lead_unit is not None)
    front = next(task for task in tasks if task.code == "IV.5")  # the Front is no section of the UBND: no unit
    assert front.lead_unit is None and not front.executing_units.exists()
    legal_day = next(task for task in tasks if "Ngày Pháp luật" in task.title)
    assert legal_day.lead_unit.code == "LS-HOANGVIET-TP"
    assert {u.code for u in legal_day.executing_units.all()} == {"LS-HOANGVIET-TP", "LS-HOANGVIET-VH"}
    assert all(task.is_overdue for task in tasks if task.status != PlanTask.Status.DONE)
    assert plan.issued_on == dt.date(2024, 2, 29)


def test_open_values_are_commented_in_the_files():
    for name, open_wording in (("tay-hieu-2024.yaml", "đạt cao"), ("ninh-thuan-2023.yaml", "đạt tỷ lệ cao")):
        comments = [
            line for line in (PLANS / name).read_text(encoding="utf-8").splitlines() if line.lstrip().startswith("#")
        ]
        assert any(open_wording in line.lower() and "mặc định" in line.lower() for line in comments)
    # The comments are comments: the data itself parses.
    assert yaml.safe_load((PLANS / "tay-hieu-2024.yaml").read_text(encoding="utf-8"))["key"]


def test_catalogues_ship_the_766_indicators_and_award_kinds(demo):
    assert Indicator.objects.filter(source__startswith="Quyết định 766").count() >= 11
    assert Indicator.objects.get(code="766-qua-han").direction == Indicator.Direction.LOWER
    xa = AwardKind.objects.get(code="giay-khen-chu-tich-xa")
    assert (xa.individual_coefficient, xa.collective_multiplier, xa.level) == (Decimal("0.150"), 2, "commune")
    tinh = AwardKind.objects.get(code="bang-khen-chu-tich-tinh")
    assert (tinh.individual_coefficient, tinh.collective_multiplier) == (1, 2)
    assert Criterion.objects.filter(indicator__kind=Indicator.Kind.BOOLEAN, target=1).exists()


# Issue 18: every task of the documents, every rule expressed, the seeds' signers -----------------------------------


def _tasks(key: str) -> dict[str, PlanTask]:
    return {
        task.code: task for task in _plan(key).tasks.select_related("lead_unit").prefetch_related("executing_units")
    }


def test_ninh_thuan_tasks_of_sections_iv_and_v_with_their_units_and_deadlines(demo):
    tasks = _tasks("ninh-thuan-2023-cao-diem-tthc")
    assert {"V.1", "V.2", "V.3", "IV.1", "IV.2"} <= set(tasks)
    assert tasks["V.1"].deadline == dt.date(2022, 11, 15)
    assert {u.code for u in tasks["V.1"].executing_units.all()} >= {"NT-SNV", "NT-PRTC", "NT-BACAI"}
    assert (tasks["V.2"].lead_unit.code, tasks["V.3"].lead_unit.code) == ("NT-VPUB", "NT-SNV")
    assert "thẩm định hồ sơ" in tasks["V.3"].title
    assert tasks["IV.1"].deadline == dt.date(2023, 12, 5) and tasks["IV.2"].deadline == dt.date(2023, 12, 20)


def test_tay_hieu_gives_van_phong_the_monitoring_role(demo):
    tasks = _tasks("tay-hieu-2024-chuyen-doi-so")
    monitoring = tasks["III.2"]
    assert monitoring.lead_unit.code == "NA-TAYHIEU-VP" and "theo dõi" in monitoring.title
    assert tasks["III.1"].executing_units.count() == 8


def test_bao_cuong_tasks_of_section_iv(demo):
    tasks = _tasks("bao-cuong-2024-chung-tay-cchc")
    assert tasks["IV.2"].lead_unit.code == "TN-BAOCUONG-VH"
    assert tasks["IV.3"].lead_unit.code == "TN-BAOCUONG-VP"
    assert tasks["III.3"].deadline == dt.date(2024, 12, 10)


def test_duc_pho_tasks_of_section_v(demo):
    tasks = _tasks("duc-pho-2023-cao-diem-dvctt")
    assert {"V.1", "V.2", "V.3", "V.4"} <= set(tasks)
    assert tasks["V.3"].lead_unit.code == "QNG-DUCPHO-VP" and tasks["V.4"].lead_unit.code == "QNG-DUCPHO-PNV"


def test_duc_pho_apology_letter_rule_is_a_criterion(demo):
    plan = _plan("duc-pho-2023-cao-diem-dvctt")
    apology = plan.criteria.get(code="xin-loi-truoc-han")
    assert (apology.comparison, apology.target) == ("gte", 100)
    assert "ít nhất 01 ngày" in apology.name
    assert sum(c.max_points for c in plan.criteria.all()) == plan.total_points


def test_plans_are_signed_by_the_seeds_chairmen(demo):
    assert _plan("hoang-viet-2024-chi-so-cchc").signer_name == "Âu Hồng Ngân"
    assert _plan("duc-pho-2023-cao-diem-dvctt").signer_name == "Đỗ Tâm Hiền"
    assert _plan("tay-hieu-2024-chuyen-doi-so").signer_name == "Dương Đình Đường"
    chairmen = dict(
        Membership.objects.filter(
            role="lanh_dao", is_deputy=False, unit__code__in=["LS-HOANGVIET", "QNG-DUCPHO", "TN-BAOCUONG"]
        ).values_list("unit__code", "user__person__full_name")
    )
    assert chairmen == {"LS-HOANGVIET": "Âu Hồng Ngân", "QNG-DUCPHO": "Đỗ Tâm Hiền", "TN-BAOCUONG": "Phan Thanh Nam"}


def test_linear_scoring_and_grace_days_are_commented_as_defaults():
    for name in ("tay-hieu-2024.yaml", "duc-pho-2023.yaml", "ninh-thuan-2023.yaml", "hoang-viet-2024.yaml"):
        text = (PLANS / name).read_text(encoding="utf-8")
        if "rule: linear" in text:
            assert '"rule: linear"' in text and "là mặc định" in text, name
    duc_pho = (PLANS / "duc-pho-2023.yaml").read_text(encoding="utf-8").splitlines()
    index = next(i for i, line in enumerate(duc_pho) if line.startswith("grace_days:"))
    assert duc_pho[index - 1].startswith("#") and "mặc định" in duc_pho[index - 1]
