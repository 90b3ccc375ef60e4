"""Org tree, people, memberships and the plan (Kế hoạch) with its periods, groups, participants and tasks."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from campaigns.vietnamese import fold
from core.formatting import cut_title

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.utils.functional import Promise


class Role(models.TextChoices):
    NHAP_LIEU = "nhap_lieu", _("Nhập liệu")
    LANH_DAO = "lanh_dao", _("Lãnh đạo")
    NOI_VU = "noi_vu", _("Nội vụ")
    QUAN_TRI = "quan_tri", _("Quản trị")


def _scope_paths(user: User, roles: tuple[str, ...] | None = None) -> list[str]:
    """Tree paths of the units the user holds a membership in (optionally only with these roles), and of the units
    those succeeded after a merger."""
    if not user or not user.is_authenticated:
        return []
    cache_key = "_thidua_scope_paths"
    cached: dict = getattr(user, cache_key, None) or {}
    key = roles or ()
    if key not in cached:
        # A unit's scope includes the units it succeeded (a merger, two levels deep), so the successor's people see
        # their history. One query: a UNION of three index lookups.
        memberships = Membership.objects.filter(user=user, unit__isnull=False)
        if roles:
            memberships = memberships.filter(role__in=roles)
        held = memberships.values("unit_id")
        direct = Unit.objects.filter(pk__in=held).order_by().values_list("path", flat=True)
        merged = Unit.objects.filter(successor_id__in=held).order_by().values_list("path", flat=True)
        merged_twice = Unit.objects.filter(successor__successor_id__in=held).order_by().values_list("path", flat=True)
        paths = direct.union(merged, merged_twice)
        cached[key] = sorted(set(paths))
        setattr(user, cache_key, cached)
    return cached[key]


def _time_scopes(user: User, roles: tuple[str, ...] | None = None) -> list[tuple[str, dt.date | None]]:
    """(subtree path, cutoff) of each membership: no cutoff on a unit that still exists; the day the unit ended
    otherwise (it then covers only what ended by that day). A live unit also covers the subtrees of the units it
    directly succeeded (Khánh Hòa's logins see Ninh Thuận's), with no cutoff."""
    if not user or not user.is_authenticated:
        return []
    cached: dict = user.__dict__.setdefault("_thidua_time_scopes", {})
    key = roles or ()
    if key not in cached:
        today = timezone.localdate()
        memberships = Membership.objects.filter(user=user)
        if roles:
            memberships = memberships.filter(role__in=roles)
        scopes: dict[str, dt.date | None] = {}
        rows = memberships.values_list("unit__path", "unit__valid_to", "unit__predecessors__path")  # one query
        for path, valid_to, predecessor in rows:
            ended = valid_to is not None and valid_to < today
            cutoff = valid_to if ended else None
            known = scopes.get(path)
            if path not in scopes or (known is not None and (cutoff is None or cutoff > known)):
                scopes[path] = cutoff
            if predecessor and not ended:
                scopes[predecessor] = None
        cached[key] = sorted(scopes.items())
    return cached[key]


def scope_q(
    user: User,
    unit_fields: list[str],
    *,
    period_end: str | None = None,
    plan_start: str | None = None,
    roles: tuple[str, ...] | None = None,
) -> Q:
    """Scope in place and time: rows whose unit (any of unit_fields, e.g. "participant__unit") lies under one of the
    user's memberships. A membership on a unit that has ended covers only periods that ended by then (period_end,
    e.g. "period__end") or plans that started by then (plan_start), read-only (roles_for gives it no write role);
    the successor unit's memberships cover the rest. Matches nothing without a membership (fails closed)."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return Q()
    q = Q(pk__in=[])
    for path, cutoff in _time_scopes(user, roles):
        place = Q()
        for field in unit_fields:
            place |= Q(**{f"{field}__path__startswith": path})
        if cutoff is not None and period_end:
            place &= Q(**{f"{period_end}__lte": cutoff})
        elif cutoff is not None and plan_start:
            place &= Q(**{f"{plan_start}__lte": cutoff})
        q |= place
    return q


def participant_scope_q(user: User, *, prefix: str = "participant__", roles: tuple[str, ...] | None = None) -> Q:
    """scope_q for rows of one participant in one period (nominations, readings, standings): the participant's
    unit, its person's unit or its plan's issuer in scope, and the row's period within the membership's time."""
    fields = [f"{prefix}unit", f"{prefix}person__unit", f"{prefix}plan__issuer"]
    return scope_q(user, fields, period_end="period__end", roles=roles)


