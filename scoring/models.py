"""Indicator catalogue, criteria of a plan, readings, computed scores and standings."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from campaigns.models import Participant, Unit, participant_scope_q

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class Indicator(models.Model):
    """A measurable quantity (rate, count or yes/no) from the catalogue: the seeds' and Quyết định 766's."""

    class Kind(models.TextChoices):
        RATE = "rate", _("Tỷ lệ (tử số/mẫu số)")
        COUNT = "count", _("Số lượng")
        BOOLEAN = "boolean", _("Có/Không")

    class Direction(models.TextChoices):
        HIGHER = "higher", _("Càng cao càng tốt")
        LOWER = "lower", _("Càng thấp càng tốt")

    class Accumulation(models.TextChoices):
        SUM = "sum", _("Cộng dồn các kỳ")
        LAST = "last", _("Lấy số liệu kỳ cuối")

    code = models.SlugField(_("mã chỉ số"), max_length=60, unique=True)
    name = models.CharField(_("tên chỉ số"), max_length=300)
    kind = models.CharField(_("loại"), max_length=16, choices=Kind)
    direction = models.CharField(_("chiều"), max_length=16, choices=Direction, default=Direction.HIGHER)
    accumulation = models.CharField(_("cách tổng hợp"), max_length=16, choices=Accumulation, default=Accumulation.SUM)
    numerator_label = models.CharField(_("nhãn tử số"), max_length=200, blank=True)
    denominator_label = models.CharField(_("nhãn mẫu số"), max_length=200, blank=True)
    unit_label = models.CharField(_("đơn vị tính"), max_length=40, blank=True)
    source = models.CharField(_("nguồn"), max_length=200, blank=True, help_text=_("Ví dụ: Quyết định 766/QĐ-TTg"))
    description = models.TextField(_("mô tả"), blank=True)

    class Meta:
        verbose_name = _("chỉ số")
        verbose_name_plural = _("chỉ số")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Criterion(models.Model):
    """A tiêu chí of a plan: which indicator it reads, its target, maximum points and scoring rule."""

    class AppliesTo(models.TextChoices):
        COLLECTIVE = "collective", _("Tập thể")
        INDIVIDUAL = "individual", _("Cá nhân")
        BOTH = "both", _("Tập thể và cá nhân")

    class Comparison(models.TextChoices):
        GTE = "gte", "≥"
        LTE = "lte", "≤"
        EQ = "eq", "="

    class Rule(models.TextChoices):
        THRESHOLD = "threshold", _("Đạt/không đạt chỉ tiêu")
        LINEAR = "linear", _("Tuyến tính theo chỉ tiêu")
        BANDS = "bands", _("Theo khung điểm")
        RELATIVE = "relative", _("So với đơn vị cao nhất")

    class ZeroDenominator(models.TextChoices):
        NOT_APPLICABLE = "not_applicable", _("Không tính (không phát sinh)")
        FULL = "full", _("Được điểm tối đa")
        ZERO = "zero", _("Không được điểm")

    plan = models.ForeignKey(
        "campaigns.Plan", verbose_name=_("kế hoạch"), on_delete=models.CASCADE, related_name="criteria"
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("chỉ số"), on_delete=models.PROTECT, related_name="criteria"
    )
    code = models.SlugField(_("mã tiêu chí"), max_length=60)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=1)
    name = models.CharField(_("nội dung tiêu chí"), max_length=500)
    applies_to = models.CharField(_("áp dụng cho"), max_length=16, choices=AppliesTo, default=AppliesTo.BOTH)
    comparison = models.CharField(_("so sánh"), max_length=4, choices=Comparison, default=Comparison.GTE)
    # Rates are in percent (90 means 90 %); counts in their unit; yes/no targets are 1. Only a relative criterion
    # ("the most gets full points") may have none: it is then never "met" (docs/scoring.md § 2).
    target = models.DecimalField(_("chỉ tiêu"), max_digits=12, decimal_places=2, null=True, blank=True)
    worst = models.DecimalField(
        _("mức không đạt điểm"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Với chỉ số càng thấp càng tốt: từ mức này trở lên được 0 điểm."),
    )
    max_points = models.DecimalField(_("điểm tối đa"), max_digits=7, decimal_places=2)
    rule = models.CharField(_("cách chấm"), max_length=16, choices=Rule, default=Rule.THRESHOLD)
    bands = models.JSONField(
        _("khung điểm"),
        default=list,
        blank=True,
        help_text=_("Danh sách [ngưỡng, điểm], ví dụ [[90, 10], [75, 6], [0, 0]]."),
    )
    zero_denominator = models.CharField(
        _("khi không phát sinh"), max_length=16, choices=ZeroDenominator, default=ZeroDenominator.NOT_APPLICABLE
    )
    note = models.TextField(_("ghi chú"), blank=True)

    history = HistoricalRecords()
    # Set by the services before save(); simple-history records them on the history row (declared for mypy only).
    _history_user: User | None
    _change_reason: str | None

    class Meta:
        verbose_name = _("tiêu chí")
        verbose_name_plural = _("tiêu chí")
        ordering = ["plan", "order"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="criterion_code_unique_in_plan"),
            models.CheckConstraint(condition=Q(max_points__gte=0), name="criterion_points_not_negative"),
            models.CheckConstraint(
                condition=Q(target__isnull=False) | Q(rule="relative"), name="criterion_target_unless_relative"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def applies_to_kind(self, participant_kind: str) -> bool:
        return self.applies_to == self.AppliesTo.BOTH or self.applies_to == participant_kind


class ReadingQuerySet(models.QuerySet["Reading"]):
    def visible_to(self, user: User) -> ReadingQuerySet:
        return self.filter(participant_scope_q(user))


class Reading(models.Model):
    """One participant's figure for one indicator in one reporting window; rates as two integers."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Nháp")
        SUBMITTED = "submitted", _("Đã gửi")
        # Not written any more: a closed period locks its readings by its own status (recorded once in the
        # period's history). Kept so that history rows written before that still read "Đã khóa".
        LOCKED = "locked", _("Đã khóa")

    participant = models.ForeignKey(
        Participant, verbose_name=_("đối tượng"), on_delete=models.CASCADE, related_name="readings"
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("chỉ số"), on_delete=models.PROTECT, related_name="readings"
    )
    period = models.ForeignKey(
        "campaigns.Period", verbose_name=_("đợt"), on_delete=models.CASCADE, related_name="readings"
    )
    window_start = models.DateField(_("kỳ từ ngày"))
    window_end = models.DateField(_("kỳ đến ngày"))
    numerator = models.PositiveIntegerField(_("tử số"), null=True, blank=True)
    denominator = models.PositiveIntegerField(_("mẫu số"), null=True, blank=True)
    value = models.DecimalField(_("giá trị"), max_digits=14, decimal_places=2, null=True, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    evidence = models.FileField(_("minh chứng"), upload_to="evidence/%Y/%m/", blank=True)
    # The evidence is stored under a random name; the name the user gave it (sanitised) is shown and downloaded.
    evidence_name = models.CharField(_("tên tệp minh chứng"), max_length=255, blank=True)
    check_again = models.BooleanField(_("cần kiểm tra lại"), default=False)
    status = models.CharField(_("trạng thái"), max_length=16, choices=Status, default=Status.DRAFT)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người nhập"), null=True, blank=True, on_delete=models.SET_NULL
    )
    entered_at = models.DateTimeField(_("nhập lúc"), auto_now=True)
    version = models.PositiveIntegerField(_("phiên bản"), default=1)

    objects = ReadingQuerySet.as_manager()
    # Set by scoring.services.readings.save_reading on the instance it returns (not fields).
    warnings: list[str]
    changed: bool
    history = HistoricalRecords()
    # Set by the services before save(); simple-history records them on the history row (declared for mypy only).
    _history_user: User | None
    _change_reason: str | None

    class Meta:
        verbose_name = _("số liệu")
        verbose_name_plural = _("số liệu")
        ordering = ["participant", "indicator", "window_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "indicator", "window_start"], name="reading_once_per_window"
            ),
            models.CheckConstraint(
                condition=Q(numerator__isnull=True)
                | Q(denominator__isnull=True)
                | Q(numerator__lte=models.F("denominator")),
                name="reading_numerator_not_above_denominator",
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gte=0), name="reading_value_not_negative"
            ),
        ]
        indexes = [models.Index(fields=["period", "participant"])]

    def __str__(self) -> str:
        return f"{self.participant} · {self.indicator} · {self.window_start:%m/%Y}"

    @property
    def rate(self) -> Decimal | None:
        if self.numerator is None or not self.denominator:
            return None
        return Decimal(self.numerator) * 100 / Decimal(self.denominator)


