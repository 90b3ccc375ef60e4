"""API tokens and the record of idempotent batch writes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns.models import Unit

if TYPE_CHECKING:
    import datetime as dt


class Scope(models.TextChoices):
    """What a token may do. Each scope is held as a role of the token's own account on its unit, so every policy of
    the pages (scope of the subtree, the reading rules of scoring/access.py) answers for the API unchanged."""

    READ = "read", _("Đọc dữ liệu")
    WRITE_READINGS = "write_readings", _("Ghi số liệu chỉ số")


class ApiToken(models.Model):
    """A key for one integration (a province's one-stop-shop system, a data warehouse) over one unit's subtree.

    Only a SHA-256 of the secret is stored (the secret is random, 256 bits: a slow hash adds nothing); the full key is
    shown once when issued. The token acts as its own account (``account``), named after the token, whose
    memberships on ``unit`` carry its scopes: so the audit history of every write names the token.
    """

    name = models.CharField(_("tên kết nối"), max_length=120)
    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="api_tokens")
    scopes = models.JSONField(_("quyền"), default=list)
    prefix = models.CharField(_("tiền tố khóa"), max_length=16, unique=True)
    key_hash = models.CharField(_("SHA-256 của khóa"), max_length=64)
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("tài khoản của kết nối"), on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người cấp"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("cấp lúc"), auto_now_add=True)
    expires_at = models.DateTimeField(_("hết hạn lúc"))
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thu hồi"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    last_used_at = models.DateTimeField(_("dùng lần cuối"), null=True, blank=True)

    class Meta:
        verbose_name = _("khóa API")
        verbose_name_plural = _("khóa API")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_usable(self, now: dt.datetime | None = None) -> bool:
        return self.revoked_at is None and self.expires_at > (now or timezone.now())

    @property
    def state(self) -> str:
        if self.revoked_at is not None:
            return str(_("Đã thu hồi"))
        if not self.is_usable():
            return str(_("Hết hạn"))
        return str(_("Đang dùng"))


class BatchWrite(models.Model):
    """A batch of readings written through the API under a client's Idempotency-Key (per token, or per person for the
    browser's session): the same key again returns the recorded answer instead of writing twice; the same key with
    another body is refused. Only successful writes are recorded, so a refused batch can be fixed and resent."""

    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("tài khoản"), on_delete=models.CASCADE, related_name="+"
    )
    key = models.CharField(_("khóa chống ghi lặp"), max_length=120)
    body_sha256 = models.CharField(_("SHA-256 của nội dung"), max_length=64)
    status_code = models.PositiveSmallIntegerField(_("mã trả về"))
    response = models.JSONField(_("kết quả"))
    at = models.DateTimeField(_("lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("lần ghi qua API")
        verbose_name_plural = _("các lần ghi qua API")
        constraints = [models.UniqueConstraint(fields=["account", "key"], name="api_batch_key_once_per_account")]

    def __str__(self) -> str:
        return f"{self.account} · {self.key}"
