from django.contrib import admin

from awards.models import (
    AwardKind,
    Condition,
    ConditionCheck,
    CouncilMeeting,
    CouncilVote,
    Decision,
    DossierFile,
    DossierRequirement,
    IssuerSetting,
    LegalText,
    Nomination,
    NominationTransition,
    ProposalNote,
    QuotaRule,
    RewardRule,
)
from campaigns.admin_history import ReadOnlyHistoryAdmin


@admin.register(AwardKind)
class AwardKindAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "level", "recipients", "individual_coefficient", "collective_multiplier"]
    list_filter = ["level", "recipients"]
    search_fields = ["name", "code"]


@admin.register(IssuerSetting)
class IssuerSettingAdmin(admin.ModelAdmin):
    list_display = ("unit", "numbering")
    list_filter = ("numbering",)
    autocomplete_fields = ("unit",)


@admin.register(LegalText)
class LegalTextAdmin(admin.ModelAdmin):
    list_display = ["citation", "number", "kind", "province", "issued_on", "effective_from", "effective_to"]
    list_filter = ["kind"]
    search_fields = ["citation"]


@admin.register(RewardRule)
class RewardRuleAdmin(admin.ModelAdmin):
    list_display = ["base_salary", "effective_from", "rounding", "rounding_step", "double_before_rounding"]
    search_fields = ["legal_basis"]


@admin.register(QuotaRule)
class QuotaRuleAdmin(admin.ModelAdmin):
    list_display = [
        "plan",
        "period",
        "group",
        "award_kind",
        "max_collectives",
        "max_individuals",
        "individuals_per_collective",
    ]
    search_fields = ["plan__title", "group__name"]


@admin.register(Condition)
class ConditionAdmin(admin.ModelAdmin):
    list_display = ["text", "plan", "applies_to", "order"]
    list_filter = ["applies_to"]
    search_fields = ["text", "plan__title"]


@admin.register(DossierRequirement)
class DossierRequirementAdmin(admin.ModelAdmin):
    list_display = ["name", "plan", "applies_to", "per_nominee", "order"]
    search_fields = ["name", "plan__title"]


class TransitionInline(admin.TabularInline):
    model = NominationTransition
    extra = 0
    can_delete = False
    readonly_fields = ["from_status", "to_status", "by", "at", "reason"]


@admin.register(Nomination)
class NominationAdmin(ReadOnlyHistoryAdmin):
    list_display = ["name", "award_kind", "period", "status", "rank", "tied_at_cut", "decision"]
    list_filter = ["status", "tied_at_cut", "added_by_hand"]
    search_fields = ["name", "unit_name", "period__plan__title"]
    raw_id_fields = ["participant", "period", "quota_rule", "decision"]
    inlines = [TransitionInline]

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.decision_id and obj.decision.status != Decision.Status.DRAFT:
            return False
        return super().has_change_permission(request, obj)

    has_delete_permission = has_change_permission


@admin.register(ProposalNote)
class ProposalNoteAdmin(admin.ModelAdmin):
    list_display = ["participant", "quota_rule", "period", "proposed", "rank"]
    list_filter = ["proposed"]
    search_fields = ["participant__name", "reason"]


@admin.register(ConditionCheck)
class ConditionCheckAdmin(admin.ModelAdmin):
    list_display = ["nomination", "condition", "confirmed", "by", "at"]
    list_filter = ["confirmed"]
    search_fields = ["nomination__name"]


@admin.register(DossierFile)
class DossierFileAdmin(admin.ModelAdmin):
    list_display = ["original_name", "nomination", "requirement", "size", "uploaded_by", "uploaded_at"]
    search_fields = ["original_name", "nomination__name"]


class CouncilVoteInline(admin.TabularInline):
    model = CouncilVote
    extra = 0


@admin.register(CouncilMeeting)
class CouncilMeetingAdmin(admin.ModelAdmin):
    list_display = ["period", "held_on", "members_total", "members_present", "secret_ballot", "threshold_percent"]
    search_fields = ["period__plan__title"]
    inlines = [CouncilVoteInline]


@admin.register(Decision)
class DecisionAdmin(ReadOnlyHistoryAdmin):
    list_display = ["__str__", "issuer", "period", "status", "signed_on", "signer_name"]
    list_filter = ["status", "signer_is_deputy"]
    search_fields = ["summary", "signer_name", "issuer__name"]
    raw_id_fields = ["issuer", "period", "signer", "award_kind"]

    def has_change_permission(self, request, obj=None):
        # A signed or annulled decision changes only through the annul path, never in the admin.
        if obj is not None and obj.status != Decision.Status.DRAFT:
            return False
        return super().has_change_permission(request, obj)

    has_delete_permission = has_change_permission


@admin.register(NominationTransition)
class NominationTransitionAdmin(admin.ModelAdmin):
    """The transitions log is append-only: readable here, written only by the workflow services."""

    list_display = ["nomination", "from_status", "to_status", "by", "at"]
    list_filter = ["to_status"]
    search_fields = ["nomination__name", "reason"]
    readonly_fields = ["nomination", "from_status", "to_status", "by", "at", "reason"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CouncilVote)
class CouncilVoteAdmin(admin.ModelAdmin):
    list_display = ["nomination", "meeting", "votes_for"]
    search_fields = ["nomination__name"]
    raw_id_fields = ["nomination", "meeting"]
