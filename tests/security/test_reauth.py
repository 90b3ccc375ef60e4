"""Re-entering the password to sign or annul a decision is throttled like logging in (django-axes: 5 wrong tries
lock the account and address) and every failure is logged."""

from __future__ import annotations

import datetime as dt
import logging
from http import HTTPStatus

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from awards.models import Decision
from awards.services.decisions import create_draft_decision, sign_decision
from tests.awards.decision_data import accepted_batch, on_paper

pytestmark = pytest.mark.django_db
PASSWORD = "mat-khau-thu-nghiem"


@pytest.fixture
def draft(org):
    period, award, _ = accepted_batch(org)
    return create_draft_decision(period=period, award_kind=award, by=org.chairman_a, signed_on=dt.date(2024, 8, 5))


@pytest.fixture
def signed(org, draft, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        decision = sign_decision(decision=draft, by=org.chairman_a, password=PASSWORD, **on_paper(draft))
    return decision


def test_signing_stops_after_five_wrong_passwords_even_for_the_right_one(client, org, draft, settings, caplog):
    settings.AXES_FAILURE_LIMIT = 5
    client.force_login(org.chairman_a)
    url = reverse("awards:decision_sign", args=[draft.pk])
    with caplog.at_level(logging.WARNING, logger="thidua.security"):
        for guess in range(4):
            response = client.post(url, {"password": f"doan-{guess}", "confirm": "on"})
            assert response.status_code == HTTPStatus.BAD_REQUEST
            assert "Mật khẩu không đúng" in response.content.decode()
        locked = client.post(url, {"password": "doan-5", "confirm": "on"})
        assert locked.status_code == HTTPStatus.TOO_MANY_REQUESTS
        again = client.post(url, {"password": PASSWORD, "confirm": "on"})
    assert again.status_code == HTTPStatus.TOO_MANY_REQUESTS
    draft.refresh_from_db()
    assert draft.status == Decision.Status.DRAFT
    attempt = AccessAttempt.objects.get(username=org.chairman_a.username)
    assert attempt.failures_since_start >= 5
    failures = [r for r in caplog.records if "Re-authentication" in r.getMessage()]
    assert len(failures) >= 5 and all(org.chairman_a.username in r.getMessage() for r in failures)
    assert "action=sign" in failures[0].getMessage()


def test_a_lockout_from_signing_also_stops_logging_in(client, org, draft, settings):
    settings.AXES_FAILURE_LIMIT = 3
    client.force_login(org.chairman_a)
    url = reverse("awards:decision_sign", args=[draft.pk])
    for guess in range(3):
        client.post(url, {"password": f"doan-{guess}", "confirm": "on"})
    client.logout()
    response = client.post(reverse("login"), {"username": org.chairman_a.username, "password": PASSWORD})
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS


def test_annulling_asks_for_the_password_and_is_throttled_the_same_way(client, org, signed, settings, caplog):
    settings.AXES_FAILURE_LIMIT = 3
    client.force_login(org.chairman_a)
    url = reverse("awards:decision_annul", args=[signed.pk])
    missing = client.post(url, {"reason": "Sai tên", "confirm": "on"})
    assert missing.status_code == HTTPStatus.BAD_REQUEST
    with caplog.at_level(logging.WARNING, logger="thidua.security"):
        wrong = client.post(url, {"reason": "Sai tên", "confirm": "on", "password": "doan"})
    assert wrong.status_code == HTTPStatus.BAD_REQUEST and "Mật khẩu không đúng" in wrong.content.decode()
    assert any("action=annul" in r.getMessage() for r in caplog.records)
    assert client.post(url, {"reason": "Sai tên", "confirm": "on", "password": "doan-2"}).status_code == 400
    third = client.post(url, {"reason": "Sai tên", "confirm": "on", "password": "doan-3"})
    assert third.status_code == HTTPStatus.TOO_MANY_REQUESTS
    locked = client.post(url, {"reason": "Sai tên", "confirm": "on", "password": PASSWORD})
    assert locked.status_code == HTTPStatus.TOO_MANY_REQUESTS
    signed.refresh_from_db()
    assert signed.status == Decision.Status.SIGNED


def test_the_right_password_annuls(client, org, signed):
    client.force_login(org.chairman_a)
    url = reverse("awards:decision_annul", args=[signed.pk])
    response = client.post(url, {"reason": "Sai tên cá nhân", "confirm": "on", "password": PASSWORD})
    assert response.status_code == HTTPStatus.FOUND
    signed.refresh_from_db()
    assert signed.status == Decision.Status.ANNULLED
