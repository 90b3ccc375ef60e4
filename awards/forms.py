"""Forms of the nominations, council and Home Affairs pages. They validate input; services change the data."""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from awards.dossiers import max_bytes
from awards.models import Condition, DossierRequirement, Nomination, QuotaRule
from campaigns.models import Participant
from campaigns.typing import model_choice_field
from core.widgets import VietnameseDateInput, VietnameseFileInput


class VersionedForm(forms.Form):
    """Carries the nomination version the page was rendered with (optimistic concurrency)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ConditionCheckForm(VersionedForm):
    """Office staff record one eligibility condition as met or not met."""

    condition = forms.ModelChoiceField(label=_("Tiêu chuẩn"), queryset=Condition.objects.none())
    confirmed = forms.TypedChoiceField(
        label=_("Kết quả"),
        choices=[("1", _("Đạt")), ("0", _("Không đạt"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        initial="1",
    )
    note = forms.CharField(
        label=_("Ghi chú (bắt buộc khi không đạt)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, conditions: QuerySet[Condition] | list[Condition], **kwargs):
        super().__init__(*args, **kwargs)
        model_choice_field(self, "condition").queryset = Condition.objects.filter(pk__in=[c.pk for c in conditions])

    def clean(self):
        data = super().clean()
        if data.get("confirmed") is False and not (data.get("note") or "").strip():
            self.add_error("note", _("Ghi rõ lý do khi tiêu chuẩn không đạt."))
        return data


class DossierUploadForm(VersionedForm):
    """Attach one document to a dossier; the content is checked by the service, the size here as well."""

    requirement = forms.ModelChoiceField(
        label=_("Thành phần hồ sơ"),
        queryset=DossierRequirement.objects.none(),
        required=False,
        empty_label=_("Tài liệu khác"),
    )
    file = forms.FileField(
        label=_("Tệp (PDF, DOCX, XLSX, JPEG, PNG; tối đa 10 MB)"),
        widget=VietnameseFileInput(attrs={"accept": ".pdf,.docx,.xlsx,.jpg,.jpeg,.png"}),
    )

    def __init__(self, *args, requirements: list[DossierRequirement], **kwargs):
        super().__init__(*args, **kwargs)
        model_choice_field(self, "requirement").queryset = DossierRequirement.objects.filter(
            pk__in=[r.pk for r in requirements]
        )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > max_bytes():
            raise forms.ValidationError(_("Tệp quá lớn; tối đa %(limit)s MB.") % {"limit": max_bytes() // 1048576})
        return upload


class AcceptForm(VersionedForm):
    """The chairman confirms an acceptance."""

    reason = forms.CharField(
        label=_("Ý kiến (không bắt buộc)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    confirm = forms.BooleanField(
        label=_("Tôi xác nhận chấp thuận đề nghị khen thưởng này"),
        error_messages={"required": _("Hãy đánh dấu ô xác nhận.")},
    )


class RejectForm(VersionedForm):
    """The chairman rejects, with a reason (required)."""

    reason = forms.CharField(
        label=_("Lý do không chấp thuận"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Phải ghi lý do không chấp thuận.")},
    )
    confirm = forms.BooleanField(
        label=_("Tôi xác nhận không chấp thuận đề nghị này"), error_messages={"required": _("Hãy đánh dấu ô xác nhận.")}
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Phải ghi lý do không chấp thuận."))
        return reason


class AppraisalForm(VersionedForm):
    """Home Affairs records agree / disagree with comments."""

    agree = forms.TypedChoiceField(
        label=_("Ý kiến thẩm định"),
        choices=[("1", _("Đồng ý")), ("0", _("Không đồng ý"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Nhận xét (bắt buộc khi không đồng ý)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean(self):
        data = super().clean()
        if data.get("agree") is False and not (data.get("comment") or "").strip():
            self.add_error("comment", _("Ghi rõ ý kiến khi không đồng ý."))
        return data


class StepForm(VersionedForm):
    """A one-click step (hoàn tất hồ sơ, trình) with the version it was shown with."""


class AddNominationForm(forms.Form):
    """The chairman adds a nominee by hand, with a reason, within a quota rule."""

    quota_rule = forms.ModelChoiceField(label=_("Chỉ tiêu"), queryset=QuotaRule.objects.none())
    participant = forms.ModelChoiceField(label=_("Đối tượng"), queryset=Participant.objects.none())
    reason = forms.CharField(
        label=_("Lý do bổ sung"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Phải ghi lý do bổ sung đề nghị.")},
    )

    def __init__(self, *args, rules: list[QuotaRule], participants: QuerySet[Participant], **kwargs):
        super().__init__(*args, **kwargs)
        model_choice_field(self, "quota_rule").queryset = QuotaRule.objects.filter(
            pk__in=[r.pk for r in rules]
        ).select_related("award_kind", "group")
        model_choice_field(self, "participant").queryset = participants
        if len(rules) == 1:  # one choice: chosen already, no empty "---------" line
            model_choice_field(self, "quota_rule").empty_label = None
            self.fields["quota_rule"].initial = rules[0].pk

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Phải ghi lý do bổ sung đề nghị."))
        return reason


class CouncilMeetingForm(forms.Form):
    """A Hội đồng TĐKT meeting with the votes for each nominee (one field per nomination)."""

    held_on = forms.DateField(
        label=_("Ngày họp"),
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        widget=VietnameseDateInput(),
    )
    members_total = forms.IntegerField(label=_("Tổng số thành viên Hội đồng"), min_value=1, max_value=500)
    members_present = forms.IntegerField(label=_("Số thành viên có mặt"), min_value=0, max_value=500)
    secret_ballot = forms.BooleanField(label=_("Bỏ phiếu kín"), required=False, initial=True)
    minutes = forms.CharField(label=_("Nội dung biên bản"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, nominations: list[Nomination], **kwargs):
        super().__init__(*args, **kwargs)
        self.nominations = nominations
        for nomination in nominations:
            self.fields[f"votes_{nomination.pk}"] = forms.IntegerField(
                label=_("Phiếu đồng ý cho %(name)s") % {"name": nomination.name},
                min_value=0,
                required=False,
            )

    def clean(self):
        data = super().clean()
        total, present = data.get("members_total"), data.get("members_present")
        if total is not None and present is not None and present > total:
            self.add_error("members_present", _("Số thành viên có mặt không được vượt tổng số thành viên."))
        votes = self.votes(data)
        if not votes:
            raise forms.ValidationError(_("Nhập số phiếu đồng ý cho ít nhất một đề nghị."))
        for nomination in self.nominations:
            value = votes.get(nomination.pk)
            if value is not None and present is not None and value > present:
                self.add_error(f"votes_{nomination.pk}", _("Số phiếu vượt số thành viên có mặt."))
        return data

    def votes(self, data: dict | None = None) -> dict[int, int]:
        data = self.cleaned_data if data is None else data
        return {n.pk: data[f"votes_{n.pk}"] for n in self.nominations if data.get(f"votes_{n.pk}") is not None}

    def vote_fields(self):
        return [self[f"votes_{n.pk}"] for n in self.nominations]
