"""OpenAPI additions: the shared error shape and the error statuses every operation
can answer with, so clients (and schema checkers) know them."""

from drf_spectacular import openapi

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "fields"],
            "properties": {
                "code": {"type": "string", "example": "invalid"},
                "message": {"type": "string", "example": "Some fields are not valid."},
                "fields": {
                    "type": "object",
                    "additionalProperties": {
                        "type": "array",
                        "items": {"type": "string"},
                    },
                },
            },
        }
    },
}

_DESCRIPTIONS = {
    "400": "Invalid input: `fields` says what to fix.",
    "401": "Not signed in (send `Authorization: Bearer <access>`).",
    "403": "Signed in without the role this needs.",
    "404": "Not found, or not yours to see.",
    "405": "Method not allowed.",
    "409": "Valid, but it clashes with the current state (for example sold out).",
    "413": "The upload is too large.",
    "415": "Unsupported media type.",
    "429": "Too many requests or sign-in attempts: wait and try again.",
}
_ALWAYS = ("400", "401", "403", "404", "405", "415", "429")
_WRITES = ("409", "413")


def add_error_responses(result, generator, request, public):
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components["Error"] = ERROR_SCHEMA
    ref = {"$ref": "#/components/schemas/Error"}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            codes = _ALWAYS + (_WRITES if method != "get" else ())
            for code in codes:
                responses.setdefault(
                    code,
                    {
                        "description": _DESCRIPTIONS[code],
                        "content": {"application/json": {"schema": ref}},
                    },
                )
    return result


class AutoSchema(openapi.AutoSchema):
    """Marks operations that anonymous clients may call as such (`security: [{}]`).

    drf-spectacular only recognises DRF's own AllowAny / IsAuthenticatedOrReadOnly;
    our permission classes say it with `allows_anonymous(method)`.
    """

    def get_auth(self):
        auths = super().get_auth()
        if {} in auths:
            return auths
        for permission in self.view.get_permissions():
            allows = getattr(permission, "allows_anonymous", None)
            if allows is not None and allows(self.method):
                auths.append({})
                break
        return auths
