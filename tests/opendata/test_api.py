import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kb.catalogue.models import Access, Modality, ModelEntry, OpennessGrade, Status
from tests.support.factories import ArticleFactory, ModelEntryFactory

pytestmark = pytest.mark.django_db

MODELS = "/api/models/"


def slugs(response):
    assert response.status_code == 200, response.content
    return [record["slug"] for record in response.json()["results"]]


def test_the_list_holds_every_published_entry_by_name(client, seed):
    ModelEntryFactory(slug="secret", status=Status.DRAFT)
    response = client.get(MODELS)
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    body = response.json()
    assert (body["count"], body["page"], body["pages"]) == (10, 1, 1)
    assert body["next"] is None and body["previous"] is None
    assert slugs(response) == [
        "bloom",
        "claude",
        "falcon",
        "gemini",
        "gpt-4",
        "llama-2",
        "mistral",
        "mixtral",
        "sora",
        "stable-diffusion",
    ]


def test_a_record_has_facts_licence_openness_and_sources(client, seed):
    record = client.get(reverse("kb:api_model", args=["llama-2"])).json()
    assert record["name"] == "LLaMA 2"
    assert record["url"] == "http://testserver/models/llama-2/"
    assert record["organization"] == {
        "slug": "meta",
        "name": "Meta",
        "website": "https://ai.meta.com/",
    }
    assert record["category"] == {"slug": "open-source", "name": "Open-source models"}
    assert record["release_date"] == "2023-07-18"
    assert record["parameter_count"] == 70_000_000_000
    assert record["licence"] == {
        "name": "Llama 2 Community License",
        "url": "https://ai.meta.com/llama/license/",
        "osi_approved": False,
        "terms_url": None,
    }
    # its licence restricts use (grade partial): restricted weights
    assert record["openness_tier"] == "restricted_weights"
    assert record["lifecycle"] == {"status": None, "since": None, "source_url": None}
    assert record["openness"]["score"] == 50
    weights = record["openness"]["grades"][0]
    assert weights == {
        "dimension": "weights",
        "label": "Weights",
        "grade": "partial",
        "source_url": "https://github.com/meta-llama/llama/blob/main/README.md",
        "checked_on": "2026-11-28",
        "note": None,
    }
    assert {"fact": "licence", "url": "https://ai.meta.com/llama/license/"}.items() <= (
        next(s for s in record["sources"] if s["fact"] == "licence").items()
    )
    assert record["description_markdown"].startswith(
        ModelEntry.objects.get(slug="llama-2").description[:20]
    )
    assert record["description_html"].startswith("<p>")


def test_unpublished_facts_are_null_not_zero(client, seed):
    record = client.get(reverse("kb:api_model", args=["gpt-4"])).json()
    assert record["parameters"] is None and record["parameter_count"] is None


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("category=closed", ["claude", "gemini", "gpt-4", "sora"]),
        ("organization=openai&organization=meta", ["gpt-4", "llama-2", "sora"]),
        ("modality=video", ["gemini", "sora"]),
        ("modality=video&modality=image", ["claude", "gemini", "gpt-4", "sora", "stable-diffusion"]),
        ("category=closed&modality=code", ["claude", "gemini"]),
        ("access=hosted", ["claude", "gemini", "gpt-4", "sora"]),
        ("licence=osi", ["mistral", "mixtral"]),
        ("licence=not-osi&category=open-source", ["bloom", "falcon", "llama-2", "stable-diffusion"]),
        ("min_openness=67", ["bloom", "falcon", "stable-diffusion"]),
        ("sort=openness&category=open-source", ["bloom", "stable-diffusion", "falcon", "llama-2", "mistral", "mixtral"]),
        ("sort=newest&category=closed", ["sora", "gemini", "claude", "gpt-4"]),
        ("sort=largest", ["falcon", "bloom", "llama-2", "mixtral", "mistral", "stable-diffusion", "claude", "gemini", "gpt-4", "sora"]),
        ("access=&licence=&sort=&page=&min_openness=", None),  # an empty form: no filter
    ],
)  # fmt: skip
def test_filters_and_sorting(client, seed, query, expected):
    got = slugs(client.get(f"{MODELS}?{query}"))
    assert got == (expected or slugs(client.get(MODELS)))


