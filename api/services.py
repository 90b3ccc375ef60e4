"""Issuing and revoking API tokens: each checks the org policy (quản trị of the unit's subtree, the same rule as
giving a role by hand) and writes the org audit log in one transaction."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from api.models import ApiToken, Scope
from campaigns.models import OrgEvent, Role, Unit
from campaigns.org.policies import OrgPolicy, ensure
from campaigns.org.services import grant_role, record
from core.formatting import short_date

if TYPE_CHECKING:
    from django.contrib.auth.models import User

KEY_START = "td_"
LONGEST_LIFE = dt.timedelta(days=366)
# The role of the token's account that carries each scope: nội vụ reads a subtree and writes nothing; nhập liệu
# writes readings under scoring/access.py's rule (windows, submitted months, closed periods) like a clerk.
SCOPE_ROLES = {Scope.READ: Role.NOI_VU, Scope.WRITE_READINGS: Role.NHAP_LIEU}


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def split_key(key: str) -> str | None:
    """The prefix (lookup) of a key shaped "td_<prefix>_<secret>", or None for anything else."""
    if not key.startswith(KEY_START):
        return None
    prefix, _sep, secret = key[len(KEY_START) :].partition("_")
    return prefix if prefix and secret else None


def scope_problems(*, scopes: list[str], expires_on: dt.date, today: dt.date) -> list[str]:
    """What is wrong with a token request before anything is written (the form and any other caller)."""
    problems = []
    if not scopes:
        problems.append(_("Chọn ít nhất một quyền cho khóa API."))
    elif any(scope not in Scope.values for scope in scopes):
        problems.append(_("Quyền không hợp lệ."))
    if expires_on <= today:
        problems.append(_("Ngày hết hạn phải sau hôm nay."))
    elif expires_on > today + LONGEST_LIFE:
        problems.append(_("Khóa API dùng tối đa một năm: chọn ngày hết hạn sớm hơn."))
    return problems


@transaction.atomic
def issue_token(*, by: User, name: str, unit: Unit, scopes: list[str], expires_on: dt.date) -> tuple[ApiToken, str]:
    """A new token for an integration over the unit's subtree; returns it and its key (shown once, never stored)."""
    ensure(OrgPolicy(by).may_manage_people_of(unit))
    name = name.strip()
    problems = scope_problems(scopes=scopes, expires_on=expires_on, today=timezone.localdate())
    if not name:
        problems.insert(0, _("Nhập tên kết nối (ví dụ: Hệ thống một cửa tỉnh)."))
    if problems:
        raise ValidationError(problems)
    prefix = secrets.token_hex(6)
    key = f"{KEY_START}{prefix}_{secrets.token_urlsafe(32)}"
    account = get_user_model().objects.create_user(username=f"api-{prefix}", first_name=name[:150])
    account.set_unusable_password()  # the key is its only way in: no login page, no password reset
    account.save(update_fields=["password"])
    for scope in scopes:
        grant_role(by=by, account=account, unit=unit, role=SCOPE_ROLES[Scope(scope)])
    expires_at = timezone.make_aware(dt.datetime.combine(expires_on, dt.time.max))
    token = ApiToken.objects.create(
        name=name,
        unit=unit,
        scopes=sorted(scopes),
        prefix=prefix,
        key_hash=key_hash(key),
        account=account,
        created_by=by,
        expires_at=expires_at,
    )
    record(
        by=by,
        action=OrgEvent.Action.ACCOUNT_ADD,
        unit=unit,
        account=account,
        detail=_("Cấp khóa API “%(name)s” (%(scopes)s), hết hạn %(date)s")
        % {"name": name, "scopes": token_scopes_text(token), "date": short_date(expires_on)},
    )
    return token, key


def token_scopes_text(token: ApiToken) -> str:
    return ", ".join(str(Scope(scope).label) for scope in token.scopes)


@transaction.atomic
def revoke_token(*, by: User, token: ApiToken) -> ApiToken:
    """Revoke at once: the key stops working on its next request; revoking twice changes nothing."""
    token = ApiToken.objects.select_for_update().select_related("unit", "account").get(pk=token.pk)
    ensure(OrgPolicy(by).may_manage_people_of(token.unit))
    if token.revoked_at is not None:
        return token
    token.revoked_at, token.revoked_by = timezone.now(), by
    token.save(update_fields=["revoked_at", "revoked_by"])
    token.account.is_active = False
    token.account.save(update_fields=["is_active"])
    record(
        by=by,
        action=OrgEvent.Action.ACCOUNT_DEACTIVATE,
        unit=token.unit,
        account=token.account,
        detail=_("Thu hồi khóa API “%(name)s”") % {"name": token.name},
    )
    return token


def authenticate_key(key: str, *, now: dt.datetime | None = None) -> ApiToken | None:
    """The usable token holding this key, or None (unknown, wrong secret, revoked or expired alike); records the use
    at most once a minute so a busy integration does not write on every request."""
    prefix = split_key(key)
    if prefix is None:
        return None
    token = ApiToken.objects.select_related("account").filter(prefix=prefix).first()
    now = now or timezone.now()
    if token is None or not secrets.compare_digest(token.key_hash, key_hash(key)) or not token.is_usable(now):
        return None
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
