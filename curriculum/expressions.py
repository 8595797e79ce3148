"""Database expressions the curriculum's constraints need."""

from __future__ import annotations

from typing import Any

from django.db import models


class JSONArrayLength(models.Func):
    """Length of a JSON array column; 0 for anything that is not an array (never an error)."""

    function = "JSON_ARRAY_LENGTH"  # SQLite: 0 for a non-array
    output_field = models.IntegerField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        # The argument appears twice in the SQL, so its parameters must too: in `Model.full_clean()`
        # Django checks the constraint with the field's value as a parameter, not a column.
        argument_sql, argument_params = compiler.compile(self.source_expressions[0])
        sql = (
            f"(CASE WHEN jsonb_typeof({argument_sql}) = 'array' "
            f"THEN jsonb_array_length({argument_sql}) ELSE 0 END)"
        )
        return sql, (*argument_params, *argument_params)
