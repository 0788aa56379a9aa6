import re
from urllib.parse import unquote

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.http import HttpResponseBadRequest, JsonResponse
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.utils import translation
from django.utils.translation import gettext as _


class LoginRequiredMiddleware(DjangoLoginRequired):
    """Login is required site-wide, except under /api/: the REST framework authenticates
    those requests itself (token or session) and answers 401 in JSON rather than redirecting."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Chinese unless the user chose otherwise with the language switch.

    Browsers' Accept-Language is ignored for pages: office computers often run an English
    system while the working language is Chinese. API clients may still ask for a language
    with Accept-Language.
    """

    def process_request(self, request):
        if request.path_info.startswith("/api/"):
            return super().process_request(request)
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CANDIDATE = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx])(?![0-9A-Za-z])")


def looks_like_id_number(text: str) -> bool:
    """An 18-character resident identity number with a valid GB 11643 check digit."""
    for match in _ID_CANDIDATE.finditer(text):
        number = match.group(1).upper()
        total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS, strict=True))
        if "10X98765432"[total % 11] == number[17]:
            return True
    return False


class RequestSanityMiddleware:
    """Refuse, before any view runs, what no view should have to handle: a NUL byte in the
    path or query string (PostgreSQL cannot store it; some parsers cut at it), and a resident
    identity number in the query string (it would reach every access log on the way; exact
    lookups are POSTed or go by the keyed hash)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = unquote(request.META.get("QUERY_STRING", ""))
        if "\x00" in request.path or "\x00" in query:
            return self._refuse(request, _("The address contains a NUL character."))
        if looks_like_id_number(query):
            return self._refuse(
                request,
                _(
                    "Identity numbers are not accepted in an address; search for a number "
                    "with the search form (or POST /api/v1/persons/lookup/)."
                ),
            )
        return self.get_response(request)

    def _refuse(self, request, message):
        if request.path_info.startswith("/api/"):
            return JsonResponse({"detail": str(message)}, status=400)
        return HttpResponseBadRequest(str(message), content_type="text/plain; charset=utf-8")


PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), "
    "gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), usb=(), "
    "interest-cohort=()"
)


class PrivacyHeadersMiddleware:
    """Pages, exports and API answers for a logged-in user carry personal data: no browser or
    proxy may keep them (``Cache-Control: no-store``). Every answer denies the browser
    features the application never uses (``Permissions-Policy``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        static = request.path_info.startswith(("/static/", "/favicon.ico"))
        user = getattr(request, "user", None)
        authenticated = bool(user is not None and user.is_authenticated)
        if not static and (
            authenticated
            or "HTTP_AUTHORIZATION" in request.META
            or request.path_info.startswith("/api/")
        ):
            response.headers["Cache-Control"] = "no-store, private"
            response.headers.setdefault("Pragma", "no-cache")
        return response


class ProductErrorPagesMiddleware:
    """The product's own 404 and 500 pages even with DEBUG on (``make run``): a clerk who
    mistypes an address sees the Chinese "not found" page, not Django's debug page, which
    would also list every URL of the system. API paths keep their JSON errors. A developer
    who wants Django's pages sets ``DEBUG_ERROR_PAGES=1``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings

        response = self.get_response(request)
        if not settings.DEBUG or getattr(settings, "DEBUG_ERROR_PAGES", False):
            return response
        if response.status_code not in (404, 500) or request.path.startswith("/api/"):
            return response
        if not response.get("Content-Type", "").startswith("text/html"):
            return response
        if getattr(response, "_product_page", False) or getattr(response, "streaming", False):
            return response
        from django.views import defaults

        if response.status_code == 404:
            page = defaults.page_not_found(request, None)
        else:
            page = defaults.server_error(request)
        page._product_page = True
        return page
