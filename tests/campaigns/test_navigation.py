"""The navbar marks the section a page belongs to (aria-current), by the address of the page."""

from __future__ import annotations

import pytest

from campaigns.context_processors import current_nav_entry


@pytest.mark.parametrize(
    ("path", "entry"),
    [
        ("/ke-hoach/", "campaigns:plan_list"),
        ("/ke-hoach/6/sua/", "campaigns:plan_list"),
        ("/quyet-dinh/12/", "awards:decision_list"),
        ("/de-nghi/39/", "awards:nomination_index"),
        ("/tac-vu/7/", "planning:job_list"),
        ("/can-bo/1/sua/", "campaigns:person_list"),
        ("/", ""),  # the home page is no menu entry: nothing is marked
        ("/dot/7/dieu-hanh/", ""),
    ],
)
def test_a_page_marks_the_menu_entry_whose_address_starts_its_own(path, entry):
    assert current_nav_entry(path) == entry
