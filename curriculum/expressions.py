"""Database expressions the curriculum's constraints need."""

from __future__ import annotations

from typing import Any

from django.db import models


class JSONArrayLength(models.Func):
    """Length of a JSON array column; 0 for anything that is not an array (never an error)."""

    function = "JSON_ARRAY_LENGTH"  # SQLite: 0 for a non-array
    output_field = models.IntegerField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template=(
                "(CASE WHEN jsonb_typeof(%(expressions)s) = 'array' "
                "THEN jsonb_array_length(%(expressions)s) ELSE 0 END)"
            ),
            **extra_context,
        )
