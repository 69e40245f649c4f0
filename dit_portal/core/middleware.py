"""Responses to signed-in people are never stored by a browser or a proxy."""

from django.utils.cache import patch_cache_control


class NoStoreWhenSignedIn:
    """Pages for a signed-in person hold patient data (or could): no shared cache
    may keep them and the browser keeps no copy for the back button of a shared
    computer. Static files and public pages are unaffected."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
            response.headers.pop("Expires", None)
        return response
