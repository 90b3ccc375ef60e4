"""Decision pages: list, detail, draft from a period, edit, sign (password), annul (reason), and the downloads
(PDF, .docx, certificates, Excel list).

Every decision comes from `Decision.objects.visible_to(user)` (out of scope: 404); a write by the wrong role is
refused with 403 before any form is shown (awards/policies.py `DecisionPolicy`), and the service asks the same policy
again inside its transaction.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import ListView

from awards import decision_selectors as selectors
from awards.decision_forms import AnnulForm, ConfirmForm, CreateDraftForm, DecisionEditForm, SignForm
from awards.models import AwardKind, Decision, IssuerSetting, Nomination
from awards.policies import DecisionPolicy
from awards.services import decisions as services
from awards.services.decision_pdf import store_decision_pdf
from awards.views.digital_signature import digital_signature_context
from campaigns.models import Period, Plan
from campaigns.reauth import Locked, confirm_password
from campaigns.typing import AuthenticatedRequest

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _decision(request: AuthenticatedRequest, pk: int) -> Decision:
    queryset = Decision.objects.visible_to(request.user).select_related("issuer", "period__plan", "award_kind")
    return get_object_or_404(queryset, pk=pk)


def _file_stem(decision: Decision) -> str:
    number = f"{decision.number:02d}" if decision.number else "du-thao"
    return slugify(f"quyet-dinh-{number}-{decision.year or ''}-{decision.issuer.code}")


class DecisionListView(LoginRequiredMixin, ListView):
    request: AuthenticatedRequest

    template_name = "awards/decision_list.html"
    paginate_by = 25
    context_object_name = "decisions"

    def get_queryset(self) -> QuerySet[Decision]:
        params = self.request.GET
        year = params.get("nam", "")
        status = params.get("trang_thai", "")
        return selectors.decisions_for(
            user=self.request.user,
            query=params.get("q", "").strip(),
            status=status if status in Decision.Status.values else "",
            year=int(year) if year.isdigit() else None,
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["statuses"] = Decision.Status.choices
        context["awaiting"] = selectors.awaiting_decision_for(user=self.request.user)
        return context


@login_required
def decision_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    from awards.pdf import decision_context

    decision = _decision(request, pk)
    user = request.user
    context = decision_context(decision)
    context.update(
        {
            "can_edit": DecisionPolicy.edit(user, decision),
            "can_sign": DecisionPolicy.sign(user, decision),
            "can_annul": DecisionPolicy.annul(user, decision),
            "history": decision.history.select_related("history_user").order_by("-history_date")[:20],
            "decision_nominations": decision.nominations.select_related("participant").order_by(
                "participant__kind", "rank", "name"
            ),
            **digital_signature_context(user, decision),
        }
    )
    return render(request, "awards/decision_detail.html", context)


@login_required
def decision_create(request: AuthenticatedRequest, period_pk: int) -> HttpResponse:
    """Confirm and create a draft from a period's accepted nominations that have no decision yet."""
    period = get_object_or_404(
        Period.objects.filter(plan__in=Plan.objects.visible_to(request.user)).select_related("plan__issuer"),
        pk=period_pk,
    )
    DecisionPolicy.draft(request.user, period.plan.issuer).ensure()
    pending = Nomination.objects.filter(period=period).awaiting_decision()
    award_kinds = AwardKind.objects.filter(pk__in=pending.values("award_kind"))
    form = CreateDraftForm(request.POST or None, award_kinds=award_kinds)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                decision = services.create_draft_decision(
                    period=period,
                    award_kind=form.cleaned_data["award_kind"],
                    by=request.user,
                    signed_on=form.cleaned_data["signed_on"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Đã lập dự thảo quyết định. Hãy kiểm tra nội dung trước khi trình ký."))
                return redirect(decision)
        status = 400
    rows = pending.select_related("participant", "award_kind").order_by("award_kind__name", "rank", "name")
    return render(
        request, "awards/decision_create.html", {"period": period, "form": form, "pending": rows}, status=status
    )


@login_required
def decision_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    decision = _decision(request, pk)
    answer = DecisionPolicy.edit(request.user, decision)
    answer.ensure_role()  # 403
    if not answer:
        messages.error(request, answer.reason)
        return redirect(decision)
    form = DecisionEditForm(request.POST or None, instance=decision)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.update_draft(decision=Decision.objects.get(pk=decision.pk), by=request.user, **form.changes())
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Đã lưu dự thảo."))
                return redirect(decision)
        return render(request, "awards/decision_edit.html", {"decision": decision, "form": form}, status=400)
    return render(request, "awards/decision_edit.html", {"decision": decision, "form": form})


@login_required
@require_POST
def decision_regenerate(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    decision = _decision(request, pk)
    DecisionPolicy.edit(request.user, decision).ensure_role()
    try:
        services.regenerate_draft(decision=decision, by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("Đã tạo lại nội dung dự thảo theo ngày ký và văn bản đang có hiệu lực."))
    return redirect(decision)


@login_required
def decision_discard(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    decision = _decision(request, pk)
    DecisionPolicy.edit(request.user, decision).ensure_role()
    form = ConfirmForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.discard_draft(decision=decision, by=request.user)
            except ValidationError as error:
                messages.error(request, error.messages[0])
                return redirect(decision)
            messages.success(request, _("Đã bỏ dự thảo; các đề nghị được trả lại để lập quyết định khác."))
            return redirect("awards:decision_list")
        return render(request, "awards/decision_discard.html", {"decision": decision, "form": form}, status=400)
    return render(request, "awards/decision_discard.html", {"decision": decision, "form": form})


@login_required
def decision_sign(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The chairman or a deputy re-enters the password and signs; a wrong password changes nothing."""
    decision = _decision(request, pk)
    DecisionPolicy.sign(request.user, decision).ensure_role()
    register = services.numbering_of(decision.issuer) == IssuerSetting.Numbering.REGISTER
    form = SignForm(request.POST or None, register=register, today=timezone.localdate(), number=decision.number)
    if request.method == "POST":
        if form.is_valid():
            try:
                _confirm_password(request, form, "sign", decision)
                decision = services.sign_decision(
                    decision=decision, by=request.user, password=form.cleaned_data["password"], **form.signing()
                )
            except Locked:
                return HttpResponse(status=429)  # AxesMiddleware turns it into the lockout page
            except ValidationError as error:
                form.add_error("password" if "Mật khẩu" in error.messages[0] else None, error)
            else:
                messages.success(request, _("Đã ký quyết định số %(number)s.") % {"number": decision.number_display})
                return redirect(decision)
        return render(request, "awards/decision_sign.html", _sign_context(decision, form), status=400)
    return render(request, "awards/decision_sign.html", _sign_context(decision, form))


def _confirm_password(request: AuthenticatedRequest, form, action: str, decision: Decision) -> None:
    """The password re-entered on the form, checked under the login policy (campaigns.reauth)."""
    try:
        confirm_password(
            request=request,
            user=request.user,
            password=form.cleaned_data["password"],
            action=f"{action} decision={decision.pk}",
        )
    except ValidationError:
        raise ValidationError(
            _("Mật khẩu không đúng. Quyết định chưa được ký.")
            if action == "sign"
            else _("Mật khẩu không đúng. Quyết định chưa bị hủy.")
        ) from None


def _sign_context(decision: Decision, form: SignForm) -> dict:
    lines = selectors.decision_lines(decision)
    return {
        "decision": decision,
        "form": form,
        "line_count": len(lines),
        "total": sum(line["amount"] or 0 for line in lines),
    }


@login_required
def decision_annul(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    decision = _decision(request, pk)
    DecisionPolicy.annul(request.user, decision).ensure_role()
    form = AnnulForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                _confirm_password(request, form, "annul", decision)
                decision = services.annul_decision(
                    decision=decision, by=request.user, reason=form.cleaned_data["reason"]
                )
            except Locked:
                return HttpResponse(status=429)  # AxesMiddleware turns it into the lockout page
            except ValidationError as error:
                form.add_error("password" if error.messages[0].startswith("Mật khẩu") else None, error)
            else:
                messages.success(
                    request,
                    _("Đã hủy quyết định số %(number)s; các đề nghị có thể lập quyết định mới.")
                    % {"number": decision.number_display},
                )
                return redirect(decision)
        return render(request, "awards/decision_annul.html", {"decision": decision, "form": form}, status=400)
    return render(request, "awards/decision_annul.html", {"decision": decision, "form": form})


@login_required
def decision_pdf(request: AuthenticatedRequest, pk: int) -> HttpResponse | FileResponse:
    """The stored PDF of a signed decision (made now if the worker has not yet); a draft's preview marked DỰ THẢO."""
    from awards.pdf import render_decision_pdf

    decision = _decision(request, pk)
    if decision.status == Decision.Status.DRAFT:
        response = HttpResponse(render_decision_pdf(decision), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{_file_stem(decision)}.pdf"'
        return response
    if not decision.pdf:
        decision = store_decision_pdf(decision=decision)
    return FileResponse(
        decision.pdf.open("rb"),
        content_type="application/pdf",
        as_attachment=True,
        filename=f"{_file_stem(decision)}.pdf",
    )


@login_required
def decision_certificates(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    from awards.pdf import render_certificates_pdf

    decision = _decision(request, pk)
    response = HttpResponse(render_certificates_pdf(decision), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{_file_stem(decision)}-giay-khen.pdf"'
    return response


@login_required
def decision_docx(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    from awards.docx import render_decision_docx

    decision = _decision(request, pk)
    response = HttpResponse(render_decision_docx(decision), content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="{_file_stem(decision)}.docx"'
    return response


@login_required
def decision_xlsx(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    from awards.decision_exports import decision_list_xlsx

    decision = _decision(request, pk)
    response = HttpResponse(decision_list_xlsx(decision), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{_file_stem(decision)}-danh-sach.xlsx"'
    return response


urlpatterns = [
    path("quyet-dinh/", DecisionListView.as_view(), name="decision_list"),
    path("quyet-dinh/<int:pk>/", decision_detail, name="decision_detail"),
    path("dot/<int:period_pk>/quyet-dinh/tao/", decision_create, name="decision_create"),
    path("quyet-dinh/<int:pk>/sua/", decision_edit, name="decision_edit"),
    path("quyet-dinh/<int:pk>/tao-lai/", decision_regenerate, name="decision_regenerate"),
    path("quyet-dinh/<int:pk>/bo-du-thao/", decision_discard, name="decision_discard"),
    path("quyet-dinh/<int:pk>/ky/", decision_sign, name="decision_sign"),
    path("quyet-dinh/<int:pk>/huy/", decision_annul, name="decision_annul"),
    path("quyet-dinh/<int:pk>/pdf/", decision_pdf, name="decision_pdf"),
    path("quyet-dinh/<int:pk>/giay-khen.pdf", decision_certificates, name="decision_certificates"),
    path("quyet-dinh/<int:pk>/docx/", decision_docx, name="decision_docx"),
    path("quyet-dinh/<int:pk>/danh-sach.xlsx", decision_xlsx, name="decision_xlsx"),
]
