import logging
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DataError
from django.http import HttpResponse
from django.template import loader
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers

from core.errors import StoredValueUnreadable

logger = logging.getLogger("custodian")


class LanguageMiddleware:
    """Simplified Chinese unless the user picked English with the switch in the
    layout bar (which sets the language cookie). The browser's Accept-Language is
    not consulted: the office works in Chinese whatever the machine is set to."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = dict(settings.LANGUAGES)

    def __call__(self, request):
        code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if code not in self.supported:
            code = settings.LANGUAGE_CODE
        translation.activate(code)
        request.LANGUAGE_CODE = code
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", code)
        patch_vary_headers(response, ("Cookie",))
        return response


class NoStoreMiddleware:
    """`Cache-Control: no-store` on every response to a logged-in user.

    Which pages show a personal value in full depends on who asks (the maker sees
    S2 in full, a colleague masked), and a reveal, an export or a job report is
    personal by nature; deciding page by page would leave the next new page out.
    A back-office has no use for a shared or browser cache of its pages, so every
    authenticated response (HTML, JSON and files alike) is marked: the browser's
    back button and any proxy keep nothing. Static files are served before this
    (WhiteNoise) and stay cacheable."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response


_OUT_OF_RANGE = re.compile(r"out of range", re.IGNORECASE)
_NOT_A_NUMBER = re.compile(r"^Field '[^']+' expected a number but got")


class BadInputMiddleware:
    """The last line for input no form caught, answered as a page instead of a 500.

    - A date at the edge of the calendar (`9999-12-31` plus a time-zone shift, a
      year-1 date minus eight hours, an admin date drill-down past year 9999)
      overflows Python's date arithmetic: 400 with the product's page. The forms
      refuse such dates beside the field first (`core.forms.SupportedDatesMixin`);
      this catches what a form does not see (the admin's date drill-down, reports).
    - An id that is not a number (`owner=abc`) or a malformed UUID reaching a
      lookup: 400.
    - A missing or wrong master key (`vault.crypto.MasterKeyUnavailable`) or a
      value that does not decrypt (`VaultError`), both `core.errors.StoredValueUnreadable`:
      503, a page saying the record cannot be decrypted right now, and one log line for operators naming the
      key id and what to do. The message never carries a plaintext value."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, StoredValueUnreadable):
            logger.error(*exception.log_line(request.path))
            return _error_page(request, "503.html", 503)
        # The messages of these name the value sent, which may be anything a user
        # typed (an ID number in the wrong box): the log line names only the kind.
        if isinstance(exception, OverflowError | DataError) or (
            isinstance(exception, ValueError) and _OUT_OF_RANGE.search(str(exception))
        ):
            logger.warning("Bad input refused on %s: %s (a value out of range)", request.path, type(exception).__name__)
            return _error_page(request, "400.html", 400, out_of_range=True)
        if (isinstance(exception, ValueError) and _NOT_A_NUMBER.search(str(exception))) or isinstance(
            exception, ValidationError
        ):
            # A lookup given `abc` for an id (`Field 'id' expected a number`) or a bad
            # UUID: the view let it through, the page still answers.
            logger.warning("Bad input refused on %s: %s (a malformed value)", request.path, type(exception).__name__)
            return _error_page(request, "400.html", 400)
        return None


def _error_page(request, template_name: str, status: int, **context) -> HttpResponse:
    try:
        body = loader.render_to_string(template_name, context, request=request)
    except Exception:  # the error page itself must never fail (a broken database, say)
        body = loader.render_to_string(template_name, context)
    response = HttpResponse(body, status=status)
    # Logged above, in words that name no value: django.request logs it no second time.
    response._has_been_logged = True
    return response
