"""Digital signatures (chữ ký số, PAdES) on a decision's PDF: the signing PDF, the `Signer` seam, verification.

The app makes the PDF to sign once (PDF/A-2b, WeasyPrint) and adds two empty signature fields where Nghị định
30/2020, Phụ lục I puts them: the signer's between the title and the name, the organisation's (the seal) overlapping
about a third of it on the left. The signer signs it in his own tool (USB token, remote-signing service); the văn
thư adds the organisation's signature; the file comes back and `verify_signed_pdf` checks it against the app's PDF
and the trust anchors the administrator uploaded. No database here: `awards.services.digital_signature` keeps state.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from asn1crypto import x509 as asn1_x509  # type: ignore[import-untyped]
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from pyhanko import stamp
from pyhanko.pdf_utils import text
from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.general import SigningError
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import PdfSignatureStatus, SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from awards.models import Decision
from awards.pdf import decision_context
from awards.wording import signed_at_display

SIGNER_FIELD = "ChuKyNguoiKy"
ORGANISATION_FIELD = "ChuKyCoQuan"
MM = 72 / 25.4  # PDF points per millimetre
PX = 0.75  # PDF points per CSS pixel
SIGNER_BOX_MM = (50, 24)  # the signer's signature image, centred in the signature column
SEAL_BOX_MM = (36, 36)  # the seal: overlapping the left third of the signature image
# Modifications allowed after a signature: none, the next signature filling its field, validation data (DSS).
ALLOWED_AFTER_SIGNING = (ModificationLevel.NONE, ModificationLevel.LTA_UPDATES, ModificationLevel.FORM_FILLING)
CLOCK_SKEW = dt.timedelta(minutes=10)
APPEARANCE_FONT = "/usr/share/fonts/truetype/croscore/Tinos-Regular.ttf"  # fonts-croscore (Makefile SYSTEM_PACKAGES)
COVERAGE_WORDS = {
    "ENTIRE_FILE": _lazy("toàn bộ tệp"),
    "ENTIRE_REVISION": _lazy("toàn bộ văn bản đến lần ký này; phía sau chỉ là các lần ký tiếp theo"),
}
MODIFICATION_WORDS = {
    "NONE": _lazy("không có thay đổi"),
    "FORM_FILLING": _lazy("chỉ có chữ ký tiếp theo điền vào ô ký"),
    "LTA_UPDATES": _lazy("chỉ thêm dữ liệu phục vụ kiểm tra chữ ký"),
}


class _KeepMetadataWriter(IncrementalPdfFileWriter):
    """An incremental writer that leaves the document's XMP metadata alone.

    pyHanko replaces a metadata stream it did not write with its own, dropping WeasyPrint's PDF/A identification
    (pdfaid:part 2, conformance B); the signature fields and signatures need no metadata change.
    """

    def _update_meta(self) -> None:
        return None


class SignatureRefused(Exception):
    """The uploaded file is refused; `reason` says why in Vietnamese."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# ---------------------------------------------------------------------------------------------------------------
# 1. The PDF to sign
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldBox:
    page: int  # 0-based
    box: tuple[int, int, int, int]  # x1, y1, x2, y2 in PDF points from the bottom-left corner


def _signature_boxes(document: Any) -> tuple[FieldBox, FieldBox]:
    """Where the two fields go, from the signature space (`id="o-chu-ky"`) between the title and the name."""
    for index, page in enumerate(document.pages):
        if "o-chu-ky" in page.anchors:
            left, top, right, bottom = (value * PX for value in page.anchors["o-chu-ky"])
            height = page.height * PX
            centre_x, middle = (left + right) / 2, height - (top + bottom) / 2
            width = SIGNER_BOX_MM[0] * MM
            half_height = min(SIGNER_BOX_MM[1] * MM, bottom - top) / 2
            signer = (centre_x - width / 2, middle - half_height, centre_x + width / 2, middle + half_height)
            seal_right = signer[0] + width / 3
            seal = (seal_right - SEAL_BOX_MM[0] * MM, middle - SEAL_BOX_MM[1] * MM / 2, seal_right)
            seal_box = (*seal, middle + SEAL_BOX_MM[1] * MM / 2)
            return (
                FieldBox(index, (round(signer[0]), round(signer[1]), round(signer[2]), round(signer[3]))),
                FieldBox(index, (round(seal_box[0]), round(seal_box[1]), round(seal_box[2]), round(seal_box[3]))),
            )
    raise ValueError("the decision template has no signature space (id o-chu-ky)")


