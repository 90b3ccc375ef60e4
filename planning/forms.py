"""Forms of the plan rules editor: criteria, quota rules, eligibility conditions and dossier documents of a plan,
each as an inline formset, so a commune types in what used to need a YAML upload.

The checks mirror those of the plan file (planning/plan_io.py), so that whatever is saved here exports to a file that
imports again unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from awards.models import AwardKind, Condition, DossierRequirement, Level, QuotaRule, Recipient
from campaigns.models import Plan
from core.codes import code_from_name
from core.formatting import format_number
from planning.services.parts import (
    CONDITION_IN_USE,
    CRITERION_IN_USE,
    DOCUMENT_IN_USE,
    QUOTA_RULE_IN_USE,
    ConditionRow,
    CriterionRow,
    DocumentRow,
    QuotaRow,
)
from scoring.criterion_checks import band_problems, criterion_problems
from scoring.models import Criterion, Indicator

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

HUNDRED = Decimal(100)
_BAND_SEPARATORS = re.compile(r"[;\n]+")


# ---------------------------------------------------------------------------------------------------------------
# Pure helpers


def plain_number(number: Decimal) -> int | float:
    """A Decimal as the plain number the plan file writes: 90 for 90.00, 92.5 for 92.50."""
    if number == number.to_integral_value():
        return int(number)
    return float(number.normalize())


def _parse_decimal(text: str) -> Decimal:
    try:
        number = Decimal(text.strip().rstrip("%").strip().replace(",", "."))
    except InvalidOperation as error:
        raise ValueError(text) from error
    if not number.is_finite():
        raise ValueError(text)
    return number


def read_bands_text(text: str) -> tuple[list[tuple[Decimal, Decimal]], list[str]]:
    """The bands typed as "90:10; 75:6; 0:0" (threshold:points, one band per ";" or line), as written, with the
    problems of how they are written; what their numbers mean is criterion_checks.band_problems'."""
    errors: list[str] = []
    bands: list[tuple[Decimal, Decimal]] = []
    for index, chunk in enumerate((part.strip() for part in _BAND_SEPARATORS.split(text or "")), start=1):
        if not chunk:
            continue
        threshold_text, sep, points_text = chunk.partition(":")
        if not sep or ":" in points_text:
            errors.append(
                _("Khung %(index)s («%(chunk)s»): cần dạng ngưỡng:điểm, ví dụ 90:10.")
                % {"index": index, "chunk": chunk}
            )
            continue
        try:
            bands.append((_parse_decimal(threshold_text), _parse_decimal(points_text)))
        except ValueError:
            errors.append(
                _("Khung %(index)s («%(chunk)s»): ngưỡng và điểm phải là số.") % {"index": index, "chunk": chunk}
            )
    return bands, errors


def _stored_bands(bands: list[tuple[Decimal, Decimal]], *, lower_is_better: bool) -> list[list]:
    """Bands in the order the scoring rule reads them (best threshold first), as the plan file writes numbers."""
    ordered = sorted(bands, key=lambda band: band[0], reverse=not lower_is_better)
    return [[plain_number(threshold), plain_number(points)] for threshold, points in ordered]


def parse_bands(text: str, *, max_points: Decimal | None, is_rate: bool, lower_is_better: bool) -> list[list]:
    """Read score bands typed as "90:10; 75:6; 0:0"; returns [[threshold, points], …] best threshold first.
    Raises ValidationError listing every problem in Vietnamese (the writing, then band_problems)."""
    bands, errors = read_bands_text(text)
    if not errors:
        errors = band_problems(bands, max_points=max_points, is_rate=is_rate)
    if errors:
        raise ValidationError(errors)
    return _stored_bands(bands, lower_is_better=lower_is_better)


def format_bands(bands: Iterable[Iterable]) -> str:
    """Stored bands back as the text typed in the editor: "90:10; 75:6; 0:0"."""

    def number(value) -> str:
        return str(plain_number(Decimal(str(value)))).replace(".", ",")

    return "; ".join(f"{number(threshold)}:{number(points)}" for threshold, points in bands)


