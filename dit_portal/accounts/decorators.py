from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied


def role_required(*roles):
    """Only signed-in users with one of these roles; anyone else gets 403."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(request, *args, **kwargs):
            if request.user.role not in roles:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def patient_required(view):
    from .models import User

    return role_required(User.Role.PATIENT)(view)


def therapist_required(view):
    from .models import User

    return role_required(User.Role.THERAPIST)(view)


def clinic_admin_required(view):
    from .models import User

    return role_required(User.Role.CLINIC_ADMIN)(view)
