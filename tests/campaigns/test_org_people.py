"""Officials of a quản trị's subtree (issue 20, point 1): add, edit, move from a date with history kept, mark as
left, and search by name the Vietnamese way (with and without diacritics)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from campaigns.models import OrgEvent, Participant, Person, Posting
from campaigns.org import selectors, services
from campaigns.vietnamese import fold
from tests.factories import PlanFactory, make_unit

pytestmark = pytest.mark.django_db


def test_fold_removes_tones_marks_and_d_bar():
    assert fold("  Nguyễn  Thị ĐÀO ") == "nguyen thi dao"
    assert fold("Phạm Ngọc Ánh") == "pham ngoc anh"


def test_quan_tri_adds_an_official_to_a_section_of_its_commune(org):
    person = services.add_person(by=org.admin_a, full_name="Lê Thị Hồng", unit=org.section_a, position="Văn thư")

    assert person.unit == org.section_a and person.search_name == "le thi hong"
    assert person.code == f"CB{person.pk:06d}"  # a code of its own, so an Excel export reads back onto it
    assert Posting.objects.get(person=person).end is None
    event = OrgEvent.objects.get(person=person)
    assert event.action == OrgEvent.Action.PERSON_ADD and event.actor == org.admin_a


def test_nobody_else_adds_officials_and_never_outside_the_subtree(org):
    with pytest.raises(PermissionDenied):
        services.add_person(by=org.staff_a, full_name="Lê Văn Tám", unit=org.section_a)
    with pytest.raises(PermissionDenied):
        services.add_person(by=org.admin_a, full_name="Lê Văn Tám", unit=org.commune_b)
    with pytest.raises(PermissionDenied):  # above the quản trị's unit
        services.add_person(by=org.admin_a, full_name="Lê Văn Tám", unit=org.district)
    assert not Person.objects.filter(full_name="Lê Văn Tám").exists()


def test_a_duplicate_official_code_is_refused(org):
    services.add_person(by=org.admin_a, full_name="Lê Thị Hồng", unit=org.section_a, code="CB-01")
    with pytest.raises(ValidationError) as error:
        services.add_person(by=org.admin_a, full_name="Trần Văn Ba", unit=org.section_a, code="CB-01")
    assert "CB-01" in str(error.value)


def test_edit_keeps_the_search_name_in_step(org):
    person = services.add_person(by=org.admin_a, full_name="Lê Thị Hồng", unit=org.section_a)
    services.update_person(by=org.admin_a, person=person, full_name="Lê Thị Hồng Nhung", position="Kế toán")
    person.refresh_from_db()
    assert person.search_name == "le thi hong nhung" and person.position == "Kế toán"


def test_moving_keeps_the_history_and_past_participations_keep_their_unit(org):
    person = services.add_person(by=org.admin_a, full_name="Lê Thị Hồng", unit=org.section_a, start=dt.date(2024, 1, 1))
    plan = PlanFactory(issuer=org.commune_a)
    past = Participant.objects.create(plan=plan, kind="individual", person=person, name=person.full_name)
    other_section = make_unit("T-H-A-TP", "Tư pháp – Hộ tịch xã An Bình", "bo_phan", org.commune_a)
    day = timezone.localdate() - dt.timedelta(days=10)

    services.move_person(by=org.admin_a, person=person, to=other_section, on=day)

    person.refresh_from_db()
    past.refresh_from_db()
    assert person.unit == other_section
    assert past.unit == org.section_a and past.unit_name == org.section_a.name  # the participation keeps its unit
    postings = list(Posting.objects.filter(person=person).order_by("start"))
    assert [(p.unit, p.end) for p in postings] == [(org.section_a, day - dt.timedelta(days=1)), (other_section, None)]
    assert OrgEvent.objects.filter(person=person, action=OrgEvent.Action.PERSON_MOVE).exists()


def test_a_move_outside_the_subtree_or_in_the_future_is_refused(org):
    person = services.add_person(by=org.admin_a, full_name="Lê Thị Hồng", unit=org.section_a)
    with pytest.raises(PermissionDenied):
        services.move_person(by=org.admin_a, person=person, to=org.section_b, on=timezone.localdate())
    with pytest.raises(ValidationError):
        services.move_person(
            by=org.admin_a, person=person, to=org.commune_a, on=timezone.localdate() + dt.timedelta(days=3)
        )


def test_marking_as_left_closes_the_posting_and_locks_the_login(org):
    person = services.add_person(by=org.admin_a, full_name="Lê Thị Hồng", unit=org.section_a)
    account, _password = services.create_account(by=org.admin_a, person=person, username="honglt")

    services.mark_person_left(by=org.admin_a, person=person, on=timezone.localdate(), reason="Nghỉ hưu")

    person.refresh_from_db()
    account.refresh_from_db()
    assert not person.is_active and person.left_on == timezone.localdate()
    assert not Posting.objects.filter(person=person, end__isnull=True).exists()
    assert not account.is_active


def test_search_finds_names_with_and_without_diacritics(org):
    for name in ("Nguyễn Thị Đào", "Nguyễn Văn Hòa", "Trần Văn Hoa"):
        services.add_person(by=org.admin_a, full_name=name, unit=org.section_a)

    def names(query):
        return sorted(p.full_name for p in selectors.people_for(user=org.admin_a, query=query))

    assert names("nguyen") == ["Nguyễn Thị Đào", "Nguyễn Văn Hòa"]
    assert names("dao") == ["Nguyễn Thị Đào"]
    assert names("hoa") == ["Nguyễn Văn Hòa", "Trần Văn Hoa"]  # without diacritics: every spelling
    assert names("Hòa") == ["Nguyễn Văn Hòa"]  # with diacritics: the tones count
    assert names("ĐÀO") == ["Nguyễn Thị Đào"]


def test_search_never_shows_officials_outside_the_subtree(org):
    services.add_person(by=org.admin_a, full_name="Nguyễn Thị Đào", unit=org.section_a)
    Person.objects.create(full_name="Nguyễn Văn Bình", unit=org.section_b)
    assert [p.full_name for p in selectors.people_for(user=org.admin_a, query="nguyen")] == ["Nguyễn Thị Đào"]


# --- pages -------------------------------------------------------------------------------------------------------


def test_officials_page_lists_searches_and_offers_the_next_step(client, org):
    services.add_person(by=org.admin_a, full_name="Nguyễn Thị Đào", unit=org.section_a)
    client.force_login(org.admin_a)
    page = client.get(reverse("campaigns:person_list"), {"q": "dao"}).content.decode()
    assert "Nguyễn Thị Đào" in page and "Thêm cán bộ" in page


def test_the_add_form_creates_the_official_and_goes_to_its_page(client, org):
    client.force_login(org.admin_a)
    response = client.post(
        reverse("campaigns:person_create"),
        {"full_name": "Phạm Ngọc Ánh", "unit": org.section_a.pk, "position": "Văn thư", "code": "", "start": ""},
    )
    person = Person.objects.get(full_name="Phạm Ngọc Ánh")
    assert response.status_code == 302 and response["Location"] == reverse("campaigns:person_detail", args=[person.pk])
    assert "Tạo tài khoản" in client.get(response["Location"]).content.decode()  # the next step


def test_the_add_form_offers_only_units_of_the_subtree(client, org):
    client.force_login(org.admin_a)
    response = client.post(reverse("campaigns:person_create"), {"full_name": "Phạm Ngọc Ánh", "unit": org.section_b.pk})
    assert response.status_code == 400
    assert not Person.objects.filter(full_name="Phạm Ngọc Ánh").exists()


def test_leaving_asks_for_confirmation_first(client, org):
    person = services.add_person(by=org.admin_a, full_name="Lê Thị Hồng", unit=org.section_a)
    client.force_login(org.admin_a)
    page = client.get(reverse("campaigns:person_leave", args=[person.pk])).content.decode()
    assert "Xác nhận" in page
    person.refresh_from_db()
    assert person.is_active


# Byte order (the database's default C collation, Python's str order) puts "Đ" after "Z" and "Ă/Â" after every
# plain letter; the Vietnamese alphabet is a ă â b c d đ e ê …, tones after letters.
VIETNAMESE_ORDER = [
    "Anh Tuấn",
    "Ánh Tuấn",
    "Ăn Hòa",
    "Ân Hưng",
    "Bùi Văn Cường",
    "Dương Thị Mai",
    "Đặng Văn Lâm",
    "Đinh Thị Lan",
    "Zơ Rát Y",
]


def test_vietnamese_order_differs_from_byte_order_in_the_cases_below():
    assert sorted(VIETNAMESE_ORDER) != VIETNAMESE_ORDER  # the test names would catch a plain ORDER BY full_name


def test_officials_are_listed_in_vietnamese_alphabetical_order(client, org):
    for name in reversed(VIETNAMESE_ORDER):
        services.add_person(by=org.admin_a, full_name=name, unit=org.section_a)

    assert [p.full_name for p in selectors.people_for(user=org.admin_a)] == VIETNAMESE_ORDER
    client.force_login(org.admin_a)
    page = client.get(reverse("campaigns:person_list")).content.decode()
    assert [page.index(name) for name in VIETNAMESE_ORDER] == sorted(page.index(name) for name in VIETNAMESE_ORDER)


def test_searching_keeps_the_vietnamese_order(org):
    for name in ("Đặng Văn Lâm", "Dương Văn Lâm", "Ăn Văn Lâm", "Anh Văn Lâm"):
        services.add_person(by=org.admin_a, full_name=name, unit=org.section_a)
    expected = ["Anh Văn Lâm", "Ăn Văn Lâm", "Dương Văn Lâm", "Đặng Văn Lâm"]
    assert [p.full_name for p in selectors.people_for(user=org.admin_a, query="lam")] == expected
    assert [p.full_name for p in selectors.people_for(user=org.admin_a, query="Lâm")] == expected