class LockException(models.Model):
    """Lãnh đạo reopens data entry for one unit and window past its deadline, with a reason and an expiry."""

    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị"), on_delete=models.CASCADE)
    period = models.ForeignKey("campaigns.Period", verbose_name=_("đợt"), on_delete=models.CASCADE)
    window_start = models.DateField(_("kỳ từ ngày"))
    reason = models.TextField(_("lý do"))
    expires_at = models.DateTimeField(_("hết hiệu lực lúc"))
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người cho phép"), on_delete=models.PROTECT)
    granted_at = models.DateTimeField(_("cho phép lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("ngoại lệ mở khóa")
        verbose_name_plural = _("ngoại lệ mở khóa")
        constraints = [models.CheckConstraint(condition=~Q(reason=""), name="lock_exception_has_reason")]

    def __str__(self) -> str:
        return f"{self.unit} · {self.window_start:%m/%Y}"


class WindowReturnQuerySet(models.QuerySet["WindowReturn"]):
    def pending(self) -> WindowReturnQuerySet:
        """Returns not yet answered: the window's readings are all drafts again (sending the month answers it; a
        later return is a row of its own)."""
        sent_again = Reading.objects.filter(
            participant_id=OuterRef("participant_id"),
            period_id=OuterRef("period_id"),
            window_start=OuterRef("window_start"),
            status=Reading.Status.SUBMITTED,
        )
        return self.exclude(Exists(sent_again))


class WindowReturn(models.Model):
    """Lãnh đạo sent a window's readings back to draft with a reason (scoring.services.readings.return_window): the
    clerk's home, the entry page's banner and the notice read the reason here, in full."""

    participant = models.ForeignKey(
        Participant, verbose_name=_("đối tượng"), on_delete=models.CASCADE, related_name="window_returns"
    )
    period = models.ForeignKey(
        "campaigns.Period", verbose_name=_("đợt"), on_delete=models.CASCADE, related_name="window_returns"
    )
    window_start = models.DateField(_("kỳ từ ngày"))
    reason = models.TextField(_("lý do trả lại"))
    indicators = models.JSONField(_("chỉ số trả lại"), default=list)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người trả lại"), on_delete=models.PROTECT, related_name="+"
    )
    returned_at = models.DateTimeField(_("trả lại lúc"), auto_now_add=True)

    objects = WindowReturnQuerySet.as_manager()

    class Meta:
        verbose_name = _("lần trả lại số liệu")
        verbose_name_plural = _("lần trả lại số liệu")
        ordering = ["-returned_at", "-pk"]
        constraints = [models.CheckConstraint(condition=~Q(reason=""), name="window_return_has_reason")]

    def __str__(self) -> str:
        return f"{self.participant} · {self.window_start:%m/%Y}"


class Score(models.Model):
    """Points of one participant on one criterion for one period, with the period value and how they were earned.

    Derived data, rewritten whole by every recompute (266,000 rows for a national period). Its foreign keys are
    not database constraints: checking three of them per row doubled the close at that size, and nothing writes
    scores but scoring.services.scores, from ids it has just read; deletes still cascade (Django's collector). The
    period needs no index of its own: the unique (period, participant, criterion) index starts with it.
    """

    period = models.ForeignKey(
        "campaigns.Period",
        verbose_name=_("đợt"),
        on_delete=models.CASCADE,
        related_name="scores",
        db_constraint=False,
        db_index=False,
    )
    participant = models.ForeignKey(
        Participant,
        verbose_name=_("đối tượng"),
        on_delete=models.CASCADE,
        related_name="scores",
        db_constraint=False,
    )
    criterion = models.ForeignKey(
        Criterion,
        verbose_name=_("tiêu chí"),
        on_delete=models.CASCADE,
        related_name="scores",
        db_constraint=False,
    )
    value = models.DecimalField(_("giá trị kỳ"), max_digits=14, decimal_places=4, null=True, blank=True)
    numerator_total = models.PositiveBigIntegerField(_("tổng tử số"), null=True, blank=True)
    denominator_total = models.PositiveBigIntegerField(_("tổng mẫu số"), null=True, blank=True)
    points = models.DecimalField(_("điểm"), max_digits=7, decimal_places=2, default=0)
    applicable = models.BooleanField(_("được tính"), default=True)
    target_met = models.BooleanField(_("đạt chỉ tiêu"), default=False)
    complete = models.BooleanField(_("đủ số liệu"), default=False)
    windows_expected = models.PositiveSmallIntegerField(_("số kỳ phải có"), default=0)
    windows_present = models.PositiveSmallIntegerField(_("số kỳ đã có"), default=0)
    # No stored "vì sao" sentence: scoring.selectors.explain_scores builds it from these values when a page shows it
    # (a national period has 266,000 scores; building and writing their sentences was a third of the close).

    class Meta:
        verbose_name = _("điểm tiêu chí")
        verbose_name_plural = _("điểm tiêu chí")
        constraints = [
            models.UniqueConstraint(fields=["period", "participant", "criterion"], name="score_once_per_criterion"),
        ]

    def __str__(self) -> str:
        return f"{self.participant} · {self.criterion}: {self.points}"


class FrozenCriteria(models.Model):
    """The criteria a closed period was scored by (rules.CriterionSpec as JSON), written when its standings freeze:
    pages explain its frozen points by these, even if the plan's criteria are edited afterwards."""

    period = models.OneToOneField(
        "campaigns.Period", verbose_name=_("đợt"), on_delete=models.CASCADE, related_name="frozen_criteria"
    )
    specs = models.JSONField(_("tiêu chí lúc chốt"), default=list)
    frozen_at = models.DateTimeField(_("chốt lúc"), auto_now=True)

    class Meta:
        verbose_name = _("tiêu chí lúc chốt đợt")
        verbose_name_plural = _("tiêu chí lúc chốt đợt")

    def __str__(self) -> str:
        return str(self.period_id)


class StandingQuerySet(models.QuerySet["Standing"]):
    def visible_to(self, user: User) -> StandingQuerySet:
        return self.filter(participant_scope_q(user))


class Standing(models.Model):
    """A participant's own figures in a period; its rank in its list (period, group, kind) is computed when read
    (scoring.ranking) and stored only when the period closes (frozen)."""

    period = models.ForeignKey(
        "campaigns.Period", verbose_name=_("đợt"), on_delete=models.CASCADE, related_name="standings"
    )
    participant = models.ForeignKey(
        Participant, verbose_name=_("đối tượng"), on_delete=models.CASCADE, related_name="standings"
    )
    group = models.ForeignKey(
        "campaigns.Group", verbose_name=_("khối"), null=True, blank=True, on_delete=models.SET_NULL
    )
    # The participant's kind, copied: a ranking list is one (period, group, kind); collectives and individuals are
    # never ranked together.
    kind = models.CharField(
        _("loại đối tượng"), max_length=16, choices=Participant.Kind, default=Participant.Kind.COLLECTIVE
    )
    total_points = models.DecimalField(_("tổng điểm"), max_digits=8, decimal_places=2, default=0)
    max_points = models.DecimalField(_("điểm tối đa áp dụng"), max_digits=8, decimal_places=2, default=0)
    ratio = models.DecimalField(_("tỷ lệ điểm (%)"), max_digits=6, decimal_places=2, default=0)
    targets_met = models.PositiveSmallIntegerField(_("số tiêu chí đạt"), default=0)
    tiebreak = models.JSONField(_("điểm theo thứ tự tiêu chí"), default=list, blank=True)
    rank = models.PositiveIntegerField(_("xếp hạng"), null=True, blank=True)
    tied = models.BooleanField(_("đồng hạng"), default=False)
    readings_expected = models.PositiveIntegerField(_("số liệu phải có"), default=0)
    readings_present = models.PositiveIntegerField(_("số liệu đã có"), default=0)
    frozen = models.BooleanField(_("đã chốt"), default=False)
    name = models.CharField(_("tên"), max_length=255, blank=True)
    # Display order inside the group: rank, then the Vietnamese name sort among equals (computed in Python, so the
    # order is the same on SQLite and on PostgreSQL whatever its collation).
    position = models.PositiveIntegerField(_("thứ tự hiển thị"), default=0)
    criteria_applicable = models.PositiveSmallIntegerField(_("số tiêu chí được tính"), default=0)
    computed_at = models.DateTimeField(_("tính lúc"), auto_now=True)
    # What ranking at read time needs (scoring.ranking): the points of the criteria that do not depend on the rest of
    # the list (every rule but relative), their tie-break as a sortable string of digits (rules.points_key, plan
    # order, relative criteria left out: their points are computed by the ranking query against the list's best),
    # and the Vietnamese sort key of the name (rules.name_key). A save writes only its own participant's row.
    fixed_points = models.DecimalField(_("điểm không phụ thuộc khối"), max_digits=8, decimal_places=2, default=0)
    merit_key = models.TextField(_("khóa xếp hạng"), blank=True, default="")
    sort_key = models.TextField(_("khóa sắp xếp tên"), blank=True, default="")

    objects = StandingQuerySet.as_manager()
    # Set on a standing read for a page (scoring.selectors): the size of its list (period, group, kind) now.
    list_size: int

    class Meta:
        verbose_name = _("xếp hạng")
        verbose_name_plural = _("xếp hạng")
        ordering = ["period", "group", "kind", "position"]
        constraints = [models.UniqueConstraint(fields=["period", "participant"], name="standing_once_per_period")]
        indexes = [
            models.Index(fields=["period", "group", "kind", "rank"], name="standing_list_rank"),
            models.Index(fields=["period", "group", "kind", "position"], name="standing_list_position"),
        ]

    def __str__(self) -> str:
        return f"{self.name or self.participant} · hạng {self.rank}"

    @property
    def is_complete(self) -> bool:
        return self.readings_present >= self.readings_expected


class RecomputeRequest(models.Model):
    """A queued recompute of a whole plan (after its criteria changed); pending until finished_at is set."""

    plan = models.ForeignKey(
        "campaigns.Plan", verbose_name=_("kế hoạch"), on_delete=models.CASCADE, related_name="recompute_requests"
    )
    reason = models.CharField(_("lý do"), max_length=200, blank=True)
    requested_at = models.DateTimeField(_("yêu cầu lúc"), auto_now_add=True)
    started_at = models.DateTimeField(_("bắt đầu lúc"), null=True, blank=True)
    finished_at = models.DateTimeField(_("xong lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("yêu cầu tính lại điểm")
        verbose_name_plural = _("yêu cầu tính lại điểm")
        ordering = ["-requested_at"]
        indexes = [models.Index(fields=["plan", "finished_at"])]

    def __str__(self) -> str:
        return f"{self.plan_id} · {self.requested_at:%d/%m/%Y %H:%M}"


class PeriodRecompute(models.Model):
    """A closed period recomputed by quản trị (after a rule fix): every participant whose rank or points changed, as
    one line each. The period's own history gets a short line pointing here; signed decisions keep their snapshot."""

    period = models.ForeignKey(
        "campaigns.Period", verbose_name=_("đợt"), on_delete=models.CASCADE, related_name="recomputes"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người tính lại"), null=True, on_delete=models.SET_NULL
    )
    at = models.DateTimeField(_("tính lại lúc"), auto_now_add=True)
    reason = models.CharField(_("lý do"), max_length=300)
    changes = models.TextField(_("các thay đổi"), blank=True)

    class Meta:
        verbose_name = _("tính lại đợt đã chốt")
        verbose_name_plural = _("tính lại đợt đã chốt")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.period_id} · {self.at:%d/%m/%Y %H:%M}"


class ReportProfile(models.Model):
    """A saved column mapping for one kind of report (the one-stop-shop system's monthly export, the public-service
    portal's index page) of an issuing unit: which sheet, header row and columns feed which indicators. Reused each
    month; exported and imported as a small JSON file so provinces can share one (scoring.report_mapping)."""

    issuer = models.ForeignKey(
        Unit, verbose_name=_("đơn vị ban hành"), on_delete=models.CASCADE, related_name="report_profiles"
    )
    name = models.CharField(_("tên cấu hình"), max_length=120)
    mapping = models.JSONField(_("cách ghép cột"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người lưu"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("cấu hình nhập báo cáo")
        verbose_name_plural = _("cấu hình nhập báo cáo")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["issuer", "name"], name="report_profile_name_once_per_issuer")]

    def __str__(self) -> str:
        return self.name
