"""State changes of the campaigns app: the org tree, people and logins (idempotent loaders)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from campaigns.models import Membership, Person, Unit

UNIT_FIELDS = ("name", "short_name", "kind", "is_home_affairs", "valid_from", "valid_to")


def _as_date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def upsert_unit(*, code: str, parent: Unit | None, name: str, short_name: str, kind: str,
                is_home_affairs: bool = False, valid_from: Any = None, valid_to: Any = None) -> Unit:
    """Create the unit under `parent`, or update it in place (moving it if its parent changed); keyed by code."""
    fields = {
        "name": name, "short_name": short_name, "kind": kind, "is_home_affairs": is_home_affairs,
        "valid_from": _as_date(valid_from), "valid_to": _as_date(valid_to),
    }
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        if parent is None:
            return Unit.objects.add_root({"code": code, **fields})
        parent = Unit.objects.get(pk=parent.pk)  # treebeard needs a fresh numchild
        return Unit.objects.add_child(parent, {"code": code, **fields})
    current_parent = Unit.objects.get_parent(unit)
    if (current_parent.pk if current_parent else None) != (parent.pk if parent else None):
        if parent is None:
            Unit.objects.move(unit, Unit.objects.get_last_root_node(), pos="last-sibling")
        else:
            Unit.objects.move(unit, Unit.objects.get(pk=parent.pk), pos="last-child")
        unit = Unit.objects.get(pk=unit.pk)
    changed = [field for field, value in fields.items() if getattr(unit, field) != value]
    if changed:
        for field in changed:
            setattr(unit, field, fields[field])
        unit.save(update_fields=changed)
    return unit


@transaction.atomic
def sync_org(*, data: dict, password: str | None = None) -> dict[str, int]:
    """Load units, people and logins from a mapping (demo/units.yaml); running it twice changes nothing."""
    counts = {"units": 0, "people": 0, "users": 0}
    successors: list[tuple[str, str]] = []

    def walk(nodes: list[dict], parent: Unit | None) -> None:
        for node in nodes:
            unit = upsert_unit(
                code=node["code"], parent=parent, name=node["name"], short_name=node.get("short_name", node["name"]),
                kind=node["kind"], is_home_affairs=node.get("is_home_affairs", False),
                valid_from=node.get("valid_from"), valid_to=node.get("valid_to"),
            )
            counts["units"] += 1
            if node.get("successor"):
                successors.append((node["code"], node["successor"]))
            walk(node.get("children", []), unit)

    walk(data.get("units", []), None)
    for code, successor_code in successors:
        Unit.objects.filter(code=code).update(successor=Unit.objects.get(code=successor_code))

    for row in data.get("people", []):
        Person.objects.update_or_create(
            code=row["code"],
            defaults={"full_name": row["full_name"], "position": row.get("position", ""),
                      "unit": Unit.objects.get(code=row["unit"])},
        )
        counts["people"] += 1

    User = get_user_model()
    for row in data.get("users", []):
        last, _, first = row["full_name"].rpartition(" ")
        user, created = User.objects.get_or_create(
            username=row["username"], defaults={"first_name": first, "last_name": last},
        )
        if created or password:
            if password:
                user.set_password(password)
            user.is_superuser = user.is_staff = bool(row.get("superuser"))
            user.save()
        if row.get("person"):
            Person.objects.filter(code=row["person"]).update(user=user)
        for membership in row.get("memberships", []):
            Membership.objects.update_or_create(
                user=user, unit=Unit.objects.get(code=membership["unit"]), role=membership["role"],
                defaults={"title": membership.get("title", ""), "is_deputy": membership.get("is_deputy", False)},
            )
        counts["users"] += 1
    return counts