def path_scope_q(paths: list[str], field: str = "path") -> Q:
    """Q matching nodes whose path starts with one of `paths` (a subtree); matches nothing when empty."""
    if not paths:
        return Q(pk__in=[])
    q = Q()
    for path in paths:
        q |= Q(**{f"{field}__startswith": path})
    return q


class UnitQuerySet(MP_NodeQuerySet["Unit"]):
    def in_scope_of(self, user: User, roles: tuple[str, ...] | None = None) -> UnitQuerySet:
        """Units in the subtrees of the user's memberships; nothing for a user with no membership (fails closed)."""
        if getattr(user, "is_superuser", False) and user.is_active:
            return self.all()
        return self.filter(path_scope_q(_scope_paths(user, roles)))

    def current(self, on: dt.date | None = None) -> UnitQuerySet:
        """Units valid on a date (today by default): not yet dissolved or merged."""
        on = on or timezone.localdate()
        return self.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=on)).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=on)
        )


class UnitManager(MP_NodeManager["Unit"]):
    """treebeard's tree API, ordered by path, with the queryset's filters. Written out rather than built with
    ``from_queryset``, which mypy cannot type here (the two delegating methods are exactly what it would generate)."""

    def get_queryset(self) -> UnitQuerySet:
        return UnitQuerySet(self.model).order_by("path")

    def in_scope_of(self, user: User, roles: tuple[str, ...] | None = None) -> UnitQuerySet:
        return self.get_queryset().in_scope_of(user, roles)

    def current(self, on: dt.date | None = None) -> UnitQuerySet:
        return self.get_queryset().current(on)


class Unit(MP_Node):
    """A node of the org tree: tỉnh › huyện › xã › bộ phận, or a sở/phòng; dated, with a successor after a merger."""

    class Kind(models.TextChoices):
        TINH = "tinh", _("Tỉnh")
        THANH_PHO_TW = "thanh_pho_tw", _("Thành phố trực thuộc Trung ương")
        HUYEN = "huyen", _("Huyện")
        THI_XA = "thi_xa", _("Thị xã")
        THANH_PHO = "thanh_pho", _("Thành phố thuộc tỉnh")
        XA = "xa", _("Xã")
        PHUONG = "phuong", _("Phường")
        THI_TRAN = "thi_tran", _("Thị trấn")
        SO_NGANH = "so_nganh", _("Sở, ban, ngành")
        PHONG = "phong", _("Phòng, ban")
        BO_PHAN = "bo_phan", _("Bộ phận chuyên môn")
        KHOI = "khoi", _("Khối, thôn, tổ chức khác")

    LEVELS = {
        "tinh": "province",
        "thanh_pho_tw": "province",
        "huyen": "district",
        "thi_xa": "district",
        "thanh_pho": "district",
        "xa": "commune",
        "phuong": "commune",
        "thi_tran": "commune",
        "so_nganh": "department",
        "phong": "department",
        "bo_phan": "section",
        "khoi": "section",
    }
    # The word an administrative unit's name starts with, for "ỦY BAN NHÂN DÂN / XÃ TÂY HIẾU".
    KIND_WORDS = {
        "tinh": "tỉnh",
        "thanh_pho_tw": "thành phố",
        "huyen": "huyện",
        "thi_xa": "thị xã",
        "thanh_pho": "thành phố",
        "xa": "xã",
        "phuong": "phường",
        "thi_tran": "thị trấn",
    }

    code = models.CharField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên đầy đủ"), max_length=255)
    short_name = models.CharField(_("tên ngắn"), max_length=120)
    kind = models.CharField(_("loại"), max_length=16, choices=Kind)
    is_home_affairs = models.BooleanField(
        _("là cơ quan Nội vụ"), default=False, help_text=_("Phòng Nội vụ cấp huyện hoặc Sở Nội vụ cấp tỉnh.")
    )
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        verbose_name=_("đơn vị kế thừa"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="predecessors",
    )

    objects: ClassVar[UnitManager] = UnitManager()

    class Meta:
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="unit_validity_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def level(self) -> str:
        return self.LEVELS.get(self.kind, "section")

    @property
    def is_administrative(self) -> bool:
        return self.kind in self.KIND_WORDS

    def covering_paths(self) -> list[str]:
        """Paths of this unit and of every unit above it: a membership on any of them covers this unit."""
        return [self.path[: i * self.steplen] for i in range(1, self.depth + 1)]

    def is_current(self, on: dt.date | None = None) -> bool:
        on = on or timezone.localdate()
        return (self.valid_from is None or self.valid_from <= on) and (self.valid_to is None or self.valid_to >= on)

    def administrative_unit(self) -> Unit:
        """The nearest tỉnh/huyện/xã at or above this unit (a section's commune)."""
        if self.is_administrative:
            return self
        for ancestor in reversed(list(Unit.objects.get_ancestors(self))):
            if ancestor.is_administrative:
                return ancestor
        return self

    def home_affairs_office(self, on: dt.date | None = None) -> Unit | None:
        """The Home Affairs office over this unit on a date: a district's Phòng Nội vụ before the 2025 reform,
        the province's Sở Nội vụ after it (following successors when the office itself was merged)."""
        on = on or timezone.localdate()
        for ancestor in reversed(list(Unit.objects.get_ancestors(self))):
            offices = Unit.objects.filter(
                path__startswith=ancestor.path, depth=ancestor.depth + 1, is_home_affairs=True
            )
            for found in offices:
                office: Unit | None = found
                while office is not None and not office.is_current(on):
                    office = office.successor
                if office is not None:
                    return office
        return None


