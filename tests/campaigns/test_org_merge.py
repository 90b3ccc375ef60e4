"""Recording a reorganisation (issue 20, point 4): several units end on a date and a new or an existing unit succeeds
them; their officials move, their roles end or move (the quản trị's choice, shown in a preview); their plans,
readings, standings and decisions stay as history under their old names, which the successor's people see."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Membership, OrgEvent, Participant, Person, Plan, Posting, Unit
from campaigns.org import merge
from campaigns.services import sync_org
from tests.factories import PlanFactory, make_unit, member

pytestmark = pytest.mark.django_db

ON = dt.date(2025, 7, 1)


@pytest.fixture
def three(org):
    """Communes A, B and a third one, D, of the same district, each with an official; a district quản trị."""
    commune_d = make_unit("T-H-D", "Xã Đông Sơn", "xa", org.district, short_name="Đông Sơn")
    for code, unit in (("A-1", org.section_a), ("B-1", org.section_b), ("D-1", commune_d)):
        Person.objects.create(full_name=f"Cán bộ {code}", code=code, unit=unit)
    admin = member(org.district, "quan_tri", "admin_huyen")
    return org.commune_a, org.commune_b, commune_d, admin


def test_three_communes_merge_into_a_new_one_and_their_officials_move(org, three):
    commune_a, commune_b, commune_d, admin = three
    successor = merge.merge_units(
        by=admin,
        units=[commune_a, commune_b, commune_d],
        new_successor=merge.NewUnit(code="T-H-M", name="Xã Hợp Nhất", kind="xa", parent=org.district),
        on=ON,
        memberships=merge.END,
    )
    assert successor.valid_from == ON
    for unit in (commune_a, commune_b, commune_d):
        unit.refresh_from_db()
        assert unit.valid_to == ON - dt.timedelta(days=1) and unit.successor == successor
    org.section_a.refresh_from_db()
    assert org.section_a.valid_to == ON - dt.timedelta(days=1)  # its sections end with it
    assert set(Person.objects.filter(code__in=["A-1", "B-1", "D-1"]).values_list("unit", flat=True)) == {successor.pk}
    assert Posting.objects.get(person__code="A-1", end__isnull=False).unit == org.section_a
    assert not Membership.objects.filter(unit__in=[commune_a, commune_b, commune_d]).exists()  # roles ended
    assert OrgEvent.objects.filter(action=OrgEvent.Action.UNIT_MERGE, unit=successor).exists()


def test_roles_move_to_the_successor_when_chosen(org, three):
    commune_a, commune_b, commune_d, admin = three
    merge.merge_units(by=admin, units=[commune_a, commune_b], successor=commune_d, on=ON, memberships=merge.MOVE)
    assert Membership.objects.filter(user=org.chairman_a, unit=commune_d, role="lanh_dao").exists()
    assert not Membership.objects.filter(unit=commune_a).exists()


def test_the_successors_chairman_sees_the_merged_communes_history(org, three):
    commune_a, commune_b, commune_d, admin = three
    plan = PlanFactory(issuer=commune_a, title="Kế hoạch cũ của xã An Bình")
    Participant.objects.create(plan=plan, kind="collective", unit=org.section_a, name=org.section_a.name)
    chairman_d = member(commune_d, "lanh_dao", "chairman_d")
    assert not Plan.objects.visible_to(chairman_d).filter(pk=plan.pk).exists()

    merge.merge_units(by=admin, units=[commune_a, commune_b], successor=commune_d, on=ON, memberships=merge.END)

    fresh = type(chairman_d).objects.get(pk=chairman_d.pk)  # scope is cached per user object
    assert Plan.objects.visible_to(fresh).filter(pk=plan.pk).exists()
    plan.refresh_from_db()
    assert plan.issuer.name == "Xã An Bình"  # history stays under the old name


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("second_successor", "chỉ có một đơn vị kế thừa"),
        ("successor_merged", "không được là một trong các đơn vị bị sáp nhập"),
        ("successor_inside", "nằm trong đơn vị bị sáp nhập"),
        ("future", "không được sau hôm nay"),
    ],
)
def test_a_bad_merge_is_refused_and_nothing_changes(org, three, case, expected):
    commune_a, commune_b, commune_d, admin = three
    units, successor, on = [commune_a, commune_b], commune_d, ON
    if case == "second_successor":
        Unit.objects.filter(pk=commune_b.pk).update(successor=org.commune_c)
        commune_b.refresh_from_db()
    elif case == "successor_merged":
        successor = commune_b
    elif case == "successor_inside":
        successor = org.section_a
    else:
        on = timezone.localdate() + dt.timedelta(days=5)
    with pytest.raises(ValidationError) as error:
        merge.merge_units(by=admin, units=units, successor=successor, on=on, memberships=merge.END)
    assert expected in " ".join(error.value.messages)
    commune_a.refresh_from_db()
    assert commune_a.valid_to is None and Person.objects.get(code="A-1").unit == org.section_a


def test_only_a_quan_tri_over_every_unit_may_merge(org, three):
    commune_a, commune_b, commune_d, _admin = three
    with pytest.raises(PermissionDenied):  # commune A's quản trị does not manage B or D
        merge.merge_units(
            by=org.admin_a, units=[commune_a, commune_b], successor=commune_d, on=ON, memberships=merge.END
        )


def test_three_demo_communes_of_duc_pho_merge(db):
    data = yaml.safe_load((Path(__file__).resolve().parents[2] / "demo" / "units.yaml").read_text(encoding="utf-8"))
    sync_org(data=data)
    province = Unit.objects.get(code="QNG")
    admin = member(province, "quan_tri", "quantri_qng")
    units = list(Unit.objects.filter(code__in=["QNG-PHOAN", "QNG-PHOCHAU", "QNG-PHOCUONG"]))
    successor = merge.merge_units(
        by=admin,
        units=units,
        new_successor=merge.NewUnit(code="QNG-PHOAN-MOI", name="Xã Phổ An (mới)", kind="xa", parent=province),
        on=ON,
        memberships=merge.MOVE,
    )
    assert set(successor.predecessors.values_list("code", flat=True)) == {"QNG-PHOAN", "QNG-PHOCHAU", "QNG-PHOCUONG"}


def test_the_merge_page_previews_before_it_writes(client, org, three):
    commune_a, commune_b, commune_d, admin = three
    client.force_login(admin)
    data = {
        "units": [commune_a.pk, commune_b.pk],
        "successor": commune_d.pk,
        "on": "2025-07-01",
        "memberships": "move",
    }
    preview = client.post(reverse("campaigns:unit_merge"), data)
    page = preview.content.decode()
    assert preview.status_code == 200 and "Cán bộ A-1" in page and "Xác nhận sáp nhập" in page
    commune_a.refresh_from_db()
    assert commune_a.successor is None
    response = client.post(reverse("campaigns:unit_merge"), {**data, "confirm": "1"})
    assert response.status_code == 302
    commune_a.refresh_from_db()
    assert commune_a.successor == commune_d
