"""The site's URLs plus a page with a POST form (and so a CSRF token) for the cache tests."""

from django.http import HttpResponse
from django.template import engines
from django.urls import include, path

from kb.catalogue.models import Category

FORM = engines["django"].from_string(
    '<form method="post">{% csrf_token %}{% for c in categories %}{{ c.name }}{% endfor %}</form>'
)


def form_page(request):
    return HttpResponse(FORM.render({"categories": Category.objects.all()}, request))


urlpatterns = [
    path("form/", form_page),
    path("", include("kb.urls")),
]