class Person(models.Model):
    """An individual (cá nhân) who can be a participant and be commended; the login is optional."""

    full_name = models.CharField(_("họ và tên"), max_length=120)
    position = models.CharField(_("chức vụ"), max_length=160, blank=True)
    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="people")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    code = models.CharField(_("mã cán bộ"), max_length=40, unique=True, null=True, blank=True)
    is_active = models.BooleanField(_("đang công tác"), default=True)
    # The name without diacritics (campaigns.vietnamese.fold), so "nguyen van" finds "Nguyễn Văn"; kept by save().
    search_name = models.CharField(_("tên không dấu"), max_length=120, blank=True, editable=False, db_index=True)
    left_on = models.DateField(_("nghỉ từ ngày"), null=True, blank=True)

    class Meta:
        verbose_name = _("cá nhân")
        verbose_name_plural = _("cá nhân")

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_name = fold(self.full_name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "full_name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "search_name"}
        super().save(*args, **kwargs)


class Membership(models.Model):
    """A user's role in a unit; the unit's subtree is the scope of everything the user sees."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("tài khoản"), on_delete=models.CASCADE, related_name="memberships"
    )
    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị"), on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("vai trò"), max_length=16, choices=Role)
    title = models.CharField(
        _("chức danh"), max_length=120, blank=True, help_text=_("Ví dụ: Chủ tịch, Phó Chủ tịch, Công chức Văn phòng.")
    )
    is_deputy = models.BooleanField(_("cấp phó (ký thay)"), default=False)

    class Meta:
        verbose_name = _("phân quyền")
        verbose_name_plural = _("phân quyền")
        constraints = [models.UniqueConstraint(fields=["user", "unit", "role"], name="membership_once_per_role")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.unit}"


def ended_plans_q(today: dt.date | None = None) -> Q:
    """The one statement of "a past plan": closed ("Đã kết thúc"), or ended before last year began. A plan that
    ended last year still gives work (its year-end tổng kết and awards run into January and beyond); a 2024 plan is
    history in 2026, not a to-do. Working lists, to-dos and the archive all read it."""
    today = today or timezone.localdate()
    return Q(status="closed") | Q(end__lt=dt.date(today.year - 1, 1, 1))


class PlanQuerySet(models.QuerySet["Plan"]):
    def ended(self, today: dt.date | None = None) -> PlanQuerySet:
        """Plans of the archive ("Kế hoạch đã kết thúc"): ended_plans_q."""
        return self.filter(ended_plans_q(today))

    def current(self, today: dt.date | None = None) -> PlanQuerySet:
        """Plans of the working lists: every plan not ended (drafts and plans still to start included)."""
        return self.exclude(ended_plans_q(today))

    def visible_to(self, user: User) -> PlanQuerySet:
        """Plans issued in the user's scope, or in which a unit of the user's scope takes part."""
        if getattr(user, "is_superuser", False) and user.is_active:
            return self.all()
        return self.filter(
            scope_q(user, ["issuer", "participants__unit", "participants__person__unit"], plan_start="start")
        ).distinct()


class Plan(models.Model):
    """A Kế hoạch thi đua: the campaign's legal frame, periods, participants, criteria and awards."""

    class Kind(models.TextChoices):
        THUONG_XUYEN = "thuong_xuyen", _("Thường xuyên")
        THEO_DOT = "theo_dot", _("Theo đợt")
        CHUYEN_DE = "chuyen_de", _("Chuyên đề")
        CAO_DIEM = "cao_diem", _("Cao điểm")

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", _("Hằng tháng")
        WEEKLY = "weekly", _("Hằng tuần")
        PER_PERIOD = "per_period", _("Một lần mỗi đợt")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Dự thảo")
        ACTIVE = "active", _("Đang triển khai")
        CLOSED = "closed", _("Đã kết thúc")

    TRANSITIONS = {"draft": {"active"}, "active": {"closed", "draft"}, "closed": {"active"}}

    key = models.SlugField(
        _("mã kế hoạch"), max_length=80, unique=True, help_text=_("Khóa ổn định dùng khi nhập lại tệp.")
    )
    issuer = models.ForeignKey(Unit, verbose_name=_("đơn vị ban hành"), on_delete=models.PROTECT, related_name="plans")
    number = models.CharField(_("số"), max_length=20, blank=True)
    symbol = models.CharField(_("ký hiệu"), max_length=40, default="KH-UBND")
    issued_on = models.DateField(_("ngày ban hành"), null=True, blank=True)
    place = models.CharField(_("địa danh"), max_length=80, blank=True)
    title = models.CharField(_("tên kế hoạch"), max_length=500)
    kind = models.CharField(_("loại phong trào"), max_length=16, choices=Kind, default=Kind.CHUYEN_DE)
    start = models.DateField(_("bắt đầu"))
    end = models.DateField(_("kết thúc"))
    legal_bases = models.JSONField(_("căn cứ"), default=list, blank=True)
    purpose = models.TextField(_("mục đích"), blank=True)
    requirements = models.TextField(_("yêu cầu"), blank=True)
    frequency = models.CharField(
        _("tần suất nhập số liệu"), max_length=16, choices=Frequency, default=Frequency.MONTHLY
    )
    grace_days = models.PositiveSmallIntegerField(_("số ngày gia hạn nhập"), default=5)
    total_points = models.DecimalField(_("tổng điểm"), max_digits=7, decimal_places=2, default=100)
    vote_threshold = models.DecimalField(
        _("ngưỡng phiếu Hội đồng (%)"),
        max_digits=5,
        decimal_places=2,
        default=70,
        help_text=_("Tỷ lệ phiếu đồng ý tối thiểu trên tổng số thành viên Hội đồng."),
    )
    status = models.CharField(_("trạng thái"), max_length=16, choices=Status, default=Status.DRAFT)
    signer_name = models.CharField(_("người ký"), max_length=120, blank=True)
    signer_title = models.CharField(_("chức vụ người ký"), max_length=120, blank=True)
    recipients = models.JSONField(_("nơi nhận"), default=list, blank=True)
    source_note = models.TextField(_("ghi chú nguồn"), blank=True)
    copy_changes = models.JSONField(
        _("thay đổi khi sao chép"),
        default=list,
        blank=True,
        help_text=_("Những chỗ được sửa khi sao chép kế hoạch sang năm mới, để người dùng rà soát."),
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    objects = PlanQuerySet.as_manager()
    history = HistoricalRecords()
    # Set by the services before save(); simple-history records them on the history row (declared for mypy only).
    _history_user: User | None
    _change_reason: str | None

    class Meta:
        verbose_name = _("kế hoạch")
        verbose_name_plural = _("kế hoạch")
        ordering = ["-start", "title"]
        constraints = [models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="plan_dates_ordered")]

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("campaigns:plan_detail", args=[self.pk])

    @property
    def number_display(self) -> str:
        return f"{self.number}/{self.symbol}" if self.number else f"…/{self.symbol}"

    @property
    def year(self) -> int:
        return self.start.year

    @property
    def short_name(self) -> str:
        """The plan's number and year, "45/KH-UBND năm 2024" (breadcrumbs, periods' names); a plan not yet numbered
        says so rather than showing "…/KH-UBND"."""
        if self.number:
            return _("%(number)s/%(symbol)s năm %(year)s") % {
                "number": self.number,
                "symbol": self.symbol,
                "year": self.year,
            }
        return _("Kế hoạch năm %(year)s (chưa có số)") % {"year": self.year}

    @property
    def short_title(self) -> str:
        """The title cut at a word boundary after its year, never before it (core.formatting.cut_title)."""
        return cut_title(self.title, self.year)

    @property
    def full_name(self) -> str:
        """The one way a plan is named in lists, selects, page titles and exports: number, year and title."""
        return f"{self.short_name} — {self.short_title}"

    @property
    def signer_title_lines(self) -> list[str]:
        """ "TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH" as the lines printed above the signature."""
        return [line.strip() for line in self.signer_title.split("/") if line.strip()]


class PeriodDates(NamedTuple):
    """A period as typed (in a file, a form or a saved row): what its date rules need."""

    name: str
    start: dt.date | None
    end: dt.date | None
    dossier_deadline: dt.date | None = None


def dates_problem(start: dt.date | None, end: dt.date | None) -> str | None:
    """Why these dates cannot bound a plan or a period (None when they can): the end is not before the start.
    The one statement of the rule for the plan editor, the plan file, the plan-header service and period_problems."""
    if start and end and end < start:
        return _("Ngày kết thúc %(end)s trước ngày bắt đầu %(start)s.") % {
            "end": f"{end:%d/%m/%Y}",
            "start": f"{start:%d/%m/%Y}",
        }
    return None


def period_problems(
    periods: list[PeriodDates], plan_start: dt.date | None, plan_end: dt.date | None
) -> list[tuple[int, str, str | Promise]]:
    """Every broken date rule of a plan's periods as (index, field, Vietnamese message): a period ends after it
    starts, lies inside the plan, overlaps no earlier one, and its dossier deadline is not before it starts.
    The one statement of these rules: Period.clean(), the plan editor's formset and the plan file map it."""
    problems: list[tuple[int, str, str | Promise]] = []
    for index, period in enumerate(periods):
        start, end = period.start, period.end
        if start and end:
            if wrong_order := dates_problem(start, end):
                problems.append((index, "end", wrong_order))
            elif plan_start and plan_end and (start < plan_start or end > plan_end):
                problems.append(
                    (
                        index,
                        "start",
                        _("Đợt phải nằm trong thời gian của kế hoạch (%(start)s–%(end)s).")
                        % {"start": f"{plan_start:%d/%m/%Y}", "end": f"{plan_end:%d/%m/%Y}"},
                    )
                )
            else:
                other = next(
                    (o for o in periods[:index] if o.start and o.end and o.start <= end and start <= o.end), None
                )
                if other is not None:
                    problems.append(
                        (
                            index,
                            "start",
                            _("Đợt «%(name)s» trùng thời gian với đợt «%(other)s».")
                            % {"name": period.name, "other": other.name},
                        )
                    )
        if period.dossier_deadline and start and period.dossier_deadline < start:
            problems.append((index, "dossier_deadline", _("Hạn nộp hồ sơ phải sau ngày bắt đầu của đợt.")))
    return problems


class PeriodQuerySet(models.QuerySet["Period"]):
    def current_first(self, today: dt.date | None = None) -> PeriodQuerySet:
        """The one order of every period list: the period running today first, then those still to come, then the
        rest (ended or closed), each newest first; a 2024 period never sits above this year's open one."""
        today = today or timezone.localdate()
        running = Q(start__lte=today, end__gte=today) & ~Q(status="closed")
        return self.annotate(
            current_rank=models.Case(
                models.When(running, then=models.Value(0)),
                models.When(Q(start__gt=today) & ~Q(status="closed"), then=models.Value(1)),
                default=models.Value(2),
                output_field=models.IntegerField(),
            )
        ).order_by("current_rank", "-start", "plan__title", "order")


class Period(models.Model):
    """An đợt of a plan: its dates, review kind (sơ kết / tổng kết), dossier deadline and close status."""

    class ReviewKind(models.TextChoices):
        SO_KET = "so_ket", _("Sơ kết")
        TONG_KET = "tong_ket", _("Tổng kết")

    class Status(models.TextChoices):
        OPEN = "open", _("Đang diễn ra")
        CLOSING = "closing", _("Đang chốt")
        CLOSED = "closed", _("Đã chốt")

    plan = models.ForeignKey(Plan, verbose_name=_("kế hoạch"), on_delete=models.CASCADE, related_name="periods")
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=1)
    name = models.CharField(_("tên đợt"), max_length=120)
    start = models.DateField(_("từ ngày"))
    end = models.DateField(_("đến ngày"))
    review_kind = models.CharField(_("hình thức"), max_length=16, choices=ReviewKind, default=ReviewKind.TONG_KET)
    dossier_deadline = models.DateField(_("hạn nộp hồ sơ khen thưởng"), null=True, blank=True)
    status = models.CharField(_("trạng thái"), max_length=16, choices=Status, default=Status.OPEN)
    closed_at = models.DateTimeField(_("chốt lúc"), null=True, blank=True)

    objects = PeriodQuerySet.as_manager()
    history = HistoricalRecords()
    # Set by the services before save(); simple-history records them on the history row (declared for mypy only).
    _history_user: User | None
    _change_reason: str | None

    class Meta:
        verbose_name = _("đợt thi đua")
        verbose_name_plural = _("đợt thi đua")
        ordering = ["plan", "start"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="period_dates_ordered"),
            models.UniqueConstraint(fields=["plan", "order"], name="period_order_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.start:%d/%m/%Y}–{self.end:%d/%m/%Y})"

    @property
    def full_name(self) -> str:
        """The one way a period is named outside its plan's pages: "Đợt 1 · 45/KH-UBND năm 2024"."""
        return f"{self.name} · {self.plan.short_name}"

    def clean(self) -> None:
        others = list(self.plan.periods.exclude(pk=self.pk).order_by("start")) if self.plan_id else []
        rows = [PeriodDates(o.name, o.start, o.end) for o in others]
        rows.append(PeriodDates(self.name, self.start, self.end, self.dossier_deadline))
        plan_start, plan_end = (self.plan.start, self.plan.end) if self.plan_id else (None, None)
        errors = {
            field: message
            for index, field, message in period_problems(rows, plan_start, plan_end)
            if index == len(others)
        }
        if errors:
            raise ValidationError(errors)

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED


class Group(models.Model):
    """A khối thi đua: participants compared with each other, with their own quotas."""

    plan = models.ForeignKey(Plan, verbose_name=_("kế hoạch"), on_delete=models.CASCADE, related_name="groups")
    code = models.SlugField(_("mã khối"), max_length=40)
    name = models.CharField(_("tên khối"), max_length=200)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=1)

    class Meta:
        verbose_name = _("khối thi đua")
        verbose_name_plural = _("khối thi đua")
        ordering = ["plan", "order", "name"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="group_code_unique_in_plan")]

    def __str__(self) -> str:
        return self.name


