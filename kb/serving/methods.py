"""The HTTP methods the site takes, answered before CSRF protection looks at a request.

The public site is read-only: GET and HEAD. Only the admin (the editors' Markdown endpoints, under
it, included) also takes POST. Any other method gets 405 Method Not Allowed with an Allow header,
and OPTIONS an empty 200 with the same header. Without this, CSRF protection refused an unknown
method (PUT, FOO) with 403 as if it were a forged form, and TRACE and OPTIONS, which it counts
as safe, reached the views and got the whole page.

Only routes that exist are answered here (``process_view``): an unknown URL stays a 404. A view
may still refuse a method listed here (the API's ``require_safe``, the editor's ``require_POST``).
"""

from functools import cache

from django.http import HttpResponse, HttpResponseNotAllowed
from django.urls import reverse

READ_ONLY = ("GET", "HEAD", "OPTIONS")
EDITING = ("GET", "HEAD", "POST", "OPTIONS")


@cache
def editing_prefix():
    return reverse("admin:index")


class AllowedMethodsMiddleware:
    """Placed before ``CsrfViewMiddleware``, whose ``process_view`` then never sees a request
    this one answers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        allowed = EDITING if request.path.startswith(editing_prefix()) else READ_ONLY
        if request.method == "OPTIONS":
            response = HttpResponse()
            response["Allow"] = ", ".join(allowed)
            return response
        if request.method not in allowed:
            return HttpResponseNotAllowed(allowed)
        return None
