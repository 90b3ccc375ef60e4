"""Fixtures of the security suite: one world of objects per module, built once inside a transaction rolled back at
the end of the module (each test still runs in its own savepoint, so a POST that succeeds changes nothing for the
next test)."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test.utils import override_settings

from tests import conftest as suite_conftest
from tests.security.world import build_world


def _org_builder():
    """The suite's `org` fixture function itself (pytest ≥ 8.4 wraps it; older versions keep __pytest_wrapped__)."""
    fixture = suite_conftest.org
    unwrap = getattr(fixture, "_get_wrapped_function", None)
    if unwrap is not None:
        return unwrap()
    return fixture.__pytest_wrapped__.obj


@pytest.fixture(scope="module")
def world_media(tmp_path_factory):
    return tmp_path_factory.mktemp("security-media")


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, world_media):
    """Communes A, B (and C, outside the district) of the `org` tree, each with one object of every kind."""
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=world_media, PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
    ):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world(_org_builder()(None))
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def world_db(world, db, settings, world_media, _media_storage):
    """Use inside a test: the module's world, with MEDIA_ROOT pointing at its stored files."""
    settings.MEDIA_ROOT = world_media
    return world