class ParticipantQuerySet(models.QuerySet["Participant"]):
    def visible_to(self, user: User) -> ParticipantQuerySet:
        """Participants whose unit (or whose person's unit) is in the user's scope, or of plans the user issued."""
        if getattr(user, "is_superuser", False) and user.is_active:
            return self.all()
        return self.filter(scope_q(user, ["unit", "person__unit", "plan__issuer"], plan_start="plan__start"))


class Participant(models.Model):
    """A collective (tập thể = a Unit) or an individual (cá nhân = a Person) taking part in a plan."""

    class Kind(models.TextChoices):
        COLLECTIVE = "collective", _("Tập thể")
        INDIVIDUAL = "individual", _("Cá nhân")

    plan = models.ForeignKey(Plan, verbose_name=_("kế hoạch"), on_delete=models.CASCADE, related_name="participants")
    group = models.ForeignKey(
        Group, verbose_name=_("khối"), null=True, blank=True, on_delete=models.SET_NULL, related_name="participants"
    )
    kind = models.CharField(_("loại"), max_length=16, choices=Kind)
    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị"), null=True, blank=True, on_delete=models.PROTECT)
    person = models.ForeignKey(Person, verbose_name=_("cá nhân"), null=True, blank=True, on_delete=models.PROTECT)
    # Copies of the names as they were when the participant was enrolled: units merge and people move.
    name = models.CharField(_("tên"), max_length=255)
    position = models.CharField(_("chức vụ"), max_length=160, blank=True)
    unit_name = models.CharField(_("đơn vị công tác"), max_length=255, blank=True)

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        verbose_name = _("đối tượng tham gia")
        verbose_name_plural = _("đối tượng tham gia")
        ordering = ["plan", "kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "unit"], condition=Q(kind="collective"), name="collective_once_per_plan"
            ),
            models.UniqueConstraint(
                fields=["plan", "person"], condition=Q(kind="individual"), name="individual_once_per_plan"
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind="collective", unit__isnull=False, person__isnull=True)
                    | Q(kind="individual", person__isnull=False)
                ),
                name="participant_kind_matches_subject",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def home_unit(self) -> Unit:
        """The unit this participant takes part for: the collective itself, or the unit an individual was enrolled
        from. A person who moves later stays with that unit in this plan (its staff enter the readings, its office
        prepares the dossier); the person's current unit is only the fallback of a row enrolled without one."""
        if self.unit is not None:
            return self.unit
        # An individual always has a person (the participant_kind_matches_subject constraint).
        assert self.person is not None
        return self.person.unit

    @property
    def home_unit_id(self) -> int:
        if self.unit_id is not None:
            return self.unit_id
        assert self.person is not None
        return self.person.unit_id


