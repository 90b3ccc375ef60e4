"""State changes of officials and accounts: each checks OrgPolicy, changes the data and writes its OrgEvent row in one
transaction (the audit log the quản trị above reads)."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.models import Membership, OrgEvent, Participant, Person, Posting, Role, TemporaryPassword, Unit
from campaigns.org.policies import OrgPolicy, ensure
from campaigns.vietnamese import fold

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# No 0/O, 1/l/I: the password is read off a screen and typed by someone else.
PASSWORD_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
PASSWORD_LENGTH = 12


def record(
    *,
    by: User | None,
    action: str,
    unit: Unit,
    person: Person | None = None,
    account: User | None = None,
    detail: str = "",
) -> OrgEvent:
    """One row of the org audit log."""
    return OrgEvent.objects.create(actor=by, action=action, unit=unit, person=person, account=account, detail=detail)


def one_time_password() -> str:
    return "".join(secrets.choice(PASSWORD_ALPHABET) for _index in range(PASSWORD_LENGTH))


def suggest_username(full_name: str) -> str:
    """A login name from a Vietnamese name, the way offices write them: "Nguyễn Văn An" → "annv", made unique."""
    words = fold(full_name).split()
    base = (words[-1] + "".join(word[0] for word in words[:-1])) if words else "canbo"
    base = "".join(char for char in base if char.isalnum())[:24] or "canbo"
    User = get_user_model()
    candidate, number = base, 1
    while User.objects.filter(username=candidate).exists():
        number += 1
        candidate = f"{base}{number}"
    return candidate


def _check_unit_current(unit: Unit, on: dt.date) -> None:
    if not unit.is_current(on):
        raise ValidationError(
            {
                "unit": _("Đơn vị %(name)s không còn hiệu lực vào ngày %(day)s.")
                % {"name": unit.name, "day": f"{on:%d/%m/%Y}"}
            }
        )


def _code_taken(code: str | None, person: Person | None = None) -> bool:
    if not code:
        return False
    others = Person.objects.filter(code=code)
    if person is not None:
        others = others.exclude(pk=person.pk)
    return others.exists()


# --- officials -------------------------------------------------------------------------------------------------------


@transaction.atomic
def add_person(
    *,
    by: User,
    full_name: str,
    unit: Unit,
    position: str = "",
    code: str | None = None,
    start: dt.date | None = None,
) -> Person:
    """A new official of a unit of the quản trị's subtree, with an open posting from `start`."""
    ensure(OrgPolicy(by).may_manage_people_of(unit))
    full_name = " ".join(full_name.split())
    if not full_name:
        raise ValidationError({"full_name": _("Phải nhập họ và tên.")})
    _check_unit_current(unit, start or timezone.localdate())
    if _code_taken(code):
        raise ValidationError({"code": _("Mã cán bộ %(code)s đã được dùng.") % {"code": code}})
    person = Person.objects.create(full_name=full_name, unit=unit, position=position, code=code or None)
    if not code:  # every official gets a code, so an Excel export reads back onto the same people
        generated = f"CB{person.pk:06d}"
        if not _code_taken(generated):
            person.code = generated
            person.save(update_fields=["code"])
    Posting.objects.create(person=person, unit=unit, position=position, start=start)
    record(by=by, action=OrgEvent.Action.PERSON_ADD, unit=unit, person=person, detail=full_name)
    return person


