"""Forms of the decision pages: draft creation, draft editing, signing (password) and annulment (reason)."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from awards.models import AwardKind, Decision
from core.widgets import VietnameseDateInput


def _lines(text: str) -> list[str]:
    """One căn cứ or recipient per line, without the ";" / "." the layout adds itself."""
    return [line.strip().lstrip("-").strip().rstrip(";.").strip() for line in text.splitlines() if line.strip()]


class _CrispyMixin:
    def _helper(self) -> None:
        self.helper = FormHelper()
        self.helper.form_tag = False


class CreateDraftForm(_CrispyMixin, forms.Form):
    """Which award of the period to draft, and the date planned for signing (it decides the texts and amounts)."""

    award_kind = forms.ModelChoiceField(label=_("Hình thức khen thưởng"), queryset=AwardKind.objects.none())
    signed_on = forms.DateField(
        label=_("Ngày ký dự kiến"),
        required=False,
        widget=VietnameseDateInput(),
        help_text=_("Để trống: ngày ký là ngày Chủ tịch ký trên hệ thống."),
    )
    confirm = forms.BooleanField(label=_("Tôi xác nhận lập dự thảo quyết định cho các đề nghị đã chấp thuận."))

    def __init__(self, *args, award_kinds=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["award_kind"].queryset = award_kinds if award_kinds is not None else AwardKind.objects.none()
        if award_kinds is not None and len(award_kinds) == 1:
            self.fields["award_kind"].initial = award_kinds[0]  # the only award with accepted nominations
            field = self.fields["award_kind"]
            assert isinstance(field, forms.ModelChoiceField)
            field.empty_label = None  # one choice, already chosen: no empty "---------" line to pick by mistake
        self._helper()


class DecisionEditForm(_CrispyMixin, forms.ModelForm):
    """Every editable part of a draft; lists are edited one line each."""

    legal_bases_text = forms.CharField(
        label=_("Căn cứ (mỗi dòng một căn cứ)"),
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
    )
    recipients_text = forms.CharField(
        label=_("Nơi nhận (mỗi dòng một nơi)"),
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    class Meta:
        model = Decision
        fields = [
            "number",
            "signed_on",
            "place",
            "summary",
            "appraisal_by",
            "appraisal_number",
            "appraisal_on",
            "proposal_basis",
            "article_1",
            "article_2",
            "article_3",
        ]
        widgets = {
            "signed_on": VietnameseDateInput(),
            "appraisal_on": VietnameseDateInput(),
            "summary": forms.Textarea(attrs={"rows": 2}),
            "article_1": forms.Textarea(attrs={"rows": 4}),
            "article_2": forms.Textarea(attrs={"rows": 5}),
            "article_3": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "number": _(
                "Để trống để lấy số tiếp theo khi ký. Nếu đơn vị đã ban hành quyết định khác ngoài hệ thống "
                "trong năm, ghi số theo sổ đăng ký văn bản."
            ),
            "signed_on": _(
                "Ngày ký dự kiến. Quyết định mang ngày Chủ tịch ký (xác nhận khi ký); đổi ngày sẽ cập nhật căn cứ "
                "pháp lý và mức tiền thưởng theo văn bản có hiệu lực."
            ),
            "appraisal_by": _("Ví dụ: Giám đốc Sở Nội vụ. Để trống nếu Hội đồng Thi đua – Khen thưởng đề nghị."),
            "appraisal_number": _("Ví dụ: 125/TTr-SNV. Điền số và ngày tờ trình thì dòng “Xét đề nghị” được cập nhật."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["number"].widget.attrs["min"] = 1
        if not self.is_bound:
            self.initial["legal_bases_text"] = "\n".join(self.instance.legal_bases)
            self.initial["recipients_text"] = "\n".join(self.instance.recipients)
        self.order_fields(
            [
                "number",
                "signed_on",
                "place",
                "summary",
                "legal_bases_text",
                "appraisal_by",
                "appraisal_number",
                "appraisal_on",
                "proposal_basis",
                "article_1",
                "article_2",
                "article_3",
                "recipients_text",
            ]
        )
        self._helper()

    def changes(self) -> dict:
        """The cleaned values as keyword arguments for services.update_draft."""
        data = {field: self.cleaned_data[field] for field in self.Meta.fields}
        data["legal_bases"] = _lines(self.cleaned_data["legal_bases_text"])
        data["recipients"] = _lines(self.cleaned_data["recipients_text"])
        return data


class SignForm(_CrispyMixin, forms.Form):
    """The signer confirms the decision's date (today by default; another date needs a reason), the number when
    the văn thư numbers from its register, and re-enters the password: signing makes the decision binding."""

    signed_on = forms.DateField(
        label=_("Ngày ký (ngày của quyết định)"),
        required=False,
        widget=VietnameseDateInput(),
        help_text=_(
            "Để trống hoặc giữ mặc định: hôm nay. Ngày khác (ví dụ đã ký bản giấy) phải nêu lý do; lý do được lưu "
            "vào lịch sử."
        ),
    )
    date_reason = forms.CharField(label=_("Lý do ngày ký khác hôm nay"), required=False, max_length=300)
    number = forms.IntegerField(
        label=_("Số quyết định theo sổ đăng ký văn bản"),
        min_value=1,
        required=False,
        help_text=_("Văn thư cấp số từ sổ đăng ký chung của đơn vị; số không được trùng trong năm."),
    )
    password = forms.CharField(
        label=_("Mật khẩu của bạn"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.BooleanField(label=_("Tôi đã đọc toàn văn quyết định và danh sách kèm theo, đồng ý ký."))

    def __init__(self, *args, register: bool = False, today=None, number=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["signed_on"].initial = today
        if register:
            self.fields["number"].required = True
            self.fields["number"].initial = number
        else:
            del self.fields["number"]
        self._helper()

    def signing(self) -> dict:
        """The cleaned values as keyword arguments for services.sign_decision."""
        data = {"signed_on": self.cleaned_data["signed_on"], "date_reason": self.cleaned_data["date_reason"]}
        if "number" in self.fields:
            data["number"] = self.cleaned_data["number"]
        return data


class AnnulForm(_CrispyMixin, forms.Form):
    """Annulling keeps the decision on record with its reason; like signing, it asks for the password again."""

    reason = forms.CharField(label=_("Lý do hủy"), widget=forms.Textarea(attrs={"rows": 3}))
    password = forms.CharField(
        label=_("Mật khẩu của bạn"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.BooleanField(label=_("Tôi xác nhận hủy quyết định này. Thao tác không thể hoàn tác."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._helper()


class ConfirmForm(_CrispyMixin, forms.Form):
    """A plain confirmation for a destructive action (discarding a draft)."""

    confirm = forms.BooleanField(label=_("Tôi xác nhận."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._helper()
