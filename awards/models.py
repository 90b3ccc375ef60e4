"""Award kinds, dated legal references, quota rules, nominations with their dossiers, council votes and decisions."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from campaigns.models import Participant, Plan, Unit, participant_scope_q, scope_q
from core.codes import code_from_name

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class Level(models.TextChoices):
    COMMUNE = "commune", _("Cấp xã")
    DISTRICT = "district", _("Cấp huyện")
    PROVINCE = "province", _("Cấp tỉnh")
    DEPARTMENT = "department", _("Sở, ban, ngành")


class Recipient(models.TextChoices):
    COLLECTIVE = "collective", _("Tập thể")
    INDIVIDUAL = "individual", _("Cá nhân")
    BOTH = "both", _("Tập thể và cá nhân")


class AwardKind(models.Model):
    """A form of commendation as printed (Giấy khen của Chủ tịch UBND xã …), who may award it and its reward."""

    code = models.SlugField(_("mã"), max_length=60, unique=True)
    name = models.CharField(_("tên hình thức"), max_length=255)
    certificate_title = models.CharField(_("tên trên bằng"), max_length=60, default="GIẤY KHEN")
    level = models.CharField(_("cấp khen"), max_length=16, choices=Level)
    recipients = models.CharField(_("đối tượng"), max_length=16, choices=Recipient, default=Recipient.BOTH)
    individual_coefficient = models.DecimalField(_("hệ số cá nhân × lương cơ sở"), max_digits=5, decimal_places=3)
    collective_multiplier = models.DecimalField(_("tập thể = cá nhân ×"), max_digits=5, decimal_places=2, default=2)
    # None: the built-in catalogue (read-only to plan files); a unit: the locality that made it, the only one whose
    # lãnh đạo or quản trị may change it (others may use it as it is).
    owner = models.ForeignKey(
        "campaigns.Unit",
        verbose_name=_("đơn vị tạo"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("hình thức khen thưởng")
        verbose_name_plural = _("hình thức khen thưởng")
        ordering = ["level", "name"]

    def __str__(self) -> str:
        return self.name


class LegalText(models.Model):
    """A law, decree, circular or provincial regulation, cited by decisions signed while it is in force."""

    class Kind(models.TextChoices):
        LAW = "law", _("Luật")
        DECREE = "decree", _("Nghị định")
        CIRCULAR = "circular", _("Thông tư")
        REGULATION = "regulation", _("Quy chế, quy định của tỉnh")
        LOCAL_GOVERNMENT = "local_government", _("Luật Tổ chức chính quyền địa phương")

    code = models.SlugField(
        _("mã"),
        max_length=60,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Khóa ổn định cho dữ liệu tham chiếu nạp sẵn; để trống với văn bản nhập tay."),
    )
    kind = models.CharField(_("loại"), max_length=20, choices=Kind)
    number = models.CharField(
        _("số, ký hiệu"),
        max_length=60,
        blank=True,
        help_text=_("Ví dụ 01/2024/TT-BNV; dùng để nhận ra văn bản trong căn cứ đã sửa tay."),
    )
    issued_on = models.DateField(_("ngày ban hành"), null=True, blank=True)
    citation = models.TextField(_("trích dẫn"), help_text=_("Câu căn cứ in trong quyết định, không có dấu ; cuối."))
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=1)
    province = models.ForeignKey(
        Unit,
        verbose_name=_("tỉnh áp dụng"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        help_text=_("Để trống nếu áp dụng toàn quốc."),
    )
    effective_from = models.DateField(_("hiệu lực từ"))
    effective_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)

    class Meta:
        verbose_name = _("văn bản pháp lý")
        verbose_name_plural = _("văn bản pháp lý")
        ordering = ["order", "effective_from"]

    def __str__(self) -> str:
        return self.citation[:100]

    def in_force_on(self, on: dt.date) -> bool:
        """Issued and in force on the date (a decision may cite it)."""
        issued = self.issued_on is None or self.issued_on <= on
        return issued and self.effective_from <= on and (self.effective_to is None or self.effective_to >= on)

    def is_cited_in(self, line: str) -> bool:
        """Whether a căn cứ line (possibly edited by hand) cites this text: by its number or its citation."""
        return bool(self.number and self.number in line) or self.citation.strip() in line


class RewardRule(models.Model):
    """Base salary (mức lương cơ sở) and the rounding of reward amounts, in force from a date."""

    class Rounding(models.TextChoices):
        UP = "up", _("Làm tròn lên")
        NEAREST = "nearest", _("Làm tròn gần nhất")

    base_salary = models.PositiveIntegerField(_("mức lương cơ sở (đồng)"))
    effective_from = models.DateField(_("hiệu lực từ"), unique=True)
    legal_basis = models.CharField(_("văn bản quy định"), max_length=255)
    rounding = models.CharField(_("cách làm tròn"), max_length=16, choices=Rounding, default=Rounding.UP)
    rounding_step = models.PositiveIntegerField(_("làm tròn đến (đồng)"), default=10_000)
    double_before_rounding = models.BooleanField(
        _("nhân hệ số tập thể trước khi làm tròn"),
        default=True,
        help_text=_("Mặc định: tính mức tập thể từ số chưa làm tròn rồi mới làm tròn."),
    )

    class Meta:
        verbose_name = _("mức lương cơ sở và làm tròn")
        verbose_name_plural = _("mức lương cơ sở và làm tròn")
        ordering = ["-effective_from"]

    def __str__(self) -> str:
        return f"{self.base_salary:,} đ từ {self.effective_from:%d/%m/%Y}".replace(",", ".")


class QuotaRule(models.Model):
    """How many of an award a plan may give, per period (or every period) and per group."""

    plan = models.ForeignKey(Plan, verbose_name=_("kế hoạch"), on_delete=models.CASCADE, related_name="quota_rules")
    period = models.ForeignKey(
        "campaigns.Period",
        verbose_name=_("đợt"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        help_text=_("Để trống: áp dụng cho mọi đợt."),
    )
    group = models.ForeignKey(
        "campaigns.Group",
        verbose_name=_("khối"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        help_text=_("Để trống: áp dụng cho toàn kế hoạch."),
    )
    award_kind = models.ForeignKey(AwardKind, verbose_name=_("hình thức"), on_delete=models.PROTECT)
    max_collectives = models.PositiveSmallIntegerField(_("tối đa tập thể"), default=0)
    max_individuals = models.PositiveSmallIntegerField(_("tối đa cá nhân"), default=0)
    individuals_per_collective = models.PositiveSmallIntegerField(
        _("cá nhân cho mỗi tập thể được chọn"),
        null=True,
        blank=True,
        help_text=_("Ví dụ Ninh Thuận: mỗi tập thể được khen đề nghị 01 cá nhân của tập thể đó."),
    )
    min_ratio = models.DecimalField(_("tỷ lệ điểm tối thiểu (%)"), max_digits=5, decimal_places=2, default=0)
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("chỉ tiêu khen thưởng")
        verbose_name_plural = _("chỉ tiêu khen thưởng")
        ordering = ["plan", "group", "pk"]

    def __str__(self) -> str:
        scope = self.group.name if self.group is not None else _("toàn kế hoạch")
        return f"{self.award_kind} · {scope}"


class Condition(models.Model):
    """A tiêu chuẩn khen thưởng line of the plan, confirmed per nominee by the office."""

    plan = models.ForeignKey(Plan, verbose_name=_("kế hoạch"), on_delete=models.CASCADE, related_name="conditions")
    # Stable within the plan (like a dossier document's): a check stays with its condition when lines are reordered.
    code = models.SlugField(_("mã"), max_length=60)
    applies_to = models.CharField(_("áp dụng cho"), max_length=16, choices=Recipient, default=Recipient.BOTH)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=1)
    text = models.TextField(_("nội dung tiêu chuẩn"))

    class Meta:
        verbose_name = _("tiêu chuẩn khen thưởng")
        verbose_name_plural = _("tiêu chuẩn khen thưởng")
        ordering = ["plan", "order"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="condition_code_unique_in_plan")]

    def __str__(self) -> str:
        return self.text[:80]

    def save(self, *args, **kwargs) -> None:
        if not self.code:  # a condition typed without a code is named from its text, unique in its plan
            taken = Condition.objects.filter(plan_id=self.plan_id).exclude(pk=self.pk).values_list("code", flat=True)
            self.code = code_from_name(self.text, taken)
        super().save(*args, **kwargs)


class DossierRequirement(models.Model):
    """A document the plan requires in each nomination dossier (tờ trình, biên bản họp, báo cáo thành tích …)."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("kế hoạch"), on_delete=models.CASCADE, related_name="dossier_requirements"
    )
    code = models.SlugField(_("mã"), max_length=40)
    name = models.CharField(_("tên tài liệu"), max_length=255)
    applies_to = models.CharField(_("áp dụng cho"), max_length=16, choices=Recipient, default=Recipient.BOTH)
    per_nominee = models.BooleanField(_("mỗi người/tập thể một bản"), default=True)
    from_council = models.BooleanField(
        _("do Hội đồng TĐKT lập"),
        default=False,
        help_text=_(
            "Biên bản xét khen thưởng của Hội đồng: có sau khi Hội đồng họp, không cần để hoàn tất và trình hồ sơ."
        ),
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=1)

    class Meta:
        verbose_name = _("thành phần hồ sơ")
        verbose_name_plural = _("thành phần hồ sơ")
        ordering = ["plan", "order"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="dossier_requirement_code_unique")]

    def __str__(self) -> str:
        return self.name