class PlanTask(models.Model):
    """A nhiệm vụ of a plan (Hoàng Việt): advising section, executing units, deadline, status and progress."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Chưa thực hiện")
        IN_PROGRESS = "in_progress", _("Đang thực hiện")
        DONE = "done", _("Hoàn thành")

    plan = models.ForeignKey(Plan, verbose_name=_("kế hoạch"), on_delete=models.CASCADE, related_name="tasks")
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=1)
    code = models.CharField(_("mục"), max_length=20, blank=True, help_text=_("Ví dụ: 1.2"))
    title = models.TextField(_("nội dung nhiệm vụ"))
    lead_unit = models.ForeignKey(
        Unit,
        verbose_name=_("bộ phận tham mưu"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_tasks",
    )
    executing_units = models.ManyToManyField(Unit, verbose_name=_("đơn vị thực hiện"), blank=True, related_name="tasks")
    deadline = models.DateField(_("thời hạn"), null=True, blank=True)
    status = models.CharField(_("trạng thái"), max_length=16, choices=Status, default=Status.NOT_STARTED)
    progress = models.TextField(_("báo cáo tiến độ"), blank=True)
    progress_percent = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)

    history = HistoricalRecords()
    # Set by the services before save(); simple-history records them on the history row (declared for mypy only).
    _history_user: User | None
    _change_reason: str | None

    class Meta:
        verbose_name = _("nhiệm vụ")
        verbose_name_plural = _("nhiệm vụ")
        ordering = ["plan", "order"]
        constraints = [models.CheckConstraint(condition=Q(progress_percent__lte=100), name="task_progress_percent")]

    def __str__(self) -> str:
        return self.title[:80]

    @property
    def is_overdue(self) -> bool:
        return bool(self.deadline and self.status != self.Status.DONE and self.deadline < timezone.localdate())


class JobQuerySet(models.QuerySet["Job"]):
    def visible_to(self, user: User) -> JobQuerySet:
        """Jobs the user started, or about a unit in the user's scope."""
        if getattr(user, "is_superuser", False) and user.is_active:
            return self.all()
        return self.filter(Q(started_by=user) | Q(unit__in=Unit.objects.in_scope_of(user)))


