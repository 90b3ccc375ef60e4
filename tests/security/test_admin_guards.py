"""The admin cannot change or delete a signed decision, its nominations or a locked reading: only the annul and
reopen paths can. Checked through the admin's own pages as a superuser, for every way the admin offers."""

from __future__ import annotations

import json

import pytest
from django.db import models
from django.urls import reverse
from django.utils import timezone

from awards.models import Decision, Nomination
from awards.reference import sync_reference
from campaigns.models import Period
from scoring.models import Reading
from tests.factories import UserFactory
from tests.security.world import build_side

pytestmark = pytest.mark.django_db


@pytest.fixture
def side(org):
    sync_reference()
    return build_side(
        commune=org.commune_a, marker="QXAVUNGMOT", staff=org.staff_a, chairman=org.chairman_a, notice_users=[]
    )


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def signed(side):
    Decision.objects.filter(pk=side.decision.pk).update(
        status=Decision.Status.SIGNED,
        number=7,
        signed_at=timezone.now(),
        signed_on=timezone.localdate(),
        signer_name="Nguyễn Văn Chủ Tịch",
    )
    return Decision.objects.get(pk=side.decision.pk)


@pytest.fixture
def locked(side):
    """A reading of a closed period: locked by the period's status."""
    Period.objects.filter(pk=side.reading.period_id).update(status=Period.Status.CLOSED)
    return Reading.objects.get(pk=side.reading.pk)


def _admin_url(obj, action: str) -> str:
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{action}", args=[obj.pk])


def _form_data(obj) -> dict:
    """What the change form would post: every concrete editable field, a string changed."""
    data = {}
    for field in obj._meta.concrete_fields:
        if not field.editable or field.primary_key:
            continue
        if isinstance(field, models.FileField):
            continue
        value = field.value_from_object(obj)
        if isinstance(field, models.JSONField):
            value = json.dumps(value)
        data[field.name] = "" if value is None else value
    return data


def test_a_signed_decision_is_read_only_in_the_admin(admin_client, signed):
    page = admin_client.get(_admin_url(signed, "change"))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()  # the view page, no save button
    response = admin_client.post(_admin_url(signed, "change"), {**_form_data(signed), "summary": "Sửa lén"})
    assert response.status_code == 403
    signed.refresh_from_db()
    assert signed.summary != "Sửa lén"


def test_a_signed_decision_cannot_be_deleted_in_the_admin(admin_client, signed):
    assert admin_client.get(_admin_url(signed, "delete")).status_code == 403
    assert admin_client.post(_admin_url(signed, "delete"), {"post": "yes"}).status_code == 403
    assert Decision.objects.filter(pk=signed.pk).exists()


def test_a_signed_decision_survives_the_bulk_delete_action(admin_client, signed):
    admin_client.post(
        reverse("admin:awards_decision_changelist"),
        {"action": "delete_selected", "_selected_action": [signed.pk], "post": "yes"},
    )
    assert Decision.objects.filter(pk=signed.pk).exists()


def test_a_signed_decision_cannot_be_reverted_from_its_history(admin_client, signed, side):
    record = signed.history.order_by("history_id").first()  # the draft as first saved
    url = reverse("admin:awards_decision_simple_history", args=[signed.pk, record.history_id])
    admin_client.post(url, {**_form_data(record.instance), "summary": "Bản đã bị quay lại"})  # the "Revert" button
    signed.refresh_from_db()
    assert (signed.status, signed.number, signed.summary) == (Decision.Status.SIGNED, 7, side.decision.summary)


def test_the_nominations_of_a_signed_decision_are_frozen_in_the_admin(admin_client, signed, side):
    nomination = Nomination.objects.get(pk=side.accepted.pk)
    response = admin_client.post(_admin_url(nomination, "change"), {**_form_data(nomination), "name": "Tên khác"})
    assert response.status_code == 403
    assert admin_client.post(_admin_url(nomination, "delete"), {"post": "yes"}).status_code == 403
    nomination.refresh_from_db()
    assert nomination.name != "Tên khác"


def test_a_draft_decision_is_still_editable_in_the_admin(admin_client, side):
    page = admin_client.get(_admin_url(side.decision, "change"))
    assert page.status_code == 200 and 'name="_save"' in page.content.decode()


def test_a_locked_reading_cannot_be_changed_or_deleted_in_the_admin(admin_client, locked):
    response = admin_client.post(_admin_url(locked, "change"), {**_form_data(locked), "numerator": 1})
    assert response.status_code == 403
    assert admin_client.post(_admin_url(locked, "delete"), {"post": "yes"}).status_code == 403
    admin_client.post(
        reverse("admin:scoring_reading_changelist"),
        {"action": "delete_selected", "_selected_action": [locked.pk], "post": "yes"},
    )
    locked.refresh_from_db()
    assert (locked.numerator, locked.status) == (45, Reading.Status.DRAFT)


def test_a_locked_reading_cannot_be_reverted_from_its_history(admin_client, locked):
    record = locked.history.order_by("history_id").first()
    url = reverse("admin:scoring_reading_simple_history", args=[locked.pk, record.history_id])
    admin_client.post(url, {**_form_data(record.instance), "numerator": 1})
    locked.refresh_from_db()
    assert (locked.numerator, locked.status) == (45, Reading.Status.DRAFT)


def test_a_draft_reading_is_still_editable_in_the_admin(admin_client, side):
    page = admin_client.get(_admin_url(side.reading, "change"))
    assert page.status_code == 200 and 'name="_save"' in page.content.decode()