class NominationQuerySet(models.QuerySet["Nomination"]):
    def visible_to(self, user: User) -> NominationQuerySet:
        """Nominations of participants in the user's scope, of periods within its time; every view starts here."""
        return self.filter(participant_scope_q(user))

    def awaiting_decision(self) -> NominationQuerySet:
        return self.filter(status=Nomination.Status.ACCEPTED, decision__isnull=True)


class Nomination(models.Model):
    """One award proposed for one participant in one period; frozen once its decision is signed."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Đề xuất")
        PREPARED = "prepared", _("Đã chuẩn bị hồ sơ")
        SUBMITTED = "submitted", _("Đã trình")
        APPRAISED = "appraised", _("Đã thẩm định")
        ACCEPTED = "accepted", _("Chấp thuận")
        REJECTED = "rejected", _("Không chấp thuận")
        WITHDRAWN = "withdrawn", _("Không còn được đề xuất")

    period = models.ForeignKey(
        "campaigns.Period", verbose_name=_("đợt"), on_delete=models.PROTECT, related_name="nominations"
    )
    participant = models.ForeignKey(
        Participant, verbose_name=_("đối tượng"), on_delete=models.PROTECT, related_name="nominations"
    )
    award_kind = models.ForeignKey(AwardKind, verbose_name=_("hình thức"), on_delete=models.PROTECT)
    quota_rule = models.ForeignKey(
        QuotaRule, verbose_name=_("chỉ tiêu"), null=True, blank=True, on_delete=models.SET_NULL
    )
    decision = models.ForeignKey(
        "Decision",
        verbose_name=_("quyết định"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="nominations",
    )
    status = models.CharField(_("trạng thái"), max_length=16, choices=Status, default=Status.PROPOSED)
    rank = models.PositiveIntegerField(_("hạng"), null=True, blank=True)
    ratio = models.DecimalField(_("tỷ lệ điểm (%)"), max_digits=6, decimal_places=2, null=True, blank=True)
    reason = models.TextField(_("lý do đề xuất"), blank=True)
    tied_at_cut = models.BooleanField(_("đồng hạng tại ngưỡng"), default=False)
    added_by_hand = models.BooleanField(_("bổ sung thủ công"), default=False)
    reject_reason = models.TextField(_("lý do không chấp thuận"), blank=True)
    appraisal_agreed = models.BooleanField(_("Nội vụ đồng ý"), null=True, blank=True)
    appraisal_comment = models.TextField(_("ý kiến thẩm định"), blank=True)
    achievement = models.TextField(_("thành tích"), blank=True)
    # Copies of the names at nomination time: they print in the decision even after a merger or a move.
    name = models.CharField(_("tên"), max_length=255)
    position = models.CharField(_("chức vụ"), max_length=160, blank=True)
    unit_name = models.CharField(_("đơn vị"), max_length=255, blank=True)
    version = models.PositiveIntegerField(_("phiên bản"), default=1)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    objects = NominationQuerySet.as_manager()
    history = HistoricalRecords()
    # Set by the services before save(); simple-history records them on the history row (declared for mypy only).
    _history_user: User | None
    _change_reason: str | None

    class Meta:
        verbose_name = _("đề nghị khen thưởng")
        verbose_name_plural = _("đề nghị khen thưởng")
        ordering = ["period", "award_kind", "rank", "name"]
        constraints = [
            models.UniqueConstraint(fields=["period", "participant", "award_kind"], name="nomination_once_per_award"),
            models.CheckConstraint(condition=~Q(status="rejected") | ~Q(reject_reason=""), name="rejection_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.name} · {self.award_kind}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("awards:nomination_detail", args=[self.pk])

    STATUS_BADGES = {
        "proposed": "secondary",
        "prepared": "info",
        "submitted": "primary",
        "appraised": "warning",
        "accepted": "success",
        "rejected": "danger",
        "withdrawn": "light",
    }

    @property
    def status_badge(self) -> str:
        """Bootstrap colour of the status badge."""
        return self.STATUS_BADGES.get(self.status, "secondary")


class NominationTransition(models.Model):
    """One step of a nomination's life (from, to, who, when, why): a chain of any length."""

    nomination = models.ForeignKey(
        Nomination, verbose_name=_("đề nghị"), on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField(_("từ"), max_length=16, blank=True)
    to_status = models.CharField(_("sang"), max_length=16)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người thực hiện"), null=True, on_delete=models.SET_NULL
    )
    at = models.DateTimeField(_("lúc"), auto_now_add=True)
    reason = models.TextField(_("lý do, ý kiến"), blank=True)

    class Meta:
        verbose_name = _("bước xử lý đề nghị")
        verbose_name_plural = _("bước xử lý đề nghị")
        ordering = ["nomination", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.nomination}: {self.from_label or '—'} → {self.to_label}"

    @property
    def from_label(self) -> str:
        """The Vietnamese name of the status before the step (empty for the first step)."""
        return str(dict(Nomination.Status.choices).get(self.from_status, self.from_status))

    @property
    def to_label(self) -> str:
        return str(dict(Nomination.Status.choices).get(self.to_status, self.to_status))