class Job(models.Model):
    """A background job (period close, recompute, PDF, export): who started it, its state, progress, time and error."""

    class State(models.TextChoices):
        PENDING = "pending", _("Đang chờ")
        RUNNING = "running", _("Đang chạy")
        SUCCESS = "success", _("Hoàn thành")
        FAILURE = "failure", _("Lỗi")
        # The worker stopped sending its heartbeat (killed, machine lost): quản trị may run it again.
        LOST = "lost", _("Mất kết nối")
        # Redelivered or retried after what it was queued for had changed: did nothing, message says why.
        SKIPPED = "skipped", _("Bỏ qua")

    task = models.CharField(_("việc"), max_length=120)
    label = models.CharField(_("mô tả"), max_length=255)
    kwargs = models.JSONField(_("tham số"), default=dict, blank=True)
    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị"), null=True, blank=True, on_delete=models.SET_NULL)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người khởi chạy"), null=True, blank=True, on_delete=models.SET_NULL
    )
    celery_id = models.CharField(_("mã Celery"), max_length=64, blank=True)
    state = models.CharField(_("trạng thái"), max_length=16, choices=State, default=State.PENDING)
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    message = models.CharField(_("thông báo"), max_length=500, blank=True)
    error = models.TextField(_("lỗi"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("số lần chạy"), default=0)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    started_at = models.DateTimeField(_("bắt đầu lúc"), null=True, blank=True)
    finished_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("tín hiệu cuối lúc"), null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        verbose_name = _("tiến trình xử lý")
        verbose_name_plural = _("tiến trình xử lý")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.label

    @property
    def duration(self) -> dt.timedelta | None:
        if self.started_at and self.finished_at:
            return self.finished_at - self.started_at
        return None

    @property
    def is_finished(self) -> bool:
        return self.state in (self.State.SUCCESS, self.State.FAILURE, self.State.LOST, self.State.SKIPPED)

    @property
    def is_refused(self) -> bool:
        """Failed with a reason for the user and no error (core.jobs.JobRefused: nothing written, no bug)."""
        return self.state == self.State.FAILURE and not self.error

    @property
    def may_retry(self) -> bool:
        """A failed job, or one whose worker was lost, can be run again (by quản trị); a refused one would only be
        refused again."""
        return self.state == self.State.LOST or (self.state == self.State.FAILURE and not self.is_refused)


class Notice(models.Model):
    """An in-app notice to one user (period closed, proposals waiting); `key` makes sending it idempotent."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người nhận"), on_delete=models.CASCADE, related_name="notices"
    )
    key = models.CharField(_("khóa"), max_length=120)
    title = models.CharField(_("tiêu đề"), max_length=255)
    body = models.TextField(_("nội dung"), blank=True)
    url = models.CharField(_("đường dẫn"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("lúc"), auto_now_add=True)
    read_at = models.DateTimeField(_("đã đọc lúc"), null=True, blank=True)
    # Set when the daily digest mailed it (campaigns.notices.send_notice_digests): a notice is mailed once.
    mailed_at = models.DateTimeField(_("đã gửi thư lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="notice_once_per_key")]

    def __str__(self) -> str:
        return self.title


class NoticePreference(models.Model):
    """A user's choice about notices: whether the daily e-mail digest is sent (in-app notices always are)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản"),
        on_delete=models.CASCADE,
        related_name="notice_preference",
    )
    email_digest = models.BooleanField(_("nhận thư tổng hợp thông báo hằng ngày"), default=True)

    class Meta:
        verbose_name = _("cài đặt thông báo")
        verbose_name_plural = _("cài đặt thông báo")

    def __str__(self) -> str:
        return str(self.user)


