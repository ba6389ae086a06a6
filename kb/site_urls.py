from django.urls import include, path

from . import views
from .search import views as search_views

app_name = "kb"

urlpatterns = [
    path("", views.home, name="home"),
    path("articles/", views.article_list, name="article_list"),
    path("articles/<slug:slug>/", views.article_detail, name="article"),
    path("compare/", views.compare, name="compare"),
    path("categories/<slug:slug>/", views.category_detail, name="category"),
    path("organizations/<slug:slug>/", views.organization_detail, name="organization"),
    path("models/", views.model_list, name="model_list"),
    path("models/<slug:slug>/", views.model_detail, name="model"),
    path("compare/models/", views.compare_models, name="compare_models"),
    path("", include("kb.opendata_urls")),
    path("search/", search_views.search, name="search"),
    path("search/suggest/", search_views.suggest, name="search_suggest"),
    path("search/suggest/models/", search_views.suggest_models, name="search_suggest_models"),
]
