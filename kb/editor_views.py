"""The Markdown editor's endpoints, for logged-in staff only.

django-markdownx's own views answer anyone who has a CSRF token, pass a missing field through
as a 500, and store uploads by the client's word for their type; these answer staff alone,
treat a missing field as empty text, and take images only (kb/uploads.py). They speak the
widget's protocol: the preview answers HTML; an upload answers ``{"image_code": "![](url)"}``,
or 400 with ``{"image": [message]}`` as a form's errors.
"""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.views.decorators.http import require_POST

from .editors import may_write_markdown
from .markdown import render_preview
from .uploads import UploadRefused, store_image


def staff_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not may_write_markdown(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


@require_POST
@staff_required
def markdownify(request):
    return HttpResponse(render_preview(request.POST.get("content", "")))


@require_POST
@staff_required
def upload_image(request):
    upload = request.FILES.get("image")
    if upload is None:
        return JsonResponse({"image": ["Choose an image file to upload."]}, status=400)
    try:
        url = store_image(upload)
    except UploadRefused as refusal:
        return JsonResponse({"image": [str(refusal)]}, status=400)
    return JsonResponse({"image_code": f"![]({url})"})
