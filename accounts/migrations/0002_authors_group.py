"""Create the Authors group: the people who write the curriculum in the admin."""

from __future__ import annotations

from django.db import migrations


def create_authors_group(apps, schema_editor):  # type: ignore[no-untyped-def]
    from accounts.permissions import sync_author_group

    sync_author_group(apps)


def remove_authors_group(apps, schema_editor):  # type: ignore[no-untyped-def]
    apps.get_model("auth", "Group").objects.filter(name="Authors").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_authors_group, remove_authors_group)]