def render_signing_pdf(decision: Decision) -> bytes:
    """The final decision as PDF/A-2b with two empty signature fields (signer, then organisation)."""
    from weasyprint import HTML  # heavy import, loaded only where PDFs are made

    context = decision_context(decision)
    context["digital_signing"] = True
    html = render_to_string("awards/pdf/decision.html", context)
    document = HTML(string=html, base_url=str(settings.BASE_DIR)).render()
    signer_box, seal_box = _signature_boxes(document)
    base = document.write_pdf(pdf_variant="pdf/a-2b")
    writer = _KeepMetadataWriter(io.BytesIO(base))
    for name, place in ((SIGNER_FIELD, signer_box), (ORGANISATION_FIELD, seal_box)):
        fields.append_signature_field(
            writer, fields.SigFieldSpec(sig_field_name=name, on_page=place.page, box=place.box)
        )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# ---------------------------------------------------------------------------------------------------------------
# 5. The Signer seam: something that signs a hash with a certificate (key file here; remote services later)
# ---------------------------------------------------------------------------------------------------------------


class Signer(Protocol):
    """Signs a SHA-256 digest with the key of `certificate`; a remote-signing provider implements the same."""

    certificate: x509.Certificate
    chain: list[x509.Certificate]  # intermediates (and optionally the root) to embed

    def sign_digest(self, digest: bytes) -> bytes: ...


@dataclass
class KeyFileSigner:
    """Signs with a private key from a file the deployment provides (PEM key + PEM certificate chain)."""

    certificate: x509.Certificate
    key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
    chain: list[x509.Certificate] = field(default_factory=list)

    @classmethod
    def from_files(cls, *, key_path: str, certificate_path: str, password: bytes | None = None) -> KeyFileSigner:
        with open(key_path, "rb") as handle:
            key = serialization.load_pem_private_key(handle.read(), password=password)
        with open(certificate_path, "rb") as handle:
            certificates = x509.load_pem_x509_certificates(handle.read())
        if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
            raise ValueError("only RSA and EC keys are supported")
        return cls(certificate=certificates[0], key=key, chain=certificates[1:])

    def sign_digest(self, digest: bytes) -> bytes:
        if isinstance(self.key, rsa.RSAPrivateKey):
            return self.key.sign(digest, padding.PKCS1v15(), Prehashed(hashes.SHA256()))
        return self.key.sign(digest, ec.ECDSA(Prehashed(hashes.SHA256())))


