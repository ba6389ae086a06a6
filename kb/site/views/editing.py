"""The Markdown editor's endpoints, for logged-in staff only.

django-markdownx's own views answer anyone who has a CSRF token, pass a missing field through
as a 500, and store uploads by the client's word for their type; these answer staff alone,
treat a missing field as empty text, and take images only (kb/catalogue/uploads.py). They speak the
widget's protocol: the preview answers HTML; an upload answers ``{"image_code": "![](url)"}``,
or 400 with ``{"image": [message]}`` as a form's errors. A text over the Markdown length limit
gets 413 with the reason, which the widget shows in the preview pane as it shows any answer.
"""

from functools import wraps

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST

from kb.catalogue.editors import may_write_markdown
from kb.catalogue.models import validate_markdown_length
from kb.catalogue.uploads import UploadRefused, store_image

from ..markdown import render_preview


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
    text = request.POST.get("content", "")
    try:
        validate_markdown_length(text)
    except ValidationError as too_long:
        refusal = render_to_string("blocks/too_long.html", {"message": too_long.messages[0]})
        return HttpResponse(refusal, status=413)
    return HttpResponse(render_preview(text))


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
