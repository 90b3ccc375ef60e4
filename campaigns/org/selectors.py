"""Read queries of the officials, accounts and audit pages."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q, QuerySet

from campaigns.models import Membership, OrgEvent, Person, Posting, Unit
from campaigns.org.policies import OrgPolicy
from campaigns.vietnamese import fold, has_marks, normalise, vi_sort_key

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def in_vietnamese_order(people: Iterable[Person]) -> list[Person]:
    """Officials unit by unit (the tree's order), each unit's names in Vietnamese alphabetical order (the rankings' key:
    "Dương" before "Đặng", "Anh" before "Ánh" before "Ăn" before "Ân"), not the database's byte order. The officials'
    list and the org export both order through here."""
    return sorted(people, key=lambda person: (person.unit.path, vi_sort_key(person.full_name), person.pk))


def people_for(*, user: User, query: str = "", unit: Unit | None = None, include_left: bool = False) -> list[Person]:
    """Officials of the units the user manages, searched by name the Vietnamese way: typed without diacritics the
    search ignores them ("hoa" finds Hòa and Hoa); typed with them, the marks count ("Hòa" finds Hòa only)."""
    people = Person.objects.filter(unit__in=OrgPolicy(user).admin_units()).select_related("unit", "user")
    if unit is not None:
        people = people.filter(unit__path__startswith=unit.path)
    if not include_left:
        people = people.filter(is_active=True)
    query = query.strip()
    if query:
        folded = fold(query)
        people = people.filter(search_name__contains=folded) | people.filter(code__iexact=query)
        if has_marks(query):
            wanted = normalise(query)
            return in_vietnamese_order(person for person in people if wanted in normalise(person.full_name))
    return in_vietnamese_order(people)


def person_history(*, person: Person) -> QuerySet[Posting]:
    return Posting.objects.filter(person=person).select_related("unit").order_by("start", "pk")


def accounts_for(*, user: User, query: str = "") -> QuerySet[User]:
    """Accounts with a role or an official in the units the user manages, with their roles."""
    policy = OrgPolicy(user)
    scope = policy.admin_units()
    ids = Membership.objects.filter(unit__in=scope).values("user_id")
    people = Person.objects.filter(unit__in=scope, user__isnull=False).values("user_id")
    accounts = (
        get_user_model()
        .objects.filter(Q(pk__in=ids) | Q(pk__in=people))
        .prefetch_related(Prefetch("memberships", queryset=Membership.objects.select_related("unit")))
        .select_related("person")
        .order_by("username")
    )
    query = query.strip()
    if query:
        accounts = accounts.filter(username__icontains=query) | accounts.filter(
            person__search_name__contains=fold(query)
        )
    return accounts


def events_for(*, user: User) -> QuerySet[OrgEvent]:
    """The audit log of the units the user is quản trị of (and below), newest first."""
    return OrgEvent.objects.visible_to(user).select_related("actor", "unit", "person", "account")
