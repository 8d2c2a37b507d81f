"""The error answers every API operation may give, added to the schema (so a
client, and the schemathesis run, know them): 400 with messages by field, 401
without a live token, 403 refused by the token's rights, 404 out of scope or
missing, 429 throttled, 503 a value that cannot be decrypted right now."""

from __future__ import annotations

DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
FIELD_ERRORS = {
    "type": "object",
    "description": "Messages by field (`non_field_errors` for the whole body), or a `detail`.",
    "additionalProperties": {
        "oneOf": [{"type": "array", "items": {"type": "string"}}, {"type": "string"}],
    },
}
ERRORS = {
    "400": ("Bad input: messages by field, in the request's language.", "FieldErrors"),
    "401": ("No live token (none, unknown, revoked or expired).", "Detail"),
    "403": ("Refused: the token's rights do not allow this.", "Detail"),
    "404": ("Out of the token's scope, or missing: the same answer.", "Detail"),
    "405": ("Method not allowed.", "Detail"),
    "406": ("Not acceptable (the API answers JSON).", "Detail"),
    "415": ("Unsupported media type (send JSON).", "Detail"),
    "429": ("Too many calls for this token: try again later.", "Detail"),
    "503": ("A stored value cannot be decrypted right now.", "Detail"),
}


def add_error_responses(result, generator, request, public):
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components["Detail"], components["FieldErrors"] = DETAIL, FIELD_ERRORS
    for path, methods in result.get("paths", {}).items():
        if not path.startswith("/api/v1/") or path.startswith(("/api/v1/schema", "/api/v1/docs")):
            continue
        for operation in methods.values():
            responses = operation.setdefault("responses", {})
            for code, (description, name) in ERRORS.items():
                responses.setdefault(
                    code,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}},
                    },
                )
    return result
