"""The digital-signature step of a decision (ký số, PAdES), after the chairman's approval (ký nháy / phê duyệt).

`sign_decision` (password re-entry) approves the decision and fixes its number and date; it is not a digital
signature. Then: `prepare_signing_pdf` makes the PDF to sign once (PDF/A-2b with the two empty signature fields)
and keeps its SHA-256; the signer signs it in his own tool and the văn thư adds the organisation's signature;
`upload_signed_pdf` verifies the file (awards.signing) and, only if every check passes, keeps it as the decision's
PDF with its report; `reverify` checks the kept file again on demand and records the new report. Trust anchors
are the deployment's (quản trị uploads them).
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from awards import signing
from awards.models import Decision, DigitalSignature, IssuerSignatureRule, TrustAnchor
from awards.policies import DecisionPolicy, decision_issuer_name
from awards.wording import issuer_phrase
from campaigns.models import Membership, Role, Unit

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def may_manage_trust_anchors(user: User) -> bool:
    """Trust anchors are the deployment's: a superuser, or quản trị of a top-level unit."""
    if not user.is_authenticated:
        return False
    if user.is_superuser and user.is_active:
        return True
    return Membership.objects.filter(user=user, role=Role.QUAN_TRI, unit__depth=1).exists()


def _ensure_manager(user: User) -> None:
    if not may_manage_trust_anchors(user):
        raise PermissionDenied(_("Chỉ quản trị cấp cao nhất được quản lý chứng thư tin cậy."))


def requires_organisation_signature(issuer: Unit) -> bool:
    """Decisions carry the organisation's signature (the seal) unless the issuer's rule says otherwise."""
    rule = IssuerSignatureRule.objects.filter(issuer=issuer).first()
    return True if rule is None else rule.requires_organisation_signature


def organisation_names(issuer: Unit) -> list[str]:
    """The names an organisation certificate of the issuer may carry."""
    names = [decision_issuer_name(issuer), issuer.name]
    if issuer.is_administrative:
        names.append(_("Ủy ban nhân dân %(issuer)s") % {"issuer": issuer_phrase(issuer)})
    return list(dict.fromkeys(names))


def _anchors() -> list[signing.Anchor]:
    return [
        signing.Anchor(x509.load_der_x509_certificate(bytes(a.certificate_der)), a.is_root, a.is_test)
        for a in TrustAnchor.objects.filter(active=True)
    ]


def _locked(decision: Decision) -> Decision:
    return (
        Decision.objects.select_for_update().select_related("issuer", "period__plan", "award_kind").get(pk=decision.pk)
    )


@transaction.atomic
def prepare_signing_pdf(*, decision: Decision, by: User) -> DigitalSignature:
    """Make the PDF to sign (once; a second call returns the same file) for an approved decision."""
    decision = _locked(decision)
    DecisionPolicy.sign_digitally(by, decision).ensure()
    if decision.status == Decision.Status.DRAFT:
        raise ValidationError(_("Dự thảo phải được lãnh đạo phê duyệt (ký nháy) trước khi tạo bản để ký số."))
    if decision.status == Decision.Status.ANNULLED:
        raise ValidationError(_("Quyết định đã bị hủy, không ký số."))
    existing = DigitalSignature.objects.filter(decision=decision).first()
    if existing is not None:
        return existing
    content = signing.render_signing_pdf(decision)
    record = DigitalSignature(
        decision=decision,
        unsigned_sha256=hashlib.sha256(content).hexdigest(),
        requires_organisation=requires_organisation_signature(decision.issuer),
    )
    name = f"quyet-dinh-{decision.year}-{decision.number:02d}-{decision.issuer.code}-de-ky.pdf".lower()
    record.unsigned_pdf.save(name, ContentFile(content), save=False)
    record._change_reason = _("Tạo bản PDF để ký số")
    record.save()
    return record


def _expectation(record: DigitalSignature) -> signing.Expectation:
    decision = record.decision
    with record.unsigned_pdf.open("rb") as handle:
        app_pdf = handle.read()
    return signing.Expectation(
        app_pdf=app_pdf,
        made_at=record.made_at,
        signer_name=decision.signer_name,
        organisation_names=organisation_names(decision.issuer),
        requires_organisation=record.requires_organisation,
        anchors=_anchors(),
        fetch_revocation=signing.fetch_revocation_allowed(),
    )


def _verify(record: DigitalSignature, content: bytes) -> dict[str, Any]:
    try:
        return signing.verify_signed_pdf(content, _expectation(record))
    except signing.SignatureRefused as refused:
        return {"ok": False, "reason": refused.reason, "checked_at": signing.local_iso(timezone.now())}


