"""Forms of the officials and accounts pages: they validate input and offer only the units the user manages."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns.models import Person, Role, Unit
from core.widgets import VietnameseDateInput


class UnitChoiceField(forms.ModelChoiceField):
    """A unit shown with its place in the tree."""

    base_depth = 1

    def label_from_instance(self, obj: Unit) -> str:
        return f"{'— ' * max(obj.depth - self.base_depth, 0)}{obj.name}"


def _units(units: Any) -> Any:
    return units.current().order_by("path")


def _offer(form: forms.Form, name: str, units: Any) -> None:
    """Offer only these units in the form's unit field."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = units
    if isinstance(field, UnitChoiceField):  # indent below the shallowest unit offered, not below the root
        field.base_depth = units.aggregate(top=Min("depth"))["top"] or 1


class PersonForm(forms.Form):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=120)
    unit = UnitChoiceField(label=_("Đơn vị công tác"), queryset=Unit.objects.none())
    position = forms.CharField(label=_("Chức vụ"), max_length=160, required=False)
    code = forms.CharField(
        label=_("Mã cán bộ"),
        max_length=40,
        required=False,
        help_text=_("Để trống: hệ thống tự đặt mã (dùng khi nhập lại từ Excel)."),
    )
    start = forms.DateField(label=_("Công tác từ ngày"), required=False, widget=VietnameseDateInput())

    def __init__(self, *args: Any, units: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _offer(self, "unit", _units(units))
        if editing:  # the unit changes only through a move, which keeps the history
            del self.fields["unit"]
            del self.fields["start"]


class MoveForm(forms.Form):
    to = UnitChoiceField(label=_("Chuyển đến đơn vị"), queryset=Unit.objects.none())
    on = forms.DateField(
        label=_("Từ ngày"),
        initial=timezone.localdate,
        widget=VietnameseDateInput(),
    )
    position = forms.CharField(
        label=_("Chức vụ mới"), max_length=160, required=False, help_text=_("Để trống: giữ chức vụ cũ.")
    )
    note = forms.CharField(label=_("Căn cứ (số quyết định…)"), max_length=255, required=False)

    def __init__(self, *args: Any, units: Any, person: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _offer(self, "to", _units(units).exclude(pk=person.unit_id))


class LeaveForm(forms.Form):
    on = forms.DateField(
        label=_("Nghỉ từ ngày"),
        initial=timezone.localdate,
        widget=VietnameseDateInput(),
    )
    reason = forms.CharField(label=_("Lý do"), max_length=255, required=False)
    confirm = forms.BooleanField(label=_("Tôi xác nhận cán bộ này nghỉ công tác"), required=True)


class AccountForm(forms.Form):
    username = forms.CharField(label=_("Tên đăng nhập"), max_length=150)
    email = forms.EmailField(label=_("Thư điện tử"), required=False, help_text=_("Để dùng “Quên mật khẩu”."))
    role = forms.ChoiceField(label=_("Vai trò"), choices=[("", _("— chưa giao —")), *Role.choices], required=False)
    unit = UnitChoiceField(label=_("Trên đơn vị"), queryset=Unit.objects.none(), required=False)
    title = forms.CharField(label=_("Chức danh"), max_length=120, required=False)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _offer(self, "unit", _units(units))

    def clean_username(self) -> str:
        username: str = self.cleaned_data["username"].strip()
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("Tên đăng nhập này đã có người dùng."))
        return username


class GrantForm(forms.Form):
    role = forms.ChoiceField(label=_("Vai trò"), choices=Role.choices)
    unit = UnitChoiceField(label=_("Trên đơn vị"), queryset=Unit.objects.none())
    title = forms.CharField(label=_("Chức danh"), max_length=120, required=False)
    is_deputy = forms.BooleanField(label=_("Cấp phó (ký thay)"), required=False)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _offer(self, "unit", _units(units))


class ConfirmForm(forms.Form):
    confirm = forms.BooleanField(label=_("Tôi xác nhận"), required=True)
    reason = forms.CharField(label=_("Lý do"), max_length=255, required=False)


class UnitsChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return f"{'— ' * max(obj.depth - 1, 0)}{obj.name} ({obj.code})"


class MergeForm(forms.Form):
    """Which units end, who succeeds them (an existing unit or a new one), from when, and what becomes of roles."""

    units = UnitsChoiceField(
        label=_("Các đơn vị bị sáp nhập"),
        queryset=Unit.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text=_("Giữ Ctrl (hoặc chạm giữ trên điện thoại) để chọn nhiều đơn vị."),
    )
    successor = UnitChoiceField(label=_("Đơn vị kế thừa có sẵn"), queryset=Unit.objects.none(), required=False)
    new_code = forms.CharField(label=_("hoặc đơn vị kế thừa mới: mã"), max_length=40, required=False)
    new_name = forms.CharField(label=_("Tên đơn vị mới"), max_length=255, required=False)
    new_kind = forms.ChoiceField(label=_("Loại đơn vị mới"), choices=[("", "—"), *Unit.Kind.choices], required=False)
    new_parent = UnitChoiceField(
        label=_("Đơn vị cấp trên của đơn vị mới"), queryset=Unit.objects.none(), required=False
    )
    on = forms.DateField(
        label=_("Ngày sáp nhập có hiệu lực"),
        help_text=_("Các đơn vị bị sáp nhập hết hiệu lực từ ngày hôm trước."),
        widget=VietnameseDateInput(),
    )
    memberships = forms.ChoiceField(
        label=_("Vai trò trên các đơn vị bị sáp nhập"),
        choices=[("end", _("Kết thúc")), ("move", _("Chuyển sang đơn vị kế thừa"))],
        widget=forms.RadioSelect,
        initial="end",
    )

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = _units(units)
        _offer(self, "units", current.filter(successor__isnull=True))
        _offer(self, "successor", current)
        _offer(self, "new_parent", current)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        new = [data.get(name) for name in ("new_code", "new_name", "new_kind", "new_parent")]
        if data.get("successor") is None and not all(new):
            raise forms.ValidationError(
                _("Chọn đơn vị kế thừa có sẵn, hoặc nhập đủ mã, tên, loại và cấp trên của đơn vị mới.")
            )
        if data.get("successor") is not None and any(new):
            raise forms.ValidationError(_("Chỉ chọn một: đơn vị kế thừa có sẵn hoặc đơn vị mới."))
        return data


class ResetPasswordForm(PasswordResetForm):
    """ "Quên mật khẩu": also for an account created by an import, which has no password yet (Django's form skips
    accounts without a usable password, so their holders could never sign in the first time)."""

    def get_users(self, email: str) -> Iterator[Any]:
        email_field = get_user_model().get_email_field_name()
        candidates = get_user_model()._default_manager.filter(**{f"{email_field}__iexact": email, "is_active": True})
        return (user for user in candidates if _same_email(email, getattr(user, email_field)))


def _same_email(typed: str, stored: str) -> bool:
    return _normalise_email(typed) == _normalise_email(stored or "")


def _normalise_email(email: str) -> str:
    return unicodedata.normalize("NFKC", email).casefold()
