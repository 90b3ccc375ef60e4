"""The admin stays for superusers, in Vietnamese: Django's newer admin strings and the third-party apps' names too
(issue 20, point 6; locale/vi/LC_MESSAGES/django.po)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_admin_index_reads_in_vietnamese(client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    page = client.get(reverse("admin:index")).content.decode()
    for english in ("Model name", "Add link", "Solar events", "Periodic tasks", "Task results", "Access attempts"):
        assert english not in page
    for vietnamese in ("Tên mục", "Sự kiện mặt trời", "Tác vụ định kỳ", "Kết quả tác vụ", "Lần thử đăng nhập"):
        assert vietnamese in page