# --- Officials' history, accounts' one-time passwords and the org audit log (issue 20) ---------------------------


class Posting(models.Model):
    """Where an official worked and from when (công tác): moving them closes one posting and opens the next, so the
    history of a person's units stays readable after a move or a merger."""

    person = models.ForeignKey(Person, verbose_name=_("cá nhân"), on_delete=models.CASCADE, related_name="postings")
    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="postings")
    position = models.CharField(_("chức vụ"), max_length=160, blank=True)
    start = models.DateField(_("từ ngày"), null=True, blank=True)
    end = models.DateField(_("đến ngày"), null=True, blank=True)

    class Meta:
        verbose_name = _("quá trình công tác")
        verbose_name_plural = _("quá trình công tác")
        ordering = ["person", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(start__isnull=True) | Q(end__gte=models.F("start")),
                name="posting_dates_ordered",
            ),
            # One open posting per person: a person is never in two units at once.
            models.UniqueConstraint(fields=["person"], condition=Q(end__isnull=True), name="posting_one_open"),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.unit}"


class TemporaryPassword(models.Model):
    """A one-time password a quản trị gave: while the account's password is still this one (same hash), every page
    sends the user to "Đổi mật khẩu" first."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="temporary_password",
        verbose_name=_("tài khoản"),
    )
    password_hash = models.CharField(_("mã băm"), max_length=128)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người cấp"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("cấp lúc"), auto_now=True)

    class Meta:
        verbose_name = _("mật khẩu dùng một lần")
        verbose_name_plural = _("mật khẩu dùng một lần")

    def __str__(self) -> str:
        return str(self.user)

    @property
    def is_pending(self) -> bool:
        """True while the user has not yet replaced the one-time password."""
        return self.user.password == self.password_hash


class OrgEventQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> OrgEventQuerySet:
        """Changes about units where the user is quản trị (the unit itself or a unit above it)."""
        if getattr(user, "is_superuser", False) and user.is_active:
            return self.all()
        return self.filter(unit__in=Unit.objects.in_scope_of(user, roles=(Role.QUAN_TRI,)))


class OrgEvent(models.Model):
    """One change to officials, accounts, roles or the org tree: who did what, to whom, on which unit, when."""

    class Action(models.TextChoices):
        PERSON_ADD = "person_add", _("Thêm cán bộ")
        PERSON_EDIT = "person_edit", _("Sửa thông tin cán bộ")
        PERSON_MOVE = "person_move", _("Điều chuyển cán bộ")
        PERSON_LEAVE = "person_leave", _("Cán bộ nghỉ công tác")
        ACCOUNT_ADD = "account_add", _("Tạo tài khoản")
        ACCOUNT_DEACTIVATE = "account_deactivate", _("Khóa tài khoản")
        ACCOUNT_ACTIVATE = "account_activate", _("Mở lại tài khoản")
        PASSWORD_RESET = "password_reset", _("Cấp lại mật khẩu")
        ROLE_GRANT = "role_grant", _("Giao vai trò")
        ROLE_REVOKE = "role_revoke", _("Thu hồi vai trò")
        ORG_IMPORT = "org_import", _("Nhập tổ chức từ Excel")
        UNIT_MERGE = "unit_merge", _("Sáp nhập đơn vị")

    at = models.DateTimeField(_("lúc"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="org_events_done",
    )
    action = models.CharField(_("thao tác"), max_length=24, choices=Action)
    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị"), on_delete=models.CASCADE, related_name="org_events")
    person = models.ForeignKey(
        Person, verbose_name=_("cá nhân"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="org_events",
    )
    detail = models.TextField(_("chi tiết"), blank=True)

    objects = OrgEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("nhật ký tổ chức")
        verbose_name_plural = _("nhật ký tổ chức")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} · {self.unit}"
