"""The quản trị's pages for API tokens: list, issue (the key shown once), revoke with a confirmation."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from api import services
from api.models import ApiToken, Scope
from campaigns.models import Unit
from campaigns.org.forms import UnitChoiceField
from campaigns.org.policies import OrgPolicy, ensure
from campaigns.typing import AuthenticatedRequest
from core.widgets import VietnameseDateInput


def tokens_for(policy: OrgPolicy) -> QuerySet[ApiToken]:
    """Tokens of the units the user manages (anything else: 404)."""
    return ApiToken.objects.filter(unit__in=policy.admin_units()).select_related("unit", "created_by", "revoked_by")


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Tên kết nối"), max_length=120, help_text=_("Hệ thống sẽ dùng khóa, ví dụ “Hệ thống một cửa tỉnh”.")
    )
    unit = UnitChoiceField(
        label=_("Phạm vi (đơn vị và các đơn vị trực thuộc)"), queryset=Unit.objects.none(), empty_label=None
    )
    scopes = forms.MultipleChoiceField(
        label=_("Quyền"),
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[Scope.READ],
        required=False,  # none chosen: the service's own sentence (scope_problems) says so
    )
    expires_on = forms.DateField(
        label=_("Hết hạn ngày"),
        widget=VietnameseDateInput(),
        help_text=_("Tối đa một năm. Khóa hết hạn phải cấp khóa mới."),
    )

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        assert isinstance(field, UnitChoiceField)
        field.queryset = Unit.objects.current().filter(pk__in=units.values("pk")).order_by("path")
        self.fields["expires_on"].initial = timezone.localdate() + dt.timedelta(days=90)


@login_required
@require_http_methods(["GET"])
def token_list(request: AuthenticatedRequest) -> HttpResponse:
    policy = OrgPolicy(request.user)
    ensure(policy.may_administer())
    return render(request, "api/token_list.html", {"tokens": tokens_for(policy)})


@login_required
@require_http_methods(["GET", "POST"])
def token_new(request: AuthenticatedRequest) -> HttpResponse:
    policy = OrgPolicy(request.user)
    ensure(policy.may_administer())
    form = TokenForm(request.POST or None, units=policy.admin_units())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            token, key = services.issue_token(
                by=request.user,
                name=data["name"],
                unit=data["unit"],
                scopes=data["scopes"],
                expires_on=data["expires_on"],
            )
        except (ValidationError, PermissionDenied) as error:
            for message in error.messages if isinstance(error, ValidationError) else [str(error)]:
                form.add_error(None, message)
        else:
            response = render(request, "api/token_issued.html", {"token": token, "key": key})
            add_never_cache_headers(response)  # the key is on this response only
            return response
    status = 400 if request.method == "POST" else 200
    return render(request, "api/token_form.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def token_revoke(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    policy = OrgPolicy(request.user)
    # Out of the user's scope: 404 (the id does not leak); in scope but not its quản trị: 403 with the reason.
    token = get_object_or_404(ApiToken.objects.filter(unit__in=policy.visible_units()).select_related("unit"), pk=pk)
    ensure(policy.may_manage_people_of(token.unit))
    if request.method == "POST":
        services.revoke_token(by=request.user, token=token)
        messages.success(
            request,
            _("Đã thu hồi khóa “%(name)s”: hệ thống dùng khóa này không truy cập được nữa.") % {"name": token.name},
        )
        return redirect("api:token_list")
    return render(request, "api/token_revoke.html", {"token": token})
