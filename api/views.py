"""The API's endpoints: thin like the pages (scoped queryset → serializer), the readings batch through the Excel
import's own judge and writer (scoring.excel.judge_readings, scoring.services.readings.import_readings)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotAuthenticated, NotFound
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.pagination import CursorPagination, LimitOffsetPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import UserRateThrottle
from rest_framework.views import APIView

from api import filters
from api.models import BatchWrite, Scope
from api.permissions import token_of
from api.serializers import (
    BatchInSerializer,
    BatchOutSerializer,
    CriterionSerializer,
    DecisionSerializer,
    GroupSerializer,
    NominationSerializer,
    ParticipantSerializer,
    PeriodSerializer,
    PlanSerializer,
    ReadingSerializer,
    StandingSerializer,
    plain,
)
from awards.models import Decision, Nomination
from campaigns.models import Group, Participant, Period, Plan
from scoring import selectors
from scoring.access import may_import
from scoring.excel import FIELD_OF_LETTER, judge_readings
from scoring.models import Criterion, Reading
from scoring.services.readings import ConflictError, import_readings


class ById(CursorPagination):
    """Cursor pages in id order: stable while rows are added, so an integration can walk a whole plan."""

    ordering = "id"
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000


class StandingsPage(LimitOffsetPagination):
    """Standings in ranked order, by offset: a whole list (?limit=) in one answer where a page would cut ties."""

    default_limit = 500
    max_limit = 5000


class WriteThrottle(UserRateThrottle):
    scope = "api_write"


def acting_user(request: Request) -> User:
    """The account the request acts as (a token's own account, or the logged-in person); HasScope let only these in."""
    if not isinstance(request.user, User):
        raise NotAuthenticated()
    return request.user


class ReadOnly(viewsets.ReadOnlyModelViewSet[Any]):
    """Lists in cursor pages; each subclass's get_queryset starts from the user's scope (out of scope: 404)."""

    pagination_class = ById
    lookup_value_converter = "int"  # /plans/<int:pk>/: a typed id in the URL and in the schema
    required_scope: str = Scope.READ  # an action may ask for more (the readings batch)


def _plans(request: Request) -> QuerySet[Plan]:
    return Plan.objects.visible_to(acting_user(request))


class PlanViewSet(ReadOnly):
    """Plans issued in the caller's subtree or in which one of its units takes part."""

    queryset = Plan.objects.none()  # the model, for the schema; get_queryset scopes each request
    serializer_class = PlanSerializer
    filterset_class = filters.PlanFilter

    def get_queryset(self) -> QuerySet[Plan]:
        return _plans(self.request).select_related("issuer")


class PeriodViewSet(ReadOnly):
    queryset = Period.objects.none()  # the model, for the schema; get_queryset scopes each request
    serializer_class = PeriodSerializer
    filterset_class = filters.PeriodFilter

    def get_queryset(self) -> QuerySet[Any]:
        return selectors.periods_for(user=acting_user(self.request)).order_by()

    @extend_schema(
        parameters=[
            OpenApiParameter("group", OpenApiTypes.INT, description=_("Khối thi đua (id); bỏ trống: mọi khối")),
            OpenApiParameter(
                "kind", str, enum=Participant.Kind.values, description=_("collective (tập thể) hoặc individual")
            ),
        ],
        responses=StandingSerializer(many=True),
    )
    @action(detail=True, methods=["get"], pagination_class=StandingsPage)
    def standings(self, request: Request, pk: str | None = None) -> Response:
        """Standings of the period with each rank in its list (group, kind) as the standings page shows it now."""
        period = self.get_object()
        group = None
        if request.query_params.get("group"):
            group = get_object_or_404(Group, plan_id=period.plan_id, pk=_whole(request.query_params["group"], "group"))
        kind = request.query_params.get("kind") or None
        if kind is not None and kind not in Participant.Kind.values:
            raise ApiValidationError({"kind": [_("Loại đối tượng phải là collective hoặc individual.")]})
        ranked = selectors.standings_for(period=period, group=group, user=acting_user(request), kind=kind)
        page: list[Any] | None = self.paginate_queryset(ranked)  # type: ignore[arg-type]  # slices like a queryset
        return self.get_paginated_response(StandingSerializer(page, many=True).data)

    @extend_schema(
        request=BatchInSerializer,
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                str,
                OpenApiParameter.HEADER,
                required=True,
                description=_("Khóa do hệ thống gửi tự đặt cho lô này: gửi lại cùng khóa không ghi lần hai."),
            )
        ],
        responses={
            200: BatchOutSerializer,
            400: OpenApiResponse(description=_("Nội dung không hợp lệ")),
            409: OpenApiResponse(description=_("Số liệu đã bị người khác sửa, hoặc khóa đã dùng cho nội dung khác")),
            422: BatchOutSerializer,
        },
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="readings/batch",
        throttle_classes=[WriteThrottle],
        required_scope=Scope.WRITE_READINGS,
    )
    def readings_batch(self, request: Request, pk: str | None = None) -> Response:
        """Write a batch of readings with the Excel import's checks, versions, history and all-or-nothing rule."""
        period = self.get_object()
        if not (allowed := may_import(acting_user(request))):
            raise PermissionDenied(allowed.reason)
        key = (request.headers.get("Idempotency-Key") or "").strip()
        if not key or len(key) > 120:
            raise ApiValidationError({"Idempotency-Key": [_("Gửi tiêu đề Idempotency-Key (tối đa 120 ký tự).")]})
        body = BatchInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        digest = hashlib.sha256(
            json.dumps(plain(body.validated_data), sort_keys=True, ensure_ascii=False).encode()
        ).hexdigest()
        token = token_of(request)
        source = _("API: %(name)s") % {"name": token.name if token else acting_user(request).get_username()}
        try:
            with transaction.atomic():
                try:
                    with transaction.atomic():
                        # Taken first: a second request with the same key waits here until this one ends.
                        record = BatchWrite.objects.create(
                            account=acting_user(request), key=key, body_sha256=digest, status_code=0, response={}
                        )
                except IntegrityError:
                    return _replay(request, key, digest)
                outcome, code = _write(request, period, body.validated_data["readings"], source)
                if code != status.HTTP_200_OK:
                    transaction.set_rollback(True)
                    return Response(outcome, status=code)
                record.status_code, record.response = code, outcome
                record.save(update_fields=["status_code", "response"])
                return Response(outcome, status=code)
        except ConflictError as conflict:
            return Response({"detail": conflict.message}, status=status.HTTP_409_CONFLICT)
        except PermissionDenied as refused:
            return Response({"detail": str(refused)}, status=status.HTTP_403_FORBIDDEN)
        except ValidationError as error:
            return Response({"detail": " ".join(error.messages)}, status=422)


