"""Suite-wide fixtures: fast hashing, eager Celery, files in a temporary folder, a small org tree, a user per role."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from config.celery import app as celery_app
from tests.factories import make_unit, member


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _media_storage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DEMO_SIGNING_CA_DIR = tmp_path / "demo-ca"


@pytest.fixture(autouse=True)
def _eager_celery():
    """Tasks run in-process unless a test asks for the real worker (tests/celery)."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def org(db):
    """Province › district (with its Phòng Nội vụ) › communes A and B, each with a section, and one user per role."""
    province = make_unit("T", "Tỉnh Thử Nghiệm", "tinh")
    so_noi_vu = make_unit("T-SNV", "Sở Nội vụ tỉnh Thử Nghiệm", "so_nganh", province, is_home_affairs=True)
    district = make_unit("T-H", "Huyện Thử Nghiệm", "huyen", province)
    phong_noi_vu = make_unit("T-H-PNV", "Phòng Nội vụ huyện Thử Nghiệm", "phong", district, is_home_affairs=True)
    commune_a = make_unit("T-H-A", "Xã An Bình", "xa", district, short_name="An Bình")
    section_a = make_unit("T-H-A-VP", "Văn phòng – Thống kê xã An Bình", "bo_phan", commune_a)
    commune_b = make_unit("T-H-B", "Xã Bình Minh", "xa", district, short_name="Bình Minh")
    section_b = make_unit("T-H-B-VP", "Văn phòng – Thống kê xã Bình Minh", "bo_phan", commune_b)
    other_district = make_unit("T-K", "Huyện Khác", "huyen", province)
    commune_c = make_unit("T-K-C", "Xã Cẩm Châu", "xa", other_district)
    return SimpleNamespace(
        province=province,
        so_noi_vu=so_noi_vu,
        district=district,
        phong_noi_vu=phong_noi_vu,
        commune_a=commune_a,
        section_a=section_a,
        commune_b=commune_b,
        section_b=section_b,
        other_district=other_district,
        commune_c=commune_c,
        staff_a=member(commune_a, "nhap_lieu", "staff_a"),
        chairman_a=member(commune_a, "lanh_dao", "chairman_a", title="Chủ tịch"),
        deputy_a=member(commune_a, "lanh_dao", "deputy_a", title="Phó Chủ tịch", is_deputy=True),
        admin_a=member(commune_a, "quan_tri", "admin_a"),
        staff_b=member(commune_b, "nhap_lieu", "staff_b"),
        chairman_b=member(commune_b, "lanh_dao", "chairman_b", title="Chủ tịch"),
        noi_vu=member(district, "noi_vu", "noi_vu_huyen"),
        noi_vu_tinh=member(province, "noi_vu", "noi_vu_tinh"),
        nobody=member(commune_c, "nhap_lieu", "staff_c"),
    )