def indicator_choices(indicators: Iterable[Indicator]) -> list:
    """Indicators of the catalogue as select choices grouped by kind (tỷ lệ, số lượng, có/không)."""
    grouped: dict[str, list] = {kind: [] for kind in Indicator.Kind.values}
    for indicator in indicators:
        grouped.setdefault(indicator.kind, []).append((indicator.pk, indicator.name))
    labels = dict(Indicator.Kind.choices)
    return [("", "---------")] + [(str(labels.get(kind, kind)), rows) for kind, rows in grouped.items() if rows]


# ---------------------------------------------------------------------------------------------------------------
# Shared form and formset behaviour


class RuleForm(forms.ModelForm):
    """A row of the editor. A new row whose only change is its number (set when the row is added) stays blank."""

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        for name, value in data.items():
            if isinstance(value, str) and "\r" in value:
                data[name] = value.replace("\r\n", "\n").replace("\r", "\n")  # browsers send CRLF
        return data

    def has_changed(self) -> bool:
        if self.instance.pk is None:
            return any(name != "order" for name in self.changed_data)
        return super().has_changed()


class RuleFormSetBase(BaseInlineFormSet):
    """An inline formset of one part of a plan; rows in use may not be deleted (the view passes their ids)."""

    in_use: dict[int, str] = {}
    in_use_message: StrOrPromise = ""

    def should_delete(self, form: forms.BaseForm) -> bool:
        """Whether the row is ticked for deletion (Django's own test, usable inside clean())."""
        return bool(self._should_delete_form(form))  # type: ignore[attr-defined]  # Django API missing from the stubs

    def get_form_kwargs(self, index: int | None) -> dict:
        """New rows are numbered after the saved ones, so typing the next row needs no renumbering."""
        kwargs = super().get_form_kwargs(index)
        initial_count = self.initial_form_count()
        if index is not None and index >= initial_count:
            last = max((getattr(obj, "order", 0) or 0 for obj in self.get_queryset()), default=0)
            kwargs["initial"] = {"order": last + index - initial_count + 1}
        return kwargs

    def kept_forms(self) -> list[forms.ModelForm]:
        """The rows that will be saved: filled in and not marked for deletion."""
        return [
            form
            for form in self.forms
            if form.is_bound
            and getattr(form, "cleaned_data", None)
            and not self.should_delete(form)
            and (form.instance.pk or form.has_changed())
        ]

    def forms_to_delete(self) -> list[forms.ModelForm]:
        """Saved rows ticked for deletion (usable inside clean(), unlike `deleted_forms`)."""
        return [form for form in self.forms if form.instance.pk and self.should_delete(form)]

    def refuse_deleting_rows_in_use(self) -> None:
        refused = [self.in_use[form.instance.pk] for form in self.forms_to_delete() if form.instance.pk in self.in_use]
        if refused:
            raise ValidationError([self.in_use_message % {"name": name} for name in refused])

    # Each part's formset says how one saved instance becomes its plain row (a method of the subclass).
    row_of: Callable[[Any], Any]

    def rows(self) -> list[Any]:
        """The kept rows as the plan-part service's plain rows, in the order typed (the service saves them)."""
        forms_kept = sorted(self.kept_forms(), key=lambda form: getattr(form.instance, "order", 0) or 0)
        return [self.row_of(form.instance) for form in forms_kept]

    def marked_for_deletion(self) -> list[str]:
        """Names of the saved rows the user ticked for deletion (shown on the confirmation)."""
        if not self.is_bound:
            return []
        return [str(form.instance) for form in self.forms_to_delete()]


