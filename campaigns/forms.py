"""Forms of the campaign pages: a task's progress, the year of a plan's copy (the plan editor's: planning)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from campaigns.models import PlanTask
from core.widgets import VietnameseDateInput

if TYPE_CHECKING:
    pass

DATE = VietnameseDateInput()


class TaskProgressForm(forms.ModelForm):
    """The progress report of a task: status, percent done and what was done."""

    class Meta:
        model = PlanTask
        fields = ["status", "progress_percent", "progress"]
        widgets = {"progress": forms.Textarea(attrs={"rows": 3})}

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("progress_percent") is not None and data["progress_percent"] > 100:
            self.add_error("progress_percent", _("Tiến độ không quá 100%."))
        if data.get("status") == PlanTask.Status.DONE:
            data["progress_percent"] = 100
        return data


class CopyPlanForm(forms.Form):
    """The year of the new draft."""

    year = forms.IntegerField(label=_("Năm của kế hoạch mới"), min_value=2000, max_value=2100)
