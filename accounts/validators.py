"""Validators for account fields."""

from __future__ import annotations

import zoneinfo
from functools import lru_cache

from django.core.exceptions import ValidationError


@lru_cache(maxsize=1)
def _known_time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def validate_time_zone(value: str) -> None:
    """Accept only IANA names from the tz database, such as `Europe/Paris` or `UTC`."""
    if value not in _known_time_zones():
        raise ValidationError(
            "%(value)s is not a time zone of the IANA tz database (for example Europe/Paris).",
            code="invalid_time_zone",
            params={"value": value},
        )
