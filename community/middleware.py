"""Keeps the current request within reach of the audit trail.

Some audited changes are recorded where no request is passed along (Django Admin's
LogEntry signal, services called deep inside a view); the audit entry still gets
the client IP from here.
"""

from contextvars import ContextVar

_current_request: ContextVar = ContextVar("audit_request", default=None)


def current_request():
    return _current_request.get()


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(token)
