"""Two people editing the same reading or nomination: the second is told who changed what, nothing is overwritten."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from awards.models import Nomination
from awards.reference import sync_reference
from scoring.models import Reading
from tests.scoring.entry_fixtures import entry_world
from tests.security.world import build_side

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _version_on_page(html: str, field: str) -> int:
    found = re.search(rf'name="{re.escape(field)}"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="{re.escape(field)}"', html)
    assert found, f"no {field} on the page"
    return int(found.group(1) or found.group(2))


def _rate_row(world, numerator, denominator, version) -> dict:
    key = f"r{world.on_time.pk}"
    return {f"{key}-numerator": numerator, f"{key}-denominator": denominator, f"{key}-version": version}


def test_the_second_save_of_a_reading_gets_a_conflict_showing_the_first_value(org):
    world = entry_world(org)
    url = reverse("scoring:reading_entry", args=[world.period.pk, world.commune_a.pk, world.current.start])
    first, second = _client(org.staff_a), _client(org.admin_a)
    # Both open the page while there is no reading yet.
    version_seen = _version_on_page(first.get(url).content.decode(), f"r{world.on_time.pk}-version")
    assert _version_on_page(second.get(url).content.decode(), f"r{world.on_time.pk}-version") == version_seen

    assert first.post(url, _rate_row(world, 45, 50, version_seen)).status_code == 302
    conflict = second.post(url, _rate_row(world, 30, 50, version_seen))

    assert conflict.status_code == 409
    page = conflict.content.decode()
    assert "vừa được staff_a sửa lúc" in page
    assert "45/50" in page  # the other person's figures, so the second can decide
    reading = Reading.objects.get(participant=world.commune_a, indicator=world.on_time)
    assert (reading.numerator, reading.denominator, reading.version) == (45, 50, 1)
    assert reading.history.count() == 1  # the refused save left no trace


def test_after_the_conflict_the_second_may_overwrite_knowingly(org):
    world = entry_world(org)
    url = reverse("scoring:reading_entry", args=[world.period.pk, world.commune_a.pk, world.current.start])
    first, second = _client(org.staff_a), _client(org.admin_a)
    first.post(url, _rate_row(world, 45, 50, 0))
    conflict = second.post(url, _rate_row(world, 30, 50, 0))
    # The re-rendered form carries the current version: saving again is a deliberate overwrite.
    version_now = _version_on_page(conflict.content.decode(), f"r{world.on_time.pk}-version")
    assert second.post(url, _rate_row(world, 30, 50, version_now)).status_code == 302
    reading = Reading.objects.get(participant=world.commune_a, indicator=world.on_time)
    assert (reading.numerator, reading.version, reading.entered_by) == (30, 2, org.admin_a)
    assert reading.history.count() == 2


def test_saving_the_same_figures_twice_is_not_a_conflict(org):
    world = entry_world(org)
    url = reverse("scoring:reading_entry", args=[world.period.pk, world.commune_a.pk, world.current.start])
    first, second = _client(org.staff_a), _client(org.admin_a)
    first.post(url, _rate_row(world, 45, 50, 0))
    assert second.post(url, _rate_row(world, 45, 50, 0)).status_code == 302
    assert Reading.objects.get(participant=world.commune_a, indicator=world.on_time).version == 1


@pytest.fixture
def commune(org):
    sync_reference()
    return build_side(
        commune=org.commune_a, marker="QXAVUNGMOT", staff=org.staff_a, chairman=org.chairman_a, notice_users=[]
    )


def test_two_chairmen_deciding_the_same_nomination_the_second_is_refused(org, commune):
    nomination = commune.nomination
    url = reverse("awards:nomination_reject", args=[nomination.pk])
    chairman, deputy = _client(org.chairman_a), _client(org.deputy_a)
    version_seen = _version_on_page(chairman.get(url).content.decode(), "version")
    assert _version_on_page(deputy.get(url).content.decode(), "version") == version_seen

    done = chairman.post(url, {"reason": "Chưa đủ hồ sơ thành tích", "confirm": "on", "version": version_seen})
    assert done.status_code == 302
    refused = deputy.post(url, {"reason": "Lý do khác", "confirm": "on", "version": version_seen})

    assert refused.status_code == 400
    assert "vừa được người khác cập nhật" in refused.content.decode()
    nomination.refresh_from_db()
    assert (nomination.status, nomination.reject_reason) == (Nomination.Status.REJECTED, "Chưa đủ hồ sơ thành tích")
    assert nomination.transitions.filter(to_status=Nomination.Status.REJECTED).count() == 1
    # What the first one did is on the nomination's page the second is sent back to.
    detail = deputy.get(reverse("awards:nomination_detail", args=[nomination.pk])).content.decode()
    assert "Chưa đủ hồ sơ thành tích" in detail


def test_a_dossier_step_on_a_stale_page_is_refused(org, commune):
    nomination = commune.nomination
    office, admin = _client(org.staff_a), _client(org.admin_a)
    stale = nomination.version
    check = {"condition": commune.condition.pk, "confirmed": "1", "note": "", "version": stale}
    assert office.post(reverse("awards:nomination_check", args=[nomination.pk]), check).status_code == 302
    response = admin.post(
        reverse("awards:nomination_check", args=[nomination.pk]),
        {**check, "confirmed": "0", "note": "Bị kỷ luật"},
        follow=True,
    )
    assert "vừa được người khác cập nhật" in response.content.decode()
    assert nomination.condition_checks.get().confirmed is True
