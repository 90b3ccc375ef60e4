"""Nominations: the quota engine's proposals, then the workflow to the chairman's decision, and the council.

Life of a nomination (every step one NominationTransition row: from, to, who, when, reason)::

    proposed ─► prepared ─► submitted ─► [appraised] ─► accepted
        │           │            │             │
        └───────────┴────────────┴─────────────┴──────► rejected (by lãnh đạo, with a reason)
    proposed ◄──► withdrawn   (the engine, re-run after a condition was recorded as not met)

* proposed → prepared: office staff (nhập liệu) of the nominee's unit confirmed every eligibility condition
  (ConditionCheck) and attached every document the plan requires (DossierRequirement).
* prepared → submitted: the office sends the dossier to the deciding level.
* submitted → appraised: only for plans decided above the commune (issuer at district or province level, as in
  Ninh Thuận); the Home Affairs office (nội vụ) records agree / disagree with a comment. This is the only write a
  nội vụ user may make.
* → accepted / rejected: lãnh đạo of the plan's issuing unit; acceptance needs the Hội đồng TĐKT's votes at or
  above the plan's threshold and stays within the quota; rejection needs a reason.

Every write takes an optional ``expected_version`` (the version the user's form was rendered with): when the
nomination changed meanwhile the second save is refused with a conflict message (optimistic concurrency).
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from awards import quota
from awards.dossiers import inspect_upload
from awards.models import (
    Condition,
    ConditionCheck,
    CouncilMeeting,
    CouncilVote,
    Decision,
    DossierFile,
    DossierRequirement,
    Nomination,
    NominationTransition,
    ProposalNote,
    QuotaRule,
)
from awards.policies import (
    ACTIVE_STATUSES,
    NominationPolicy,
    PeriodAwardsPolicy,
    owning_collective,
    quota_limit,
    reaches_threshold,
    unit_of,
)
from awards.selectors import applicable_conditions
from campaigns.models import Participant, Period, Role, Unit
from campaigns.notices import clerks_of, members_of, notify
from core.formatting import format_percent, history_reason
from scoring.models import Standing

if TYPE_CHECKING:
    import datetime as dt

    from django.contrib.auth.models import User
    from django.core.files.uploadedfile import UploadedFile

Status = Nomination.Status


# ---------------------------------------------------------------------------------------------------------------
# Helpers shared by the services
# ---------------------------------------------------------------------------------------------------------------


def rules_for_period(period: Period) -> list[QuotaRule]:
    """The plan's quota rules that apply to a period: a rule for this period replaces an every-period rule with the
    same group and award kind."""
    rules = list(
        QuotaRule.objects.filter(plan_id=period.plan_id)
        .filter(Q(period__isnull=True) | Q(period=period))
        .select_related("award_kind", "group")
        .order_by("pk")
    )
    specific = {(r.group_id, r.award_kind_id) for r in rules if r.period_id}
    return [r for r in rules if r.period_id or (r.group_id, r.award_kind_id) not in specific]


def _conflict(nomination: Nomination) -> ValidationError:
    return ValidationError(
        _(
            "Đề nghị của %(name)s vừa được người khác cập nhật (phiên bản %(version)s). "
            "Vui lòng tải lại trang và thực hiện lại."
        )
        % {"name": nomination.name, "version": nomination.version},
        code="conflict",
    )


def _lock(nomination: Nomination, expected_version: int | None) -> Nomination:
    """Re-read the nomination under a row lock; refuse when the user's copy is stale."""
    current = (
        Nomination.objects.select_for_update(of=("self",))
        .select_related(
            "period__plan__issuer", "participant__unit", "participant__person__unit", "quota_rule", "award_kind"
        )
        .get(pk=nomination.pk)
    )
    if expected_version is not None and int(expected_version) != current.version:
        raise _conflict(current)
    return current


def _move(
    nomination: Nomination, to: str, *, by: User | None, reason: str = "", fields: tuple[str, ...] = ()
) -> Nomination:
    """Change status, bump the version, save and write the transition row (caller holds the row lock)."""
    old = nomination.status
    nomination.status = to
    nomination.version += 1  # the caller holds the row lock (select_for_update), so no lost update
    nomination._change_reason = history_reason(reason) if reason else to
    nomination.save(update_fields=["status", "version", *fields])
    NominationTransition.objects.create(nomination=nomination, from_status=old, to_status=to, by=by, reason=reason)
    return nomination


