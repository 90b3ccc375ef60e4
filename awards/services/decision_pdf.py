"""Storing a signed decision's PDF: rendered once, kept with its SHA-256 (the task's one service call)."""

from __future__ import annotations

import hashlib

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from awards.models import Decision, DigitalSignature
from awards.pdf import render_decision_pdf


@transaction.atomic
def store_decision_pdf(*, decision: Decision, force: bool = False) -> Decision:
    """Render a signed decision's PDF once, store it and its SHA-256 (idempotent: a retried task keeps the first)."""
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    if decision.status == Decision.Status.DRAFT:
        raise ValidationError(_("Chỉ lưu tệp PDF cho quyết định đã ký."))
    if decision.pdf and not force:
        return decision
    if DigitalSignature.objects.filter(decision=decision).exclude(signed_sha256="").exists():
        raise ValidationError(_("Quyết định đã ký số: bản PDF đã ký là bản lưu, không tạo lại."))
    content = render_decision_pdf(decision)
    decision.pdf_sha256 = hashlib.sha256(content).hexdigest()
    name = f"quyet-dinh-{decision.year}-{decision.number:02d}-{decision.issuer.code}.pdf".lower()
    decision.pdf.save(name, ContentFile(content), save=False)
    decision._change_reason = _("Lưu tệp PDF")  # simple_history: the audit row says why
    decision.save(update_fields=["pdf", "pdf_sha256"])
    return decision
