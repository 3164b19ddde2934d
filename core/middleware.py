"""Requests refused before any view, or Django's own checks, can trip on them."""

from django.http import HttpResponseBadRequest

FORM_CONTENT_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})


class RequestCharsetMiddleware:
    """A form body in any character set but UTF-8 answers 400.

    Every page is served as UTF-8, so browsers send their forms in it. For any other
    charset Django raises BadRequest when the body is first read, which is inside the
    CSRF check; the error handlers then check CSRF again, read the body again, fail
    again, and the visitor gets a 500. Placed before CsrfViewMiddleware, this answers
    400 without reading the body or rendering a handler that would.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        charset = request.content_params.get("charset")
        if (
            request.content_type in FORM_CONTENT_TYPES
            and charset is not None
            and charset.lower() != "utf-8"
        ):
            return HttpResponseBadRequest(
                "Bad request: forms must be sent as UTF-8.", content_type="text/plain"
            )
        return self.get_response(request)
