"""The search page and the suggestions (named in the ``kb`` namespace by kb/urls.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("search/", views.search, name="search"),
    path("search/suggest/", views.suggest, name="search_suggest"),
    path("search/suggest/models/", views.suggest_models, name="search_suggest_models"),
]
