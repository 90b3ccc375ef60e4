"""Forms of the plan editor (the plan's own fields with its periods, groups and tasks) and of bulk enrolment.

They only check what was typed and turn it into the plain rows of planning/services/parts.py; the services write,
with every guard (who may, the issuer's subtree, the plan's status, rows in use). Unit choices are the user's own
scope, so a unit outside the plan's issuer is refused by the service with the same sentence as in a plan file.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils.translation import gettext_lazy as _

from campaigns.models import Group, Period, PeriodDates, Plan, PlanTask, Role, Unit, dates_problem, period_problems
from campaigns.typing import model_choice_field
from core.widgets import VietnameseDateInput, use_vietnamese_decimals
from planning.services.parts import GroupRow, PeriodRow, PlanHeader, TaskRow

if TYPE_CHECKING:
    from django.contrib.auth.models import User

DATE = VietnameseDateInput()
# A unit the user cannot see reads the same as one outside the plan's issuer (the service's sentence).
UNIT_NOT_YOURS = _("Đơn vị đã chọn không có trong đơn vị của bạn.")


class LinesField(forms.CharField):
    """A list of lines (căn cứ, nơi nhận) typed one per line in a textarea."""

    widget = forms.Textarea(attrs={"rows": 4})

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value) -> list[str]:  # type: ignore[override]  # a CharField that cleans to its lines
        text = super().to_python(value) or ""
        return [line.strip().rstrip(";").strip() for line in text.splitlines() if line.strip()]


def issuer_choices(user: User) -> QuerySet[Unit]:
    """Units in which the user may issue plans: where they are lãnh đạo or quản trị (and below)."""
    return (
        Unit.objects.in_scope_of(user, roles=(Role.LANH_DAO, Role.QUAN_TRI))
        .exclude(kind__in=[Unit.Kind.BO_PHAN, Unit.Kind.KHOI])
        .order_by("path")
    )


def _rows_in_order(formset: BaseInlineFormSet) -> list[forms.ModelForm]:
    """The kept rows of a validated formset (filled in, not marked for deletion), in the order typed."""
    kept = [form for form in formset.forms if form.cleaned_data and not form.cleaned_data.get("DELETE")]
    return sorted(kept, key=lambda form: form.cleaned_data.get("order") or 0)


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
        use_vietnamese_decimals(self.fields)  # total points, council threshold: "92,5", not "92.50"
        model_choice_field(self, "issuer").queryset = issuer_choices(user)
        self.fields["key"].help_text = _("Khóa ổn định, ví dụ tay-hieu-2025; dùng khi tải lại tệp kế hoạch.")
        if self.instance.pk:
            self.fields["key"].disabled = True

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if problem := dates_problem(data.get("start"), data.get("end")):
            self.add_error("end", problem)
        return data

    def _post_clean(self) -> None:
        """The form does not fill the model: the plan-header service writes it (its key is checked there)."""

    def header(self) -> PlanHeader:
        data = self.cleaned_data
        return PlanHeader(**{name: data[name] for name in self.Meta.fields})


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

    def rows(self) -> list[PeriodRow]:
        names = ("name", "start", "end", "review_kind", "dossier_deadline")
        return [
            PeriodRow(**{name: form.cleaned_data[name] for name in names}, pk=form.instance.pk)
            for form in _rows_in_order(self)
        ]


class PeriodForm(forms.ModelForm):
    """A period row: its dates are checked with the others' by the formset (period_problems), not one by one."""

    class Meta:
        model = Period
        fields = ["order", "name", "start", "end", "review_kind", "dossier_deadline"]
        widgets = {"start": DATE, "end": DATE, "dossier_deadline": DATE}

    def _post_clean(self) -> None:
        """Not filled into the model: the period service writes it."""


# The factory returns a subclass of `formset` (the stubs type it as the plain BaseInlineFormSet).
PeriodFormSet = cast(
    type[PeriodFormSetBase],
    inlineformset_factory(Plan, Period, form=PeriodForm, formset=PeriodFormSetBase, extra=1, can_delete=True),
)


class GroupForm(forms.ModelForm):
    class Meta:
        model = Group
        fields = ["order", "code", "name"]

    def _post_clean(self) -> None:
        """Not filled into the model: the group service writes it (codes unique within the plan, checked there)."""


class GroupFormSetBase(BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        codes = [form.cleaned_data.get("code") for form in _rows_in_order(self)]
        if len(codes) != len(set(codes)):
            raise ValidationError(_("Mã các khối không được trùng nhau."))

    def rows(self) -> list[GroupRow]:
        return [
            GroupRow(code=form.cleaned_data["code"], name=form.cleaned_data["name"], pk=form.instance.pk)
            for form in _rows_in_order(self)
        ]


GroupFormSet = cast(
    type[GroupFormSetBase],
    inlineformset_factory(Plan, Group, form=GroupForm, formset=GroupFormSetBase, extra=1, can_delete=True),
)


class TaskForm(forms.ModelForm):
    """A task row of the plan editor; units are those the user sees, the service keeps them to the issuer's."""

    class Meta:
        model = PlanTask
        fields = ["order", "code", "title", "lead_unit", "executing_units", "deadline"]
        widgets = {
            "deadline": DATE,
            "title": forms.Textarea(attrs={"rows": 2}),
            "executing_units": forms.SelectMultiple(attrs={"size": 4}),
        }
        error_messages = {
            "lead_unit": {"invalid_choice": UNIT_NOT_YOURS},
            "executing_units": {"invalid_choice": UNIT_NOT_YOURS},
        }

    def _post_clean(self) -> None:
        """Not filled into the model: the task service writes it."""


class TaskFormSetBase(BaseInlineFormSet):
    units: QuerySet[Unit] = Unit.objects.none()
    unit_options: list[tuple[Any, str]] = []

    def limit_units(self, units: QuerySet[Unit]) -> None:
        """The units a task may name on this page, read once for every row (no query per row)."""
        self.units = units
        self.unit_options = [(unit.pk, str(unit)) for unit in units]

    def add_fields(self, form, index) -> None:
        super().add_fields(form, index)
        for name, empty in (("lead_unit", [("", "---------")]), ("executing_units", [])):
            form.fields[name].queryset = self.units
            form.fields[name].choices = [*empty, *self.unit_options]

    def rows(self) -> list[TaskRow]:
        rows = []
        for form in _rows_in_order(self):
            data, task = form.cleaned_data, form.instance
            rows.append(
                TaskRow(
                    title=data["title"],
                    code=data.get("code") or "",
                    lead_unit=data.get("lead_unit"),
                    executing_units=list(data.get("executing_units") or []),
                    deadline=data.get("deadline"),
                    # progress is reported on its own page; the editor keeps what was reported
                    status=task.status,
                    progress=task.progress,
                    progress_percent=task.progress_percent,
                    pk=task.pk,
                )
            )
        return rows


TaskFormSet = cast(
    type[TaskFormSetBase],
    inlineformset_factory(Plan, PlanTask, form=TaskForm, formset=TaskFormSetBase, extra=1, can_delete=True),
)


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
        label=_("Đơn vị"),
        queryset=Unit.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 8}),
        error_messages={"invalid_choice": UNIT_NOT_YOURS},
    )
    group = forms.ModelChoiceField(
        label=_("Vào khối"), queryset=Group.objects.none(), required=False, empty_label=_("(không thuộc khối nào)")
    )

    def __init__(self, *args, plan: Plan, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "units").queryset = Unit.objects.in_scope_of(user).order_by("path")
        model_choice_field(self, "group").queryset = plan.groups.all()
