"""Production settings and headers: HTTPS-only cookies, HSTS, a Content-Security-Policy of the app's own assets,
secure headers on every page, and secrets only from the environment."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "false",
    "HTTPS": "true",
    "ALLOWED_HOSTS": "thidua.example.vn",
    "SECRET_KEY": "a-production-secret-that-only-the-environment-knows-0123456789",
}


def _production_settings(expression: str, **extra: str) -> str:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "HTTPS", "SECRET_KEY", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(PRODUCTION, **extra)
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings'; django.setup(); "
        f"from django.conf import settings as s; print(repr({expression}))"
    )
    return subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()


def test_production_settings_make_cookies_https_only_and_turn_on_hsts():
    out = _production_settings(
        "(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS >= 31536000, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_CONTENT_TYPE_NOSNIFF, "
        "s.X_FRAME_OPTIONS, s.SECURE_REFERRER_POLICY, s.DEBUG)"
    )
    assert out == "(True, True, True, True, True, True, True, 'DENY', 'same-origin', False)"


def test_the_secret_key_comes_from_the_environment():
    assert _production_settings("s.SECRET_KEY") == repr(PRODUCTION["SECRET_KEY"])
    assert _production_settings("s.SECRET_KEY", SECRET_KEY="another-one-" + "x" * 50) == repr("another-one-" + "x" * 50)


def test_no_secret_is_written_in_the_settings_module():
    source = (ROOT / "config" / "settings.py").read_text()
    # The only literal key is the development one, which `check --deploy` refuses (tests/campaigns/test_foundation).
    literals = re.findall(r"SECRET_KEY\s*=\s*env\(\s*\"SECRET_KEY\"\s*,\s*default=\"([^\"]+)\"", source)
    assert literals and all(value.startswith("django-insecure-") for value in literals)
    assert not re.search(r"postgres(?:ql)?://\w+:[^@/\s\"]+@", source), "a database password in settings.py"
    assert not re.search(r"(?i)(password|passwd|api_key)\s*=\s*\"[^\"]+\"", source)


def test_check_deploy_is_clean_in_production():
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(PRODUCTION)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture
def https(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    return Client()  # a new client builds its middleware with these settings


def test_plain_http_is_redirected_to_https(https):
    response = https.get(reverse("login"))
    assert response.status_code == 301
    assert response["Location"].startswith("https://")


def test_every_page_carries_the_secure_headers(https, org):
    anonymous = https.get(reverse("login"), secure=True)
    https.force_login(org.staff_a)
    signed_in = https.get(reverse("home"), secure=True)
    for response in (anonymous, signed_in):
        assert response.status_code == 200
        assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["X-Frame-Options"] == "DENY"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["Content-Security-Policy"] == django_settings.CONTENT_SECURITY_POLICY
        assert "camera=()" in response["Permissions-Policy"]


def test_login_sets_secure_http_only_cookies(https, org):
    page = https.get(reverse("login"), secure=True)
    assert page.cookies["csrftoken"]["secure"]
    response = https.post(reverse("login"), {"username": "staff_a", "password": "mat-khau-thu-nghiem"}, secure=True)
    assert response.status_code == 302
    session = response.cookies[django_settings.SESSION_COOKIE_NAME]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"


def test_the_content_security_policy_allows_only_the_apps_own_assets():
    directives = dict(part.strip().split(" ", 1) for part in django_settings.CONTENT_SECURITY_POLICY.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"  # no inline script, no eval, no CDN
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["form-action"] == "'self'"
    assert not re.search(r"https?:|\*", django_settings.CONTENT_SECURITY_POLICY)


PAGES = [
    "login",
    "home",
    "campaigns:plan_list",
    "scoring:standing_index",
    "scoring:entry_period_list",
    "awards:nomination_index",
    "awards:decision_list",
    "planning:job_list",
    "planning:notice_list",
]


@pytest.mark.parametrize("name", PAGES)
def test_pages_load_no_inline_script_and_nothing_from_another_site(client, org, name):
    if name != "login":
        client.force_login(org.staff_a)
    html = client.get(reverse(name)).content.decode()
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag, f"inline script on {name}: {tag}"
    assert not re.search(r"""<(?:script|link|img|iframe)\b[^>]*(?:src|href)=["'](?:https?:)?//""", html), (
        f"{name} loads something from another site"
    )
    assert not re.search(r"\son[a-z]+=", html), f"inline event handler on {name} (blocked by the CSP)"
