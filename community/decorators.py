"""Role checks for server-rendered staff pages (the API has spanglish.api.permissions).

Anonymous visitors are sent to sign in; signed-in users without the role get a 403.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied


def role_required(test):
    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not test(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


door_staff_required = role_required(lambda user: user.is_door_staff)
organizer_required = role_required(lambda user: user.is_organizer)