def _touch(nomination: Nomination, fields: tuple[str, ...] = ()) -> None:
    nomination.version += 1  # under the row lock taken by _lock / select_for_update
    nomination.save(update_fields=["version", *fields])


def _copies(participant: Participant) -> dict[str, str]:
    """Name, position and unit as they are now: the nomination keeps them even after a move or a merger."""
    if participant.kind == Participant.Kind.INDIVIDUAL and participant.person_id:
        person = participant.person
        assert person is not None  # person_id is set
        return {
            "name": person.full_name,
            "position": person.position or participant.position,
            "unit_name": person.unit.name if person.unit_id else participant.unit_name,
        }
    unit = participant.unit
    assert unit is not None  # a collective has a unit (participant_kind_matches_subject)
    parent = Unit.objects.get_parent(unit) if unit is not None and unit.level == "section" else None
    return {
        "name": participant.name or unit.name,
        "position": "",
        "unit_name": participant.unit_name or (parent.name if parent else ""),
    }


# ---------------------------------------------------------------------------------------------------------------
# The quota engine on a period
# ---------------------------------------------------------------------------------------------------------------


def engine_entries(period: Period) -> list[quota.Entry]:
    """The period's frozen standings as engine entries, with conditions recorded as not met (plain rows, not model
    instances: a national period has 13,000 standings, each with its participant, person and units)."""
    standings = list(
        Standing.objects.filter(period=period, frozen=True)
        .order_by("group_id", "rank", "participant_id")
        .values_list(
            "participant_id",
            "participant__kind",
            "participant__name",
            "participant__person_id",
            "participant__unit__path",
            "participant__person__unit__path",
            "group_id",
            "group__name",
            "rank",
            "ratio",
            "tied",
            "readings_expected",
            "readings_present",
        )
    )
    failed: dict[int, list[str]] = defaultdict(list)
    checks = (
        ConditionCheck.objects.filter(nomination__period=period, confirmed=False)
        .select_related("condition", "nomination")
        .order_by("condition__order", "condition_id")
    )
    for check in checks:
        texts = failed[check.nomination.participant_id]
        if check.condition.text not in texts:
            texts.append(check.condition.text)
    sizes: dict[tuple[Any, ...], int] = defaultdict(int)
    for participant_id, kind, *_rest, group_id, _group_name, rank, _ratio, _tied, _expected, _present in standings:
        if rank is not None:
            sizes[(group_id, kind)] += 1
    labels: dict[int, str] = {}
    entries = []
    for (
        participant_id,
        kind,
        name,
        person_id,
        unit_path,
        person_unit_path,
        group_id,
        group_name,
        rank,
        ratio,
        tied,
        expected,
        present,
    ) in standings:
        # Participant.home_unit, from the row: its own unit, or the person's for a row enrolled without one.
        path = unit_path or person_unit_path
        if group_id is not None and group_id not in labels:
            labels[group_id] = quota.group_label(group_name)
        entries.append(
            quota.Entry(
                participant_id=participant_id,
                kind=kind,
                name=name,
                group_id=group_id,
                rank=rank,
                ratio=ratio,
                tied=tied,
                readings_expected=expected,
                readings_present=present,
                unit_path=path or "",
                group_size=sizes[(group_id, kind)],
                group_label=labels[group_id] if group_id is not None else "",
                failed_conditions=tuple(failed.get(participant_id, ())),
            )
        )
    return entries


def engine_rules(rules: list[QuotaRule]) -> list[quota.Rule]:
    """Quota rules as engine rules."""
    return [
        quota.Rule(
            rule_id=rule.pk,
            group_id=rule.group_id,
            group_label=quota.group_label(rule.group.name if rule.group is not None else ""),
            max_collectives=rule.max_collectives,
            max_individuals=rule.max_individuals,
            individuals_per_collective=rule.individuals_per_collective,
            min_ratio=Decimal(rule.min_ratio),
        )
        for rule in rules
    ]