def _whole(raw: str, name: str) -> int:
    if not raw.isdigit() or len(raw) > 12:
        raise ApiValidationError({name: [_("Phải là một số nguyên dương.")]})
    return int(raw)


def _replay(request: Request, key: str, digest: str) -> Response:
    done = BatchWrite.objects.get(account=acting_user(request), key=key)
    if done.body_sha256 != digest:
        return Response(
            {"detail": _("Idempotency-Key này đã dùng cho một lô khác: đặt khóa mới cho lô mới.")},
            status=status.HTTP_409_CONFLICT,
        )
    response = Response(done.response, status=done.status_code)
    response["Idempotent-Replayed"] = "true"
    return response


def _write(request: Request, period: Any, rows: list[dict[str, Any]], source: str) -> tuple[dict[str, Any], int]:
    """Judge the rows as the Excel import judges a sheet, then write them all or nothing."""
    judged = judge_readings(
        user=acting_user(request),
        period=period,
        rows=[
            {
                "participant": row["participant"],
                "indicator": row["indicator"],
                "window": row["window_start"],
                "numerator": row.get("numerator"),
                "denominator": row.get("denominator"),
                "value": row.get("value"),
                "note": row.get("note") or None,
            }
            for row in rows
        ],
        source=source,
    )
    errors = [
        {"index": issue.row - 1, "field": FIELD_OF_LETTER.get(issue.column, "readings"), "message": issue.message}
        for issue in judged.errors
    ]
    # The version the client read: a reading changed since is a conflict, named like the grid names it.
    for judged_row in judged.rows:
        sent = rows[judged_row.row - 1].get("version")
        current = judged_row.reading.version if judged_row.reading is not None else 0
        if sent is not None and sent != current and judged_row.state != "unchanged":
            raise ConflictError(judged_row.reading, indicator=judged_row.indicator, expected_version=sent)
    summary = {
        "written": 0,
        "new": judged.count_new,
        "changed": judged.count_changed,
        "unchanged": judged.count_unchanged,
        "errors": errors,
    }
    if errors:
        return summary, 422
    summary["written"] = import_readings(user=acting_user(request), period=period, rows=judged.rows, reason=source)
    return summary, status.HTTP_200_OK


