"""The public pages (named in the ``kb`` namespace by kb/urls.py)."""

from django.urls import path

from .views import entries, pages, timeline

urlpatterns = [
    path("", pages.home, name="home"),
    path("articles/", pages.article_list, name="article_list"),
    path("articles/<slug:slug>/", pages.article_detail, name="article"),
    path("compare/", pages.compare, name="compare"),
    path("categories/<slug:slug>/", pages.category_detail, name="category"),
    path("organizations/<slug:slug>/", pages.organization_detail, name="organization"),
    path("models/", entries.model_list, name="model_list"),
    path("models/<slug:slug>/", entries.model_detail, name="model"),
    path("compare/models/", entries.compare_models, name="compare_models"),
    path("timeline/", timeline.timeline_page, name="timeline"),
]
