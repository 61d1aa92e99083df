"""Domain errors that services raise and every interface maps the same way.

Input problems are Django's ValidationError (→ 400). A request that is valid but
clashes with the current state (sold out, already refunded) is a ConflictError (→ 409).
"""


class ConflictError(Exception):
    code = "conflict"

    def __init__(self, message: str, *, code: str | None = None):
        super().__init__(message)
        self.message = str(message)
        if code:
            self.code = code

    def __str__(self):
        return self.message


def error_text(exc: Exception) -> str:
    """A ConflictError's or ValidationError's message(s) as one line for a page."""
    if isinstance(exc, ConflictError):
        return exc.message
    return " ".join(exc.messages)
