from django.conf import settings
from django.utils import translation


class ContentSecurityPolicyMiddleware:
    """Send the strict policy from settings on every response that has none of its own."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", "")
        if policy:
            response.headers.setdefault("Content-Security-Policy", policy)
        return response


class TranslatedPagesMiddleware:
    """Only the public complaint pages are translated. Everywhere else the portal speaks its
    default language, whatever a visitor chose there, so no page comes out half translated."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or match.view_name not in settings.TRANSLATED_VIEWS:
            translation.activate(settings.LANGUAGE_CODE)
            request.LANGUAGE_CODE = settings.LANGUAGE_CODE
            return
        # A translated page also takes its language from the address (?lang=es), so that a link
        # chooses it without a cookie (the public pages set none).
        chosen = request.GET.get("lang")
        if chosen in dict(settings.LANGUAGES):
            translation.activate(chosen)
            request.LANGUAGE_CODE = chosen