def achievement_line(entry: quota.Entry, rule: QuotaRule) -> str:
    """The nomination's achievement as the decision and certificate print it: the rank within the participant's own
    list (group and kind), "Xếp hạng 2/7 khối …"."""
    return _("Xếp hạng %(rank)s/%(size)s %(group)s, tỷ lệ điểm %(ratio)s") % {
        "rank": entry.rank,
        "size": entry.group_size,
        "group": quota.group_label(rule.group.name)
        if rule.group is not None
        else (entry.group_label or quota.group_label("")),
        "ratio": format_percent(entry.ratio),
    }


def refresh_nomination_ranks(*, period: Period) -> int:
    """After a closed period was recomputed: the engine's nominations not in a signed decision take the new rank,
    ratio and achievement line; a signed decision keeps its snapshot. Returns how many changed."""
    entries = {entry.participant_id: entry for entry in engine_entries(period)}
    changed = []
    nominations = (
        Nomination.objects.filter(period=period, quota_rule__isnull=False)
        .exclude(decision__status=Decision.Status.SIGNED)
        .select_related("quota_rule__group")
    )
    for nomination in nominations:
        entry = entries.get(nomination.participant_id)
        if entry is None or nomination.quota_rule is None:
            continue
        fresh = (entry.rank, entry.ratio, achievement_line(entry, nomination.quota_rule))
        if (nomination.rank, nomination.ratio, nomination.achievement) != fresh:
            nomination.rank, nomination.ratio, nomination.achievement = fresh
            changed.append(nomination)
    Nomination.objects.bulk_update(changed, ["rank", "ratio", "achievement"], batch_size=500)
    return len(changed)


