"""Conditions get a stable code (filled from their text); award kinds made by a locality get their owner (the issuer
of the first plan that used them); signed decisions keep the certificate title they were signed with."""

import django.db.models.deletion
from django.db import migrations, models
from django.utils.text import slugify


def _code(text, taken):
    base = slugify(text.replace("đ", "d").replace("Đ", "D"))[:60].strip("-") or "muc"
    code, number = base, 2
    while code in taken:
        suffix = f"-{number}"
        code, number = base[: 60 - len(suffix)] + suffix, number + 1
    return code


def fill(apps, schema_editor):
    from awards.catalogue import CODES  # the built-in catalogue's codes: those kinds stay without an owner

    Condition = apps.get_model("awards", "Condition")
    taken = {}
    for condition in Condition.objects.order_by("plan_id", "order", "pk"):
        codes = taken.setdefault(condition.plan_id, set())
        condition.code = _code(condition.text, codes)
        codes.add(condition.code)
        condition.save(update_fields=["code"])
    AwardKind = apps.get_model("awards", "AwardKind")
    QuotaRule = apps.get_model("awards", "QuotaRule")
    for kind in AwardKind.objects.exclude(code__in=CODES):
        rule = QuotaRule.objects.filter(award_kind=kind).select_related("plan").order_by("plan__created_at", "pk").first()
        if rule is not None:
            kind.owner_id = rule.plan.issuer_id
            kind.save(update_fields=["owner"])
    Decision = apps.get_model("awards", "Decision")
    for decision in Decision.objects.exclude(status="draft").select_related("award_kind"):
        decision.certificate_title = decision.award_kind.certificate_title
        decision.save(update_fields=["certificate_title"])


class Migration(migrations.Migration):

    dependencies = [
        ('awards', '0003_nomination_withdrawn_appraisal'),
        ('campaigns', '0002_jobs_and_notices'),
    ]

    operations = [
        migrations.AddField(
            model_name='awardkind',
            name='owner',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='campaigns.unit', verbose_name='đơn vị tạo'),
        ),
        migrations.AddField(
            model_name='condition',
            name='code',
            field=models.SlugField(default='', max_length=60, verbose_name='mã'),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='decision',
            name='certificate_title',
            field=models.CharField(blank=True, max_length=60, verbose_name='tên trên bằng khi ký'),
        ),
        migrations.AddField(
            model_name='historicaldecision',
            name='certificate_title',
            field=models.CharField(blank=True, max_length=60, verbose_name='tên trên bằng khi ký'),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='condition',
            constraint=models.UniqueConstraint(fields=('plan', 'code'), name='condition_code_unique_in_plan'),
        ),
    ]
