"""Bearer tokens for integrations; the browser's login cookie (with CSRF) for a logged-in person."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from api.models import ApiToken
from api.services import authenticate_key


class TokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Bearer td_…``: the request acts as the token's own account (its roles are its scopes)."""

    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[Any, ApiToken] | None:
        header = authentication.get_authorization_header(request).decode("latin-1", "replace").split()
        if not header or header[0].lower() != self.keyword.lower():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Tiêu đề Authorization phải có dạng “Bearer <khóa API>”."))
        token = authenticate_key(header[1])
        if token is None:
            raise exceptions.AuthenticationFailed(_("Khóa API không đúng, đã hết hạn hoặc đã bị thu hồi."))
        return token.account, token

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.TokenAuthentication"
    name = "khoaApi"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "http", "scheme": "bearer", "bearerFormat": "td_<tiền tố>_<bí mật>"}
