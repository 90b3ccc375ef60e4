"""Accounts managed by a quản trị (issue 20, point 2): a login for an official with a one-time password changed at the
first login, roles given and removed on units of the quản trị's own subtree only (never above it, never quản trị of a
higher unit, never to oneself), deactivation, password reset, "Quên mật khẩu" by e-mail, and an audit log the quản trị
above reads."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from campaigns.models import Membership, OrgEvent, Role
from campaigns.org import services
from campaigns.org.policies import OrgPolicy
from tests.factories import member

pytestmark = pytest.mark.django_db


def sign_in(client, username: str, password: str) -> bool:
    """Through the login page (django-axes needs the request), as a user would."""
    return client.post(reverse("login"), {"username": username, "password": password}).status_code == 302


@pytest.fixture
def clerk(org):
    return services.add_person(by=org.admin_a, full_name="Lê Thị Hồng", unit=org.section_a, position="Văn thư")


def test_quan_tri_creates_a_login_with_a_role_and_a_one_time_password(org, clerk):
    account, password = services.create_account(
        by=org.admin_a, person=clerk, username="honglt", role=Role.NHAP_LIEU, unit=org.section_a
    )
    assert account.check_password(password) and len(password) >= 10
    assert Membership.objects.filter(user=account, unit=org.section_a, role=Role.NHAP_LIEU).exists()
    assert account.first_name == "Lê Thị Hồng"
    actions = set(OrgEvent.objects.filter(account=account).values_list("action", flat=True))
    assert actions == {OrgEvent.Action.ACCOUNT_ADD, OrgEvent.Action.ROLE_GRANT}


def test_the_one_time_password_must_be_changed_at_first_login(client, org, clerk):
    _account, password = services.create_account(by=org.admin_a, person=clerk, username="honglt")
    assert sign_in(client, "honglt", password)

    response = client.get(reverse("campaigns:plan_list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("password_change"))
    response = client.post(
        reverse("password_change"),
        {"old_password": password, "new_password1": "Thi-dua-2025-moi", "new_password2": "Thi-dua-2025-moi"},
    )
    assert response.status_code == 302
    assert client.get(reverse("campaigns:plan_list")).status_code == 200


def test_roles_only_on_units_of_the_subtree_never_above(org, clerk):
    account, _password = services.create_account(by=org.admin_a, person=clerk, username="honglt")
    with pytest.raises(PermissionDenied):
        services.grant_role(by=org.admin_a, account=account, unit=org.district, role=Role.QUAN_TRI)
    with pytest.raises(PermissionDenied):
        services.grant_role(by=org.admin_a, account=account, unit=org.district, role=Role.NHAP_LIEU)
    with pytest.raises(PermissionDenied):
        services.grant_role(by=org.admin_a, account=account, unit=org.commune_b, role=Role.NHAP_LIEU)
    services.grant_role(by=org.admin_a, account=account, unit=org.section_a, role=Role.LANH_DAO)
    assert list(Membership.objects.filter(user=account).values_list("role", flat=True)) == [Role.LANH_DAO]


def test_nobody_grants_themselves_anything(org):
    with pytest.raises(PermissionDenied):
        services.grant_role(by=org.admin_a, account=org.admin_a, unit=org.section_a, role=Role.LANH_DAO)
    own = Membership.objects.get(user=org.admin_a)
    with pytest.raises(PermissionDenied):
        services.revoke_role(by=org.admin_a, membership=own)


def test_other_roles_manage_no_account(org, clerk):
    account, _password = services.create_account(by=org.admin_a, person=clerk, username="honglt")
    for user in (org.staff_a, org.chairman_a, org.noi_vu):
        with pytest.raises(PermissionDenied):
            services.grant_role(by=user, account=account, unit=org.section_a, role=Role.NHAP_LIEU)
        with pytest.raises(PermissionDenied):
            services.reset_password(by=user, account=account)


def test_an_account_working_above_the_subtree_belongs_to_the_quan_tri_above(org):
    # the district's Nội vụ also holds a role in commune A: A's quản trị may not lock or reset it
    Membership.objects.create(user=org.noi_vu, unit=org.commune_a, role=Role.LANH_DAO)
    answer = OrgPolicy(org.admin_a).may_manage_account(org.noi_vu)
    assert not answer and answer.code == "scope"
    with pytest.raises(PermissionDenied):
        services.deactivate_account(by=org.admin_a, account=org.noi_vu)


def test_deactivated_accounts_cannot_sign_in_and_can_be_reopened(client, org):
    services.deactivate_account(by=org.admin_a, account=org.staff_a, reason="Chuyển công tác")
    assert not sign_in(client, "staff_a", "mat-khau-thu-nghiem")
    services.activate_account(by=org.admin_a, account=org.staff_a)
    assert sign_in(client, "staff_a", "mat-khau-thu-nghiem")


def test_reset_password_gives_a_new_one_time_password(org):
    password = services.reset_password(by=org.admin_a, account=org.staff_a)
    org.staff_a.refresh_from_db()
    assert org.staff_a.check_password(password) and not org.staff_a.check_password("mat-khau-thu-nghiem")
    assert org.staff_a.temporary_password.is_pending


def test_the_audit_log_is_visible_to_the_quan_tri_above_not_to_a_sibling(org, clerk):
    district_admin = member(org.district, Role.QUAN_TRI, "admin_huyen")
    other_admin = member(org.commune_b, Role.QUAN_TRI, "admin_b")
    services.reset_password(by=org.admin_a, account=org.staff_a)
    assert OrgEvent.objects.visible_to(district_admin).filter(action=OrgEvent.Action.PASSWORD_RESET).exists()
    assert OrgEvent.objects.visible_to(org.admin_a).filter(action=OrgEvent.Action.PASSWORD_RESET).exists()
    assert not OrgEvent.objects.visible_to(other_admin).filter(action=OrgEvent.Action.PASSWORD_RESET).exists()
    assert not OrgEvent.objects.visible_to(org.chairman_a).exists()


# --- pages -----------------------------------------------------------------------------------------------------------


def test_the_account_form_shows_the_password_once_and_never_caches_it(client, org, clerk):
    client.force_login(org.admin_a)
    response = client.post(
        reverse("campaigns:account_create", args=[clerk.pk]),
        {"username": "honglt", "email": "", "role": "nhap_lieu", "unit": org.section_a.pk, "title": ""},
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    account = get_user_model().objects.get(username="honglt")
    password = response.context["password"]
    assert account.check_password(password) and password in response.content.decode()
    assert password not in client.get(reverse("campaigns:account_detail", args=[account.pk])).content.decode()


def test_the_grant_form_refuses_oneself_with_403(client, org):
    client.force_login(org.admin_a)
    response = client.post(
        reverse("campaigns:role_grant", args=[org.admin_a.pk]), {"role": "lanh_dao", "unit": org.commune_a.pk}
    )
    assert response.status_code == 403


def test_deactivation_asks_for_confirmation(client, org):
    client.force_login(org.admin_a)
    url = reverse("campaigns:account_deactivate", args=[org.staff_a.pk])
    assert "Xác nhận khóa" in client.get(url).content.decode()
    assert client.post(url, {}).status_code == 400  # not confirmed: nothing happens
    org.staff_a.refresh_from_db()
    assert org.staff_a.is_active


def test_forgotten_password_by_email_in_vietnamese(client, org):
    org.staff_a.email = "staff_a@example.vn"
    org.staff_a.save()
    login_page = client.get(reverse("login")).content.decode()
    assert "Quên mật khẩu" in login_page

    response = client.post(reverse("password_reset"), {"email": "staff_a@example.vn"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and "Đặt lại mật khẩu" in mail.outbox[0].subject
    link = next(line for line in mail.outbox[0].body.splitlines() if "/quen-mat-khau/" in line).strip()
    page = client.get(link, follow=True)
    assert "Mật khẩu mới" in page.content.decode()
    response = client.post(
        page.redirect_chain[-1][0], {"new_password1": "Thi-dua-2025-moi", "new_password2": "Thi-dua-2025-moi"}
    )
    assert response.status_code == 302
    org.staff_a.refresh_from_db()
    assert org.staff_a.check_password("Thi-dua-2025-moi")


def test_an_imported_account_without_a_password_gets_its_first_one_by_email(client, org):
    org.staff_a.email = "staff_a@example.vn"
    org.staff_a.set_unusable_password()
    org.staff_a.save()
    client.post(reverse("password_reset"), {"email": "STAFF_A@example.vn"})
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["staff_a@example.vn"]


def test_no_reset_mail_for_a_locked_account(client, org):
    org.staff_a.email = "staff_a@example.vn"
    org.staff_a.is_active = False
    org.staff_a.save()
    assert client.post(reverse("password_reset"), {"email": "staff_a@example.vn"}).status_code == 302
    assert not mail.outbox
