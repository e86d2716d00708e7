"""The error answers every API operation can give, added to the OpenAPI schema (a drf-spectacular hook).

drf-spectacular documents only what a view declares, so most operations listed 200 alone, yet every one answers
401 without a valid token, 403 when the caller's role may not do this, 404 for a record that is not the caller's
(or not there, or a page past the end), and those that take input 400 with field errors. Declaring them keeps the
schema truthful for partner systems that generate clients from it (schemathesis checks it, tests/api/).
"""

DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
    "description": "What went wrong, in words.",
}
FIELD_ERRORS = {
    "type": "object",
    "additionalProperties": {},
    "description": "Field errors: {field: [messages]}, `non_field_errors` when no one field is to blame, "
                   "or `detail` when the request could not be read at all.",
}
ERRORS = {
    "400": ("FieldErrors", "Field errors, or an action the record's state does not allow."),
    "401": ("ErrorDetail", "No valid token (or session)."),
    "403": ("ErrorDetail", "Your role does not allow this."),
    "404": ("ErrorDetail", "Not yours, or not there (or a page past the end)."),
}
TAKES_INPUT = {"post", "put", "patch"}


def _takes_input(method, operation):
    return method in TAKES_INPUT or any(p.get("in") == "query" for p in operation.get("parameters", []))


def add_error_responses(result, generator, request, public):
    """POSTPROCESSING_HOOKS entry: add the error answers an operation does not already document."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("ErrorDetail", DETAIL)
    schemas.setdefault("FieldErrors", FIELD_ERRORS)
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            responses = operation.get("responses")
            if responses is None:
                continue
            for status, (component, description) in ERRORS.items():
                if status == "400" and not _takes_input(method, operation):
                    continue
                documented = responses.setdefault(status, {"description": description})
                # A view's own description is kept; the body's shape is added where it named none.
                documented.setdefault(
                    "content", {"application/json": {"schema": {"$ref": f"#/components/schemas/{component}"}}}
                )
    return result
