"""The site's URLs: the admin with the editors' Markdown endpoints, the operational ones, then the
public pages of each app, all named in the ``kb`` namespace (``{% url 'kb:model' slug %}``)."""

from django.contrib import admin
from django.urls import include, path, re_path

from kb.catalogue import uploads
from kb.opendata import urls as opendata_urls
from kb.search import urls as search_urls
from kb.serving import health
from kb.site import urls as site_urls
from kb.site.views import editing, pages

handler500 = health.server_error

public = [*site_urls.urlpatterns, *search_urls.urlpatterns, *opendata_urls.urlpatterns]

urlpatterns = [
    path("admin/markdownx/markdownify/", editing.markdownify, name="markdownx_markdownify"),
    path("admin/markdownx/upload/", editing.upload_image, name="markdownx_upload"),
    path("admin/markdownx/preview/", editing.preview_frame, name="markdown_preview_frame"),
    path("admin/markdownx/proofread/", editing.proofread_text, name="markdown_proofread"),
    path("admin/markdownx/slugs/", editing.block_slugs, name="markdown_slugs"),
    path("admin/markdownx/cheat-sheet/", editing.cheat_sheet, name="markdown_cheat_sheet"),
    path("admin/", admin.site.urls),
    path("healthz", health.healthz, name="healthz"),
    path("favicon.ico", pages.favicon, name="favicon"),
    re_path(uploads.media_url_pattern(), uploads.serve_upload, name="upload"),
    path("", include((public, "kb"))),
]
