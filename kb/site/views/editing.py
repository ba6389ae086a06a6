"""The Markdown editor's endpoints, for logged-in staff only.

django-markdownx's own views answer anyone who has a CSRF token, pass a missing field through
as a 500, and store uploads by the client's word for their type; these answer staff alone,
treat a missing field as empty text, and take images only (kb/catalogue/uploads.py). They speak the
widget's protocol: the preview answers HTML; an upload answers ``{"image_code": "![](url)"}``,
or 400 with ``{"image": [message]}`` as a form's errors. A text over the Markdown length limit
gets 413 with the reason, which the widget shows in the preview pane as it shows any answer.

The editor's desk (static/js/editor-desk.js) adds three: the preview's own document, which the
admin frames (the site's stylesheet, scoped by being a document of its own; the desk puts the
preview's HTML in it), the warnings about a text with the lines they point at, and the Markdown
cheat sheet.
"""

from functools import wraps

from csp.constants import SELF
from csp.decorators import csp_replace
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_POST

from kb.catalogue.editors import may_write_markdown
from kb.catalogue.models import Category, ModelEntry, validate_markdown_length
from kb.catalogue.uploads import UploadRefused, store_image

from ..blocks import BLOCKS
from ..markdown import render_preview
from ..proofreading import proofread


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


@require_GET
@staff_required
@xframe_options_sameorigin
@csp_replace({"frame-ancestors": [SELF]})
def preview_frame(request):
    """The empty page the preview is shown in: the public pages' stylesheet and frame around
    an article's body, framed by the admin alone."""
    return render(request, "admin/kb/preview_frame.html")


HEADING_LEVELS = {"1", "2", "3", "4", "5"}


@require_POST
@staff_required
@never_cache
def proofread_text(request):
    text = request.POST.get("content", "")
    under = request.POST.get("under", "1")
    if under not in HEADING_LEVELS:
        return JsonResponse(
            {"under": ["Give the heading level the text sits under, 1 to 5."]}, status=400
        )
    try:
        validate_markdown_length(text)
    except ValidationError as too_long:
        return JsonResponse(
            {"warnings": [{"line": 1, "message": too_long.messages[0]}], "blocks": []}
        )
    result = proofread(text, under=int(under))
    warnings = [{"line": note.line, "message": note.message} for note in result.warnings]
    return JsonResponse({"warnings": warnings, "blocks": list(result.blocks)})


@require_GET
@staff_required
def cheat_sheet(request):
    return render(request, "admin/kb/markdown_cheat_sheet.html", {"blocks": BLOCKS.values()})


@require_GET
@staff_required
def block_slugs(request):
    """What ``[[examples SLUG]]`` can name, for the toolbar's list: categories, then published
    model entries, by name."""
    categories = Category.objects.order_by("position", "name").values_list("slug", "name")
    entries = ModelEntry.objects.published().order_by("name").values_list("slug", "name")
    return JsonResponse(
        {
            "categories": [{"slug": s, "name": n} for s, n in categories],
            "entries": [{"slug": s, "name": n} for s, n in entries],
        }
    )
