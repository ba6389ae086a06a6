from django.contrib import admin
from django.urls import include, path, re_path

from . import editor_views, health, uploads, views

handler500 = health.server_error

urlpatterns = [
    path("admin/markdownx/markdownify/", editor_views.markdownify, name="markdownx_markdownify"),
    path("admin/markdownx/upload/", editor_views.upload_image, name="markdownx_upload"),
    path("admin/", admin.site.urls),
    path("healthz", health.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    re_path(uploads.media_url_pattern(), uploads.serve_upload, name="upload"),
    path("", include("kb.site_urls")),
]
