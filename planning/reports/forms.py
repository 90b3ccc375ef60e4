"""The date range of a báo cáo nhanh (a short progress report of a period, for cao điểm plans)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns.models import Period
from core.formatting import short_date
from core.widgets import VietnameseDateInput

DATE = VietnameseDateInput(attrs={"class": "form-control form-control-sm"})


class QuickReportForm(forms.Form):
    """From and to (inclusive), inside the period; by default the last seven days of it that have begun."""

    tu = forms.DateField(label=gettext_lazy("Từ ngày"), widget=DATE)
    den = forms.DateField(label=gettext_lazy("Đến ngày"), widget=DATE)

    def __init__(self, *args: Any, period: Period, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.period = period
        end = min(timezone.localdate(), period.end)
        self.initial.setdefault("den", end)
        self.initial.setdefault("tu", max(period.start, end - dt.timedelta(days=6)))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("tu"), data.get("den")
        if start and end:
            if end < start:
                raise forms.ValidationError(_("“Đến ngày” phải bằng hoặc sau “Từ ngày”."))
            if start < self.period.start or end > self.period.end:
                raise forms.ValidationError(
                    _("Khoảng thời gian phải nằm trong %(period)s (%(start)s – %(end)s).")
                    % {
                        "period": self.period.name,
                        "start": short_date(self.period.start),
                        "end": short_date(self.period.end),
                    }
                )
        return data