def _fill_codes(formset: RuleFormSetBase, *, field: str, max_length: int, duplicate_message: str) -> None:
    """Give rows with a blank code one made from their name, and refuse two rows with the same code."""
    kept = formset.kept_forms()
    typed = [form.cleaned_data.get(field) for form in kept if form.cleaned_data.get(field)]
    deleted = [getattr(form.instance, field) for form in formset.forms_to_delete()]
    for form in kept:
        if not form.cleaned_data.get(field) and form.cleaned_data.get("name"):
            code = code_from_name(form.cleaned_data["name"], typed + deleted, max_length=max_length)
            form.cleaned_data[field] = code
            setattr(form.instance, field, code)
            typed.append(code)
    seen: set[str | None] = set()
    for form in kept:
        row_code = form.cleaned_data.get(field)
        if row_code and row_code in seen:
            form.add_error(field, duplicate_message % {"code": row_code})
        seen.add(row_code)


# ---------------------------------------------------------------------------------------------------------------
# Criteria


class CriterionForm(RuleForm):
    """One tiêu chí: the indicator it reads, its target and how points are earned."""

    # A plain text field: the slug rule is checked in clean_code, with a clearer message than Django's.
    code = forms.CharField(
        label=gettext_lazy("Mã tiêu chí"),
        max_length=60,
        required=False,
        help_text=gettext_lazy("Để trống: tạo tự động từ nội dung tiêu chí."),
    )
    bands_text = forms.CharField(
        label=gettext_lazy("Khung điểm"),
        required=False,
        max_length=500,
        help_text=gettext_lazy(
            "Chỉ với cách chấm theo khung: ngưỡng:điểm, cách nhau bởi dấu chấm phẩy, ví dụ 90:10; 75:6; 0:0."
        ),
    )

    class Meta:
        model = Criterion
        fields = [
            "order",
            "name",
            "code",
            "indicator",
            "applies_to",
            "comparison",
            "target",
            "worst",
            "max_points",
            "rule",
            "bands_text",
            "zero_denominator",
            "note",
        ]
        widgets = {"name": forms.Textarea(attrs={"rows": 2}), "note": forms.Textarea(attrs={"rows": 1})}
        help_texts = {
            "target": gettext_lazy("Tỷ lệ: phần trăm từ 0 đến 100; có/không: để trống hoặc 1."),
            "worst": gettext_lazy("Bắt buộc với chỉ số càng thấp càng tốt chấm tuyến tính."),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target"].required = False
        if self.instance.pk and not self.is_bound:
            self.initial["bands_text"] = format_bands(self.instance.bands or [])

    def clean_code(self) -> str:
        return (self.cleaned_data.get("code") or "").strip()  # its rule: criterion_checks.criterion_problems

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        indicator: Indicator | None = data.get("indicator")
        if indicator is None:
            return data
        if indicator.kind == Indicator.Kind.BOOLEAN and data.get("target") is None:
            data["target"] = self.instance.target = Decimal(1)  # a yes/no criterion is met by "yes"
        text = (data.get("bands_text") or "").strip()
        bands, writing = read_bands_text(text)
        for message in writing:
            self.add_error("bands_text", message)
        problems = criterion_problems(
            code=data.get("code") or "",
            kind=indicator.kind,
            direction=indicator.direction,
            comparison=data.get("comparison") or "",
            rule=data.get("rule") or "",
            target=data.get("target"),
            worst=data.get("worst"),
            max_points=data.get("max_points"),
            bands=bands if text else None,
        )
        for field, message in problems:
            if field == "bands" and writing:
                continue  # the bands as written are refused above; their numbers are not read
            self.add_error("bands_text" if field == "bands" else field, message)
        if data.get("rule") == Criterion.Rule.BANDS and not writing:
            self.instance.bands = _stored_bands(bands, lower_is_better=indicator.direction == Indicator.Direction.LOWER)
        elif not text:
            self.instance.bands = []
        return data


class CriterionFormSetBase(RuleFormSetBase):
    """The criteria of a plan; codes are unique in the plan and made from the name when left blank."""

    in_use_message = CRITERION_IN_USE
    indicator_options: list = []

    def add_fields(self, form, index) -> None:
        super().add_fields(form, index)
        field = form.fields["indicator"]
        field.choices = self.indicator_options  # computed once for every row: no query per row

    def clean(self) -> None:
        # Not super().clean(): Django's check of unique codes across rows would count blank codes as duplicates
        # before they are made from the names; _fill_codes fills them, then refuses real duplicates in Vietnamese.
        self.refuse_deleting_rows_in_use()
        _fill_codes(
            self,
            field="code",
            max_length=60,
            duplicate_message=_("Mã tiêu chí «%(code)s» bị trùng với một tiêu chí khác của kế hoạch."),
        )

    def points_total(self) -> Decimal:
        """Sum of the maximum points of the rows as typed (deleted rows left out), or as saved when unbound."""
        if not self.is_bound:
            return sum((form.instance.max_points for form in self.forms if form.instance.pk), Decimal(0))
        total = Decimal(0)
        for form in self.forms:
            if self.should_delete(form) or not (form.instance.pk or form.has_changed()):
                continue
            raw = form["max_points"].value()
            try:
                total += Decimal(str(raw).replace(",", ".")) if raw not in (None, "") else Decimal(0)
            except InvalidOperation:
                continue
        return total

    def row_of(self, criterion: Criterion) -> CriterionRow:
        return CriterionRow.from_criterion(criterion)


CriterionFormSet = cast(  # the factory returns a subclass of `formset` (the stubs say BaseInlineFormSet)
    type[CriterionFormSetBase],
    inlineformset_factory(Plan, Criterion, form=CriterionForm, formset=CriterionFormSetBase, extra=1, can_delete=True),
)


# ---------------------------------------------------------------------------------------------------------------
# Award rules


class QuotaRuleForm(RuleForm):
    """How many of one award a plan gives, for one period (or all) and one group (or the whole plan)."""

    class Meta:
        model = QuotaRule
        fields = [
            "award_kind",
            "period",
            "group",
            "max_collectives",
            "max_individuals",
            "individuals_per_collective",
            "min_ratio",
            "note",
        ]
        widgets = {"note": forms.Textarea(attrs={"rows": 1})}

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if (
            not data.get("max_collectives")
            and not data.get("max_individuals")
            and "max_collectives" not in self.errors
            and "max_individuals" not in self.errors
        ):
            self.add_error("max_collectives", _("Chỉ tiêu phải cho phép ít nhất một tập thể hoặc một cá nhân."))
        ratio = data.get("min_ratio")
        if ratio is not None and not Decimal(0) <= ratio <= HUNDRED:
            self.add_error("min_ratio", _("Tỷ lệ điểm tối thiểu phải từ 0 đến 100."))
        for name, top in (("max_collectives", 10000), ("max_individuals", 10000), ("individuals_per_collective", 1000)):
            if data.get(name) is not None and data[name] > top:
                self.add_error(name, _("Số lượng không quá %(max)s.") % {"max": format_number(top)})
        return data


class QuotaRuleFormSetBase(RuleFormSetBase):
    """Quota rules: the period and group lists are the plan's own; one rule per award, period and group."""

    in_use_message = QUOTA_RULE_IN_USE
    period_options: list = []
    group_options: list = []
    award_options: list = []

    def add_fields(self, form, index) -> None:
        super().add_fields(form, index)
        form.fields["period"].queryset = self.instance.periods.all()
        form.fields["period"].choices = self.period_options
        form.fields["group"].queryset = self.instance.groups.all()
        form.fields["group"].choices = self.group_options
        form.fields["award_kind"].choices = self.award_options

    def clean(self) -> None:
        super().clean()
        self.refuse_deleting_rows_in_use()
        seen: set[tuple] = set()
        for form in self.kept_forms():
            key = tuple(getattr(form.cleaned_data.get(name), "pk", None) for name in ("award_kind", "period", "group"))
            if key in seen:
                form.add_error(None, _("Đã có chỉ tiêu cho cùng hình thức, đợt và khối ở dòng trên."))
            seen.add(key)

    def row_of(self, rule: QuotaRule) -> QuotaRow:
        return QuotaRow(
            award_kind=rule.award_kind,
            period=rule.period.order if rule.period is not None else None,
            group=rule.group.code if rule.group is not None else None,
            max_collectives=rule.max_collectives,
            max_individuals=rule.max_individuals,
            individuals_per_collective=rule.individuals_per_collective,
            min_ratio=rule.min_ratio,
            note=rule.note,
            pk=rule.pk,
        )


QuotaRuleFormSet = cast(  # the factory returns a subclass of `formset` (the stubs say BaseInlineFormSet)
    type[QuotaRuleFormSetBase],
    inlineformset_factory(Plan, QuotaRule, form=QuotaRuleForm, formset=QuotaRuleFormSetBase, extra=1, can_delete=True),
)


class ConditionFormSetBase(RuleFormSetBase):
    """Eligibility conditions (tiêu chuẩn khen thưởng) in their printed order."""

    in_use_message = CONDITION_IN_USE

    def clean(self) -> None:
        super().clean()
        self.refuse_deleting_rows_in_use()

    def row_of(self, condition: Condition) -> ConditionRow:
        return ConditionRow(text=condition.text, applies_to=condition.applies_to, code=condition.code, pk=condition.pk)


class ConditionForm(RuleForm):
    """One tiêu chuẩn khen thưởng line."""

    class Meta:
        model = Condition
        fields = ["order", "applies_to", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}


ConditionFormSet = cast(  # the factory returns a subclass of `formset` (the stubs say BaseInlineFormSet)
    type[ConditionFormSetBase],
    inlineformset_factory(Plan, Condition, form=ConditionForm, formset=ConditionFormSetBase, extra=1, can_delete=True),
)


class DossierRequirementForm(RuleForm):
    """A document every nomination dossier must contain."""

    code = forms.CharField(
        label=gettext_lazy("Mã"),
        max_length=40,
        required=False,
        help_text=gettext_lazy("Để trống: tạo tự động từ tên tài liệu."),
    )

    class Meta:
        model = DossierRequirement
        fields = ["order", "code", "name", "applies_to", "per_nominee", "from_council"]

    def clean_code(self) -> str:
        code = (self.cleaned_data.get("code") or "").strip()
        if code and slugify(code) != code:
            raise ValidationError(_("Mã tài liệu chỉ gồm chữ thường không dấu, số và dấu gạch ngang."))
        return code


class DossierRequirementFormSetBase(RuleFormSetBase):
    """Dossier documents; codes unique in the plan and made from the name when left blank."""

    in_use_message = DOCUMENT_IN_USE

    def clean(self) -> None:
        # As for criteria: codes are filled in and checked for duplicates by _fill_codes, not by super().clean().
        self.refuse_deleting_rows_in_use()
        _fill_codes(
            self,
            field="code",
            max_length=40,
            duplicate_message=_("Mã tài liệu «%(code)s» bị trùng với một tài liệu khác của kế hoạch."),
        )

    def row_of(self, document: DossierRequirement) -> DocumentRow:
        return DocumentRow(
            code=document.code,
            name=document.name,
            applies_to=document.applies_to,
            per_nominee=document.per_nominee,
            from_council=document.from_council,
            pk=document.pk,
        )


DossierRequirementFormSet = cast(  # the factory returns a subclass of `formset` (the stubs say BaseInlineFormSet)
    type[DossierRequirementFormSetBase],
    inlineformset_factory(
        Plan,
        DossierRequirement,
        form=DossierRequirementForm,
        formset=DossierRequirementFormSetBase,
        extra=1,
        can_delete=True,
    ),
)


def award_kind_choices(kinds: Iterable[AwardKind]) -> list:
    """Award kinds as select choices grouped by the level that confers them."""
    grouped: dict[str, list] = {}
    for kind in kinds:
        grouped.setdefault(kind.get_level_display(), []).append((kind.pk, kind.name))
    return [("", "---------")] + [(str(level), rows) for level, rows in grouped.items()]


def _award_number(text: str, *, label: str, places: int, maximum: Decimal) -> Decimal:
    """A positive number typed Vietnamese style ("0,15") or with a dot, at most `places` decimals, up to `maximum`."""
    try:
        number = _parse_decimal(text)
    except ValueError:
        raise ValidationError(_("%(label)s phải là một số, ví dụ 0,15.") % {"label": label}) from None
    if number <= 0 or number > maximum:
        raise ValidationError(
            _("%(label)s phải lớn hơn 0 và không quá %(max)s.")
            % {"label": label, "max": str(plain_number(maximum)).replace(".", ",")}
        )
    exponent = number.as_tuple().exponent
    assert isinstance(exponent, int)  # _parse_decimal refuses NaN and infinity
    if -exponent > places:
        raise ValidationError(
            _("%(label)s có tối đa %(places)s chữ số thập phân.") % {"label": label, "places": places}
        )
    return number


class AwardKindForm(forms.Form):
    """A form of commendation missing from the catalogue (e.g. a ward chairman's Giấy khen), added from the award-rules
    editor with what the decision and the reward need; the same fields a plan file's `award_kinds` entry has."""

    name = forms.CharField(
        label=gettext_lazy("Tên hình thức khen thưởng"),
        max_length=255,
        help_text=gettext_lazy("Như in trên quyết định, ví dụ: Giấy khen của Chủ tịch Ủy ban nhân dân phường."),
        error_messages={"required": gettext_lazy("Nhập tên hình thức khen thưởng.")},
    )
    level = forms.ChoiceField(
        label=gettext_lazy("Cấp khen (người ký quyết định)"),
        choices=[("", "---------"), *Level.choices],
        error_messages={"required": gettext_lazy("Chọn cấp khen: ai ký quyết định khen thưởng này.")},
    )
    recipients = forms.ChoiceField(
        label=gettext_lazy("Đối tượng được khen"), choices=Recipient.choices, initial=Recipient.BOTH
    )
    certificate_title = forms.CharField(
        label=gettext_lazy("Tên in trên bằng"),
        max_length=60,
        initial="GIẤY KHEN",
        help_text=gettext_lazy("GIẤY KHEN, BẰNG KHEN, GIẤY CHỨNG NHẬN…"),
        error_messages={"required": gettext_lazy("Nhập tên in trên bằng, ví dụ GIẤY KHEN.")},
    )
    individual_coefficient = forms.CharField(
        label=gettext_lazy("Tiền thưởng cá nhân (hệ số × mức lương cơ sở)"),
        help_text=gettext_lazy("Ví dụ 0,15 với Giấy khen; 1 với Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh."),
        error_messages={"required": gettext_lazy("Nhập hệ số tiền thưởng cá nhân, ví dụ 0,15.")},
    )
    collective_multiplier = forms.CharField(
        label=gettext_lazy("Tiền thưởng tập thể (bằng cá nhân × hệ số)"),
        initial="2",
        help_text=gettext_lazy("Thường là 2: tập thể được gấp đôi mức của cá nhân."),
        error_messages={"required": gettext_lazy("Nhập hệ số tiền thưởng tập thể, thường là 2.")},
    )

    def clean_name(self) -> str:
        return " ".join(self.cleaned_data["name"].split())

    def clean_certificate_title(self) -> str:
        return " ".join(self.cleaned_data["certificate_title"].split()).upper()

    def clean_individual_coefficient(self) -> Decimal:
        return _award_number(
            self.cleaned_data["individual_coefficient"],
            label=_("Hệ số tiền thưởng cá nhân"),
            places=3,
            maximum=Decimal("99.999"),
        )

    def clean_collective_multiplier(self) -> Decimal:
        return _award_number(
            self.cleaned_data["collective_multiplier"], label=_("Hệ số tiền thưởng tập thể"), places=2, maximum=HUNDRED
        )