@transaction.atomic
def propose_for_period(*, period: Period, by: User | None = None) -> list[Nomination]:
    """Run the quota engine on a period's frozen standings; write ProposalNotes and Nominations. Idempotent.

    Locks the period row first, so two runs at once are serialised; nominations are unique per
    (period, participant, award kind) and created with get_or_create, so a second run never duplicates.
    A nomination still "proposed" that the engine no longer selects (a condition recorded as not met) becomes
    "withdrawn" with the engine's reason; one selected again comes back to "proposed". Nominations past
    "proposed", and those added by hand, are never touched. Returns the nominations the engine selected.
    """
    period = Period.objects.select_for_update().select_related("plan__issuer").get(pk=period.pk)
    PeriodAwardsPolicy.propose(by, period).ensure()
    rules = rules_for_period(period)
    if not rules:
        return []
    entries = engine_entries(period)
    by_id = {e.participant_id: e for e in entries}
    rule_by_id = {r.pk: r for r in rules}
    outcomes = quota.run(engine_rules(rules), entries)
    participants = Participant.objects.select_related("unit", "person__unit").in_bulk(
        {o.participant_id for o in outcomes if o.proposed}
    )

    # One note per participant and rule, written in bulk: the period row is locked above, so nobody else writes
    # this period's notes meanwhile (a national plan has 13,000 participants; one query each took 40 s).
    existing = {
        (note.quota_rule_id, note.participant_id): note
        for note in ProposalNote.objects.filter(period=period, quota_rule_id__in=rule_by_id)
    }
    to_create, to_update = [], []
    for outcome in outcomes:
        values = {"proposed": outcome.proposed, "reason": outcome.reason, "rank": outcome.rank}
        note = existing.get((outcome.rule_id, outcome.participant_id))
        if note is None:
            to_create.append(
                ProposalNote(
                    period=period, quota_rule_id=outcome.rule_id, participant_id=outcome.participant_id, **values
                )
            )
        elif any(getattr(note, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(note, name, value)
            to_update.append(note)
    ProposalNote.objects.bulk_create(to_create, batch_size=2000)
    ProposalNote.objects.bulk_update(to_update, ["proposed", "reason", "rank"], batch_size=2000)
    ProposalNote.objects.filter(period=period).exclude(quota_rule_id__in=rule_by_id).delete()

    selected: dict[tuple[int, int], quota.Outcome] = {}
    not_selected: dict[tuple[int, int], quota.Outcome] = {}
    for outcome in outcomes:
        key = (outcome.participant_id, rule_by_id[outcome.rule_id].award_kind_id)
        if outcome.proposed:
            selected.setdefault(key, outcome)
        else:
            not_selected.setdefault(key, outcome)

    # Every nomination of the period, locked and read in one query (a national close selects 1,300 of them).
    existing_nominations = {
        (n.participant_id, n.award_kind_id): n for n in Nomination.objects.select_for_update().filter(period=period)
    }
    result, new = [], []
    for (participant_id, award_kind_id), outcome in selected.items():
        entry = by_id[participant_id]
        rule = rule_by_id[outcome.rule_id]
        achievement = achievement_line(entry, rule)
        engine_fields = {
            "rank": entry.rank,
            "ratio": entry.ratio,
            "reason": outcome.reason,
            "tied_at_cut": outcome.tied_at_cut,
            "quota_rule": rule,
        }
        nomination = existing_nominations.get((participant_id, award_kind_id))
        if nomination is None:
            nomination = Nomination(
                period=period,
                participant=participants[participant_id],
                award_kind_id=award_kind_id,
                achievement=achievement,
                **engine_fields,
                **_copies(participants[participant_id]),
            )
            new.append((nomination, outcome))
        elif nomination.status in (Status.PROPOSED, Status.WITHDRAWN) and not nomination.added_by_hand:
            changed = tuple(k for k, v in engine_fields.items() if getattr(nomination, k) != v)
            for name in changed:
                setattr(nomination, name, engine_fields[name])
            if nomination.status == Status.WITHDRAWN:
                _move(nomination, Status.PROPOSED, by=by, reason=outcome.reason, fields=changed)
            elif changed:
                _touch(nomination, changed)
        result.append(nomination)
    if new:
        # New proposals in bulk, each with its history row and its first transition (the period row lock above
        # keeps any other run from inserting the same ones meanwhile).
        bulk_create_with_history(
            [nomination for nomination, _outcome in new], Nomination, batch_size=500, default_user=by
        )
        NominationTransition.objects.bulk_create(
            [
                NominationTransition(
                    nomination=nomination, from_status="", to_status=Status.PROPOSED, by=by, reason=outcome.reason
                )
                for nomination, outcome in new
            ],
            batch_size=1000,
        )

    # Engine-made proposals that the engine no longer selects are withdrawn: read them in one query, not one each.
    stale_proposals = {
        key: nomination
        for key, nomination in existing_nominations.items()
        if nomination.status == Status.PROPOSED and not nomination.added_by_hand
    }
    for key, outcome in not_selected.items():
        if key in selected:
            continue
        stale = stale_proposals.get(key)
        if stale is not None:
            stale.reason, stale.tied_at_cut = outcome.reason, False
            _move(stale, Status.WITHDRAWN, by=by, reason=outcome.reason, fields=("reason", "tied_at_cut"))
    settle_ties(period=period)  # the engine flags every tie it sees; those the chairman already settled stay settled
    return result


def settle_ties(*, period: Period) -> list[Nomination]:
    """Clear the tie flag (and its note in the reason) of nominations whose tie no longer over-subscribes the places.

    The engine flags a tie at the cut line when more nominees share the last place than the rule has places
    (awards/quota.py). The cause goes away when the chairman rejects the ones not chosen (or the engine withdraws
    them): once the rule's active nominees of that kind fit its quota, and, for "K individuals per selected
    collective", the active individuals of the nominee's collective fit K, the tie is settled and the warning, the
    badge and the note go. Called after a rejection and after every run of the engine. Returns the nominations
    cleared."""
    tied = list(
        Nomination.objects.filter(period=period, tied_at_cut=True, status__in=ACTIVE_STATUSES).select_related(
            "quota_rule", "participant__unit", "participant__person__unit"
        )
    )
    if not tied:
        return []
    active = list(
        Nomination.objects.filter(
            period=period, quota_rule_id__in={n.quota_rule_id for n in tied}, status__in=ACTIVE_STATUSES
        ).select_related("participant__unit", "participant__person__unit")
    )
    cleared = []
    for nomination in tied:
        rule, kind = nomination.quota_rule, nomination.participant.kind
        if rule is None:
            continue
        same = [n for n in active if n.quota_rule_id == rule.pk and n.participant.kind == kind]
        over = len(same) > quota_limit(rule, kind) if quota_limit(rule, kind) else False
        if rule.individuals_per_collective and kind == Participant.Kind.INDIVIDUAL:
            collectives = list(
                Nomination.objects.filter(
                    period=period, quota_rule=rule, participant__kind=Participant.Kind.COLLECTIVE
                ).select_related("participant__unit")
            )
            owner = owning_collective(collectives, nomination.participant)
            mates = [n for n in same if owning_collective(collectives, n.participant) == owner]
            over = over or len(mates) > rule.individuals_per_collective
        if over:
            continue
        nomination.tied_at_cut = False
        nomination.reason = nomination.reason.replace(quota.tie_note(), "")
        cleared.append(nomination)
    Nomination.objects.bulk_update(cleared, ["tied_at_cut", "reason"])
    return cleared


# ---------------------------------------------------------------------------------------------------------------
# Dossier: condition checks and files (office staff)
# ---------------------------------------------------------------------------------------------------------------


@transaction.atomic
def record_condition_check(
    *,
    nomination: Nomination,
    condition: Condition,
    confirmed: bool,
    note: str = "",
    by: User,
    expected_version: int | None = None,
) -> ConditionCheck:
    """Office staff record that the nominee meets (or does not meet) one condition; only while "proposed".

    A condition recorded as not met takes the nominee out at the next engine run (see awards.quota)."""
    nomination = _lock(nomination, expected_version)
    NominationPolicy.check(by, nomination).ensure()
    if condition.plan_id != nomination.period.plan_id or condition not in applicable_conditions(nomination):
        raise ValidationError(_("Tiêu chuẩn này không áp dụng cho đề nghị."))
    if not confirmed and not note.strip():
        raise ValidationError(_("Ghi rõ lý do khi tiêu chuẩn không đạt."))
    check, _created = ConditionCheck.objects.update_or_create(
        nomination=nomination,
        condition=condition,
        defaults={"confirmed": confirmed, "note": note.strip(), "by": by},
    )
    _touch(nomination)
    return check


@transaction.atomic
def attach_dossier_file(
    *,
    nomination: Nomination,
    requirement: DossierRequirement | None,
    upload: UploadedFile,
    by: User,
    expected_version: int | None = None,
) -> DossierFile:
    """Validate an upload by its content (≤ 10 MB; PDF, DOCX, XLSX, JPEG, PNG), store it under MEDIA_ROOT with a
    random name and its SHA-256, and attach it to the nomination (while proposed or prepared)."""
    nomination = _lock(nomination, expected_version)
    NominationPolicy.upload(by, nomination).ensure()
    if requirement is not None and requirement.plan_id != nomination.period.plan_id:
        raise ValidationError(_("Thành phần hồ sơ không thuộc kế hoạch này."))
    checked = inspect_upload(upload)  # ValidationError with a Vietnamese message
    dossier_file = DossierFile(
        nomination=nomination,
        requirement=requirement,
        original_name=checked.display_name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=by,
    )
    dossier_file.file.save(checked.storage_name, ContentFile(checked.content), save=False)
    dossier_file.save()
    _touch(nomination)
    return dossier_file


@transaction.atomic
def remove_dossier_file(*, dossier_file: DossierFile, by: User) -> Nomination:
    """Remove a wrongly attached file while the dossier is not submitted; the file leaves the storage after commit."""
    nomination = _lock(dossier_file.nomination, None)
    NominationPolicy.remove_file(by, nomination).ensure()
    NominationTransition.objects.create(
        nomination=nomination,
        from_status=nomination.status,
        to_status=nomination.status,
        by=by,
        reason=_("Xóa tệp %(name)s (SHA-256 %(sha)s)")
        % {"name": dossier_file.original_name, "sha": dossier_file.sha256[:16]},
    )
    storage, name = dossier_file.file.storage, dossier_file.file.name
    dossier_file.delete()
    transaction.on_commit(lambda: storage.delete(name))
    _touch(nomination)
    return nomination


@transaction.atomic
def mark_prepared(*, nomination: Nomination, by: User, expected_version: int | None = None) -> Nomination:
    """proposed → prepared: every applicable condition confirmed and every required document attached."""
    nomination = _lock(nomination, expected_version)
    NominationPolicy.prepare(by, nomination).ensure()  # every condition confirmed, every document attached
    return _move(nomination, Status.PREPARED, by=by, reason=_("Đã xác nhận tiêu chuẩn và đủ thành phần hồ sơ"))


@transaction.atomic
def submit_nomination(*, nomination: Nomination, by: User, expected_version: int | None = None) -> Nomination:
    """prepared → submitted: the office sends the dossier to the deciding level."""
    nomination = _lock(nomination, expected_version)
    NominationPolicy.submit(by, nomination).ensure()
    nomination = _move(nomination, Status.SUBMITTED, by=by, reason=_("Trình hồ sơ đề nghị khen thưởng"))
    _notify_proposals_ready(nomination)
    return nomination


def _notify_proposals_ready(nomination: Nomination) -> None:
    """The chairmen of the plan's issuer learn that dossiers of the period wait for them: one notice a day per
    period, however many dossiers are sent that day."""
    period = nomination.period
    notify(
        users=members_of(period.plan.issuer, Role.LANH_DAO),
        key=f"proposals-ready-{period.pk}-{timezone.localdate():%Y%m%d}",
        title=_("Có hồ sơ đề nghị khen thưởng đã trình — %(period)s, %(plan)s")
        % {"period": period.name, "plan": period.plan.title},
        body=_("Hồ sơ đề nghị khen thưởng đã được trình, chờ lãnh đạo xem xét (đầu tiên: %(name)s).")
        % {"name": nomination.name},
        url=reverse("awards:nomination_list", args=[period.pk]),
    )


def _notify_dossier_returned(nomination: Nomination, *, what: str, reason: str) -> None:
    """The clerk who prepared the dossier and the nominee unit's nhập liệu learn that it came back, and why."""
    preparer_ids = NominationTransition.objects.filter(nomination=nomination, to_status=Status.PREPARED).values("by_id")
    preparers = list(get_user_model().objects.filter(pk__in=preparer_ids))
    notify(
        users=[*preparers, *clerks_of(nomination.participant.home_unit)],
        key=f"dossier-returned-{nomination.pk}-v{nomination.version}",
        title=_("Hồ sơ đề nghị khen thưởng của %(name)s: %(what)s") % {"name": nomination.name, "what": what},
        body=_("Lý do: %(reason)s") % {"reason": reason} if reason else "",
        url=nomination.get_absolute_url(),
    )


@transaction.atomic
def appraise_nomination(
    *, nomination: Nomination, agree: bool, comment: str, by: User, expected_version: int | None = None
) -> Nomination:
    """submitted → appraised by the Home Affairs office over the plan's issuer: agree or disagree, with comments."""
    nomination = _lock(nomination, expected_version)
    NominationPolicy.appraise(by, nomination).ensure()
    comment = comment.strip()
    if not agree and not comment:
        raise ValidationError(_("Ghi rõ ý kiến khi không đồng ý."))
    nomination.appraisal_agreed, nomination.appraisal_comment = agree, comment
    label = _("Nội vụ đồng ý") if agree else _("Nội vụ không đồng ý")
    nomination = _move(
        nomination,
        Status.APPRAISED,
        by=by,
        reason=f"{label}: {comment}" if comment else label,
        fields=("appraisal_agreed", "appraisal_comment"),
    )
    if not agree:
        _notify_dossier_returned(nomination, what=_("Nội vụ không đồng ý"), reason=comment)
    return nomination


# ---------------------------------------------------------------------------------------------------------------
# The chairman's decision and the council
# ---------------------------------------------------------------------------------------------------------------


@transaction.atomic
def accept_nomination(
    *, nomination: Nomination, by: User, reason: str = "", expected_version: int | None = None
) -> Nomination:
    """→ accepted by lãnh đạo: appraised first where required, council votes at the threshold, within the quota."""
    nomination = _lock(nomination, expected_version)
    if nomination.quota_rule_id is not None:
        # Accepts under one rule are serialised on the rule's row, so two chairmen's tabs cannot both take the last
        # place (each holds only its own nomination's lock otherwise); the policy counts the quota under this lock.
        nomination.quota_rule = QuotaRule.objects.select_for_update().get(pk=nomination.quota_rule_id)
    NominationPolicy.accept(by, nomination).ensure()
    return _move(nomination, Status.ACCEPTED, by=by, reason=reason.strip() or _("Chấp thuận đề nghị khen thưởng"))


@transaction.atomic
def reject_nomination(
    *, nomination: Nomination, reason: str, by: User, expected_version: int | None = None
) -> Nomination:
    """→ rejected by lãnh đạo, from any open step; a reason is required."""
    nomination = _lock(nomination, expected_version)
    NominationPolicy.reject(by, nomination).ensure()
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Phải ghi lý do không chấp thuận."))
    nomination.reject_reason = reason
    nomination = _move(nomination, Status.REJECTED, by=by, reason=reason, fields=("reject_reason",))
    settle_ties(period=nomination.period)
    _notify_dossier_returned(nomination, what=_("không được chấp thuận"), reason=reason)
    return nomination


@transaction.atomic
def add_nomination_by_hand(
    *, period: Period, participant: Participant, quota_rule: QuotaRule, reason: str, by: User
) -> Nomination:
    """The chairman adds a nominee the engine did not propose, with a reason; never past the rule's quota."""
    period = Period.objects.select_for_update().select_related("plan__issuer").get(pk=period.pk)
    NominationPolicy.add(by, period).ensure()
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Phải ghi lý do bổ sung đề nghị."))
    if quota_rule.plan_id != period.plan_id or quota_rule not in rules_for_period(period):
        raise ValidationError(_("Chỉ tiêu không áp dụng cho đợt này."))
    if participant.plan_id != period.plan_id:
        raise ValidationError(_("Đối tượng không tham gia kế hoạch này."))
    if (
        quota_rule.group_id
        and participant.group_id != quota_rule.group_id
        and not (participant.kind == Participant.Kind.INDIVIDUAL and quota_rule.individuals_per_collective)
    ):
        assert quota_rule.group is not None  # group_id is set
        raise ValidationError(_("Đối tượng không thuộc %(group)s.") % {"group": quota_rule.group.name})
    limit = quota_limit(quota_rule, participant.kind)
    if limit == 0:
        raise ValidationError(
            _("Chỉ tiêu này không dành cho %(kind)s.") % {"kind": participant.get_kind_display().lower()}
        )
    taken = Nomination.objects.filter(
        period=period, quota_rule=quota_rule, participant__kind=participant.kind, status__in=ACTIVE_STATUSES
    ).count()
    if taken >= limit:
        raise ValidationError(
            _("Không thể bổ sung: đã đủ chỉ tiêu %(limit)s %(kind)s (đang có %(taken)s đề nghị).")
            % {"limit": limit, "kind": participant.get_kind_display().lower(), "taken": taken}
        )
    if quota_rule.individuals_per_collective and participant.kind == Participant.Kind.INDIVIDUAL:
        _check_per_collective(period, quota_rule, participant)
    existing = (
        Nomination.objects.select_for_update()
        .filter(period=period, participant=participant, award_kind=quota_rule.award_kind)
        .first()
    )
    if existing is not None and existing.status not in (Status.WITHDRAWN, Status.REJECTED):
        raise ValidationError(_("%(name)s đã có trong danh sách đề nghị.") % {"name": existing.name})
    if existing is not None:
        existing.added_by_hand, existing.reason, existing.reject_reason = True, reason, ""
        existing.quota_rule = quota_rule
        return _move(
            existing,
            Status.PROPOSED,
            by=by,
            reason=_("Bổ sung thủ công: %(reason)s") % {"reason": reason},
            fields=("added_by_hand", "reason", "reject_reason", "quota_rule"),
        )
    standing = Standing.objects.filter(period=period, participant=participant).first()
    nomination = Nomination.objects.create(
        period=period,
        participant=participant,
        award_kind=quota_rule.award_kind,
        quota_rule=quota_rule,
        rank=standing.rank if standing else None,
        ratio=standing.ratio if standing else None,
        reason=_("Bổ sung thủ công: %(reason)s") % {"reason": reason},
        added_by_hand=True,
        **_copies(participant),
    )
    NominationTransition.objects.create(
        nomination=nomination,
        from_status="",
        to_status=Status.PROPOSED,
        by=by,
        reason=_("Bổ sung thủ công: %(reason)s") % {"reason": reason},
    )
    return nomination


def _check_per_collective(period: Period, rule: QuotaRule, participant: Participant) -> None:
    """An individual added under a "K per collective" rule must come from a selected collective with room left."""
    unit = participant.home_unit
    chosen = Nomination.objects.filter(
        period=period, quota_rule=rule, participant__kind="collective", status__in=ACTIVE_STATUSES
    ).select_related("participant__unit")
    owners = [n for n in chosen if n.participant.unit and unit and unit.path.startswith(n.participant.unit.path)]
    if not owners:
        raise ValidationError(_("Cá nhân phải thuộc một tập thể đã được đề nghị khen thưởng."))
    owner = max(owners, key=lambda n: len(unit_of(n).path))
    owner_path = unit_of(owner).path
    people = Nomination.objects.filter(
        period=period,
        quota_rule=rule,
        participant__kind="individual",
        status__in=ACTIVE_STATUSES,
    ).filter(
        Q(participant__person__unit__path__startswith=owner_path)
        | Q(participant__person__isnull=True, participant__unit__path__startswith=owner_path)
    )
    assert rule.individuals_per_collective is not None  # the caller checks the rule has one
    if people.count() >= rule.individuals_per_collective:
        raise ValidationError(
            _("Tập thể %(name)s đã đủ %(count)s cá nhân được đề nghị.")
            % {"name": owner.name, "count": rule.individuals_per_collective}
        )


@transaction.atomic
def record_council_meeting(
    *,
    period: Period,
    held_on: dt.date,
    members_total: int,
    members_present: int,
    secret_ballot: bool,
    votes: dict[int, int],
    by: User,
    minutes: str = "",
) -> CouncilMeeting:
    """Record a Hội đồng TĐKT meeting and its votes per nominee; the threshold is the plan's (% of all members)."""
    period = Period.objects.select_for_update().select_related("plan__issuer").get(pk=period.pk)
    PeriodAwardsPolicy.record_council(by, period).ensure()
    errors = []
    if members_total < 1:
        errors.append(_("Tổng số thành viên Hội đồng phải lớn hơn 0."))
    if members_present < 0 or members_present > members_total:
        errors.append(
            _("Số thành viên có mặt (%(present)s) không được vượt tổng số thành viên (%(total)s).")
            % {"present": members_present, "total": members_total}
        )
    if not votes:
        errors.append(_("Chưa nhập số phiếu cho đề nghị nào."))
    nominations = Nomination.objects.filter(period=period, pk__in=list(votes)).in_bulk()
    for nomination_id, votes_for in votes.items():
        nomination = nominations.get(int(nomination_id))
        if nomination is None:
            errors.append(_("Đề nghị số %(id)s không thuộc đợt này.") % {"id": nomination_id})
        elif nomination.status not in (Status.SUBMITTED, Status.APPRAISED):
            errors.append(
                _("%(name)s chưa được trình (trạng thái: %(status)s), chưa thể bỏ phiếu.")
                % {"name": nomination.name, "status": nomination.get_status_display()}
            )
        elif votes_for < 0 or votes_for > members_present:
            errors.append(
                _("Số phiếu đồng ý của %(name)s (%(votes)s) vượt số thành viên có mặt (%(present)s).")
                % {"name": nomination.name, "votes": votes_for, "present": members_present}
            )
    if errors:
        raise ValidationError(errors)
    meeting = CouncilMeeting.objects.create(
        period=period,
        held_on=held_on,
        members_total=members_total,
        members_present=members_present,
        secret_ballot=secret_ballot,
        threshold_percent=period.plan.vote_threshold,
        minutes=minutes,
        recorded_by=by,
    )
    for nomination_id, votes_for in sorted(votes.items()):
        CouncilVote.objects.create(meeting=meeting, nomination_id=int(nomination_id), votes_for=votes_for)
        nomination = nominations[int(nomination_id)]
        passed = reaches_threshold(votes_for, members_total, meeting.threshold_percent)
        NominationTransition.objects.create(
            nomination=nomination,
            from_status=nomination.status,
            to_status=nomination.status,
            by=by,
            reason=_(
                "Hội đồng TĐKT họp ngày %(day)s: %(votes)s/%(total)s phiếu đồng ý (%(result)s ngưỡng %(threshold)s)"
            )
            % {
                "day": f"{held_on:%d/%m/%Y}",
                "votes": votes_for,
                "total": members_total,
                "result": _("đạt") if passed else _("không đạt"),
                "threshold": format_percent(meeting.threshold_percent),
            },
        )
    return meeting
