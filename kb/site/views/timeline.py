"""The release timeline page (the chart's geometry is kb.site.timeline)."""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from ..timeline import build


@require_safe
def timeline_page(request):
    return render(request, "kb/timeline.html", {"timeline": build()})