@transaction.atomic
def upload_signed_pdf(*, decision: Decision, by: User, content: bytes) -> DigitalSignature:
    """Keep the signed file if every check passes; otherwise ValidationError with the reason and nothing changes."""
    decision = _locked(decision)
    DecisionPolicy.sign_digitally(by, decision).ensure()
    if decision.status == Decision.Status.ANNULLED:
        raise ValidationError(_("Quyết định đã bị hủy, không nhận bản ký số."))
    record = DigitalSignature.objects.select_for_update().filter(decision=decision).first()
    if record is None:
        raise ValidationError(_("Chưa có bản PDF để ký của quyết định này; hãy tạo và tải bản để ký trước."))
    if record.is_signed:
        raise ValidationError(_("Quyết định đã được ký số; không nhận thêm bản khác."))
    if not signing.fold_name(decision.signer_name):
        raise ValidationError(_("Quyết định chưa ghi người ký."))
    if not TrustAnchor.objects.filter(active=True, is_root=True).exists():
        raise ValidationError(_("Chưa có chứng thư gốc tin cậy nào; quản trị cần tải lên chứng thư của CA trước."))
    report = _verify(record, content)
    if not report["ok"]:
        raise ValidationError(report["reason"])
    record.report = report
    record.verified_at = timezone.now()
    record.signed_sha256 = report["file_sha256"]
    record.uploaded_by = by
    record.uploaded_at = timezone.now()
    name = f"quyet-dinh-{decision.year}-{decision.number:02d}-{decision.issuer.code}-da-ky-so.pdf".lower()
    record.signed_pdf.save(name, ContentFile(content), save=False)
    record._change_reason = _("Nhận bản đã ký số")
    record.save()
    # Every download serves the signed file from now on.
    decision.pdf.name = record.signed_pdf.name
    decision.pdf_sha256 = record.signed_sha256
    decision._change_reason = _("Ký số: %(names)s") % {
        "names": ", ".join(entry["name"] for entry in report["signatures"])
    }
    decision.save(update_fields=["pdf", "pdf_sha256"])
    return record


@transaction.atomic
def reverify(*, decision: Decision, by: User) -> DigitalSignature:
    """Check the kept signed file again (anchors may have changed, CRLs become reachable) and record the report."""
    decision = _locked(decision)
    DecisionPolicy.sign_digitally(by, decision).ensure()
    record = DigitalSignature.objects.select_for_update().filter(decision=decision).first()
    if record is None or not record.is_signed:
        raise ValidationError(_("Quyết định chưa được ký số, không có gì để kiểm tra lại."))
    with record.signed_pdf.open("rb") as handle:
        content = handle.read()
    record.report = _verify(record, content)
    record.verified_at = timezone.now()
    record._change_reason = _("Kiểm tra lại chữ ký số: %(result)s") % {
        "result": _("đạt") if record.report["ok"] else _("không đạt")
    }
    record.save(update_fields=["report", "verified_at"])
    return record


# ---------------------------------------------------------------------------------------------------------------
# Trust anchors (per deployment)
# ---------------------------------------------------------------------------------------------------------------


def _load_certificate(content: bytes) -> x509.Certificate:
    try:
        if b"-----BEGIN CERTIFICATE-----" in content:
            return x509.load_pem_x509_certificate(content)
        return x509.load_der_x509_certificate(content)
    except ValueError as error:
        raise ValidationError(_("Tệp không phải chứng thư số X.509 (PEM hoặc DER/.cer).")) from error


@transaction.atomic
def add_trust_anchor(*, by: User | None, content: bytes, is_test: bool = False) -> TrustAnchor:
    """Trust a root or intermediate CA certificate; `by=None` only for the demo loader's own test CA."""
    if by is not None:
        _ensure_manager(by)
    certificate = _load_certificate(content)
    try:
        constraints = certificate.extensions.get_extension_for_class(x509.BasicConstraints).value
        is_ca = constraints.ca
    except x509.ExtensionNotFound:
        is_ca = False
    if not is_ca:
        raise ValidationError(
            _(
                "Chứng thư này không phải của tổ chức cung cấp dịch vụ chứng thực (CA); chỉ nhận chứng thư gốc "
                "hoặc trung gian."
            )
        )
    if certificate.not_valid_after_utc < timezone.now():
        raise ValidationError(
            _("Chứng thư đã hết hạn ngày %(date)s.") % {"date": certificate.not_valid_after_utc.strftime("%d/%m/%Y")}
        )
    fingerprint = certificate.fingerprint(hashes.SHA256()).hex()
    anchor = TrustAnchor(
        certificate_der=certificate.public_bytes(serialization.Encoding.DER),
        subject=certificate.subject.rfc4514_string()[:500],
        fingerprint_sha256=fingerprint,
        is_root=certificate.issuer == certificate.subject,
        is_test=is_test,
        not_before=certificate.not_valid_before_utc,
        not_after=certificate.not_valid_after_utc,
        added_by=by,
    )
    try:
        with transaction.atomic():
            anchor.save()
    except IntegrityError:
        raise ValidationError(_("Chứng thư này đã có trong danh sách tin cậy.")) from None
    return anchor


@transaction.atomic
def set_trust_anchor_active(*, anchor: TrustAnchor, by: User, active: bool) -> TrustAnchor:
    _ensure_manager(by)
    anchor = TrustAnchor.objects.select_for_update().get(pk=anchor.pk)
    anchor.active = active
    anchor.save(update_fields=["active"])
    return anchor