def _asn1(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


class _SeamSigner(signers.Signer):
    """pyHanko's side of the seam: it builds the CMS; the `Signer` only ever sees the digest of the attributes."""

    def __init__(self, signer: Signer) -> None:
        self._seam = signer
        super().__init__(
            signing_cert=_asn1(signer.certificate),
            cert_registry=SimpleCertificateStore.from_certs([_asn1(c) for c in signer.chain]),
        )

    async def async_sign_raw(self, data: bytes, digest_algorithm: str, dry_run: bool = False) -> bytes:
        if digest_algorithm != "sha256":
            raise SigningError(f"unsupported digest {digest_algorithm}")
        public_key = self._seam.certificate.public_key()
        if dry_run:
            size = public_key.key_size // 8 if isinstance(public_key, rsa.RSAPublicKey) else 144
            return bytes(size)
        digest = hashes.Hash(hashes.SHA256())
        digest.update(data)
        return self._seam.sign_digest(digest.finalize())


def _appearance(lines: str) -> stamp.TextStampStyle | None:
    """The visible part of a signature in a font with Vietnamese (pyHanko's default font has no diacritics)."""
    if not Path(APPEARANCE_FONT).exists():
        return None
    return stamp.TextStampStyle(
        stamp_text=lines,
        text_box_style=text.TextBoxStyle(font=GlyphAccumulatorFactory(APPEARANCE_FONT, font_size=6)),
        background=None,
        border_width=0,
    )


def sign_pdf(pdf: bytes, *, signer: Signer, field_name: str, appearance: str = "") -> bytes:
    """Add one PAdES signature in `field_name` as an incremental update (what the signer's own tool does).

    `appearance` is the text shown in the field; by default the certificate's name and the signing time as people
    read it, "03/12/2026 14:47" in Vietnam's time zone (the signature itself carries the exact ISO 8601 time).
    """
    writer = _KeepMetadataWriter(io.BytesIO(pdf))
    meta = signers.PdfSignatureMetadata(field_name=field_name, md_algorithm="sha256")
    name = _attribute(signer.certificate.subject, x509.NameOID.COMMON_NAME)
    lines = appearance or f"{name}\n{signed_at_display(timezone.now())}"
    pdf_signer = signers.PdfSigner(meta, signer=_SeamSigner(signer), stamp_style=_appearance(lines))
    out = io.BytesIO()
    pdf_signer.sign_pdf(writer, output=out)
    return out.getvalue()


# ---------------------------------------------------------------------------------------------------------------
# 2–3. Verifying an uploaded signed file
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Anchor:
    """A trusted CA certificate as the verifier needs it."""

    certificate: x509.Certificate
    is_root: bool
    is_test: bool = False


@dataclass
class Expectation:
    """What the uploaded file must be: the app's PDF, signed by this person (and the organisation when required)."""

    app_pdf: bytes
    made_at: dt.datetime
    signer_name: str
    organisation_names: list[str]
    requires_organisation: bool
    anchors: list[Anchor]
    fetch_revocation: bool = False


def fetch_revocation_allowed() -> bool:
    """Whether this server may fetch CRLs and OCSP answers over the network (DIGITAL_SIGNATURE_FETCH_REVOCATION)."""
    return bool(getattr(settings, "DIGITAL_SIGNATURE_FETCH_REVOCATION", True))


def fold_name(name: str) -> str:
    """A name compared without case, diacritics or extra spaces (certificates often carry "NGUYEN VAN AN")."""
    decomposed = unicodedata.normalize("NFD", name.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(plain.casefold().split())


def local_iso(moment: dt.datetime | None) -> str:
    """ISO 8601 in Vietnam's time zone (Nghị định 30/2020, Phụ lục I)."""
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else ""


def vn_time(moment: dt.datetime | None) -> str:
    """dd/mm/yyyy HH:MM:SS in Vietnam's time zone, for people reading the report."""
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M:%S") if moment else ""


def _common_name(certificate: Any) -> str:
    """The CN of an asn1crypto certificate (pyHanko's validation path)."""
    return _attribute(x509.load_der_x509_certificate(certificate.dump()).subject, x509.NameOID.COMMON_NAME)


def _attribute(name: x509.Name, oid: x509.ObjectIdentifier) -> str:
    values = name.get_attributes_for_oid(oid)
    return str(values[0].value) if values else ""


def _check(label: str, ok: bool, detail: str = "") -> dict[str, Any]:
    return {"label": label, "ok": ok, "detail": detail}


def _revocation_urls(certificate: x509.Certificate) -> list[str]:
    urls: list[str] = []
    try:
        points = certificate.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
        urls += [n.value for p in points for n in (p.full_name or []) if isinstance(n, x509.UniformResourceIdentifier)]
    except x509.ExtensionNotFound:
        pass
    try:
        access = certificate.extensions.get_extension_for_class(x509.AuthorityInformationAccess).value
        urls += [d.access_location.value for d in access if d.access_method == x509.AuthorityInformationAccessOID.OCSP]
    except x509.ExtensionNotFound:
        pass
    return urls


def _revocation(
    sig: Any, expectation: Expectation, roots: list[Any], others: list[Any], cert: x509.Certificate
) -> dict:
    """Revocation checked where the CRL/OCSP is reachable; the outcome is recorded either way (never silent)."""
    urls = _revocation_urls(cert)
    if not urls:
        return _check(_("Tình trạng thu hồi"), True, _("Chứng thư không công bố địa chỉ CRL/OCSP; không tra cứu."))
    if not expectation.fetch_revocation:
        return _check(_("Tình trạng thu hồi"), True, _("Máy chủ không được phép tra cứu CRL/OCSP; chưa kiểm tra."))
    context = ValidationContext(trust_roots=roots, other_certs=others, allow_fetching=True, revocation_mode="soft-fail")
    status = validate_pdf_signature(sig, context, skip_diff=True)
    if status.revoked:
        return _check(_("Tình trạng thu hồi"), False, _("Chứng thư đã bị thu hồi."))
    if context.crls or context.ocsps:
        return _check(
            _("Tình trạng thu hồi"),
            True,
            _("Đã tra cứu (%(crl)s CRL, %(ocsp)s OCSP): chưa bị thu hồi.")
            % {"crl": len(context.crls), "ocsp": len(context.ocsps)},
        )
    return _check(
        _("Tình trạng thu hồi"),
        True,
        _("Không truy cập được CRL/OCSP (%(urls)s); ghi nhận, chưa kiểm tra được.") % {"urls": ", ".join(urls)},
    )


def _signature_entry(sig: Any, expectation: Expectation, app_revisions: int) -> dict[str, Any]:
    roots = [_asn1(a.certificate) for a in expectation.anchors if a.is_root]
    others = [_asn1(a.certificate) for a in expectation.anchors if not a.is_root]
    claimed = sig.self_reported_timestamp
    moment = claimed or timezone.now()
    context = ValidationContext(trust_roots=roots, other_certs=others, moment=moment, allow_fetching=False)
    status: PdfSignatureStatus = validate_pdf_signature(sig, context)
    cert = x509.load_der_x509_certificate(status.signing_cert.dump())
    when = status.timestamp_validity.timestamp if status.timestamp_validity else claimed
    name = _attribute(cert.subject, x509.NameOID.COMMON_NAME)
    checks = [
        _check(_("Chữ ký nguyên vẹn"), bool(status.intact and status.valid)),
        _check(
            _("Phạm vi ký"),
            status.coverage is not None and status.coverage >= SignatureCoverageLevel.ENTIRE_REVISION,
            str(COVERAGE_WORDS.get(status.coverage.name if status.coverage else "", _("không rõ"))),
        ),
        _check(
            _("Không sửa nội dung sau khi ký"),
            status.modification_level in ALLOWED_AFTER_SIGNING,
            str(
                MODIFICATION_WORDS.get(
                    status.modification_level.name if status.modification_level else "", _("có thay đổi nội dung")
                )
            ),
        ),
    ]
    valid_from, valid_to = cert.not_valid_before_utc, cert.not_valid_after_utc
    in_time = when is not None and valid_from <= when <= valid_to
    checks.append(
        _check(
            _("Chứng thư còn hiệu lực lúc ký"),
            in_time,
            _("hiệu lực %(start)s – %(end)s; ký lúc %(when)s")
            % {"start": vn_time(valid_from), "end": vn_time(valid_to), "when": vn_time(when) or "—"},
        )
    )
    anchor = status.validation_path[0] if status.validation_path is not None else None
    checks.append(
        _check(
            _("Chuỗi chứng thư đến chứng thư tin cậy"),
            status.trusted or (not in_time and status.validation_path is not None),
            _common_name(anchor) if anchor is not None else _("không tìm thấy chứng thư tin cậy"),
        )
    )
    sane_time = when is not None and expectation.made_at - CLOCK_SKEW <= when <= timezone.now() + CLOCK_SKEW
    checks.append(
        _check(
            _("Thời điểm ký hợp lý"),
            sane_time,
            _("ký lúc %(when)s; bản để ký tạo lúc %(made)s")
            % {"when": vn_time(when) or "—", "made": vn_time(expectation.made_at)},
        )
    )
    checks.append(_revocation(sig, expectation, roots, others, cert))
    anchor_der = anchor.dump() if anchor is not None else b""
    test_anchor = any(
        a.is_test and a.certificate.public_bytes(serialization.Encoding.DER) == anchor_der for a in expectation.anchors
    )
    return {
        "field": sig.field_name,
        "revision": sig.signed_revision,
        "name": name,
        "organisation": _attribute(cert.subject, x509.NameOID.ORGANIZATION_NAME),
        "subject": cert.subject.rfc4514_string(),
        "issuer": cert.issuer.rfc4514_string(),
        "issuer_name": _attribute(cert.issuer, x509.NameOID.COMMON_NAME),
        "serial": format(cert.serial_number, "X"),
        "fingerprint": cert.fingerprint(hashes.SHA256()).hex(),
        "not_before": local_iso(valid_from),
        "not_after": local_iso(valid_to),
        "valid_display": f"{vn_time(valid_from)[:10]} – {vn_time(valid_to)[:10]}",
        "signing_time_display": vn_time(when),
        "signing_time": local_iso(when),
        "time_source": "timestamp" if status.timestamp_validity else "claimed",
        "trust_anchor": _common_name(anchor) if anchor is not None else "",
        "test_anchor": test_anchor,
        "checks": checks,
        "ok": all(check["ok"] for check in checks),
        "first_after_app": sig.signed_revision == app_revisions,
    }


def _first_failure(entry: dict[str, Any]) -> str:
    failed = next(check for check in entry["checks"] if not check["ok"])
    return _("Chữ ký của %(name)s không đạt: %(check)s%(detail)s.") % {
        "name": entry["name"] or entry["field"],
        "check": failed["label"].lower(),
        "detail": f" ({failed['detail']})" if failed["detail"] else "",
    }


def verify_signed_pdf(content: bytes, expectation: Expectation) -> dict[str, Any]:
    """The verification report of an uploaded signed file; SignatureRefused (Vietnamese reason) if it fails.

    The report is also what a re-verification stores; `ok` is False (with `reason`) when a check fails.
    """
    if not content.startswith(b"%PDF-"):
        raise SignatureRefused(_("Tệp tải lên không phải là tệp PDF."))
    if not content.startswith(expectation.app_pdf) or len(content) == len(expectation.app_pdf):
        if len(content) == len(expectation.app_pdf):
            raise SignatureRefused(_("Tệp tải lên chưa có chữ ký số nào (trùng với bản để ký)."))
        raise SignatureRefused(
            _(
                "Tệp tải lên không phải bản PDF để ký của quyết định này, hoặc đã bị sửa trước khi ký: phần đầu tệp "
                "phải trùng từng byte với bản để ký (SHA-256 %(sha)s), chữ ký chỉ được nối thêm phía sau."
            )
            % {"sha": hashlib.sha256(expectation.app_pdf).hexdigest()}
        )
    try:
        reader = PdfFileReader(io.BytesIO(content), strict=False)
        app_revisions = PdfFileReader(io.BytesIO(expectation.app_pdf), strict=False).xrefs.total_revisions
        signatures = list(reader.embedded_signatures)
    except (PdfError, ValueError, KeyError, TypeError) as error:
        raise SignatureRefused(_("Không đọc được tệp PDF đã ký (%(error)s).") % {"error": error}) from error
    if not signatures:
        raise SignatureRefused(
            _(
                "Tệp không có chữ ký số nào: hình ảnh chữ ký hay con dấu dán vào PDF không phải chữ ký số. Hãy ký "
                "bằng chứng thư số (USB token hoặc dịch vụ ký số từ xa)."
            )
        )
    try:
        entries = [_signature_entry(sig, expectation, app_revisions) for sig in signatures]
    except (PdfError, ValueError, KeyError, TypeError, SigningError) as error:
        raise SignatureRefused(_("Không kiểm tra được chữ ký số trong tệp (%(error)s).") % {"error": error}) from error
    entries.sort(key=lambda entry: entry["revision"])
    document: list[dict[str, Any]] = []
    reason = ""
    for entry in entries:
        if not entry["ok"] and not reason:
            reason = _first_failure(entry)
    document.append(
        _check(
            _("Bản để ký của hệ thống là phần đầu của tệp"),
            True,
            _("SHA-256 bản để ký %(sha)s") % {"sha": hashlib.sha256(expectation.app_pdf).hexdigest()},
        )
    )
    first_ok = entries[0]["first_after_app"]
    document.append(
        _check(
            _("Chỉ có các lần ký nối thêm sau bản để ký"),
            first_ok,
            "" if first_ok else _("có nội dung được thêm vào giữa bản để ký và chữ ký đầu tiên"),
        )
    )
    if not first_ok and not reason:
        reason = _("Tệp đã bị sửa sau khi hệ thống tạo bản để ký và trước khi ký; không nhận.")
    signer_entries = [e for e in entries if fold_name(e["name"]) == fold_name(expectation.signer_name)]
    signer_entry = signer_entries[0] if signer_entries else None
    names = ", ".join(e["name"] for e in entries)
    document.append(
        _check(
            _("Người ký trên chứng thư trùng với người ký quyết định"),
            signer_entry is not None,
            _("quyết định: %(expected)s; chứng thư: %(names)s") % {"expected": expectation.signer_name, "names": names},
        )
    )
    if signer_entry is None and not reason:
        reason = _("Tên người ký trên chứng thư số (%(names)s) không trùng với người ký quyết định (%(expected)s).") % {
            "names": names,
            "expected": expectation.signer_name,
        }
    organisation_folds = {fold_name(n) for n in expectation.organisation_names if n}
    organisation_entry = next(
        (e for e in entries if e is not signer_entry and fold_name(e["name"]) in organisation_folds), None
    )
    for entry in entries:
        entry["role"] = (
            "signer" if entry is signer_entry else "organisation" if entry is organisation_entry else "other"
        )
    if expectation.requires_organisation:
        in_order = (
            organisation_entry is not None
            and signer_entry is not None
            and organisation_entry["revision"] > signer_entry["revision"]
        )
        document.append(
            _check(
                _("Chữ ký số của cơ quan (sau chữ ký của người ký)"),
                in_order,
                _("cơ quan: %(names)s") % {"names": " / ".join(expectation.organisation_names)},
            )
        )
        if not in_order and not reason:
            reason = (
                _(
                    "Thiếu chữ ký số của cơ quan (%(org)s); văn thư ký bằng chứng thư của cơ quan sau khi người ký "
                    "đã ký."
                )
                if organisation_entry is None
                else _("Chữ ký số của cơ quan phải đứng sau chữ ký của người ký.")
            ) % {"org": expectation.organisation_names[0] if expectation.organisation_names else ""}
    return {
        "ok": not reason,
        "reason": reason,
        "checked_at": local_iso(timezone.now()),
        "file_sha256": hashlib.sha256(content).hexdigest(),
        "app_pdf_sha256": hashlib.sha256(expectation.app_pdf).hexdigest(),
        "signatures": entries,
        "checks": document,
    }
