"""What the API shows of each object: plain fields, codes beside ids, Vietnamese labels beside stable values."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers

from awards.models import Decision, Nomination
from campaigns.models import Group, Participant, Period, Plan
from scoring.models import Criterion, Reading, Standing


class PlanSerializer(serializers.ModelSerializer[Plan]):
    issuer_code = serializers.CharField(source="issuer.code", read_only=True)
    issuer_name = serializers.CharField(source="issuer.name", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Plan
        fields = [
            "id", "key", "number", "symbol", "issued_on", "title", "kind", "start", "end", "status", "status_label",
            "issuer_code", "issuer_name", "grace_days", "updated_at",
        ]  # fmt: skip


class PeriodSerializer(serializers.ModelSerializer[Period]):
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Period
        fields = ["id", "plan", "order", "name", "start", "end", "status", "status_label", "closed_at"]


class GroupSerializer(serializers.ModelSerializer[Group]):
    class Meta:
        model = Group
        fields = ["id", "plan", "code", "name", "order"]


class ParticipantSerializer(serializers.ModelSerializer[Participant]):
    unit_code = serializers.CharField(source="unit.code", read_only=True, allow_null=True, default=None)
    person_code = serializers.CharField(source="person.code", read_only=True, allow_null=True, default=None)

    class Meta:
        model = Participant
        fields = ["id", "plan", "group", "kind", "name", "position", "unit_name", "unit_code", "person_code"]


class CriterionSerializer(serializers.ModelSerializer[Criterion]):
    indicator_code = serializers.CharField(source="indicator.code", read_only=True)
    indicator_kind = serializers.CharField(source="indicator.kind", read_only=True)

    class Meta:
        model = Criterion
        fields = [
            "id", "plan", "code", "order", "name", "indicator_code", "indicator_kind", "applies_to", "comparison",
            "target", "max_points", "rule",
        ]  # fmt: skip


class ReadingSerializer(serializers.ModelSerializer[Reading]):
    indicator_code = serializers.CharField(source="indicator.code", read_only=True)

    class Meta:
        model = Reading
        fields = [
            "id", "period", "participant", "indicator_code", "window_start", "window_end", "numerator",
            "denominator", "value", "note", "status", "version", "entered_at",
        ]  # fmt: skip


class StandingSerializer(serializers.ModelSerializer[Standing]):
    """A standing with its rank in its list (period, group, kind) as the standings page shows it at this moment."""

    rank = serializers.IntegerField(read_only=True, allow_null=True)
    list_size = serializers.IntegerField(read_only=True)
    tied = serializers.BooleanField(read_only=True)
    total_points = serializers.DecimalField(max_digits=8, decimal_places=2, read_only=True)
    ratio = serializers.DecimalField(max_digits=7, decimal_places=4, read_only=True, allow_null=True)

    class Meta:
        model = Standing
        fields = [
            "id", "period", "participant", "group", "kind", "name", "rank", "list_size", "tied", "total_points",
            "max_points", "ratio", "targets_met", "readings_expected", "readings_present", "frozen",
        ]  # fmt: skip


class NominationSerializer(serializers.ModelSerializer[Nomination]):
    award_kind_code = serializers.CharField(source="award_kind.code", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Nomination
        fields = [
            "id", "period", "participant", "name", "unit_name", "award_kind_code", "status", "status_label", "rank",
            "ratio", "decision", "created_at",
        ]  # fmt: skip


class DecisionSerializer(serializers.ModelSerializer[Decision]):
    award_kind_code = serializers.CharField(source="award_kind.code", read_only=True)
    issuer_code = serializers.CharField(source="issuer.code", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    file_sha256 = serializers.CharField(source="pdf_sha256", read_only=True)

    class Meta:
        model = Decision
        fields = [
            "id", "period", "issuer_code", "award_kind_code", "number", "year", "symbol", "signed_on", "summary",
            "status", "status_label", "signer_name", "total_amount", "signed_at", "file_sha256",
        ]  # fmt: skip


class ReadingInSerializer(serializers.Serializer[dict[str, Any]]):
    """One reading to write: the same fields as a row of the Excel template (blank figures leave a reading as it is)."""

    participant = serializers.IntegerField(min_value=1, help_text=_("Mã đối tượng (id của participant)."))
    indicator = serializers.CharField(max_length=60, help_text=_("Mã chỉ số, ví dụ “ho_so_so_hoa”."))
    window_start = serializers.DateField(help_text=_("Ngày đầu kỳ báo cáo (YYYY-MM-DD)."))
    numerator = serializers.IntegerField(min_value=0, max_value=2_147_483_647, required=False, allow_null=True)
    denominator = serializers.IntegerField(min_value=0, max_value=2_147_483_647, required=False, allow_null=True)
    value = serializers.IntegerField(min_value=0, max_value=2_147_483_647, required=False, allow_null=True)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    version = serializers.IntegerField(
        min_value=0,
        required=False,
        allow_null=True,
        help_text=_("Phiên bản đã đọc (0 khi chưa có); bỏ trống để ghi đè theo phiên bản hiện tại."),
    )


class BatchInSerializer(serializers.Serializer[dict[str, Any]]):
    readings = serializers.ListField(child=ReadingInSerializer(), allow_empty=False, max_length=10_000)


class BatchErrorSerializer(serializers.Serializer[dict[str, Any]]):
    index = serializers.IntegerField(help_text=_("Vị trí của dòng trong danh sách readings (từ 0)."))
    field = serializers.CharField()
    message = serializers.CharField()


# What a batch answers (documentation only: a field named "errors" cannot be declared on a Serializer class).
BatchOutSerializer = inline_serializer(
    "BatchOut",
    {
        "written": serializers.IntegerField(help_text=_("Số số liệu đã ghi (mới hoặc thay đổi).")),
        "new": serializers.IntegerField(),
        "changed": serializers.IntegerField(),
        "unchanged": serializers.IntegerField(),
        "errors": BatchErrorSerializer(many=True),
    },
)


def plain(value: Any) -> Any:
    """JSON-safe copy of a response body (dates and decimals as strings) to record an idempotent answer."""
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, dt.date | Decimal):
        return str(value)
    return value
