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


def clinic_admin_or_404(view):
    """Pages about staff accounts: anyone signed in who is not a clinic admin gets
    404, so therapists and patients are not even told the page exists."""
    from django.http import Http404

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not request.user.is_clinic_admin:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper
