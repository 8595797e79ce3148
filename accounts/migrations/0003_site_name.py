"""Name the site Calcuingo, so e-mails and pages don't say example.com."""

from __future__ import annotations

from urllib.parse import urlparse

from django.conf import settings
from django.db import migrations


def name_site(apps, schema_editor):  # type: ignore[no-untyped-def]
    site_model = apps.get_model("sites", "Site")
    domain = urlparse(settings.SITE_URL).netloc or "127.0.0.1:8000"
    site_model.objects.update_or_create(
        pk=settings.SITE_ID, defaults={"domain": domain, "name": "Calcuingo"}
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_authors_group"),
        ("sites", "0002_alter_domain_unique"),
    ]

    operations = [migrations.RunPython(name_site, migrations.RunPython.noop)]
