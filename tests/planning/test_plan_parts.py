"""One write path per plan part: the plan file and the editor reach the same services, with the same guards.

Each test starts from an effect found in review of the old file import (issue 16) and states what a user now sees.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from awards.models import AwardKind, Condition, ConditionCheck, Nomination, QuotaRule
from awards.pdf import decision_context
from awards.services.decisions import create_draft_decision, sign_decision
from campaigns.models import Participant, Period, Person, Plan
from planning.plan_io import PlanFileError, export_plan, import_plan
from planning.services.parts import CriterionRow, PlanPartError, replace_criteria
from scoring.models import Criterion, Reading, Score
from tests.awards.decision_data import accepted_batch, on_paper
from tests.campaigns.test_plan_io import SMALL
from tests.factories import make_unit

pytestmark = pytest.mark.django_db

CONDITIONS = """\
conditions:
  - {applies_to: collective, text: Điều kiện A}
  - {applies_to: collective, text: Điều kiện B}
"""


def _refused(text: str, by=None) -> list[str]:
    with pytest.raises(PlanFileError) as error:
        import_plan(text=text, by=by)
    return error.value.errors


@pytest.fixture
def plan(org) -> Plan:
    return import_plan(text=SMALL + CONDITIONS).plan


@pytest.fixture
def nomination(plan) -> Nomination:
    return Nomination.objects.create(
        period=plan.periods.get(order=1),
        participant=plan.participants.get(),
        award_kind=AwardKind.objects.get(code="giay-khen-chu-tich-xa"),
        quota_rule=plan.quota_rules.get(),
        name="Văn phòng",
    )


def test_a_file_that_drops_a_criterion_with_scores_is_refused_and_keeps_the_scores(plan):
    criterion = plan.criteria.get(code="tuyen-truyen")
    Score.objects.create(
        period=plan.periods.get(order=1), participant=plan.participants.get(), criterion=criterion, points=40
    )
    dropped = SMALL.replace(
        "  - {code: tuyen-truyen, name: Tuyên truyền bằng hình thức khác, indicator: tuyen-truyen-hinh-thuc-khac, "
        "max_points: 40}\n",
        "",
    ).replace("status: active", "status: draft")

    errors = _refused(dropped + CONDITIONS)

    assert any("tiêu chí «Tuyên truyền bằng hình thức khác»" in e and "đã có số liệu hoặc điểm" in e for e in errors)
    assert Score.objects.filter(criterion=criterion).count() == 1


def test_a_file_that_drops_a_quota_rule_with_nominations_is_refused_and_the_nomination_keeps_its_rule(plan, nomination):
    dropped = SMALL.split("quotas:")[0] + CONDITIONS

    errors = _refused(dropped)

    assert any("chỉ tiêu" in e and "đã có đề nghị khen thưởng" in e for e in errors)
    assert Nomination.objects.get(pk=nomination.pk).quota_rule_id == plan.quota_rules.get().pk


def test_a_file_that_drops_a_condition_with_checks_is_refused(plan, nomination):
    ConditionCheck.objects.create(nomination=nomination, condition=plan.conditions.get(text="Điều kiện B"))

    errors = _refused(SMALL + CONDITIONS.replace("  - {applies_to: collective, text: Điều kiện B}\n", ""))

    assert any("tiêu chuẩn «Điều kiện B»" in e and "đã được xác nhận" in e for e in errors)
    assert plan.conditions.count() == 2


def test_a_file_that_drops_a_period_with_readings_is_refused(plan):
    period = plan.periods.get(order=2)
    Reading.objects.create(
        participant=plan.participants.get(),
        indicator=plan.criteria.get(code="so-hoa").indicator,
        period=period,
        window_start=dt.date(2024, 7, 1),
        window_end=dt.date(2024, 7, 31),
        numerator=1,
        denominator=2,
    )
    one_period = SMALL.replace("  - {name: Đợt 2, start: 2024-07-01, end: 2024-12-31}\n", "")

    errors = _refused(one_period + CONDITIONS)

    assert any("đợt «Đợt 2»" in e and "đã có số liệu" in e for e in errors)
    assert Period.objects.filter(pk=period.pk).exists()


def test_swapping_two_conditions_in_the_file_keeps_each_check_on_its_own_condition(plan, nomination):
    check = ConditionCheck.objects.create(
        nomination=nomination, condition=plan.conditions.get(text="Điều kiện A"), confirmed=True
    )
    swapped = CONDITIONS.replace("Điều kiện A", "@").replace("Điều kiện B", "Điều kiện A").replace("@", "Điều kiện B")

    import_plan(text=SMALL + swapped)

    check.refresh_from_db()
    assert check.condition.text == "Điều kiện A"
    assert [c.text for c in plan.conditions.order_by("order")] == ["Điều kiện B", "Điều kiện A"]


def test_conditions_carry_a_stable_code_through_export_and_import(plan):
    text = export_plan(plan=plan)
    assert "code: dieu-kien-a" in text
    renamed = text.replace("text: Điều kiện A", "text: Điều kiện A (sửa lời)")
    import_plan(text=renamed)
    assert plan.conditions.get(code="dieu-kien-a").text == "Điều kiện A (sửa lời)"


def test_a_closed_plan_is_refused_by_file_with_the_editor_s_message(org, plan):
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.CLOSED)
    before = export_plan(plan=Plan.objects.get(pk=plan.pk))

    errors = _refused((SMALL + CONDITIONS).replace("target: 90", "target: 95"), by=org.chairman_a)

    assert errors == ["Kế hoạch đã kết thúc nên không sửa được. Chuyển kế hoạch về “Đang triển khai” nếu cần sửa."]
    assert export_plan(plan=Plan.objects.get(pk=plan.pk)) == before
    with pytest.raises(PlanPartError) as editor:
        replace_criteria(plan=plan, rows=[], by=org.chairman_a)
    assert editor.value.messages == errors


@pytest.fixture
def other_locality(org):
    """A commune of another province, with a section, a person and a leader of its own."""
    province = make_unit("K", "Tỉnh Khác", "tinh")
    commune = make_unit("K-X", "Xã Xa Lạ", "xa", province)
    section = make_unit("K-X-VP", "Văn phòng xã Xa Lạ", "bo_phan", commune)
    person = Person.objects.create(code="K-X-001", full_name="Lê Văn Lạ", unit=section)
    return type("Locality", (), {"commune": commune, "section": section, "person": person})


@pytest.mark.parametrize("code", ["K-X-VP", "KHONG-CO"])
def test_a_file_naming_a_unit_outside_the_issuer_is_refused_revealing_nothing(org, other_locality, code):
    errors = _refused(SMALL.replace("unit: T-H-A-VP", f"unit: {code}"), by=org.chairman_a)

    assert errors == [
        f"Dòng 15, mục participants › collectives › 1 › unit: Đơn vị «{code}» không có trong đơn vị của bạn."
    ]
    assert not Participant.objects.exists()


def test_a_file_naming_a_person_of_another_locality_is_refused_and_creates_nobody(org, other_locality):
    individuals = "  individuals:\n    - {person: K-X-001, group: bo-phan}\n"
    text = SMALL.replace("criteria:", individuals + "criteria:", 1)
    text_by_name = SMALL.replace(
        "criteria:", "  individuals:\n    - {full_name: Người Mới, unit: K-X-VP, group: bo-phan}\n" + "criteria:", 1
    )

    errors = _refused(text, by=org.chairman_a)
    by_name = _refused(text_by_name, by=org.chairman_a)

    assert errors == [
        "Dòng 17, mục participants › individuals › 1 › person: Cán bộ «K-X-001» không có trong đơn vị của bạn."
    ]
    assert by_name == [
        "Dòng 17, mục participants › individuals › 1 › unit: Đơn vị «K-X-VP» không có trong đơn vị của bạn."
    ]
    assert Person.objects.count() == 1 and not Participant.objects.exists()


def test_a_task_naming_a_unit_outside_the_issuer_is_refused(org, other_locality):
    tasks = "tasks:\n  - {title: Rà soát, lead_unit: K-X-VP}\n"
    errors = _refused(SMALL + tasks, by=org.chairman_a)
    assert errors == ["Dòng 22, mục tasks › 1 › lead_unit: Đơn vị «K-X-VP» không có trong đơn vị của bạn."]


KIND = """\
award_kinds:
  - {code: giay-khen-rieng, name: Giấy khen riêng của xã, level: commune, certificate_title: GIẤY KHEN,
     individual_coefficient: 0.15}
