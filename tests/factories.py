"""factory_boy factories shared by the suite."""

from __future__ import annotations

import datetime as dt

import factory
from django.contrib.auth import get_user_model

from campaigns.models import Group, Membership, Participant, Period, Person, Plan, Unit


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("mat-khau-thu-nghiem")


def make_unit(code: str, name: str, kind: str, parent: Unit | None = None, **extra) -> Unit:
    """Add a unit to the tree (treebeard needs add_root/add_child, so no factory class)."""
    fields = {"code": code, "name": name, "short_name": extra.pop("short_name", name), "kind": kind, **extra}
    if parent is None:
        return Unit.objects.add_root(fields)
    return Unit.objects.add_child(Unit.objects.get(pk=parent.pk), fields)


def member(unit: Unit, role: str, username: str | None = None, **extra) -> object:
    user = UserFactory(username=username) if username else UserFactory()
    Membership.objects.create(user=user, unit=unit, role=role, **extra)
    return user


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    full_name = factory.Sequence(lambda n: f"Nguyễn Văn {n}")
    position = "Công chức"


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    key = factory.Sequence(lambda n: f"ke-hoach-{n}")
    title = factory.Sequence(lambda n: f"Kế hoạch thi đua số {n}")
    number = factory.Sequence(lambda n: str(n + 1))
    start = dt.date(2024, 1, 1)
    end = dt.date(2024, 11, 30)


class PeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Period

    name = factory.Sequence(lambda n: f"Đợt {n + 1}")
    order = factory.Sequence(lambda n: n + 1)
    start = dt.date(2024, 1, 1)
    end = dt.date(2024, 6, 30)


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Group

    code = factory.Sequence(lambda n: f"khoi-{n}")
    name = factory.Sequence(lambda n: f"Khối {n}")


def collective(plan: Plan, unit: Unit, group: Group | None = None) -> Participant:
    return Participant.objects.create(plan=plan, kind="collective", unit=unit, group=group, name=unit.name)


def individual(plan: Plan, person: Person, group: Group | None = None) -> Participant:
    return Participant.objects.create(
        plan=plan,
        kind="individual",
        person=person,
        unit=person.unit,
        group=group,
        name=person.full_name,
        position=person.position,
        unit_name=person.unit.name,
    )
