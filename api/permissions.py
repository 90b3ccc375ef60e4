"""What a request may reach: a token only what its scopes allow; a logged-in person what its roles allow (the
policies of the pages decide the rest: out of scope is 404 through the ``visible_to`` querysets)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from api.models import ApiToken, Scope


def token_of(request: Request) -> ApiToken | None:
    return request.auth if isinstance(request.auth, ApiToken) else None


class HasScope(BasePermission):
    """The view's ``required_scope`` (read unless it says otherwise) is one of the token's scopes."""

    message = _("Khóa API không có quyền này.")

    def has_permission(self, request: Request, view: Any) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        token = token_of(request)
        if token is None:
            return True  # the browser's session: the roles of the person decide, as on the pages
        required = getattr(view, "required_scope", Scope.READ)
        if required == Scope.READ:
            # Writing readings needs to see them: a write-only token still reads what it writes to.
            return bool(set(token.scopes))
        return required in token.scopes
