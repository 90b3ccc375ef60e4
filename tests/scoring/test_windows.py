import datetime as dt

from scoring.windows import Window, windows_between


def test_monthly_windows_are_calendar_months_clipped_to_the_period():
    windows = windows_between(dt.date(2023, 8, 14), dt.date(2023, 9, 14), "monthly")
    assert windows == [
        Window(dt.date(2023, 8, 14), dt.date(2023, 8, 31)),
        Window(dt.date(2023, 9, 1), dt.date(2023, 9, 14)),
    ]


def test_a_half_year_has_six_monthly_windows_and_february_ends_on_the_29th_in_2024():
    windows = windows_between(dt.date(2024, 1, 1), dt.date(2024, 6, 30), "monthly")
    assert len(windows) == 6
    assert windows[1] == Window(dt.date(2024, 2, 1), dt.date(2024, 2, 29))
    assert windows[0].label == "Tháng 01/2024"


def test_weekly_windows_run_monday_to_sunday():
    windows = windows_between(dt.date(2023, 8, 14), dt.date(2023, 9, 14), "weekly")
    assert windows[0] == Window(dt.date(2023, 8, 14), dt.date(2023, 8, 20))
    assert windows[-1] == Window(dt.date(2023, 9, 11), dt.date(2023, 9, 14))
    assert len(windows) == 5


def test_per_period_is_one_window():
    assert windows_between(dt.date(2023, 8, 14), dt.date(2023, 9, 14), "per_period") == [
        Window(dt.date(2023, 8, 14), dt.date(2023, 9, 14))
    ]
