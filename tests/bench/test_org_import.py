"""The org-import benchmark's workbook at a small size: a province's quản trị loads it without an error, twice."""

from __future__ import annotations

import pytest

from bench.org_import import workbook
from campaigns.models import Membership, Person, Unit
from campaigns.org.excel import import_org, parse_org
from tests.factories import make_unit, member

pytestmark = pytest.mark.django_db


def test_the_benchmark_workbook_loads_and_reloads_unchanged():
    province = make_unit("BN", "Tỉnh Bắc Nam", "tinh")
    admin = member(province, "quan_tri", "quantri-bn")
    content = workbook(communes=3, officials=4)

    result = parse_org(user=admin, source=content)
    assert not result.errors
    import_org(user=admin, result=result)
    assert Unit.objects.filter(code__startswith="BN-X").count() == 3
    assert Person.objects.filter(user__isnull=False).count() == 12
    assert Membership.objects.filter(role="quan_tri").count() == 1 + 3

    again = parse_org(user=admin, source=content)
    assert not again.errors and not again.has_changes
