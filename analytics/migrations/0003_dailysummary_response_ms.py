"""Daily summaries count the day's raw response time, so that a learner's average response time
is read from her summaries (`analytics.statistics`) instead of from all her attempts.

Existing rows are filled from the attempts of their learner's local day: one UPDATE per date and
zone, each summary's sum a range scan of the attempts' (user, created_at) index.
"""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import migrations, models
from django.db.models import OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce


def _midnight(day, zone):
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(zone)).astimezone(ZoneInfo("UTC"))


def response_ms_fill(apps, schema_editor):
    DailySummary = apps.get_model("analytics", "DailySummary")
    Attempt = apps.get_model("practice", "Attempt")
    User = apps.get_model("accounts", "User")
    zones = sorted(set(User.objects.values_list("timezone", flat=True).distinct()))
    days = DailySummary.objects.filter(questions__gt=0).values_list("date", flat=True).distinct()
    for day in days.order_by("date"):
        for zone in zones:
            answers = (
                Attempt.objects.filter(
                    user=OuterRef("user_id"),
                    created_at__gte=_midnight(day, zone),
                    created_at__lt=_midnight(day + timedelta(days=1), zone),
                )
                .values("user_id")
                .annotate(total=Sum("response_ms"))
                .values("total")
            )
            DailySummary.objects.filter(date=day, user__timezone=zone, questions__gt=0).update(
                response_ms=Coalesce(Subquery(answers), 0)
            )


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0002_auditevent_moves_to_accounts"),
        ("accounts", "0007_user_timezone_index"),
        ("practice", "0005_attempt_created_at_session_ended_at_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="dailysummary",
            name="response_ms",
            field=models.PositiveBigIntegerField(
                db_default=0,
                default=0,
                help_text="Sum of the answers' raw response times (practice time caps each answer).",
            ),
        ),
        migrations.RunPython(response_ms_fill, migrations.RunPython.noop, elidable=True),
    ]
