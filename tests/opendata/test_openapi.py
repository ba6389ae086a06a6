import re

import pytest
from django.urls import Resolver404, URLPattern, resolve

from kb.catalogue.charts import CHARTS
from kb.catalogue.filters import ModelFilterForm
from kb.catalogue.models import Organization
from kb.opendata import urls as opendata_urls
from kb.opendata.api import openapi as openapi_view
from kb.opendata.openapi import openapi_spec

pytestmark = pytest.mark.django_db

DATA_VIEWS = {"kb.opendata.api", "kb.opendata.downloads"}


def data_routes():
    """The routes of the JSON API and the downloads, as OpenAPI paths; a chart's route once for
    each chart, as each takes its own options."""
    for pattern in opendata_urls.urlpatterns:
        assert isinstance(pattern, URLPattern)
        if pattern.callback.__module__ in DATA_VIEWS and pattern.name != "data":
            route = str(pattern.pattern).lstrip("^").rstrip("$")
            path = "/" + re.sub(r"\(\?P<(\w+)>[^)]*\)|<(?:\w+:)?(\w+)>", r"{\1\2}", route)
            if "{chart}" in path:
                yield from (path.replace("{chart}", chart) for chart in CHARTS)
            else:
                yield path


@pytest.fixture
def spec(client, seed):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_every_api_route_is_described(spec):
    routes = set(data_routes())
    assert "/api/models/{slug}/" in routes and "/models.csv" in routes
    assert set(spec["paths"]) == routes


def test_every_described_path_reaches_a_view(spec):
    for path in spec["paths"]:
        match = resolve(path.replace("{slug}", "bloom"))
        assert match.func.__module__ in DATA_VIEWS, path
    with pytest.raises(Resolver404):
        resolve("/api/nothing/")


def test_every_operation_documents_its_400(spec):
    for path, item in spec["paths"].items():
        assert "400" in item["get"]["responses"], path
        assert set(item) == {"get"}, path


def test_the_filter_values_are_those_in_the_database(spec):
    parameters = {p["name"]: p for p in spec["paths"]["/api/models/"]["get"]["parameters"]}
    assert parameters["category"]["schema"]["items"]["enum"] == ["", "open-source", "closed"]
    assert "meta" in parameters["organization"]["schema"]["items"]["enum"]
    access = ["", "weights", "hosted", "both", "unreleased", "unknown"]
    assert parameters["access"]["schema"] == {
        "type": "array",
        "items": {"type": "string", "enum": access},
    }
    assert parameters["licence"]["schema"]["items"]["enum"] == ["", "osi", "not-osi", "unknown"]
    sorts = ["", "name", "newest", "oldest", "largest", "smallest", "openness", "cheapest"]
    sorts.append("least_memory")
    assert parameters["sort"]["schema"]["enum"] == sorts
    assert list(parameters) == list(ModelFilterForm().fields)


def test_the_description_is_the_served_view():
    assert resolve("/api/openapi.json").func is openapi_view


def organizations_in(spec):
    parameters = {p["name"]: p for p in spec["paths"]["/api/models/"]["get"]["parameters"]}
    return parameters["organization"]["schema"]["items"]["enum"]


def test_the_document_is_built_once_per_content_version(seed, django_assert_num_queries):
    openapi_spec()
    with django_assert_num_queries(1):  # the content version, as every page request reads it
        before = openapi_spec()
    Organization.objects.create(name="Newly Added Lab", slug="newly-added-lab")
    assert "newly-added-lab" not in organizations_in(before)
    assert "newly-added-lab" in organizations_in(openapi_spec())