@transaction.atomic
def update_person(*, by: User, person: Person, full_name: str, position: str, code: str | None = None) -> Person:
    """Correct an official's name, position or code (the unit changes only through `move_person`)."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    ensure(OrgPolicy(by).may_manage_people_of(person.unit))
    full_name = " ".join(full_name.split())
    if not full_name:
        raise ValidationError({"full_name": _("Phải nhập họ và tên.")})
    if _code_taken(code, person):
        raise ValidationError({"code": _("Mã cán bộ %(code)s đã được dùng.") % {"code": code}})
    changes = [
        f"{label}: {old} → {new}"
        for label, old, new in (
            (_("họ và tên"), person.full_name, full_name),
            (_("chức vụ"), person.position, position),
            (_("mã"), person.code or "", code or ""),
        )
        if old != new
    ]
    person.full_name, person.position, person.code = full_name, position, code or None
    person.save(update_fields=["full_name", "position", "code"])
    Posting.objects.filter(person=person, end__isnull=True).update(position=position)
    if changes:
        record(by=by, action=OrgEvent.Action.PERSON_EDIT, unit=person.unit, person=person, detail="; ".join(changes))
    return person


def _close_posting(person: Person, last_day: dt.date) -> None:
    """End the open posting the day before a move or a departure (creating it when the person predates postings)."""
    open_posting = Posting.objects.filter(person=person, end__isnull=True).first()
    if open_posting is None:
        Posting.objects.create(person=person, unit=person.unit, position=person.position, end=last_day)
        return
    if open_posting.start and open_posting.start > last_day:
        raise ValidationError(
            {
                "on": _("Ngày này phải sau ngày bắt đầu công tác hiện tại (%(day)s).")
                % {"day": f"{open_posting.start:%d/%m/%Y}"}
            }
        )
    open_posting.end = last_day
    open_posting.save(update_fields=["end"])


def _keep_past_units(person: Person) -> None:
    """Participations that only knew the unit through the person get it written down before the person moves, so a
    past plan, its standings and its awards keep the unit the person had."""
    Participant.objects.filter(person=person, unit__isnull=True).update(unit=person.unit)
    Participant.objects.filter(person=person, unit_name="").update(unit_name=person.unit.name)


@transaction.atomic
def move_person(
    *, by: User, person: Person, to: Unit, on: dt.date, position: str | None = None, note: str = ""
) -> Person:
    """Move an official to another unit of the subtree from a date: the old posting ends the day before, a new one
    starts; past participations and awards keep the old unit."""
    person = Person.objects.select_for_update().select_related("unit").get(pk=person.pk)
    ensure(OrgPolicy(by).may_move_person(person, to))
    if not person.is_active:
        raise ValidationError(_("Cán bộ đã nghỉ công tác: không điều chuyển."))
    if to.pk == person.unit_id:
        raise ValidationError({"to": _("Cán bộ đang công tác ở đơn vị này.")})
    if on > timezone.localdate():
        raise ValidationError(
            {"on": _("Ngày điều chuyển không được sau hôm nay: hãy ghi nhận khi quyết định có hiệu lực.")}
        )
    _check_unit_current(to, on)
    old_unit = person.unit
    _close_posting(person, on - dt.timedelta(days=1))
    _keep_past_units(person)
    new_position = person.position if position is None else position
    Posting.objects.create(person=person, unit=to, position=new_position, start=on)
    person.unit, person.position = to, new_position
    person.save(update_fields=["unit", "position"])
    detail = _("%(old)s → %(new)s từ ngày %(day)s") % {"old": old_unit.name, "new": to.name, "day": f"{on:%d/%m/%Y}"}
    if note:
        detail = f"{detail}. {note}"
    record(by=by, action=OrgEvent.Action.PERSON_MOVE, unit=old_unit, person=person, detail=detail)
    if old_unit.administrative_unit().pk != to.administrative_unit().pk:
        record(by=by, action=OrgEvent.Action.PERSON_MOVE, unit=to, person=person, detail=detail)
    return person


@transaction.atomic
def mark_person_left(*, by: User, person: Person, on: dt.date, reason: str = "") -> Person:
    """The official stops working here from a date: posting closed, no longer offered for new plans; a login of theirs
    is deactivated when the quản trị manages it."""
    person = Person.objects.select_for_update().select_related("unit").get(pk=person.pk)
    policy = OrgPolicy(by)
    ensure(policy.may_manage_people_of(person.unit))
    if not person.is_active:
        raise ValidationError(_("Cán bộ này đã được ghi nhận nghỉ công tác."))
    _close_posting(person, on - dt.timedelta(days=1))
    _keep_past_units(person)
    person.is_active, person.left_on = False, on
    person.save(update_fields=["is_active", "left_on"])
    detail = _("Nghỉ từ ngày %(day)s") % {"day": f"{on:%d/%m/%Y}"} + (f". {reason}" if reason else "")
    record(by=by, action=OrgEvent.Action.PERSON_LEAVE, unit=person.unit, person=person, detail=detail)
    if person.user is not None and person.user.is_active and policy.may_manage_account(person.user):
        _deactivate(by=by, account=person.user, reason=_("cán bộ nghỉ công tác"))
    return person


# --- accounts ---------------------------------------------------------------------------------------------------------


def _home_unit(account: User) -> Unit | None:
    """The unit an account's events are filed under: its official's unit, else its first role's unit."""
    person = Person.objects.filter(user=account).select_related("unit").first()
    if person is not None:
        return person.unit
    membership = Membership.objects.filter(user=account).select_related("unit").order_by("unit__path").first()
    return membership.unit if membership else None


def _set_one_time_password(*, by: User, account: User) -> str:
    password = one_time_password()
    account.set_password(password)
    account.save(update_fields=["password"])
    TemporaryPassword.objects.update_or_create(
        user=account, defaults={"password_hash": account.password, "created_by": by}
    )
    return password


