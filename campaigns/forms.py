"""Forms of the plan pages: the plan, its periods, groups and tasks (inline formsets), bulk enrolment, task progress."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils.translation import gettext_lazy as _

from campaigns.models import Group, Period, PeriodDates, Plan, PlanTask, Role, Unit, period_problems
from campaigns.typing import model_choice_field

if TYPE_CHECKING:
    from django.contrib.auth.models import User

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class LinesField(forms.CharField):
    """A list of lines (căn cứ, nơi nhận) typed one per line in a textarea."""

    widget = forms.Textarea(attrs={"rows": 4})

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value) -> list[str]:  # type: ignore[override]  # a CharField that cleans to its lines
        text = super().to_python(value) or ""
        return [line.strip().rstrip(";").strip() for line in text.splitlines() if line.strip()]


def issuer_choices(user: User):
    """Units in which the user may issue plans: where they are lãnh đạo or quản trị (and below)."""
    return (
        Unit.objects.in_scope_of(user, roles=(Role.LANH_DAO, Role.QUAN_TRI))
        .exclude(kind__in=[Unit.Kind.BO_PHAN, Unit.Kind.KHOI])
        .order_by("path")
    )


class PlanForm(forms.ModelForm):
    """The plan's own fields; periods, groups and tasks come as inline formsets."""

    legal_bases = LinesField(label=_("Căn cứ (mỗi dòng một căn cứ)"), required=False)
    recipients = LinesField(label=_("Nơi nhận (mỗi dòng một nơi)"), required=False)

    class Meta:
        model = Plan
        fields = [
            "key",
            "issuer",
            "number",
            "symbol",
            "issued_on",
            "place",
            "title",
            "kind",
            "start",
            "end",
            "frequency",
            "grace_days",
            "total_points",
            "vote_threshold",
            "legal_bases",
            "purpose",
            "requirements",
            "signer_name",
            "signer_title",
            "recipients",
            "source_note",
        ]
        widgets = {
            "issued_on": DATE,
            "start": DATE,
            "end": DATE,
            "title": forms.Textarea(attrs={"rows": 2}),
            "purpose": forms.Textarea(attrs={"rows": 4}),
            "requirements": forms.Textarea(attrs={"rows": 3}),
            "source_note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "issuer").queryset = issuer_choices(user)
        self.fields["key"].help_text = _("Khóa ổn định, ví dụ tay-hieu-2025; dùng khi nhập lại tệp YAML.")
        if self.instance.pk:
            self.fields["key"].disabled = True

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error(
                "end",
                _("Ngày kết thúc %(end)s trước ngày bắt đầu %(start)s.")
                % {"end": f"{data['end']:%d/%m/%Y}", "start": f"{data['start']:%d/%m/%Y}"},
            )
        return data


class PeriodFormSetBase(BaseInlineFormSet):
    """Periods lie inside the plan's dates (given by the view) and do not overlap each other."""

    plan_start: dt.date | None = None
    plan_end: dt.date | None = None

    def clean(self) -> None:
        super().clean()
        kept = [form for form in self.forms if form.cleaned_data and not form.cleaned_data.get("DELETE")]
        kept.sort(key=lambda form: (form.cleaned_data.get("start") is None, form.cleaned_data.get("start") or 0))
        rows = [
            PeriodDates(
                form.cleaned_data.get("name") or "",
                form.cleaned_data.get("start"),
                form.cleaned_data.get("end"),
                form.cleaned_data.get("dossier_deadline"),
            )
            for form in kept
        ]
        for index, field, message in period_problems(rows, self.plan_start, self.plan_end):
            kept[index].add_error(field if field in kept[index].fields else None, message)
        orders = [f.cleaned_data.get("order") for f in kept]
        if len(orders) != len(set(orders)):
            raise ValidationError(_("Thứ tự các đợt không được trùng nhau."))


# The factory returns a subclass of `formset` (the stubs type it as the plain BaseInlineFormSet).
PeriodFormSet = cast(
    type[PeriodFormSetBase],
    inlineformset_factory(
        Plan,
        Period,
        formset=PeriodFormSetBase,
        extra=1,
        can_delete=True,
        fields=["order", "name", "start", "end", "review_kind", "dossier_deadline"],
        widgets={"start": DATE, "end": DATE, "dossier_deadline": DATE},
    ),
)
GroupFormSet: type[BaseInlineFormSet[Group, Plan, forms.ModelForm[Group]]] = inlineformset_factory(
    Plan, Group, extra=1, can_delete=True, fields=["order", "code", "name"]
)


class TaskForm(forms.ModelForm):
    """A task row of the plan editor; units are limited to the issuer's subtree."""

    class Meta:
        model = PlanTask
        fields = ["order", "code", "title", "lead_unit", "executing_units", "deadline"]
        widgets = {
            "deadline": DATE,
            "title": forms.Textarea(attrs={"rows": 2}),
            "executing_units": forms.SelectMultiple(attrs={"size": 4}),
        }


class TaskFormSetBase(BaseInlineFormSet):
    units: QuerySet[Unit] = Unit.objects.none()

    def add_fields(self, form, index) -> None:
        super().add_fields(form, index)
        form.fields["lead_unit"].queryset = self.units
        form.fields["executing_units"].queryset = self.units


TaskFormSet = cast(
    type[TaskFormSetBase],
    inlineformset_factory(Plan, PlanTask, form=TaskForm, formset=TaskFormSetBase, extra=1, can_delete=True),
)


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


class BulkAddForm(forms.Form):
    """Enrol many participants at once: the communes under a unit, the sections of a unit, or its officials."""

    class Mode:
        COMMUNES = "communes"
        SECTIONS = "sections"
        OFFICIALS = "officials"

    MODES = [
        (Mode.COMMUNES, _("Mọi xã, phường, thị trấn thuộc các đơn vị đã chọn (tập thể)")),
        (Mode.SECTIONS, _("Mọi bộ phận, phòng ban trực thuộc các đơn vị đã chọn (tập thể)")),
        (Mode.OFFICIALS, _("Mọi cán bộ, công chức của các đơn vị đã chọn và đơn vị trực thuộc (cá nhân)")),
    ]

    mode = forms.ChoiceField(label=_("Thêm"), choices=MODES, widget=forms.RadioSelect)
    units = forms.ModelMultipleChoiceField(
        label=_("Đơn vị"), queryset=Unit.objects.none(), widget=forms.SelectMultiple(attrs={"size": 8})
    )
    group = forms.ModelChoiceField(
        label=_("Vào khối"), queryset=Group.objects.none(), required=False, empty_label=_("(không thuộc khối nào)")
    )

    def __init__(self, *args, plan: Plan, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "units").queryset = Unit.objects.filter(path__startswith=plan.issuer.path).order_by(
            "path"
        )
        model_choice_field(self, "group").queryset = plan.groups.all()


class CopyPlanForm(forms.Form):
    """The year of the new draft."""

    year = forms.IntegerField(label=_("Năm của kế hoạch mới"), min_value=2000, max_value=2100)
