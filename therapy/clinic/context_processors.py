from therapy.models import Clinic


def clinic(request):
    """The clinic's details for the footer and every page (one query per request)."""
    if not hasattr(request, "_clinic"):
        request._clinic = Clinic.load()
    return {"clinic": request._clinic}
