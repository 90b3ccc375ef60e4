"""Schemathesis against the API's own OpenAPI schema (issue 22): for a read key and for a write key, generated
requests to every operation never get a 500, and every answer matches the schema (status, media type, body)."""

from __future__ import annotations

import datetime as dt

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.checks import content_type_conformance, not_a_server_error, response_schema_conformance

from api.models import Scope
from api.services import issue_token
from tests.scoring.entry_fixtures import entry_world

pytestmark = pytest.mark.django_db

CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


@pytest.fixture(autouse=True)
def _one_connection_for_the_test():
    """Requests go through the WSGI app itself, whose end closes the database connection: in a test that connection
    holds the test's transaction (PostgreSQL), so keep it open as Django's own test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema():
    document = SchemaGenerator().get_schema(request=None, public=True)
    loaded = schemathesis.openapi.from_dict(document)
    loaded.app = get_wsgi_application()
    return loaded


def _key(org, scope: str) -> str:
    entry_world(org)
    _token, issued = issue_token(
        by=org.admin_a,
        name="Kiểm thử lược đồ",
        unit=org.commune_a,
        scopes=[scope],
        expires_on=timezone.localdate() + dt.timedelta(days=30),
    )
    return issued


@pytest.fixture
def read_key(org):
    return _key(org, Scope.READ)


@pytest.fixture
def write_key(org):
    return _key(org, Scope.WRITE_READINGS)


schema = schemathesis.pytest.from_fixture("api_schema")


FUZZ = settings(
    max_examples=5,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)


def _check(case, key: str) -> None:
    response = case.call(headers={"Authorization": f"Bearer {key}", "Idempotency-Key": "fuzz"})
    case.validate_response(response, checks=CHECKS)


@schema.parametrize()
@FUZZ
def test_a_read_key_gets_answers_as_the_schema_says(case, read_key):
    _check(case, read_key)


@schema.parametrize()
@FUZZ
def test_a_write_key_gets_answers_as_the_schema_says(case, write_key):
    _check(case, write_key)
