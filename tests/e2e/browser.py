"""Helpers the journeys share: log in and out, screenshots at two widths, accessibility checks (axe-core: axe.py)."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from playwright.sync_api import expect

DEMO_PASSWORD = "thidua@2024"
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
SCREENSHOTS = Path(settings.BASE_DIR) / "artifacts" / "screenshots"


def login(page, username: str, password: str = DEMO_PASSWORD) -> None:
    """Log in through the login form, with the keyboard for the last step; lands on the home page."""
    page.goto("/dang-nhap/")
    page.get_by_label(re.compile("Tên đăng nhập", re.I)).fill(username)
    page.get_by_label(re.compile("Mật khẩu", re.I)).fill(password)
    page.get_by_label(re.compile("Mật khẩu", re.I)).press("Enter")
    page.wait_for_url(re.compile(r"/$"))


def _open_navbar(page) -> None:
    """On a phone the menu sits behind the toggler: open it and wait for its animation to end."""
    toggler = page.get_by_role("button", name="Mở menu")
    if toggler.is_visible():
        toggler.click()
        # Bootstrap animates the collapse: a click on the user menu while it still moves can be lost (seen in CI).
        expect(page.locator("#nav-main.collapse.show")).to_be_visible()


def logout(page) -> None:
    """Open the user menu and press Đăng xuất."""
    _open_navbar(page)
    page.locator("#nav-user").click()
    page.get_by_role("button", name="Đăng xuất").click()


def open_menu(page, menu: str, item: str) -> None:
    """Follow a link inside one of the navbar's dropdowns ("Khen thưởng", "Hệ thống"), as a user does."""
    _open_navbar(page)
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role("button", name=menu, exact=True).click()
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name=item, exact=True).click()


def screenshot(page, name: str) -> None:
    """Full-page screenshots of the current page at desktop and phone widths, in artifacts/screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    page.screenshot(path=SCREENSHOTS / f"{name}-desktop.png", full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=SCREENSHOTS / f"{name}-phone.png", full_page=True)
    page.set_viewport_size(size)


UNLABELLED_INPUTS_JS = """
() => [...document.querySelectorAll('input, select, textarea')]
  .filter(el => !['hidden', 'submit', 'button', 'reset', 'image'].includes((el.type || '').toLowerCase()))
  .filter(el => !(el.labels && el.labels.length))
  .filter(el => !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'))
  .map(el => el.outerHTML.slice(0, 160))
"""


UNNAMED_CONTROLS_JS = """
() => [...document.querySelectorAll('a[href], button, [role=button]')]
  .filter(el => el.offsetParent !== null || el.getClientRects().length)
  .filter(el => !(el.innerText || '').trim() && !el.getAttribute('aria-label') && !el.getAttribute('title')
                && !el.getAttribute('aria-labelledby') && !el.querySelector('img[alt]:not([alt=""])'))
  .map(el => el.outerHTML.slice(0, 160))
"""


def assert_controls_named(page) -> None:
    """Every visible link and button has a name a screen reader can say (text, aria-label or title)."""
    unnamed = page.evaluate(UNNAMED_CONTROLS_JS)
    assert not unnamed, f"Liên kết/nút không có tên trên {page.url}:\n" + "\n".join(unnamed)


def assert_inputs_labelled(page) -> None:
    """Every form control on the page has a label (a <label>, aria-label or aria-labelledby)."""
    unlabelled = page.evaluate(UNLABELLED_INPUTS_JS)
    assert not unlabelled, f"Ô nhập không có nhãn trên {page.url}:\n" + "\n".join(unlabelled)


def tab_to(page, locator, presses: int = 120) -> None:
    """Press Tab from the top of the page until ``locator`` has the focus: the control is reachable by keyboard."""
    handle = locator.element_handle()
    page.locator("body").focus()
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate("(el) => document.activeElement === el", handle):
            return
    raise AssertionError(f"Không tới được {locator} bằng phím Tab trên {page.url}")


def check_page(page, name: str | None = None) -> None:
    """The checks every main page gets: labelled inputs, named controls, no serious or critical axe-core violation at
    desktop and phone widths, and a screenshot when it has a name."""
    from tests.e2e.axe import check_accessible

    assert_inputs_labelled(page)
    assert_controls_named(page)
    check_accessible(page)
    if name:
        screenshot(page, name)