"""


def test_an_award_kind_made_by_one_locality_cannot_be_altered_by_another_s_file(org):
    import_plan(text=SMALL + KIND, by=org.chairman_a)
    kind = AwardKind.objects.get(code="giay-khen-rieng")
    assert kind.owner == org.commune_a
    forged = KIND.replace("certificate_title: GIẤY KHEN", "certificate_title: GIẤY KHEN GIẢ MẠO").replace("0.15", "99")
    other = (
        SMALL.replace("an-binh-2024", "binh-minh-2024")
        .replace("T-H-A-VP", "T-H-B-VP")
        .replace("issuer: T-H-A", "issuer: T-H-B")
    )

    errors = _refused(other + forged, by=org.chairman_b)

    assert errors == [
        "Dòng 22, mục award_kinds › 1 › code: Hình thức «giay-khen-rieng» do đơn vị khác tạo; "
        "chỉ dùng được mã này ở mục quotas, không sửa được."
    ]
    kind.refresh_from_db()
    assert (kind.certificate_title, kind.individual_coefficient) == ("GIẤY KHEN", Decimal("0.150"))
    # Others may use it as it is.
    assert import_plan(text=other.replace("giay-khen-chu-tich-xa", "giay-khen-rieng"), by=org.chairman_b).created


def test_its_own_locality_may_change_its_award_kind(org):
    import_plan(text=SMALL + KIND, by=org.chairman_a)
    import_plan(text=SMALL + KIND.replace("0.15", "0.2"), by=org.admin_a)
    assert AwardKind.objects.get(code="giay-khen-rieng").individual_coefficient == Decimal("0.2")


def test_a_person_who_moved_belongs_to_the_unit_enrolled_in_the_plan(org, plan):
    person = Person.objects.create(full_name="Trần Thị Chuyển", unit=org.section_a)
    participant = Participant.objects.create(
        plan=plan, kind="individual", person=person, unit=org.section_a, name=person.full_name
    )
    Person.objects.filter(pk=person.pk).update(unit=org.section_b)  # moved to another commune afterwards

    participant = Participant.objects.get(pk=participant.pk)

    assert participant.home_unit == org.section_a


def test_the_editor_and_the_file_refuse_a_criterion_in_use_with_one_message(org, plan):
    criterion = plan.criteria.get(code="tuyen-truyen")
    Score.objects.create(
        period=plan.periods.get(order=1), participant=plan.participants.get(), criterion=criterion, points=40
    )
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.DRAFT)
    keep = CriterionRow.from_criterion(plan.criteria.get(code="so-hoa"))

    with pytest.raises(PlanPartError) as editor:
        replace_criteria(plan=plan, rows=[keep], by=org.chairman_a)

    assert editor.value.messages == [
        "Không thể xóa tiêu chí «Tuyên truyền bằng hình thức khác» vì đã có số liệu hoặc điểm được tính theo tiêu "
        "chí này."
    ]
    assert Criterion.objects.filter(pk=criterion.pk).exists()


def test_a_signed_decision_keeps_the_certificate_title_it_was_signed_with(org):
    period, award, _ = accepted_batch(org)
    draft = create_draft_decision(period=period, award_kind=award, by=org.chairman_a, signed_on=dt.date(2024, 8, 5))
    org.chairman_a.set_password("mat-khau")
    org.chairman_a.save()
    decision = sign_decision(decision=draft, by=org.chairman_a, password="mat-khau", **on_paper(draft))
    AwardKind.objects.filter(pk=decision.award_kind_id).update(
        certificate_title="GIẤY KHEN GIẢ MẠO", individual_coefficient=99
    )
    decision.refresh_from_db()

    context = decision_context(decision)

    assert context["certificate_title"] == "GIẤY KHEN"
    assert all(line["amount"] < 10_000_000 for line in context["lines"])


def test_only_conditions_are_matched_by_code_never_by_position(plan):
    assert list(Condition.objects.filter(plan=plan).values_list("code", flat=True)) == ["dieu-kien-a", "dieu-kien-b"]
    assert QuotaRule.objects.filter(plan=plan).count() == 1


def test_a_refused_award_kind_leaves_the_quotas_naming_new_kinds_unwritten_with_the_reason(org):
    import_plan(text=SMALL + KIND, by=org.chairman_a)
    both = KIND.replace("0.15", "99") + (
        "  - {code: giay-khen-moi, name: Giấy khen mới, level: commune, individual_coefficient: 0.1}\n"
    )
    other = SMALL.replace("an-binh-2024", "binh-minh-2024").replace("T-H-A-VP", "T-H-B-VP")
    other = other.replace("issuer: T-H-A", "issuer: T-H-B").replace("giay-khen-chu-tich-xa", "giay-khen-moi")

    errors = _refused(other + both, by=org.chairman_b)

    assert len(errors) == 1 and "do đơn vị khác tạo" in errors[0]
    assert not AwardKind.objects.filter(code="giay-khen-moi").exists()