class ProposalNote(models.Model):
    """What the quota engine decided for one participant and rule, and why ("được/không được đề xuất vì …")."""

    period = models.ForeignKey(
        "campaigns.Period", verbose_name=_("đợt"), on_delete=models.CASCADE, related_name="proposal_notes"
    )
    quota_rule = models.ForeignKey(
        QuotaRule, verbose_name=_("quy tắc tỷ lệ"), on_delete=models.CASCADE, related_name="notes"
    )
    participant = models.ForeignKey(
        Participant, verbose_name=_("đối tượng"), on_delete=models.CASCADE, related_name="proposal_notes"
    )
    proposed = models.BooleanField(_("được đề xuất"))
    reason = models.TextField(_("lý do"))
    rank = models.PositiveIntegerField(_("hạng"), null=True, blank=True)

    class Meta:
        verbose_name = _("kết quả xét đề xuất")
        verbose_name_plural = _("kết quả xét đề xuất")
        ordering = ["period", "quota_rule", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["period", "quota_rule", "participant"], name="proposal_note_once"),
        ]

    def __str__(self) -> str:
        return f"{self.participant} · {'đề xuất' if self.proposed else 'không đề xuất'}"


class ConditionCheck(models.Model):
    """The office confirms (or not) that a nominee meets one eligibility condition."""

    nomination = models.ForeignKey(
        Nomination, verbose_name=_("đề nghị"), on_delete=models.CASCADE, related_name="condition_checks"
    )
    condition = models.ForeignKey(Condition, verbose_name=_("tiêu chuẩn"), on_delete=models.CASCADE)
    confirmed = models.BooleanField(_("đạt"), default=False)
    note = models.TextField(_("ghi chú"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người xác nhận"), null=True, on_delete=models.SET_NULL
    )
    at = models.DateTimeField(_("lúc"), auto_now=True)

    class Meta:
        verbose_name = _("xác nhận tiêu chuẩn")
        verbose_name_plural = _("xác nhận tiêu chuẩn")
        constraints = [models.UniqueConstraint(fields=["nomination", "condition"], name="condition_check_once")]

    def __str__(self) -> str:
        return f"{self.nomination} · {self.condition}"


class DossierFile(models.Model):
    """A document attached to a nomination's dossier; served only through a scoped view."""

    nomination = models.ForeignKey(
        Nomination, verbose_name=_("đề nghị"), on_delete=models.CASCADE, related_name="files"
    )
    requirement = models.ForeignKey(
        DossierRequirement, verbose_name=_("thành phần hồ sơ"), null=True, blank=True, on_delete=models.SET_NULL
    )
    file = models.FileField(_("tệp"), upload_to="dossiers/%Y/%m/")
    original_name = models.CharField(_("tên tệp"), max_length=255)
    content_type = models.CharField(_("kiểu tệp"), max_length=100, blank=True)
    size = models.PositiveIntegerField(_("dung lượng (byte)"), default=0)
    sha256 = models.CharField(_("mã băm SHA-256"), max_length=64, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người tải lên"), null=True, on_delete=models.SET_NULL
    )
    uploaded_at = models.DateTimeField(_("tải lên lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("tệp hồ sơ")
        verbose_name_plural = _("tệp hồ sơ")

    def __str__(self) -> str:
        return self.original_name


class CouncilMeeting(models.Model):
    """A meeting of the Hội đồng Thi đua – Khen thưởng that votes on a period's nominations."""

    period = models.ForeignKey(
        "campaigns.Period", verbose_name=_("đợt"), on_delete=models.CASCADE, related_name="council_meetings"
    )
    held_on = models.DateField(_("ngày họp"))
    members_total = models.PositiveSmallIntegerField(_("tổng số thành viên"))
    members_present = models.PositiveSmallIntegerField(_("số thành viên có mặt"))
    secret_ballot = models.BooleanField(_("bỏ phiếu kín"), default=True)
    threshold_percent = models.DecimalField(_("ngưỡng (%)"), max_digits=5, decimal_places=2)
    minutes = models.TextField(_("nội dung biên bản"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người ghi biên bản"), null=True, on_delete=models.SET_NULL
    )

    class Meta:
        verbose_name = _("cuộc họp Hội đồng TĐKT")
        verbose_name_plural = _("cuộc họp Hội đồng TĐKT")
        constraints = [
            models.CheckConstraint(
                condition=Q(members_present__lte=models.F("members_total")), name="council_present_le_total"
            ),
        ]

    def __str__(self) -> str:
        return f"Hội đồng TĐKT {self.held_on:%d/%m/%Y}"


class CouncilVote(models.Model):
    """Votes for one nominee at a council meeting."""

    meeting = models.ForeignKey(
        CouncilMeeting, verbose_name=_("cuộc họp"), on_delete=models.CASCADE, related_name="votes"
    )
    nomination = models.ForeignKey(
        Nomination, verbose_name=_("đề nghị"), on_delete=models.CASCADE, related_name="votes"
    )
    votes_for = models.PositiveSmallIntegerField(_("số phiếu đồng ý"))
    passed: bool  # set by the council meeting page (whether the votes reach the threshold); not a field

    class Meta:
        verbose_name = _("phiếu bầu")
        verbose_name_plural = _("phiếu bầu")
        constraints = [models.UniqueConstraint(fields=["meeting", "nomination"], name="council_vote_once")]

    def __str__(self) -> str:
        return f"{self.nomination}: {self.votes_for} phiếu"


class IssuerSetting(models.Model):
    """How an issuing unit's văn thư numbers its decisions and what its certificates print (one row per unit)."""

    class Numbering(models.TextChoices):
        COUNTER = "counter", _("Hệ thống tự cấp số tiếp theo")
        REGISTER = "register", _("Văn thư cấp số theo sổ đăng ký văn bản (nhập khi ký)")

    unit = models.OneToOneField(
        Unit, verbose_name=_("đơn vị ban hành"), on_delete=models.CASCADE, related_name="issuer_setting"
    )
    numbering = models.CharField(
        _("cách cấp số quyết định"), max_length=16, choices=Numbering, default=Numbering.COUNTER
    )
    certificate_line = models.CharField(
        _("dòng thành tích trên giấy khen, bằng khen"),
        max_length=300,
        blank=True,
        help_text=_(
            "Để trống: “Đã có thành tích xuất sắc trong phong trào thi đua …”. {phong_trao} được thay bằng tên "
            "phong trào. Giấy khen không in điểm, tỷ lệ điểm."
        ),
    )

    class Meta:
        verbose_name = _("thiết lập đơn vị ban hành")
        verbose_name_plural = _("thiết lập đơn vị ban hành")

    def __str__(self) -> str:
        return f"{self.unit} · {self.get_numbering_display()}"


class DecisionQuerySet(models.QuerySet["Decision"]):
    def visible_to(self, user: User) -> DecisionQuerySet:
        if getattr(user, "is_superuser", False) and user.is_active:
            return self.all()
        return self.filter(scope_q(user, ["issuer"], period_end="period__end"))


class Decision(models.Model):
    """A Quyết định khen thưởng: draft → signed (immutable) → annulled with a reason."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Dự thảo")
        SIGNED = "signed", _("Đã ký")
        ANNULLED = "annulled", _("Đã hủy")

    issuer = models.ForeignKey(
        Unit, verbose_name=_("cơ quan ban hành"), on_delete=models.PROTECT, related_name="decisions"
    )
    period = models.ForeignKey(
        "campaigns.Period", verbose_name=_("đợt"), on_delete=models.PROTECT, related_name="decisions"
    )
    award_kind = models.ForeignKey(AwardKind, verbose_name=_("hình thức"), on_delete=models.PROTECT)
    number = models.PositiveIntegerField(_("số"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("năm"), null=True, blank=True)
    symbol = models.CharField(_("ký hiệu"), max_length=40, default="QĐ-UBND")
    place = models.CharField(_("địa danh"), max_length=80)
    signed_on = models.DateField(_("ngày ký"), null=True, blank=True)
    summary = models.CharField(_("trích yếu"), max_length=500)
    legal_bases = models.JSONField(_("căn cứ"), default=list)
    proposal_basis = models.CharField(_("xét đề nghị của"), max_length=500, blank=True)
    # The Home Affairs body's appraisal (thẩm định), when it appraised the dossiers: its head's title, its tờ trình.
    appraisal_by = models.CharField(_("cơ quan thẩm định (chức danh người trình)"), max_length=160, blank=True)
    appraisal_number = models.CharField(_("số tờ trình thẩm định"), max_length=60, blank=True)
    appraisal_on = models.DateField(_("ngày tờ trình thẩm định"), null=True, blank=True)
    article_1 = models.TextField(_("Điều 1"))
    article_2 = models.TextField(_("Điều 2"))
    article_3 = models.TextField(_("Điều 3"))
    recipients = models.JSONField(_("nơi nhận"), default=list)
    authority_line = models.CharField(_("thẩm quyền"), max_length=255)
    issuer_name_lines = models.JSONField(_("tên cơ quan ban hành"), default=list)
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người ký"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    signer_name = models.CharField(_("họ tên người ký"), max_length=120, blank=True)
    signer_is_deputy = models.BooleanField(_("cấp phó ký thay"), default=False)
    signer_title = models.CharField(_("chức danh người ký"), max_length=120, blank=True)
    base_salary = models.PositiveIntegerField(_("lương cơ sở áp dụng"), null=True, blank=True)
    # The certificate's title as signed: a later change to the award kind does not reach a signed decision.
    certificate_title = models.CharField(_("tên trên bằng khi ký"), max_length=60, blank=True)
    # The attached list as signed (STT, name, position, unit, achievement, amount): the signed decision keeps it
    # even after an annulment releases the nominations for a new decision.
    awardees = models.JSONField(_("danh sách khen thưởng đã ký"), default=list, blank=True)
    total_amount = models.PositiveBigIntegerField(_("tổng tiền thưởng (đồng)"), null=True, blank=True)
    status = models.CharField(_("trạng thái"), max_length=16, choices=Status, default=Status.DRAFT)
    signed_at = models.DateTimeField(_("ký lúc"), null=True, blank=True)
    signed_on_reason = models.TextField(_("lý do ngày ký khác ngày thao tác ký"), blank=True)
    annul_reason = models.TextField(_("lý do hủy"), blank=True)
    annulled_at = models.DateTimeField(_("hủy lúc"), null=True, blank=True)
    annulled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người hủy"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    pdf = models.FileField(_("tệp PDF"), upload_to="decisions/%Y/", blank=True)
    pdf_sha256 = models.CharField(_("SHA-256 của PDF"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    objects = DecisionQuerySet.as_manager()
    history = HistoricalRecords()
    # Set by the services before save(); simple-history records them on the history row (declared for mypy only).
    _history_user: User | None
    _change_reason: str | None

    class Meta:
        verbose_name = _("quyết định khen thưởng")
        verbose_name_plural = _("quyết định khen thưởng")
        ordering = ["-year", "-number", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "year", "symbol", "number"],
                condition=Q(number__isnull=False),
                name="decision_number_unique_per_year_symbol",
            ),
            models.CheckConstraint(condition=~Q(status="annulled") | ~Q(annul_reason=""), name="annulment_has_reason"),
        ]

    def __str__(self) -> str:
        return f"Quyết định {self.number_display}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("awards:decision_detail", args=[self.pk])

    @property
    def certificate_title_shown(self) -> str:
        """The title as signed; a draft reads its award kind's current one."""
        return self.certificate_title or self.award_kind.certificate_title

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def number_display(self) -> str:
        return f"{self.number:02d}/{self.symbol}" if self.number else f"…/{self.symbol}"


class TrustAnchor(models.Model):
    """A root or intermediate CA certificate the deployment trusts for digital signatures (uploaded by quản trị)."""

    certificate_der = models.BinaryField(_("chứng thư (DER)"))
    subject = models.CharField(_("chủ thể"), max_length=500)
    fingerprint_sha256 = models.CharField(_("dấu vân tay SHA-256"), max_length=64, unique=True)
    is_root = models.BooleanField(_("chứng thư gốc"), default=True)
    is_test = models.BooleanField(_("chứng thư thử nghiệm"), default=False)
    active = models.BooleanField(_("đang dùng"), default=True)
    not_before = models.DateTimeField(_("hiệu lực từ"))
    not_after = models.DateTimeField(_("hiệu lực đến"))
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thêm"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    added_at = models.DateTimeField(_("thêm lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("chứng thư tin cậy")
        verbose_name_plural = _("chứng thư tin cậy")
        ordering = ["-active", "-is_root", "subject"]

    def __str__(self) -> str:
        return self.subject


class IssuerSignatureRule(models.Model):
    """Whether an issuer's decisions must also carry the organisation's digital signature (the seal)."""

    issuer = models.OneToOneField(
        Unit, verbose_name=_("cơ quan ban hành"), on_delete=models.CASCADE, related_name="signature_rule"
    )
    requires_organisation_signature = models.BooleanField(_("bắt buộc chữ ký số của cơ quan"), default=True)

    class Meta:
        verbose_name = _("quy định ký số của cơ quan")
        verbose_name_plural = _("quy định ký số của cơ quan")

    def __str__(self) -> str:
        return str(self.issuer)


class DigitalSignature(models.Model):
    """A signed decision's digital-signature step: the PDF the app made to sign, the signed file and its report."""

    decision = models.OneToOneField(
        Decision, verbose_name=_("quyết định"), on_delete=models.PROTECT, related_name="digital_signature"
    )
    unsigned_pdf = models.FileField(_("bản PDF để ký"), upload_to="decisions/ky-so/%Y/")
    unsigned_sha256 = models.CharField(_("SHA-256 bản để ký"), max_length=64)
    made_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    requires_organisation = models.BooleanField(_("cần chữ ký số của cơ quan"), default=True)
    signed_pdf = models.FileField(_("bản đã ký số"), upload_to="decisions/ky-so/%Y/", blank=True)
    signed_sha256 = models.CharField(_("SHA-256 bản đã ký số"), max_length=64, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tải lên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("tải lên lúc"), null=True, blank=True)
    report = models.JSONField(_("kết quả kiểm tra"), default=dict, blank=True)
    verified_at = models.DateTimeField(_("kiểm tra lúc"), null=True, blank=True)
    history = HistoricalRecords()
    _change_reason: str | None

    class Meta:
        verbose_name = _("chữ ký số của quyết định")
        verbose_name_plural = _("chữ ký số của quyết định")

    def __str__(self) -> str:
        return f"Ký số {self.decision}"

    @property
    def is_signed(self) -> bool:
        return bool(self.signed_sha256)
