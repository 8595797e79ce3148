"""Check that every standing's XP equals the sum of its ledger; `--fix` repairs differences."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from gamification.services import xp_verify


class Command(BaseCommand):
    help = "Compare each learner's XP with the sum of her XP ledger (and repair with --fix)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--fix", action="store_true", help="Set standings to their ledger.")

    def handle(self, *args: Any, **options: Any) -> None:
        differences = xp_verify(fix=options["fix"])
        for diff in differences:
            self.stdout.write(
                f"user {diff.user_id}: standing {diff.standing_xp} XP, ledger {diff.ledger_xp} XP"
            )
        if not differences:
            self.stdout.write(
                self.style.SUCCESS("0 differences: every standing matches its ledger.")
            )
        elif options["fix"]:
            self.stdout.write(self.style.SUCCESS(f"{len(differences)} standings repaired."))
        else:
            self.stdout.write(
                self.style.WARNING(f"{len(differences)} differences (run with --fix).")
            )
            raise SystemExit(1)
