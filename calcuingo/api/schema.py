"""The OpenAPI schema documents every error an operation can answer, all in one shape.

drf-standardized-errors formats every error as `{type, errors: [{code, detail, attr}]}` and its
AutoSchema documents some of them, each status with its own closed list of codes and each
operation with its own list of fields. The codes and fields a request can really be refused with
are open (a service's `ApplicationError` names its own code; a query serializer validates fields
the generator never sees), so a client validating responses against those lists would reject
real answers. This postprocessing hook, run after the library's, gives every operation the
statuses it can answer with one shared component per kind of error:

- 400 `ErrorResponse400`: a `validation_error` (field errors, `attr` naming the field) or a
  `client_error` (`parse_error`: a body that is not valid JSON), told apart by `type`;
- 401, 403, 404, 405, 406, 409, 413, 415, 429 `ClientErrorResponse`: `type` is `client_error`.

Which statuses an operation gets: 401, 405, 406 and 429 always (every view accepts a token,
negotiates the response type and is throttled); 400 when it reads a body or query parameters;
403 when it changes something (CSRF for session callers, role and ownership rules); 404 when it
names something by id, in the path, the query or the body; 415 when it reads a body. Statuses a
view documents itself (409 for a conflict) keep their description and get the shared shape.
"""

from __future__ import annotations

from typing import Any

ERROR_SHAPE = "{type, errors: [{code, detail, attr}]}"

# What each error status means here, as the response's description in the schema.
DESCRIPTIONS = {
    "400": "Invalid input: field errors (`validation_error`, `attr` names the field) or a body "
    "that cannot be parsed (`client_error`, code `parse_error`).",
    "401": "Not authenticated, or the token is invalid or expired.",
    "403": "Not allowed: the caller's role or ownership forbids it, or a session caller's CSRF "
    "token is missing.",
    "404": "No such object (or one the caller may not see), or a malformed id.",
    "405": "The method is not allowed on this path.",
    "406": "No acceptable response type: the API answers `application/json` only.",
    "409": "The request conflicts with the current state.",
    "413": "The request body is too large.",
    "415": "Unsupported request body type.",
    "429": "Too many requests (`throttled`) or too many failed logins (`locked_out`): retry later.",
}

ERROR_ITEM = {
    "type": "object",
    "properties": {
        "code": {
            "type": "string",
            "description": "Machine-readable reason, e.g. `required`, `invalid`, `not_found`, "
            "`permission_denied`, `not_authenticated`, `throttled`, or a domain rule's code.",
        },
        "detail": {"type": "string", "description": "Human-readable message."},
        "attr": {
            "type": "string",
            "nullable": True,
            "description": "The offending field (dotted for nested input), null when none.",
        },
    },
    "required": ["code", "detail", "attr"],
}


def _response_schema(kind: str) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            "type": {"type": "string", "enum": [kind]},
            "errors": {"type": "array", "items": {"$ref": "#/components/schemas/ErrorItem"}},
        },
        "required": ["type", "errors"],
    }


COMPONENTS: dict[str, dict[str, Any]] = {
    "ErrorItem": ERROR_ITEM,
    "ClientErrorResponse": {
        **_response_schema("client_error"),
        "description": f"Every 4xx but a validation error: {ERROR_SHAPE}.",
    },
    "ValidationErrorResponse": {
        **_response_schema("validation_error"),
        "description": "Field errors, one item per message; `attr` names the field.",
    },
    "ErrorResponse400": {
        "oneOf": [
            {"$ref": "#/components/schemas/ValidationErrorResponse"},
            {"$ref": "#/components/schemas/ClientErrorResponse"},
        ],
        "discriminator": {
            "propertyName": "type",
            "mapping": {
                "validation_error": "#/components/schemas/ValidationErrorResponse",
                "client_error": "#/components/schemas/ClientErrorResponse",
            },
        },
    },
}

ALWAYS = ("401", "405", "406", "429")
UNSAFE = {"post", "put", "patch", "delete"}
METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def _error_response(status: str, description: str = "") -> dict[str, Any]:
    component = "ErrorResponse400" if status == "400" else "ClientErrorResponse"
    return {
        "description": description or DESCRIPTIONS.get(status, "Client error."),
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{component}"}}},
    }


def _names_an_object(operation: dict[str, Any]) -> bool:
    """A path id, or a query or body that may refer to objects by id."""
    parameters = operation.get("parameters", [])
    return any(p.get("in") in {"path", "query"} for p in parameters) or "requestBody" in operation


def error_statuses(method: str, operation: dict[str, Any]) -> set[str]:
    """The 4xx statuses this operation can answer with."""
    has_body = "requestBody" in operation
    has_query = any(p.get("in") == "query" for p in operation.get("parameters", []))
    statuses = set(ALWAYS)
    if has_body or has_query:
        statuses.add("400")
    if method in UNSAFE:
        statuses.add("403")
    if _names_an_object(operation):
        statuses.add("404")
    if has_body:
        statuses.add("415")
    declared = {code for code in operation.get("responses", {}) if code.startswith("4")}
    return statuses | declared


def _references(node: Any, found: set[str]) -> None:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            found.add(ref.rsplit("/", 1)[1])
        for value in node.values():
            _references(value, found)
    elif isinstance(node, list):
        for value in node:
            _references(value, found)


def _drop_unused_schemas(result: dict[str, Any]) -> None:
    """The per-operation error components the library made are no longer referenced: drop them."""
    schemas = result.get("components", {}).get("schemas", {})
    reachable: set[str] = set()
    _references(result.get("paths", {}), reachable)
    pending = list(reachable)
    while pending:
        name = pending.pop()
        found: set[str] = set()
        _references(schemas.get(name, {}), found)
        for each in found - reachable:
            reachable.add(each)
            pending.append(each)
    for name in list(schemas):
        if name not in reachable:
            del schemas[name]


TIME_OF_DAY = r"^\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?$"


def _local_times(node: Any) -> None:
    """`format: time` means RFC 3339's full-time, with an offset; the API's times of day are local
    (`"19:30:00"`, as DRF's `TimeField` writes them): say so with a pattern instead."""
    if isinstance(node, dict):
        if node.get("format") == "time" and node.get("type") == "string":
            node["format"] = "partial-time"
            node["pattern"] = TIME_OF_DAY
        for value in node.values():
            _local_times(value)
    elif isinstance(node, list):
        for value in node:
            _local_times(value)


def postprocess_error_responses(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Give every operation its error statuses, each in the one documented error shape.

    Also documents times of day as what they are (local, no offset).
    """
    _local_times(result)
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in METHODS:
                continue
            responses = operation.setdefault("responses", {})
            for status in sorted(error_statuses(method, operation)):
                description = responses.get(status, {}).get("description", "")
                responses[status] = _error_response(status, description)
            operation["responses"] = dict(sorted(responses.items()))
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.update(COMPONENTS)
    _drop_unused_schemas(result)
    return result
