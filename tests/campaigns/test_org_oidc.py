"""Sign-in through the province's identity service (issue 20, point 5), against a provider the test starts on
127.0.0.1: a known identity lands on the home page, an unknown one is refused and nothing is created, a tampered or
foreign token is refused, and the button is there only when the service is configured."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
import requests
from axes.models import AccessAttempt, AccessLog
from django.contrib.auth import get_user_model
from django.urls import reverse

from campaigns.models import Person
from tests.campaigns.oidc_provider import Provider

pytestmark = pytest.mark.django_db

BUTTON = "Đăng nhập bằng tài khoản định danh của tỉnh"


@pytest.fixture
def provider(settings, monkeypatch):
    for name in ("NO_PROXY", "no_proxy"):  # a proxy set for the machine must not carry calls to 127.0.0.1
        monkeypatch.setenv(name, "127.0.0.1,localhost")
    with Provider() as running:
        for name, value in running.settings().items():
            setattr(settings, name, value)
        yield running


def sign_in(client, provider, identity, next_url=""):
    """The browser's round trip: our start page → the service's sign-in → back to our callback."""
    provider.identity = identity
    start = client.get(reverse("oidc_start") + (f"?next={next_url}" if next_url else ""))
    assert start.status_code == 302 and start["Location"].startswith(
        provider.settings()["OIDC_OP_AUTHORIZATION_ENDPOINT"]
    )
    back = requests.get(start["Location"], allow_redirects=False, timeout=5)
    callback = urlparse(back.headers["Location"])
    assert callback.path == reverse("oidc_callback")
    return client.get(f"{callback.path}?{callback.query}")


def signed_in_as(client):
    return client.session.get("_auth_user_id")


def test_the_button_is_absent_when_no_service_is_configured(client):
    page = client.get(reverse("login")).content.decode()
    assert BUTTON not in page
    assert client.get(reverse("oidc_start")).status_code == 404
    assert client.get(reverse("oidc_callback"), {"code": "x", "state": "y"}).status_code == 404


def test_the_button_is_shown_when_the_service_is_configured(client, provider):
    page = client.get(reverse("login")).content.decode()
    assert BUTTON in page and 'name="password"' in page  # local passwords remain


def test_a_known_verified_email_signs_in_and_lands_on_the_home_page(client, provider, org):
    org.chairman_a.email = "chu.tich@anbinh.gov.vn"
    org.chairman_a.save()
    users_before = get_user_model().objects.count()

    response = sign_in(client, provider, {"email": "Chu.Tich@anbinh.gov.vn", "email_verified": True})

    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert signed_in_as(client) == str(org.chairman_a.pk)
    assert client.get(reverse("home")).status_code == 200
    assert get_user_model().objects.count() == users_before
    assert AccessLog.objects.filter(username="chairman_a").exists()  # audited like a password login


def test_the_officials_code_claim_maps_to_the_account_holding_that_code(client, provider, org, settings):
    settings.OIDC_CODE_CLAIM = "ma_can_bo"
    Person.objects.create(full_name="Lê Văn Nhập", unit=org.commune_a, code="AB-007", user=org.staff_a)
    response = sign_in(client, provider, {"ma_can_bo": "AB-007"})
    assert response["Location"] == reverse("home") and signed_in_as(client) == str(org.staff_a.pk)


def test_an_unknown_identity_is_refused_with_a_vietnamese_message_and_nothing_is_created(client, provider, org):
    users_before = get_user_model().objects.count()
    response = sign_in(client, provider, {"email": "nguoi.la@example.vn", "email_verified": True})
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert signed_in_as(client) is None
    page = client.get(reverse("login")).content.decode()
    assert "chưa gắn với tài khoản nào" in page
    assert get_user_model().objects.count() == users_before
    assert AccessAttempt.objects.filter(path_info=reverse("oidc_callback")).exists()  # counted like a wrong password


def test_an_unverified_email_or_an_inactive_account_is_not_enough(client, provider, org):
    org.chairman_a.email = "chu.tich@anbinh.gov.vn"
    org.chairman_a.save()
    sign_in(client, provider, {"email": "chu.tich@anbinh.gov.vn", "email_verified": False})
    assert signed_in_as(client) is None

    org.chairman_a.is_active = False
    org.chairman_a.save()
    sign_in(client, provider, {"email": "chu.tich@anbinh.gov.vn", "email_verified": True})
    assert signed_in_as(client) is None


@pytest.mark.parametrize("spoil", ["tamper", "foreign_key", "audience"])
def test_a_tampered_or_foreign_token_is_refused(client, provider, org, spoil):
    org.chairman_a.email = "chu.tich@anbinh.gov.vn"
    org.chairman_a.save()
    if spoil == "audience":
        provider.audience = "ung-dung-khac"
    else:
        setattr(provider, spoil, True)

    response = sign_in(client, provider, {"email": "chu.tich@anbinh.gov.vn", "email_verified": True})

    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert signed_in_as(client) is None
    assert "Không xác thực được thông tin từ dịch vụ định danh" in client.get(reverse("login")).content.decode()


def test_a_password_login_still_works_beside_the_service(client, provider, org):
    org.staff_a.set_password("mat-khau-rieng-2024")
    org.staff_a.save()
    response = client.post(reverse("login"), {"username": "staff_a", "password": "mat-khau-rieng-2024"})
    assert response.status_code == 302 and signed_in_as(client) == str(org.staff_a.pk)


def test_a_password_lockout_does_not_stop_the_identity_service(client, provider, org, settings):
    settings.AXES_FAILURE_LIMIT = 3
    org.chairman_a.email = "chu.tich@anbinh.gov.vn"
    org.chairman_a.save()
    for _attempt in range(3):
        client.post(reverse("login"), {"username": "chairman_a", "password": "sai-mat-khau"})
    locked = client.post(reverse("login"), {"username": "chairman_a", "password": "sai-mat-khau"})
    assert locked.status_code == 429  # the password is locked for this account and address

    response = sign_in(client, provider, {"email": "chu.tich@anbinh.gov.vn", "email_verified": True})
    assert response["Location"] == reverse("home") and signed_in_as(client) == str(org.chairman_a.pk)


def test_repeated_unknown_identities_from_one_address_are_locked_out_like_passwords(client, provider, org, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _attempt in range(3):
        sign_in(client, provider, {"email": "nguoi.la@example.vn", "email_verified": True})
    org.chairman_a.email = "chu.tich@anbinh.gov.vn"
    org.chairman_a.save()
    response = sign_in(client, provider, {"email": "chu.tich@anbinh.gov.vn", "email_verified": True})
    assert response.status_code == 429 and signed_in_as(client) is None


def test_a_locked_account_is_signed_out_of_a_session_it_opened_through_the_service(client, provider, org):
    org.chairman_a.email = "chu.tich@anbinh.gov.vn"
    org.chairman_a.save()
    sign_in(client, provider, {"email": "chu.tich@anbinh.gov.vn", "email_verified": True})
    assert client.get(reverse("home")).status_code == 200

    org.chairman_a.is_active = False  # the quản trị locks the account
    org.chairman_a.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
