"""Pages of the officials, accounts and audit log (issue 20). Thin: the object from a scoped queryset (404 outside
the user's scope), OrgPolicy for the role (403), one service, a message and the next step."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from campaigns.models import Membership, Person
from campaigns.org import merge, selectors, services
from campaigns.org.forms import AccountForm, ConfirmForm, GrantForm, LeaveForm, MergeForm, MoveForm, PersonForm
from campaigns.org.policies import OrgPolicy, ensure
from campaigns.typing import AuthenticatedRequest


def _errors_to_form(form: Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        for message in error.messages:
            form.add_error(None, message)


def _render(
    request: AuthenticatedRequest, template: str, context: dict[str, Any], invalid: bool = False
) -> HttpResponse:
    if "page_obj" in context:
        context["is_paginated"] = context["page_obj"].has_other_pages()
    return render(
        request, f"campaigns/org/{template}", context, status=HTTPStatus.BAD_REQUEST if invalid else HTTPStatus.OK
    )


def _person(request: AuthenticatedRequest, pk: int) -> tuple[OrgPolicy, Person]:
    policy = OrgPolicy(request.user)
    person = get_object_or_404(policy.visible_people().select_related("unit", "user"), pk=pk)
    ensure(policy.may_manage_people_of(person.unit))
    return policy, person


def _account(request: AuthenticatedRequest, pk: int) -> tuple[OrgPolicy, Any]:
    policy = OrgPolicy(request.user)
    account = get_object_or_404(policy.visible_accounts(), pk=pk)
    ensure(policy.may_administer())
    return policy, account


# --- officials --------------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def person_list(request: AuthenticatedRequest) -> HttpResponse:
    """Officials of the user's subtree, searched by name with or without diacritics."""
    policy = OrgPolicy(request.user)
    ensure(policy.may_administer())
    query = request.GET.get("q", "").strip()
    include_left = request.GET.get("da_nghi") == "1"
    people = selectors.people_for(user=request.user, query=query, include_left=include_left)
    page = Paginator(people, 50).get_page(request.GET.get("page"))
    return _render(
        request,
        "person_list.html",
        {"page_obj": page, "people": page.object_list, "query": query, "include_left": include_left},
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_create(request: AuthenticatedRequest) -> HttpResponse:
    policy = OrgPolicy(request.user)
    ensure(policy.may_administer())
    form = PersonForm(request.POST or None, units=policy.admin_units())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person = services.add_person(
                by=request.user,
                full_name=data["full_name"],
                unit=data["unit"],
                position=data["position"],
                code=data["code"] or None,
                start=data["start"],
            )
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("Đã thêm cán bộ %(name)s.") % {"name": person.full_name})
            return redirect("campaigns:person_detail", pk=person.pk)
    return _render(request, "person_form.html", {"form": form}, invalid=request.method == "POST")