@transaction.atomic
def create_account(
    *,
    by: User,
    person: Person,
    username: str,
    email: str = "",
    role: str | None = None,
    unit: Unit | None = None,
    title: str = "",
) -> tuple[User, str]:
    """A login for an official, with a one-time password (returned, to be shown once) that must be changed at the
    first login; optionally a first role on a unit of the subtree."""
    person = Person.objects.select_for_update().select_related("unit").get(pk=person.pk)
    policy = OrgPolicy(by)
    ensure(policy.may_create_account(person))
    username = username.strip()
    User = get_user_model()
    if not username:
        raise ValidationError({"username": _("Phải nhập tên đăng nhập.")})
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("Tên đăng nhập %(name)s đã có người dùng.") % {"name": username}})
    account = User.objects.create(username=username, email=email.strip(), first_name=person.full_name, last_name="")
    password = _set_one_time_password(by=by, account=account)
    person.user = account
    person.save(update_fields=["user"])
    record(by=by, action=OrgEvent.Action.ACCOUNT_ADD, unit=person.unit, person=person, account=account, detail=username)
    if role:  # refused → PermissionDenied, and the whole account is rolled back with it
        grant_role(by=by, account=account, unit=unit or person.unit, role=role, title=title)
    return account, password


@transaction.atomic
def grant_role(
    *, by: User, account: User, unit: Unit, role: str, title: str = "", is_deputy: bool = False
) -> Membership:
    """Give a role (membership) on a unit of the subtree; giving it twice changes nothing."""
    ensure(OrgPolicy(by).may_grant(account, unit, role))
    membership, created = Membership.objects.get_or_create(
        user=account, unit=unit, role=role, defaults={"title": title, "is_deputy": is_deputy}
    )
    if created:
        record(
            by=by,
            action=OrgEvent.Action.ROLE_GRANT,
            unit=unit,
            account=account,
            detail=_("%(role)s tại %(unit)s") % {"role": Role(role).label, "unit": unit.name},
        )
    return membership


@transaction.atomic
def revoke_role(*, by: User, membership: Membership) -> None:
    """Remove a role (membership) on a unit of the subtree."""
    membership = Membership.objects.select_related("unit", "user").get(pk=membership.pk)
    ensure(OrgPolicy(by).may_revoke(membership))
    record(
        by=by,
        action=OrgEvent.Action.ROLE_REVOKE,
        unit=membership.unit,
        account=membership.user,
        detail=_("%(role)s tại %(unit)s") % {"role": membership.get_role_display(), "unit": membership.unit.name},
    )
    membership.delete()


def _deactivate(*, by: User, account: User, reason: str = "") -> None:
    account.is_active = False
    account.save(update_fields=["is_active"])
    unit = _home_unit(account)
    if unit is not None:
        record(by=by, action=OrgEvent.Action.ACCOUNT_DEACTIVATE, unit=unit, account=account, detail=reason)


@transaction.atomic
def deactivate_account(*, by: User, account: User, reason: str = "") -> User:
    """Lock an account: it can no longer sign in (its roles stay, for the record)."""
    account = get_user_model().objects.select_for_update().get(pk=account.pk)
    ensure(OrgPolicy(by).may_manage_account(account))
    if not account.is_active:
        raise ValidationError(_("Tài khoản này đã bị khóa."))
    _deactivate(by=by, account=account, reason=reason)
    return account


@transaction.atomic
def activate_account(*, by: User, account: User) -> User:
    account = get_user_model().objects.select_for_update().get(pk=account.pk)
    ensure(OrgPolicy(by).may_manage_account(account))
    if account.is_active:
        raise ValidationError(_("Tài khoản này đang hoạt động."))
    account.is_active = True
    account.save(update_fields=["is_active"])
    unit = _home_unit(account)
    if unit is not None:
        record(by=by, action=OrgEvent.Action.ACCOUNT_ACTIVATE, unit=unit, account=account)
    return account


@transaction.atomic
def reset_password(*, by: User, account: User) -> str:
    """A new one-time password (returned once, never stored in clear), to be changed at the next login."""
    account = get_user_model().objects.select_for_update().get(pk=account.pk)
    ensure(OrgPolicy(by).may_manage_account(account))
    password = _set_one_time_password(by=by, account=account)
    unit = _home_unit(account)
    if unit is not None:
        record(by=by, action=OrgEvent.Action.PASSWORD_RESET, unit=unit, account=account)
    return password
