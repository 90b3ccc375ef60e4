"""Optional sign-in through a province's identity service (OpenID Connect, mozilla-django-oidc).

On only when the ``OIDC_*`` settings are present (config/settings.py reads them from the environment; ``enabled``
says so, and the login page shows its button only then). A verified identity signs in to an EXISTING active account:

- by the official's code, when ``OIDC_CODE_CLAIM`` names a claim that holds it (the Person with that code and an
  account), else
- by its e-mail, only if the service says the address is verified (``email_verified``).

Nothing is ever created: an unknown identity is refused with a Vietnamese message on the login page. The id token
must be signed by the service's key (JWKS), for this client (``aud``), from the configured issuer (``iss``), not
expired, and carry the nonce of this browser's request; anything else is refused the same way. Local passwords stay.
Audited like a password login: Django's ``user_logged_in`` / ``user_login_failed`` reach django-axes (its access log
and failure log) and the one-time password check.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import SuspiciousOperation
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from campaigns.models import Person

if TYPE_CHECKING:
    from django.contrib.auth.models import User

logger = logging.getLogger(__name__)

# What a province must configure for the sign-in to be offered (the rest has defaults).
REQUIRED = (
    "OIDC_RP_CLIENT_ID",
    "OIDC_RP_CLIENT_SECRET",
    "OIDC_OP_AUTHORIZATION_ENDPOINT",
    "OIDC_OP_TOKEN_ENDPOINT",
    "OIDC_OP_USER_ENDPOINT",
    "OIDC_OP_JWKS_ENDPOINT",
)
UNKNOWN = (
    "Tài khoản định danh của tỉnh chưa gắn với tài khoản nào đang hoạt động trong hệ thống. "
    "Hãy nhờ quản trị của đơn vị ghi đúng thư điện tử hoặc mã cán bộ của bạn."
)
UNKNOWN_FLAG = "_thidua_unknown_identity"
REFUSED = "Không xác thực được thông tin từ dịch vụ định danh của tỉnh. Hãy thử lại hoặc đăng nhập bằng mật khẩu."


def enabled() -> bool:
    """Whether the province's identity service is configured (every required OIDC_* setting present)."""
    return all(getattr(settings, name, "") for name in REQUIRED)


class ProvinceIdentityBackend(OIDCAuthenticationBackend):
    """Maps a verified identity to an existing active account; never creates one."""

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> User | None:
        # A password login (username/password) is ModelBackend's; this backend answers only the callback.
        if request is None or not enabled() or "username" in kwargs or "password" in kwargs:
            return None
        user: User | None = super().authenticate(request, **kwargs)
        return user

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        """The library checks the signature, the algorithm, the expiry and the nonce; the audience and the issuer
        are checked here."""
        payload: dict[str, Any] = super().verify_token(token, **kwargs)
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("OIDC id token for another client.")
        issuer = getattr(settings, "OIDC_OP_ISSUER", "")
        if issuer and payload.get("iss") != issuer:
            raise SuspiciousOperation("OIDC id token from another issuer.")
        return payload

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> User | None:
        """The token is good; the identity is someone's or nobody's (then the page says so, nothing is created)."""
        claims = self.get_userinfo(access_token, id_token, payload)
        users = list(self.filter_users_by_claims(claims)[:2]) if self.verify_claims(claims) else []
        if len(users) == 1:
            return users[0]
        if len(users) > 1:
            raise SuspiciousOperation("OIDC identity matches several accounts.")
        setattr(self.request, UNKNOWN_FLAG, True)
        return None

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return bool(self._code(claims) or self._verified_email(claims))

    def filter_users_by_claims(self, claims: dict[str, Any]) -> QuerySet[User]:
        users = get_user_model().objects.filter(is_active=True)
        code = self._code(claims)
        if code:
            holders = Person.objects.filter(code=code, user__isnull=False).values("user_id")
            return users.filter(pk__in=holders)
        email = self._verified_email(claims)
        return users.filter(email__iexact=email) if email else users.none()

    def get_user(self, user_id: int) -> User | None:
        """The session's user, only while the account is active (the library's own skips that check, so a locked
        account would stay signed in through the identity service)."""
        user: User | None = ModelBackend.get_user(self, user_id)
        return user

    def create_user(self, claims: dict[str, Any]) -> User:
        raise SuspiciousOperation("Accounts are never created from an identity.")

    @staticmethod
    def _code(claims: dict[str, Any]) -> str:
        claim = getattr(settings, "OIDC_CODE_CLAIM", "")
        value = claims.get(claim) if claim else None
        return value.strip() if isinstance(value, str) else ""

    @staticmethod
    def _verified_email(claims: dict[str, Any]) -> str:
        email = claims.get("email")
        return (
            email.strip() if isinstance(email, str) and email.strip() and claims.get("email_verified") is True else ""
        )


class StartView(OIDCAuthenticationRequestView):
    """The button "Đăng nhập bằng tài khoản định danh của tỉnh": to the service's sign-in page (404 when not set)."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not enabled():
            raise Http404
        response: HttpResponse = super().dispatch(request, *args, **kwargs)
        return response


class CallbackView(OIDCAuthenticationCallbackView):
    """Back from the service: signed in and home, or on the login page with the reason in Vietnamese."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not enabled():
            raise Http404
        try:
            response: HttpResponse = super().dispatch(request, *args, **kwargs)
        except (SuspiciousOperation, requests.RequestException) as error:
            logger.warning("OIDC sign-in refused: %s", error)
            return self.login_failure()
        return response

    @property
    def failure_url(self) -> str:
        return resolve_url("login")

    def login_failure(self) -> HttpResponseRedirect:
        # The token was good but no account holds the identity: say so; otherwise the answer could not be trusted.
        unknown = getattr(self.request, UNKNOWN_FLAG, False)
        messages.error(self.request, UNKNOWN if unknown else REFUSED)
        return HttpResponseRedirect(self.failure_url)


class LoginView(auth_views.LoginView):
    """The password login, with the identity service's button when one is configured."""

    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        context["identity_service"] = enabled()
        return context
