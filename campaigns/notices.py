"""Notices to people: one in-app Notice per user and event (its key makes it idempotent), and the daily e-mail
digest that mails each user's unsent notices in one message (never one mail per event), unless the user opted out.

Every event that tells someone something (readings returned, a window closing, proposals ready, a dossier returned,
a decision signed, a period closed) calls ``notify``; only ``send_notice_digests`` sends mail.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.models import Membership, Notice, NoticePreference, Role, Unit
from campaigns.permissions import acting_q

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# Notices older than this when the digest runs are not mailed any more (a worker stopped for a week does not send a
# week of news at once; the notices stay in the app).
DIGEST_MAX_AGE = dt.timedelta(days=2)


def notify(*, users: Iterable[User], key: str, title: str, body: str = "", url: str = "") -> list[Notice]:
    """One notice per active user under this key; a user who already has it gets nothing new. Returns those created."""
    created = []
    seen: set[int] = set()
    for user in users:
        if user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        notice, is_new = Notice.objects.get_or_create(
            user=user, key=key[:120], defaults={"title": title[:255], "body": body, "url": url[:255]}
        )
        if is_new:
            created.append(notice)
    return created


def members_of(unit: Unit, *roles: str, above: bool = True) -> list[User]:
    """Users holding one of the roles on the unit (and, with ``above``, on a unit above it, whose scope covers it),
    through memberships that still act (``acting_q``: the same rule as ``roles_for``)."""
    units = Q(unit__path__in=unit.covering_paths()) if above else Q(unit=unit)
    memberships = (
        Membership.objects.filter(acting_q(), units, role__in=roles).select_related("user").order_by("user_id")
    )
    return [membership.user for membership in memberships]


def clerks_of(unit: Unit) -> list[User]:
    """The nhập liệu who enter and send the unit's readings and prepare its dossiers."""
    return members_of(unit, Role.NHAP_LIEU)


def wants_email(user: User) -> bool:
    """The user gets the daily digest unless they turned it off on "Cài đặt thông báo"."""
    preference = NoticePreference.objects.filter(user=user).first()
    return preference is None or preference.email_digest


def set_email_digest(*, user: User, enabled: bool) -> NoticePreference:
    """The user's own choice (the settings page): mail the daily digest or not."""
    preference, _created = NoticePreference.objects.update_or_create(user=user, defaults={"email_digest": enabled})
    return preference


def digest_text(notices: list[Notice], *, base_url: str = "") -> str:
    """The digest's body: each notice's title, text and link, oldest first (pure, so the grouping is tested alone)."""
    lines = [_("Các thông báo mới trên hệ thống Thi đua:"), ""]
    for number, notice in enumerate(notices, 1):
        stamp = timezone.localtime(notice.created_at).strftime("%d/%m/%Y %H:%M")
        lines.append(f"{number}. {notice.title} ({stamp})")
        if notice.body:
            lines.append(f"   {notice.body}")
        if notice.url:
            lines.append(f"   {base_url}{notice.url}")
        lines.append("")
    lines.append(_("Tắt thư tổng hợp: trang “Cài đặt thông báo” trên hệ thống."))
    return "\n".join(lines)


def send_notice_digests(*, now: dt.datetime | None = None) -> int:
    """Daily (beat): one mail per user with that user's notices not yet mailed; each notice is mailed once (its
    ``mailed_at``), so running twice sends once. Users who opted out or have no address get no mail. Returns mails."""
    now = now or timezone.now()
    pending = Notice.objects.filter(mailed_at__isnull=True, created_at__gte=now - DIGEST_MAX_AGE, created_at__lte=now)
    opted_out = NoticePreference.objects.filter(email_digest=False).values("user_id")
    user_ids = sorted(
        set(pending.exclude(user__email="").exclude(user_id__in=opted_out).values_list("user_id", flat=True))
    )
    base_url = getattr(settings, "THIDUA_SITE_URL", "").rstrip("/")
    sent = 0
    for user_id in user_ids:
        with transaction.atomic():
            # Locked and re-read: a second worker running the same digest finds them mailed and sends nothing.
            notices = list(
                pending.select_for_update().filter(user_id=user_id, mailed_at__isnull=True).order_by("created_at", "pk")
            )
            if not notices:
                continue
            user = notices[0].user
            subject = (
                notices[0].title
                if len(notices) == 1
                else _("Thi đua: %(count)s thông báo mới") % {"count": len(notices)}
            )
            send_mail(subject, digest_text(notices, base_url=base_url), settings.DEFAULT_FROM_EMAIL, [user.email])
            Notice.objects.filter(pk__in=[notice.pk for notice in notices]).update(mailed_at=now)
            sent += 1
    return sent