@login_required
@require_http_methods(["GET"])
def person_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    policy, person = _person(request, pk)
    memberships = Membership.objects.filter(user=person.user).select_related("unit") if person.user else []
    return _render(
        request,
        "person_detail.html",
        {
            "person": person,
            "history": selectors.person_history(person=person),
            "memberships": memberships,
            "may_create_account": policy.may_create_account(person),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    policy, person = _person(request, pk)
    initial = {"full_name": person.full_name, "position": person.position, "code": person.code or ""}
    form = PersonForm(request.POST or None, initial=initial, units=policy.admin_units(), editing=True)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_person(
                by=request.user,
                person=person,
                full_name=data["full_name"],
                position=data["position"],
                code=data["code"] or None,
            )
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("Đã lưu thông tin cán bộ."))
            return redirect("campaigns:person_detail", pk=person.pk)
    return _render(request, "person_form.html", {"form": form, "person": person}, invalid=request.method == "POST")


@login_required
@require_http_methods(["GET", "POST"])
def person_move(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    policy, person = _person(request, pk)
    form = MoveForm(request.POST or None, units=policy.admin_units(), person=person)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.move_person(
                by=request.user,
                person=person,
                to=data["to"],
                on=data["on"],
                position=data["position"] or None,
                note=data["note"],
            )
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(
                request,
                _("Đã điều chuyển %(name)s sang %(unit)s.") % {"name": person.full_name, "unit": data["to"].name},
            )
            return redirect("campaigns:person_detail", pk=person.pk)
    return _render(request, "person_move.html", {"form": form, "person": person}, invalid=request.method == "POST")


@login_required
@require_http_methods(["GET", "POST"])
def person_leave(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    _policy, person = _person(request, pk)
    form = LeaveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.mark_person_left(
                by=request.user, person=person, on=form.cleaned_data["on"], reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("Đã ghi nhận %(name)s nghỉ công tác.") % {"name": person.full_name})
            return redirect("campaigns:person_list")
    return _render(request, "person_leave.html", {"form": form, "person": person}, invalid=request.method == "POST")


# --- accounts ---------------------------------------------------------------------------------------------------------


def _password_page(request: AuthenticatedRequest, account: Any, password: str, created: bool) -> HttpResponse:
    """The one-time password, shown on this response only (never stored in clear, never cached)."""
    response = _render(request, "password_once.html", {"account": account, "password": password, "created": created})
    add_never_cache_headers(response)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def account_create(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A login for an official, optionally with a first role; answers with the one-time password."""
    policy, person = _person(request, pk)
    answer = policy.may_create_account(person)
    if not answer:
        messages.error(request, answer.reason)
        return redirect("campaigns:person_detail", pk=person.pk)
    initial = {"username": services.suggest_username(person.full_name), "unit": person.unit_id}
    form = AccountForm(request.POST or None, initial=initial, units=policy.admin_units())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            account, password = services.create_account(
                by=request.user,
                person=person,
                username=data["username"],
                email=data["email"],
                role=data["role"] or None,
                unit=data["unit"] or person.unit,
                title=data["title"],
            )
        except (ValidationError, PermissionDenied) as error:
            if isinstance(error, PermissionDenied):
                form.add_error(None, str(error))
            else:
                _errors_to_form(form, error)
        else:
            return _password_page(request, account, password, created=True)
    return _render(request, "account_form.html", {"form": form, "person": person}, invalid=request.method == "POST")


@login_required
@require_http_methods(["GET"])
def account_list(request: AuthenticatedRequest) -> HttpResponse:
    ensure(OrgPolicy(request.user).may_administer())
    query = request.GET.get("q", "").strip()
    page = Paginator(selectors.accounts_for(user=request.user, query=query), 50).get_page(request.GET.get("page"))
    return _render(request, "account_list.html", {"page_obj": page, "accounts": page.object_list, "query": query})


@login_required
@require_http_methods(["GET"])
def account_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    policy, account = _account(request, pk)
    memberships = Membership.objects.filter(user=account).select_related("unit").order_by("unit__path", "role")
    rows = [(membership, policy.may_revoke(membership)) for membership in memberships]
    return _render(
        request,
        "account_detail.html",
        {
            "account": account,
            "person": Person.objects.filter(user=account).select_related("unit").first(),
            "rows": rows,
            "may_manage": policy.may_manage_account(account),
            "is_self": account.pk == request.user.pk,
            "grant_form": GrantForm(units=policy.admin_units()),
            "events": selectors.events_for(user=request.user).filter(account=account)[:20],
        },
    )


@login_required
@require_POST
def role_grant(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    policy, account = _account(request, pk)
    if account.pk == request.user.pk:
        raise PermissionDenied(_("Không ai được tự giao vai trò cho chính mình."))
    form = GrantForm(request.POST, units=policy.admin_units())
    if form.is_valid():
        data = form.cleaned_data
        services.grant_role(
            by=request.user,
            account=account,
            unit=data["unit"],
            role=data["role"],
            title=data["title"],
            is_deputy=data["is_deputy"],
        )
        messages.success(request, _("Đã giao vai trò."))
        return redirect("campaigns:account_detail", pk=account.pk)
    return _render(request, "role_grant.html", {"form": form, "account": account}, invalid=True)


@login_required
@require_http_methods(["GET", "POST"])
def role_revoke(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    policy = OrgPolicy(request.user)
    membership = get_object_or_404(policy.visible_memberships().select_related("unit", "user"), pk=pk)
    ensure(policy.may_revoke(membership))
    form = ConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.revoke_role(by=request.user, membership=membership)
        messages.success(request, _("Đã thu hồi vai trò."))
        return redirect("campaigns:account_detail", pk=membership.user_id)
    return _render(
        request, "role_revoke.html", {"form": form, "membership": membership}, invalid=request.method == "POST"
    )


@login_required
@require_http_methods(["GET", "POST"])
def account_deactivate(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    policy, account = _account(request, pk)
    ensure(policy.may_manage_account(account))
    form = ConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.deactivate_account(by=request.user, account=account, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, _("Đã khóa tài khoản %(name)s.") % {"name": account.username})
        return redirect("campaigns:account_detail", pk=account.pk)
    return _render(
        request, "account_deactivate.html", {"form": form, "account": account}, invalid=request.method == "POST"
    )


@login_required
@require_POST
def account_activate(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    policy, account = _account(request, pk)
    ensure(policy.may_manage_account(account))
    try:
        services.activate_account(by=request.user, account=account)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("Đã mở lại tài khoản %(name)s.") % {"name": account.username})
    return redirect("campaigns:account_detail", pk=account.pk)


@login_required
@require_http_methods(["GET", "POST"])
def account_reset_password(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    policy, account = _account(request, pk)
    ensure(policy.may_manage_account(account))
    if request.method == "POST":
        password = services.reset_password(by=request.user, account=account)
        return _password_page(request, account, password, created=False)
    return _render(request, "account_reset_password.html", {"account": account})


@login_required
@require_http_methods(["GET"])
def org_event_list(request: AuthenticatedRequest) -> HttpResponse:
    """The audit log of officials, accounts and roles under the user's quản trị units."""
    ensure(OrgPolicy(request.user).may_administer())
    page = Paginator(selectors.events_for(user=request.user), 50).get_page(request.GET.get("page"))
    return _render(request, "event_list.html", {"page_obj": page, "events": page.object_list})


@login_required
@require_http_methods(["GET", "POST"])
def unit_merge(request: AuthenticatedRequest) -> HttpResponse:
    """Record a merger: the form, then a preview of what ends and moves, then (confirmed) the merge itself."""
    policy = OrgPolicy(request.user)
    ensure(policy.may_administer())
    form = MergeForm(request.POST or None, units=policy.admin_units())
    preview = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        new_successor = (
            merge.NewUnit(
                code=data["new_code"].strip(),
                name=data["new_name"].strip(),
                kind=data["new_kind"],
                parent=data["new_parent"],
            )
            if data["successor"] is None
            else None
        )
        units = list(data["units"])
        if request.POST.get("confirm") == "1":
            try:
                successor = merge.merge_units(
                    by=request.user,
                    units=units,
                    successor=data["successor"],
                    new_successor=new_successor,
                    on=data["on"],
                    memberships=data["memberships"],
                )
            except ValidationError as error:
                _errors_to_form(form, error)
            else:
                messages.success(
                    request,
                    _("Đã ghi nhận sáp nhập vào %(name)s. Lịch sử của các đơn vị cũ vẫn giữ tên cũ.")
                    % {"name": successor.name},
                )
                return redirect("campaigns:unit_list")
        else:
            preview = merge.plan_merge(
                by=request.user, units=units, successor=data["successor"], new_successor=new_successor, on=data["on"]
            )
            if preview.problems:
                for problem in preview.problems:
                    form.add_error(None, problem)
                preview = None
    invalid = request.method == "POST" and not form.is_valid()
    return _render(request, "unit_merge.html", {"form": form, "preview": preview}, invalid=invalid)
