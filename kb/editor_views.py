"""The Markdown editor's endpoints, for logged-in staff only.

django-markdownx's own views answer anyone who has a CSRF token and pass a missing field
through as a 500; these answer staff alone and treat a missing field as empty text.
"""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.views.decorators.http import require_POST
from markdownx.views import ImageUploadView

from .markdown import render_preview


def staff_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not (request.user.is_active and request.user.is_staff):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


@require_POST
@staff_required
def markdownify(request):
    return HttpResponse(render_preview(request.POST.get("content", "")))


upload_image = require_POST(staff_required(ImageUploadView.as_view()))