def test_the_seed_expectations_hold(seed):
    # The parametrised expectations above rest on these facts of the bundled content.
    assert set(
        ModelEntry.objects.filter(licence_osi_approved=True).values_list("slug", flat=True)
    ) == {"mistral", "mixtral"}
    assert Modality.objects.get(slug="video").entries.count() == 2
    assert ModelEntry.objects.filter(access=Access.HOSTED).count() == 4


@pytest.mark.parametrize(
    ("query", "parameter", "message"),
    [
        ("colour=red", "colour", "Unknown parameter. Allowed: category, organization"),
        ("category=nowhere", "category", "Select a valid choice. nowhere is not one of the available choices."),
        ("category=%00", "category", "is not one of the available choices."),
        ("organization=Meta%20AI", "organization", "is not one of the available choices."),
        ("access=free", "access", "Select a valid choice. free is not one of the available choices."),
        ("licence=gpl", "licence", "Select a valid choice."),
        ("sort=size", "sort", "Select a valid choice."),
        ("sort=name&sort=newest", "sort", "Give this parameter once."),
        ("page=0", "page", "Ensure this value is greater than or equal to 1."),
        ("page=two", "page", "Enter a whole number."),
        ("min_openness=101", "min_openness", "Ensure this value is less than or equal to 100."),
        ("min_openness=%00", "min_openness", "Enter a whole number."),
    ],
)  # fmt: skip
def test_bad_parameters_get_a_400_saying_what_was_wrong(client, seed, query, parameter, message):
    response = client.get(f"{MODELS}?{query}")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["error"] == "Invalid query parameters."
    assert list(body["detail"]) == [parameter]
    assert message in body["detail"][parameter][0]


def test_every_wrong_parameter_is_reported_at_once(client, seed):
    body = client.get(f"{MODELS}?x=1&sort=size&page=-1").json()
    assert set(body["detail"]) == {"x", "sort", "page"}


def test_pages_of_twenty_with_links_that_keep_the_filters(client, db):
    for number in range(25):
        ModelEntryFactory(name=f"Model {number:02}", slug=f"model-{number:02}")
    first = client.get(f"{MODELS}?sort=name").json()
    assert (first["count"], first["pages"], len(first["results"])) == (25, 2, 20)
    assert first["next"] == "http://testserver/api/models/?sort=name&page=2"
    second = client.get(first["next"]).json()
    assert [r["slug"] for r in second["results"]] == [f"model-{n}" for n in range(20, 25)]
    assert second["previous"] == "http://testserver/api/models/?sort=name&page=1"
    past = client.get(f"{MODELS}?page=3")
    assert past.status_code == 404
    assert past.json() == {
        "error": "There is no page 3.",
        "detail": {"page": ["The last page is 2."]},
    }


@pytest.mark.parametrize("slug", ["nope", "secret-draft", "a/b", "%00", "%0A", "x%3Fy"])
def test_unknown_or_draft_slugs_get_a_json_404(client, seed, slug):
    ModelEntryFactory(slug="secret-draft", status=Status.DRAFT)
    response = client.get(f"/api/models/{slug}/")
    assert response.status_code == 404
    assert response.json()["error"] == "No published model entry with this slug."


def test_the_detail_refuses_parameters(client, seed):
    response = client.get("/api/models/bloom/?format=xml")
    assert response.status_code == 400
    assert "format" in response.json()["detail"]


def test_categories_with_their_published_entries_and_pros_and_cons(client, seed):
    ModelEntryFactory(
        slug="secret", status=Status.DRAFT, category=ModelEntry.objects.get(slug="sora").category
    )
    body = client.get("/api/categories/").json()
    assert body["count"] == 2
    closed = body["results"][1]
    assert closed["slug"] == "closed" and closed["icon"] == "🔒"
    assert closed["entries"] == ["claude", "gemini", "gpt-4", "sora"]
    assert closed["entry_count"] == 4
    assert closed["cons"][0] == "Limited customization"
    assert closed["url"] == "http://testserver/categories/closed/"


