"""Make usernames that differ only in case distinct, before the constraint that forbids them.

The oldest account of each group keeps its name; every later one becomes `<name>-<id>` (cut to
fit 150 characters), which is unique because ids are. Each rename is printed and logged, so the
operator can tell those learners their new login name (their e-mail address still works).
"""

import logging

from django.db import migrations
from django.db.models import Count
from django.db.models.functions import Lower

logger = logging.getLogger("accounts.migrations")

MAX_LENGTH = 150


def _free_name(User, base: str, pk: int) -> str:
    suffix = f"-{pk}"
    candidate = base[: MAX_LENGTH - len(suffix)] + suffix
    attempt = 1
    while User.objects.filter(username__iexact=candidate).exists():
        attempt += 1
        suffix = f"-{pk}-{attempt}"
        candidate = base[: MAX_LENGTH - len(suffix)] + suffix
    return candidate


def rename_case_duplicates(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    clashing = (
        User.objects.annotate(folded=Lower("username"))
        .values("folded")
        .annotate(accounts=Count("pk"))
        .filter(accounts__gt=1)
        .values_list("folded", flat=True)
    )
    for folded in list(clashing):
        group = list(User.objects.filter(username__iexact=folded).order_by("date_joined", "pk"))
        keeper, *others = group
        for user in others:
            old = user.username
            user.username = _free_name(User, old, user.pk)
            user.save(update_fields=["username"])
            message = (
                f"accounts: username {old!r} (user {user.pk}) clashed with {keeper.username!r} "
                f"(user {keeper.pk}) in all but case; renamed to {user.username!r}"
            )
            print(f"\n  {message}")
            logger.warning(message)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_site_name"),
    ]

    operations = [
        migrations.RunPython(rename_case_duplicates, migrations.RunPython.noop, elidable=True),
    ]