class GroupViewSet(ReadOnly):
    queryset = Group.objects.none()  # the model, for the schema; get_queryset scopes each request
    serializer_class = GroupSerializer
    filterset_class = filters.GroupFilter

    def get_queryset(self) -> QuerySet[Group]:
        return Group.objects.filter(plan__in=_plans(self.request))


class ParticipantViewSet(ReadOnly):
    queryset = Participant.objects.none()  # the model, for the schema; get_queryset scopes each request
    serializer_class = ParticipantSerializer
    filterset_class = filters.ParticipantFilter

    def get_queryset(self) -> QuerySet[Participant]:
        return Participant.objects.visible_to(acting_user(self.request)).select_related("unit", "person")


class CriterionViewSet(ReadOnly):
    queryset = Criterion.objects.none()  # the model, for the schema; get_queryset scopes each request
    serializer_class = CriterionSerializer
    filterset_class = filters.CriterionFilter

    def get_queryset(self) -> QuerySet[Criterion]:
        return Criterion.objects.filter(plan__in=_plans(self.request)).select_related("indicator")


class ReadingViewSet(ReadOnly):
    queryset = Reading.objects.none()  # the model, for the schema; get_queryset scopes each request
    serializer_class = ReadingSerializer
    filterset_class = filters.ReadingFilter

    def get_queryset(self) -> QuerySet[Reading]:
        return Reading.objects.visible_to(acting_user(self.request)).select_related("indicator")


class NominationViewSet(ReadOnly):
    queryset = Nomination.objects.none()  # the model, for the schema; get_queryset scopes each request
    serializer_class = NominationSerializer
    filterset_class = filters.NominationFilter

    def get_queryset(self) -> QuerySet[Nomination]:
        return Nomination.objects.visible_to(acting_user(self.request)).select_related("award_kind")


class DecisionViewSet(ReadOnly):
    queryset = Decision.objects.none()  # the model, for the schema; get_queryset scopes each request
    serializer_class = DecisionSerializer
    filterset_class = filters.DecisionFilter

    def get_queryset(self) -> QuerySet[Decision]:
        return Decision.objects.visible_to(acting_user(self.request)).select_related("award_kind", "issuer")

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY, 404: OpenApiResponse()})
    @action(detail=True, methods=["get"])
    def file(self, request: Request, pk: str | None = None) -> FileResponse:
        """The signed decision's PDF, the same file the decision page downloads (drafts have none)."""
        decision = self.get_object()
        if decision.status == Decision.Status.DRAFT or not decision.pdf:
            raise NotFound(_("Quyết định này chưa ký nên chưa có tệp."))
        return FileResponse(
            decision.pdf.open("rb"),
            content_type="application/pdf",
            as_attachment=True,
            filename=f"qd-{decision.pk}.pdf",
        )


class WhoAmI(APIView):
    """Who the request acts as: the token's name, unit, scopes and expiry (or the logged-in person)."""

    @extend_schema(
        responses=inline_serializer(
            "WhoAmI",
            {
                "name": serializers.CharField(),
                "unit_code": serializers.CharField(allow_null=True),
                "scopes": serializers.ListField(child=serializers.CharField()),
                "expires_at": serializers.DateTimeField(allow_null=True),
            },
        )
    )
    def get(self, request: Request) -> Response:
        token = token_of(request)
        if token is None:
            return Response(
                {
                    "name": acting_user(request).get_username(),
                    "unit_code": None,
                    "scopes": ["session"],
                    "expires_at": None,
                }
            )
        return Response(
            {"name": token.name, "unit_code": token.unit.code, "scopes": token.scopes, "expires_at": token.expires_at}
        )