def test_articles_published_only_with_markdown_and_html(client, seed):
    ArticleFactory(title="Draft", slug="draft", status=Status.DRAFT)
    ArticleFactory(
        title="Newer",
        slug="newer",
        body="## Heading\n\n<script>alert(1)</script>",
        published_at=datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC),
    )
    body = client.get("/api/articles/").json()
    slugs = [a["slug"] for a in body["results"]]
    assert slugs[0] == "newer"
    assert sorted(slugs[1:]) == ["open-source-vs-closed-models", "the-two-worlds-in-numbers"]
    newer = body["results"][0]
    assert newer["body_markdown"] == "## Heading\n\n<script>alert(1)</script>"
    # Rendering a body costs queries for its generated blocks: only the detail carries it.
    assert "body_html" not in newer
    detail = client.get("/api/articles/newer/").json()
    assert detail["body_markdown"] == newer["body_markdown"]
    assert '<h2 id="heading">Heading</h2>' in detail["body_html"]
    assert "<script>" not in detail["body_html"]
    seed_article = body["results"][slugs.index("open-source-vs-closed-models")]
    assert set(seed_article["categories"]) == {"open-source", "closed"}


@pytest.mark.parametrize("slug", ["draft", "no-such-article", "%00"])
def test_article_detail_is_404_json_for_drafts_and_unknown_slugs(client, seed, slug):
    ArticleFactory(title="Draft", slug="draft", status=Status.DRAFT)
    response = client.get(f"/api/articles/{slug}/")
    assert response.status_code == 404
    assert response.json()["error"]


def test_only_reading_is_allowed(client, seed):
    response = client.post(MODELS)
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, OPTIONS"


def add_entries(count):
    for number in range(count):
        entry = ModelEntryFactory(release_date=datetime.date(2024, 1, 1))
        entry.modalities.add(Modality.objects.get(slug="text"))
        OpennessGrade.objects.create(entry=entry, dimension="weights", grade="open")
        entry.sources.create(fact="general", url=f"https://example.org/{number}")


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        # count, page, modalities, openness grades, API prices, sources, provenance, the
        # datasets credited
        ("/api/models/", 8),
        # and one to check each filter's slugs
        ("/api/models/?category=open-source&modality=text&sort=openness", 10),
        # categories, their entries, their pros and cons
        ("/api/categories/", 3),
        # count, page, categories, entries
        ("/api/articles/", 4),
    ],
)
def test_query_counts_do_not_grow_with_rows(client, seed, url, queries):
    def count_queries():
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        return len(context)

    assert count_queries() == queries
    add_entries(8)
    ArticleFactory.create_batch(3)
    assert count_queries() == queries


def test_an_entry_with_no_grades_has_a_null_score_not_zero(client, seed):
    ModelEntryFactory(slug="ungraded")
    record = client.get(reverse("kb:api_model", args=["ungraded"])).json()
    assert record["openness"]["score"] is None
    assert (record["openness"]["graded"], record["openness"]["unknown"]) == (0, 9)
    assert {grade["grade"] for grade in record["openness"]["grades"]} == {"unknown"}
    # Sorted by openness it comes last; a least score leaves it out.
    assert slugs(client.get(f"{MODELS}?sort=openness"))[-1] == "ungraded"
    assert "ungraded" not in slugs(client.get(f"{MODELS}?min_openness=0"))


def test_too_few_graded_dimensions_give_a_null_score_with_the_coverage(client, seed):
    entry = ModelEntryFactory(slug="two-open")
    for dimension in ("weights", "weights_licence"):
        OpennessGrade.objects.create(entry=entry, dimension=dimension, grade="open")
    openness = client.get(reverse("kb:api_model", args=["two-open"])).json()["openness"]
    assert (openness["score"], openness["graded"], openness["unknown"]) == (None, 2, 7)
    gpt = client.get(reverse("kb:api_model", args=["gpt-4"])).json()["openness"]
    assert (gpt["score"], gpt["graded"]) == (22, 9)


def test_page_size_is_one_of_the_directory_sizes(client, db):
    for number in range(55):
        ModelEntryFactory(name=f"Model {number:02}", slug=f"model-{number:02}")
    body = client.get(f"{MODELS}?per_page=50").json()
    assert (body["count"], body["pages"], len(body["results"])) == (55, 2, 50)
    assert body["next"] == "http://testserver/api/models/?per_page=50&page=2"
    refused = client.get(f"{MODELS}?per_page=7").json()
    assert list(refused["detail"]) == ["per_page"]
