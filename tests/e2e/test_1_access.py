"""Journeys anyone takes: log in with the keyboard, log out; another commune's objects answer 404."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from awards.models import Nomination
from campaigns.models import Participant, Period, Plan
from scoring.views.entry import entry_url
from scoring.windows import windows_for
from tests.e2e.browser import check_page, login, logout, tab_to

pytestmark = pytest.mark.e2e


def test_login_by_keyboard_then_logout(page, demo):
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/dang-nhap/\?next=/$"))
    # The stylesheet and the icon font are served (the live server's static handler, as whitenoise in production).
    submit = page.get_by_role("button", name="Đăng nhập")
    # app.css's red for a danger button, one shade darker than Bootstrap's so that white text on it reaches 6.5:1
    assert submit.evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(176, 42, 55)"
    check_page(page, "dang-nhap")

    username = page.get_by_label("Tên đăng nhập")
    tab_to(page, username)
    page.keyboard.type("tayhieu.nhaplieu")
    page.keyboard.press("Tab")
    page.keyboard.type("sai-mat-khau")
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert").or_(page.locator(".alert-danger")).first).to_contain_text("Vui lòng")
    page.get_by_label("Mật khẩu").fill("thidua@2024")
    tab_to(page, submit)
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Xin chào")
    expect(page.get_by_text("Xã Tây Hiếu").first).to_be_visible()
    assert page.evaluate("document.fonts.check('1em bootstrap-icons')")
    check_page(page, "trang-chu")

    logout(page)
    expect(page).to_have_url(re.compile(r"/dang-nhap/$"))
    page.goto("/ke-hoach/")
    expect(page).to_have_url(re.compile(r"/dang-nhap/\?next=/ke-hoach/$"))


def test_logout_from_the_phone_menu(page, demo):
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, "tayhieu.lanhdao")
    logout(page)
    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()


def test_another_communes_objects_answer_404(page, demo, browser_errors):
    other_plan = Plan.objects.get(issuer__code="LS-HOANGVIET")
    other_period = Period.objects.filter(plan=other_plan).order_by("start").first()
    own_plan = Plan.objects.filter(issuer__code="NA-TAYHIEU").order_by("-start").first()
    login(page, "tayhieu.nhaplieu")

    page.goto(reverse("campaigns:plan_list"))
    expect(page.get_by_role("link", name=re.compile("Tây Hiếu"))).not_to_have_count(0)
    expect(page.get_by_text(other_plan.title)).to_have_count(0)
    assert page.goto(own_plan.get_absolute_url()).status == 200

    other_participant = Participant.objects.filter(plan=other_plan).order_by("pk").first()
    urls = [
        other_plan.get_absolute_url(),
        reverse("planning:period_close", args=[other_period.pk]),
        reverse("scoring:standing_list", args=[other_period.pk]),
        reverse("scoring:standing_detail", args=[other_period.pk, other_participant.pk]),
        entry_url(other_period, other_participant, windows_for(other_period)[0]),
        reverse("awards:nomination_list", args=[other_period.pk]),
    ]
    other_nomination = Nomination.objects.filter(period__plan=other_plan).first()
    if other_nomination is not None:
        urls.append(other_nomination.get_absolute_url())
    for url in urls:
        browser_errors.expect("status of 404")
        response = page.goto(url)
        assert response.status == 404, url
        expect(page.get_by_role("heading", name="Không tìm thấy trang")).to_be_visible()
        assert other_plan.title not in page.content()


ROLES = ["tayhieu.quantri", "tayhieu.nhaplieu", "tayhieu.lanhdao", "nghean.noivu", "admin"]


@pytest.mark.parametrize("username", ROLES)
def test_the_menu_fits_one_line_marks_the_current_page_and_works_by_keyboard(page, demo, username):
    login(page, username)
    page.goto(reverse("campaigns:plan_list"))
    menu = page.get_by_role("navigation", name="Điều hướng chính")
    # One line at 1366 px: every entry's top at the same height, the bar no taller than one line of links.
    tops = menu.locator("#nav-main > ul > li").evaluate_all(
        "els => els.map(el => Math.round(el.getBoundingClientRect().top))"
    )
    assert len(set(tops)) == 1, f"Menu của {username} xuống dòng: {tops}"
    assert menu.bounding_box()["height"] < 70
    expect(menu.get_by_role("link", name="Kế hoạch", exact=True)).to_have_attribute("aria-current", "page")
    expect(menu.locator("[aria-current]")).to_have_count(1)
    expect(menu).not_to_contain_text("Tác vụ nền")

    # "Hệ thống" by keyboard: Tab to it, Enter opens it, the arrow key reaches the first entry, Enter follows it.
    system = menu.get_by_role("button", name="Hệ thống", exact=True)
    tab_to(page, system)
    page.keyboard.press("Enter")
    expect(system).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("ArrowDown")
    expect(menu.get_by_role("link", name="Tiến trình xử lý")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tiến trình xử lý")
    expect(menu.get_by_role("button", name="Hệ thống", exact=True)).to_have_class(re.compile(r"\bactive\b"))
    expect(menu.get_by_role("link", name="Tiến trình xử lý", include_hidden=True)).to_have_attribute(
        "aria-current", "page"
    )
