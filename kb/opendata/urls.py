"""Routes of the open data: the API, the downloads, feeds, sitemap and robots.txt (named in the
``kb`` namespace by kb/urls.py)."""

from django.contrib.sitemaps.views import sitemap
from django.urls import path, re_path

from . import api, downloads, feeds, sitemaps

urlpatterns = [
    path("api/models/", api.model_list, name="api_model_list"),
    # Any text up to the last slash reaches the view, so every unknown slug gets a JSON 404.
    re_path(r"^api/models/(?P<slug>[\s\S]*)/$", api.model_detail, name="api_model"),
    path("api/categories/", api.category_list, name="api_category_list"),
    path("api/articles/", api.article_list, name="api_article_list"),
    re_path(r"^api/articles/(?P<slug>[\s\S]*)/$", api.article_detail, name="api_article"),
    path("api/charts/<str:chart>/", api.chart, name="api_chart"),
    path("api/openapi.json", api.openapi, name="api_openapi"),
    path("models.csv", downloads.models_csv, name="models_csv"),
    path("models.json", downloads.models_json, name="models_json"),
    path("data/charts/<str:chart>.csv", downloads.chart_csv, name="chart_csv"),
    path("data/", downloads.data_page, name="data"),
    path("feeds/articles/", feeds.ArticleFeed(), name="feed_articles"),
    path("feeds/models/", feeds.ModelEntryFeed(), name="feed_models"),
    path("sitemap.xml", sitemap, {"sitemaps": sitemaps.SITEMAPS}, name="sitemap"),
    path("robots.txt", sitemaps.robots_txt, name="robots_txt"),
]
