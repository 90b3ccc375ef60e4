"""Ký số pages: the PDF to sign and the upload of the signed file, re-verification, and the trust anchors.

The decision comes from `Decision.objects.visible_to(user)` (out of scope: 404); who may act is
`awards.policies.DecisionPolicy.sign_digitally` (403 with its reason), checked again in the services.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from awards.models import Decision, DigitalSignature, TrustAnchor
from awards.policies import DecisionPolicy
from awards.services import digital_signature as service
from campaigns.typing import AuthenticatedRequest
from core.uploads import accepts_upload, read_pdf
from core.widgets import VietnameseFileInput


class SignedPdfForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Tệp PDF đã ký số"),
        widget=VietnameseFileInput(attrs={"accept": ".pdf,application/pdf"}),
        help_text=gettext_lazy("Bản để ký tải ở bước 1, đã được người ký và văn thư ký số bằng công cụ ký của mình."),
    )


class TrustAnchorForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Chứng thư CA (gốc hoặc trung gian)"),
        widget=VietnameseFileInput(attrs={"accept": ".cer,.crt,.pem,.der"}),
        help_text=gettext_lazy("Tệp .cer/.crt/.pem của tổ chức cung cấp dịch vụ chứng thực chữ ký số."),
    )
    is_test = forms.BooleanField(label=gettext_lazy("Chứng thư thử nghiệm (không có giá trị pháp lý)"), required=False)


def _decision(request: AuthenticatedRequest, pk: int) -> Decision:
    queryset = Decision.objects.visible_to(request.user).select_related("issuer", "period__plan", "award_kind")
    return get_object_or_404(queryset, pk=pk)


def digital_signature_context(user: Any, decision: Decision) -> dict[str, Any]:
    """What the decision page shows of the digital signature (the card `awards/_digital_signature.html`)."""
    record = DigitalSignature.objects.filter(decision=decision).first()
    may_act = bool(DecisionPolicy.sign_digitally(user, decision))
    return {
        "digital_signature": record,
        "can_sign_digitally": may_act and decision.status == Decision.Status.SIGNED,
    }


@login_required
@require_GET
def digital_sign(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Step 1: make and download the PDF to sign; step 2: upload the signed file, verified before it is kept."""
    decision = _decision(request, pk)
    DecisionPolicy.sign_digitally(request.user, decision).ensure()
    record = DigitalSignature.objects.filter(decision=decision).first()
    form = SignedPdfForm()
    return render(request, "awards/decision_digital_sign.html", _page(decision, record, form))


def _page(decision: Decision, record: DigitalSignature | None, form: SignedPdfForm) -> dict[str, Any]:
    return {"decision": decision, "digital_signature": record, "form": form}


@login_required
@require_POST
def digital_sign_prepare(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    decision = _decision(request, pk)
    try:
        service.prepare_signing_pdf(decision=decision, by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect(decision)
    messages.success(request, _("Đã tạo bản PDF để ký số. Tải về, ký bằng công cụ ký số rồi tải lên lại."))
    return redirect("awards:decision_digital_sign", pk=decision.pk)


@login_required
@require_GET
def digital_sign_download(request: AuthenticatedRequest, pk: int) -> FileResponse:
    """The PDF to sign, byte for byte as kept (its SHA-256 is on the page)."""
    decision = _decision(request, pk)
    DecisionPolicy.sign_digitally(request.user, decision).ensure()
    record = get_object_or_404(DigitalSignature, decision=decision)
    number = f"{decision.number:02d}" if decision.number else "x"
    return FileResponse(
        record.unsigned_pdf.open("rb"),
        content_type="application/pdf",
        as_attachment=True,
        filename=f"quyet-dinh-{number}-{decision.year}-{decision.issuer.code.lower()}-ban-de-ky.pdf",
    )


@accepts_upload
@login_required
@require_POST
def digital_sign_upload(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    decision = _decision(request, pk)
    DecisionPolicy.sign_digitally(request.user, decision).ensure()
    form = SignedPdfForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            content = read_pdf(form.cleaned_data["file"])
            service.upload_signed_pdf(decision=decision, by=request.user, content=content)
        except ValidationError as error:
            form.add_error("file", error.messages[0])
        else:
            messages.success(request, _("Quyết định đã được ký số; bản đã ký là bản được tải về từ nay."))
            return redirect(decision)
    record = DigitalSignature.objects.filter(decision=decision).first()
    return render(request, "awards/decision_digital_sign.html", _page(decision, record, form), status=400)


@login_required
@require_POST
def digital_sign_reverify(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    decision = _decision(request, pk)
    try:
        record = service.reverify(decision=decision, by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        if record.report.get("ok"):
            messages.success(request, _("Đã kiểm tra lại: chữ ký số hợp lệ."))
        else:
            messages.error(request, _("Kiểm tra lại không đạt: %(reason)s") % {"reason": record.report.get("reason")})
    return redirect(decision)


@login_required
def trust_anchors(request: AuthenticatedRequest) -> HttpResponse:
    """The deployment's trusted CA certificates: list, upload, stop or resume trusting one."""
    if not service.may_manage_trust_anchors(request.user):
        raise PermissionDenied(_("Chỉ quản trị cấp cao nhất được quản lý chứng thư tin cậy."))
    form = TrustAnchorForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                content = form.cleaned_data["file"].read(64 * 1024 + 1)
                if len(content) > 64 * 1024:
                    raise ValidationError(_("Tệp chứng thư quá lớn (tối đa 64 KB)."))
                anchor = service.add_trust_anchor(
                    by=request.user, content=content, is_test=form.cleaned_data["is_test"]
                )
            except ValidationError as error:
                form.add_error("file", error.messages[0])
            else:
                messages.success(request, _("Đã thêm chứng thư tin cậy: %(subject)s") % {"subject": anchor.subject})
                return redirect("awards:trust_anchors")
        status = 400
    anchors = TrustAnchor.objects.select_related("added_by")
    return render(request, "awards/trust_anchors.html", {"form": form, "anchors": anchors}, status=status)


@login_required
@require_POST
def trust_anchor_toggle(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    if not service.may_manage_trust_anchors(request.user):
        raise PermissionDenied(_("Chỉ quản trị cấp cao nhất được quản lý chứng thư tin cậy."))
    anchor = get_object_or_404(TrustAnchor, pk=pk)
    anchor = service.set_trust_anchor_active(anchor=anchor, by=request.user, active=not anchor.active)
    messages.success(request, _("Đã cập nhật chứng thư: %(subject)s") % {"subject": anchor.subject})
    return redirect("awards:trust_anchors")


urlpatterns = [
    path("quyet-dinh/<int:pk>/ky-so/", digital_sign, name="decision_digital_sign"),
    path("quyet-dinh/<int:pk>/ky-so/tao-ban-de-ky/", digital_sign_prepare, name="decision_digital_prepare"),
    path("quyet-dinh/<int:pk>/ky-so/ban-de-ky.pdf", digital_sign_download, name="decision_digital_download"),
    path("quyet-dinh/<int:pk>/ky-so/tai-len/", digital_sign_upload, name="decision_digital_upload"),
    path("quyet-dinh/<int:pk>/ky-so/kiem-tra-lai/", digital_sign_reverify, name="decision_digital_reverify"),
    path("chung-thu-tin-cay/", trust_anchors, name="trust_anchors"),
    path("chung-thu-tin-cay/<int:pk>/doi-trang-thai/", trust_anchor_toggle, name="trust_anchor_toggle"),
]
