"""Seed the 18 avatars and the achievements; track achievements wait for their tracks.

The seed lives in `gamification.seeds` (also run by `manage.py load_demo`, after the demo
curriculum, to add the track achievements); here it runs with the historical models.
"""

from django.db import migrations


def seed_forwards(apps, schema_editor):
    from gamification.seeds import seed

    seed(apps)


def seed_backwards(apps, schema_editor):
    from gamification.seeds import ACHIEVEMENTS, AVATARS

    apps.get_model("gamification", "Achievement").objects.filter(
        code__in=[spec.code for spec in ACHIEVEMENTS]
    ).delete()
    apps.get_model("gamification", "Avatar").objects.filter(
        code__in=[spec.code for spec in AVATARS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("gamification", "0001_initial"),
        ("curriculum", "0002_exercise_difficulty_rating"),
    ]

    operations = [migrations.RunPython(seed_forwards, seed_backwards)]
