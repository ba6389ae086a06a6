"""Model-vs-model comparison at /compare/models/?m=SLUG&m=SLUG."""

import datetime

import pytest
from pytest_django.asserts import assertInHTML

from kb.catalogue.models import ModelEntry, OpennessGrade, ProCon, Status
from kb.site import model_comparison
from kb.site.forms import MAX_GIVEN
from tests.support.catalogue import build_catalogue
from tests.support.factories import (
    CategoryFactory,
    ModalityFactory,
    ModelEntryFactory,
    OrganizationFactory,
)
from tests.support.html import parse
from tests.support.text import visible_text

pytestmark = pytest.mark.django_db


def row(response, label):
    """The visible text of the table row headed ``label``, and whether it is marked."""
    for tr in parse(response.content).find_all("tr"):
        headed = tr.elements and (tr.elements[0].tag, tr.elements[0].attrs) == (
            "th",
            {"scope": "row"},
        )
        if headed and tr.text.startswith(label):
            assert tr.attrs in ({}, {"class": "differs"}), tr
            return tr.text, tr.attrs == {"class": "differs"}
    raise AssertionError(f"no row {label!r}")


def notices(response):
    divs = parse(response.content).find_all("div")
    boxes = [div for div in divs if div.get("class", "").startswith("notice")]
    return boxes[0].text if boxes else ""


def model_links(response):
    return parse(response.content).find_all("a", class_="model-name")


def lists(response):
    return parse(response.content).find_all("select", name="m")


@pytest.fixture
def models(db):
    open_source = CategoryFactory(slug="open", name="Open models", short_name="Open", icon="🔓")
    closed = CategoryFactory(slug="closed", name="Closed models", short_name="Closed", icon="🔒")
    ProCon.objects.create(kind="pro", text="Category pro: inspectable", category=open_source)
    text = ModalityFactory(slug="text", name="Text")
    llama = ModelEntryFactory(
        name="LLaMA 2",
        slug="llama-2",
        category=open_source,
        organization=OrganizationFactory(slug="meta", name="Meta"),
        release_date=datetime.date(2023, 7, 18),
        parameters="7B, 13B, 70B",
        parameter_count=70_000_000_000,
        context_window=4096,
        licence_name="Llama 2 Community License",
        licence_osi_approved=False,
        access="weights",
    )
    gpt = ModelEntryFactory(
        name="GPT-4",
        slug="gpt-4",
        category=closed,
        organization=OrganizationFactory(slug="openai", name="OpenAI"),
        release_date=datetime.date(2023, 3, 14),
        context_window=8192,
        licence_name="Proprietary",
        licence_osi_approved=False,
        access="hosted",
    )
    for entry in (llama, gpt):
        entry.modalities.set([text])
    ProCon.objects.create(kind="pro", text="GPT pro: polished", entry=gpt)
    ProCon.objects.create(kind="con", text="GPT con: costly", entry=gpt)
    OpennessGrade.objects.create(entry=llama, dimension="weights", grade="open")
    OpennessGrade.objects.create(entry=gpt, dimension="weights", grade="closed")
    OpennessGrade.objects.create(entry=llama, dimension="paper", grade="partial")
    OpennessGrade.objects.create(entry=gpt, dimension="paper", grade="partial")
    for number in range(4):
        ModelEntryFactory(name=f"Extra {'ABCD'[number]}", slug=f"extra-{number}", category=closed)
    ModelEntryFactory(name="Secret draft", slug="secret", status=Status.DRAFT, category=closed)


def test_two_models_side_by_side_with_links_back(client, models):
    page = client.get("/compare/models/?m=llama-2&m=gpt-4")
    assert page.status_code == 200
    html = page.content.decode()
    assertInHTML('<a class="model-name" href="/models/llama-2/">LLaMA 2</a>', html)
    assertInHTML('<a class="model-name" href="/models/gpt-4/">GPT-4</a>', html)
    assertInHTML('<h1>LLaMA 2 <span class="vs">vs</span> GPT-4</h1>', html)
    assert parse(html).find_all("caption")
    assert html.index("/models/llama-2/") < html.index("/models/gpt-4/")


def test_every_fact_in_a_row_with_differences_marked(client, models):
    page = client.get("/compare/models/?m=llama-2&m=gpt-4")
    assert row(page, "Organization") == ("Organization Differs Meta OpenAI", True)
    assert row(page, "Release date") == (
        "Release date Differs 18 July 2023 Newest 14 March 2023",
        True,
    )
    assert row(page, "Context window") == (
        "Context window Differs 4,096 tokens 8,192 tokens Largest",
        True,
    )
    assert row(page, "Access") == (
        "Access Differs Downloadable weights API or product only",
        True,
    )
    # Equal values: no mark.
    assert row(page, "Modalities") == ("Modalities Text Text", False)
    assert row(page, "OSI-approved licence") == ("OSI-approved licence No No", False)
    # The mark is a word in the row header, read by screen readers too.
    badges = parse(page.content).find_all("span", class_="diff-badge")
    assert badges and {badge.text for badge in badges} == {"Differs"}


def test_unknown_facts_read_as_unknown_never_zero(client, models):
    page = client.get("/compare/models/?m=llama-2&m=gpt-4&m=extra-0")
    assert row(page, "Parameters") == (
        "Parameters Differs 7B, 13B, 70B Not published Not published",
        True,
    )
    assert row(page, "Context window")[0].endswith("8,192 tokens Not published")
    assert row(page, "OSI-approved licence")[0].endswith("No No Unknown")
    assert row(page, "Access")[0].endswith("API or product only Not published")
    tables = " ".join(table.text for table in parse(page.content).find_all("table"))
    assert " 0 " not in f" {tables} "


def test_openness_grades_dimension_by_dimension(client, models):
    page = client.get("/compare/models/?m=llama-2&m=gpt-4")
    assert row(page, "Weights") == ("Weights Differs ● Open ○ Closed", True)
    assert row(page, "Technical report or paper") == (
        "Technical report or paper ◐ Partial ◐ Partial",
        False,
    )
    # A dimension nobody graded is Unknown on both sides.
    assert row(page, "Training data") == ("Training data ? Unknown ? Unknown", False)


def test_the_openness_score_with_its_coverage_heads_the_openness_rows(client, models):
    gpt = ModelEntry.objects.get(slug="gpt-4")
    more = {"training_code": "closed", "training_data": "closed", "datasheet": "closed"}
    for dimension, grade in {**more, "model_card": "open", "api": "open"}.items():
        OpennessGrade.objects.create(entry=gpt, dimension=dimension, grade=grade)
    page = client.get("/compare/models/?m=llama-2&m=gpt-4")
    # LLaMA 2 has 2 of 9 dimensions graded: too few for a score. GPT-4 7: (1 + ½ + 1) / 7.
    assert row(page, "Openness score") == (
        "Openness score Differs No score 2 of 9 graded, too few 36 out of 100 7 of 9 graded",
        True,
    )
    html = page.content.decode()
    assert html.index("Openness score") < html.index("Technical report or paper")


def test_pros_and_cons_side_by_side(client, models):
    page = client.get("/compare/models/?m=llama-2&m=gpt-4")
    pros, _ = row(page, "Pros")
    cons, _ = row(page, "Cons")
    # LLaMA 2 has none of its own: its category's, said so; GPT-4 its own.
    assert pros == (
        "Pros Typical of open models, not written for this model: Category pro: inspectable "
        "GPT pro: polished"
    )
    assert cons == "Cons None listed GPT con: costly"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("m=llama-2", "Choose at least 2 models to compare; you chose only LLaMA 2."),
        ("m=", "Choose at least 2 models to compare."),
        (
            "m=nope&m=other",
            "Choose at least 2 models to compare. There is no published model “nope”.",
        ),
        ("m=llama-2&m=secret", "There is no published model “secret”."),
        (
            "m=llama-2&m=gpt-4&m=extra-0&m=extra-1&m=extra-2&m=extra-3",
            "You can compare at most 5 models at a time; you chose 6. Leave some out below.",
        ),
        ("m=llama-2&m=llama-2", "LLaMA 2 was chosen twice; it is shown once."),
    ],
)
def test_bad_choices_get_a_clear_message_and_no_table(client, models, query, message):
    page = client.get(f"/compare/models/?{query}")
    assert page.status_code == 400
    assert message in notices(page)
    assert "compare-table" not in page.content.decode()
    forms = [form.attrs for form in parse(page.content).find_all("form")]
    assert {"method": "get", "action": "/compare/models/", "class": "panel picker-form"} in forms


def test_a_duplicate_or_unknown_slug_beside_two_good_ones_is_dropped_with_a_notice(client, models):
    page = client.get("/compare/models/?m=llama-2&m=nope&m=gpt-4&m=llama-2")
    assert page.status_code == 200
    assert notices(page) == (
        "There is no published model “nope”. LLaMA 2 was chosen twice; it is shown once."
    )
    assert "compare-table" in page.content.decode()


def test_five_is_the_most(client, models):
    page = client.get("/compare/models/?m=llama-2&m=gpt-4&m=extra-0&m=extra-1&m=extra-2")
    assert page.status_code == 200
    assert len(model_links(page)) == 5


def test_first_visit_shows_the_picker_without_complaint(client, models):
    page = client.get("/compare/models/")
    assert page.status_code == 200
    assert notices(page) == ""
    html = page.content.decode()
    assert len(lists(page)) == 5
    assertInHTML('<option value="llama-2">LLaMA 2</option>', html)
    assert "Secret draft" not in html


def test_the_picker_keeps_the_chosen_models(client, models):
    options = parse(client.get("/compare/models/?m=gpt-4&m=llama-2").content).find_all("option")
    selected = [option["value"] for option in options if "selected" in option.attrs]
    assert selected == ["gpt-4", "llama-2"]


def test_long_or_hostile_slugs_are_shortened_and_escaped(client, models):
    page = client.get("/compare/models/?m=<b>" + "x" * 300)
    assert page.status_code == 400
    html = page.content.decode()
    assert "<b>xx" not in html
    assert "x" * 100 not in html


def typed_pickers(monkeypatch):
    """Pickers as text inputs: the catalogue counts as too large to list."""
    monkeypatch.setattr(model_comparison, "PICKER_CHOICES_LIMIT", 3)


@pytest.mark.parametrize("count", [10, 200])
@pytest.mark.parametrize(
    ("limit", "queries"),
    [
        # Count and list the pickers' entries; resolve the choices; the entries, then
        # modalities, sources, grades, pros/cons, category pros/cons, API prices.
        (200, 10),
        # Above the limit: the count alone.
        (5, 9),
    ],
)
def test_query_count_does_not_grow_with_entries(
    client, django_assert_num_queries, monkeypatch, count, limit, queries
):
    monkeypatch.setattr(model_comparison, "PICKER_CHOICES_LIMIT", limit)
    entries = build_catalogue(count)
    query = "&".join(f"m={entry.slug}" for entry in entries[:5])
    with django_assert_num_queries(queries):
        page = client.get(f"/compare/models/?{query}")
    assert page.status_code == 200
    assert len(model_links(page)) == 5
    assert len(lists(page)) == (5 if count <= limit else 0)


@pytest.mark.parametrize("query", ["m=%00&m=llama-2", "m=%E2%80%AE", "m=" + "x" * 5000, "m=+"])
def test_odd_input_gets_a_message_not_an_error(client, models, query):
    page = client.get(f"/compare/models/?{query}")
    assert page.status_code == 400
    assert "Choose at least 2 models to compare" in notices(page)


# ---------- Above PICKER_CHOICES_LIMIT: text inputs taking a name or a slug ----------


def pickers(response):
    """The attributes of each of the five pickers below the table (not its "Add a model")."""
    boxes = parse(response.content).find_all("input", name="m")
    return [box.attrs for box in boxes if box.get("id", "").startswith("pick-")]


def test_above_the_limit_each_picker_is_a_text_input_with_a_hint(client, models, monkeypatch):
    typed_pickers(monkeypatch)
    page = client.get("/compare/models/?m=gpt-4&m=llama-2")
    html = page.content.decode()
    assert "<select" not in html and "<option" not in html
    assert pickers(page) == [
        {
            "type": "text",
            "name": "m",
            "id": f"pick-{number}",
            "value": value,
            "autocomplete": "off",
            "spellcheck": "false",
            "aria-describedby": "picker-hint",
            "data-model-suggest-url": "/search/suggest/models/",
        }
        for number, value in zip(range(1, 6), ["gpt-4", "llama-2", "", "", ""], strict=True)
    ]
    assertInHTML('<label for="pick-1">Model 1</label>', html)
    assert "Type each model’s name, or its slug" in visible_text(html)
    assertInHTML('<script type="module" src="/static/js/model-picker.js"></script>', html)


def test_at_the_limit_the_pickers_stay_lists(client, models, monkeypatch):
    monkeypatch.setattr(model_comparison, "PICKER_CHOICES_LIMIT", 6)  # six published
    page = client.get("/compare/models/")
    html = page.content.decode()
    assert len(lists(page)) == 5
    assert pickers(page) == []
    assert "model-picker.js" not in html and "picker-hint" not in html


def test_a_typed_value_is_kept_escaped(client, models, monkeypatch):
    typed_pickers(monkeypatch)
    page = client.get('/compare/models/?m="><script>alert(1)</script>&m=gpt-4')
    assert page.status_code == 400
    assert "<script>alert" not in page.content.decode()
    # Read back whole only if it was escaped: unescaped, the quote would end the value.
    assert pickers(page)[0]["value"] == '"><script>alert(1)</script>'


@pytest.mark.parametrize("query", ["m=LLaMA+2&m=GPT-4", "m=llama++2&m=gpt-4", "m=LLAMA+2&m=gpt-4"])
def test_a_model_can_be_named_by_its_name_in_any_case(client, models, query):
    page = client.get(f"/compare/models/?{query}")
    assert page.status_code == 200
    assert notices(page) == ""
    assertInHTML('<h1>LLaMA 2 <span class="vs">vs</span> GPT-4</h1>', page.content.decode())


def test_text_inputs_show_slugs_and_keep_what_named_nothing_to_correct(client, models, monkeypatch):
    typed_pickers(monkeypatch)
    page = client.get("/compare/models/?m=llama+2&m=gtp-4&m=gpt-4&m=GPT-4")
    assert page.status_code == 200
    assert [picker["value"] for picker in pickers(page)] == [
        "llama-2",
        "gtp-4",
        "gpt-4",
        "",
        "",
    ]


@pytest.fixture
def namesakes(models):
    """Two published "Nova" by different makers, a draft one, and an entry whose slug is "nova"."""
    for slug, maker in (("nova-globex", "Globex"), ("nova-acme", "Acme")):
        ModelEntryFactory(name="Nova", slug=slug, organization=OrganizationFactory(name=maker))
    ModelEntryFactory(name="NOVA", slug="nova-draft", status=Status.DRAFT)
    ModelEntryFactory(name="Supernova", slug="nova")


def test_a_name_several_models_share_picks_none_and_lists_them(client, namesakes):
    page = client.get("/compare/models/?m=llama-2&m=Nova+&m=gpt-4")
    assert page.status_code == 200
    assert notices(page) == (
        "“Nova” names 2 published models: Nova by Acme (nova-acme); Nova by Globex "
        "(nova-globex). None was taken: give the one you mean by its slug, in brackets."
    )
    assertInHTML('<h1>LLaMA 2 <span class="vs">vs</span> GPT-4</h1>', page.content.decode())


def test_an_ambiguous_name_alone_leaves_too_few_models(client, namesakes):
    page = client.get("/compare/models/?m=llama-2&m=NOVA")
    assert page.status_code == 400
    assert notices(page).startswith(
        "Choose at least 2 models to compare; you chose only LLaMA 2. “NOVA” names 2 published"
    )


def test_a_slug_comes_before_a_name(client, namesakes):
    page = client.get("/compare/models/?m=nova&m=nova-acme")
    assert page.status_code == 200
    assertInHTML('<h1>Supernova <span class="vs">vs</span> Nova</h1>', page.content.decode())


def test_a_model_named_twice_by_name_and_slug_is_shown_once(client, models):
    page = client.get("/compare/models/?m=llama-2&m=llama+2&m=gpt-4")
    assert page.status_code == 200
    assert notices(page) == "LLaMA 2 was chosen twice; it is shown once."


def test_names_are_resolved_in_one_query_at_any_size(
    client, django_assert_num_queries, monkeypatch
):
    typed_pickers(monkeypatch)
    build_catalogue(10)
    names = [ModelEntryFactory(name=f"Named {number}").name for number in range(5)]
    query = "&".join(f"m={name.lower().replace(' ', '+')}" for name in names)
    # Count; resolve; the entries and their six relations.
    with django_assert_num_queries(9):
        page = client.get(f"/compare/models/?{query}")
    assert page.status_code == 200
    assert len(model_links(page)) == 5


@pytest.mark.parametrize("count", [MAX_GIVEN + 1, 900])
def test_too_many_values_are_refused_before_any_lookup(
    client, models, django_assert_num_queries, count
):
    query = "&".join(["m=llama-2"] * count)
    # Only the pickers' count and list: nothing is looked up.
    with django_assert_num_queries(2):
        page = client.get(f"/compare/models/?{query}")
    assert page.status_code == 400
    assert notices(page) == (
        f"That asks for {count} models; you can compare at most 5 at a time. Choose them below."
    )
    assert "compare-table" not in page.content.decode()


def test_a_query_string_with_thousands_of_values_is_a_bad_request(client, models):
    # Django refuses more than DATA_UPLOAD_MAX_NUMBER_FIELDS parameters before the view runs.
    page = client.get("/compare/models/?" + "&".join(["m=llama-2"] * 3000))
    assert page.status_code == 400


def test_up_to_max_given_values_are_looked_up(client, models):
    slugs = ["llama-2", "gpt-4", "extra-0", "extra-1"] * (MAX_GIVEN // 4)
    assert len(slugs) == MAX_GIVEN
    page = client.get("/compare/models/?" + "&".join(f"m={slug}" for slug in slugs))
    assert page.status_code == 200
    assert len(model_links(page)) == 4


def test_the_best_value_is_named_only_where_every_value_is_known(client, models):
    """Newest, largest context, most open: singled out only when the values differ and are all
    known (an unknown one might be larger)."""
    page = client.get("/compare/models/?m=llama-2&m=gpt-4&m=extra-0")
    html = page.content.decode()
    assert row(page, "Release date")[0].count("Newest") == 0  # Extra A has no release date
    assert "Largest" not in row(page, "Context window")[0]
    page = client.get("/compare/models/?m=gpt-4&m=llama-2")
    html = page.content.decode()
    assert len(parse(page.content).find_all("td", class_="best")) == 2
    assert row(page, "Release date")[0].endswith("18 July 2023 Newest")
    assert "Most open" not in html  # neither has enough graded dimensions for a score


def test_only_the_differences_on_request_with_the_way_back(client, models):
    everything = client.get("/compare/models/?m=llama-2&m=gpt-4")
    assert "Show only the differences" in visible_text(everything.content.decode())
    page = client.get("/compare/models/?m=llama-2&m=gpt-4&differences=1")
    assert page.status_code == 200
    text = visible_text(page.content.decode())
    assert row(page, "Organization")[1] is True
    for same in ("Modalities", "OSI-approved licence", "Technical report or paper"):
        with pytest.raises(AssertionError, match="no row"):
            row(page, same)
    differing = everything.context["comparison"].differing
    assert f"Only the {differing} rows whose values differ" in text or (
        differing < 10 and "Only the" in text
    )
    assert 'href="/compare/models/?m=llama-2&amp;m=gpt-4">Show all rows' in page.content.decode()


def test_a_group_whose_rows_are_all_the_same_says_so(client, models):
    ModelEntry.objects.filter(slug="extra-1").update(
        category_id=ModelEntry.objects.get(slug="extra-0").category_id
    )
    page = client.get("/compare/models/?m=extra-0&m=extra-1&differences=1")
    assert "The same for every model compared." in visible_text(page.content.decode())


def test_a_model_is_removed_or_added_from_the_table(client, models):
    two = client.get("/compare/models/?m=llama-2&m=gpt-4").content.decode()
    assert not parse(two).find_all("a", class_="remove-model")  # two is the fewest to compare
    adding = parse(two).find("form", class_="add-model")
    assert {"type": "hidden", "name": "m", "value": "llama-2"} in [
        box.attrs for box in adding.find_all("input")
    ]
    assertInHTML('<label for="add-model">Add a model</label>', two)
    three = client.get("/compare/models/?m=llama-2&m=gpt-4&m=extra-0&differences=1")
    html = three.content.decode()
    assertInHTML(
        '<a class="remove-model" href="/compare/models/?m=gpt-4&amp;m=extra-0&amp;differences=1"'
        ' aria-label="Remove LLaMA 2 from the comparison">Remove</a>',
        html,
    )
    assert parse(html).find("input", type="hidden", name="differences", value="1")
    five = client.get(
        "/compare/models/?m=llama-2&m=gpt-4&m=extra-0&m=extra-1&m=extra-2"
    ).content.decode()
    assert "Add a model" not in five


@pytest.fixture
def statuses(models):
    image = ModalityFactory(slug="image", name="Image")
    gpt = ModelEntry.objects.get(slug="gpt-4")
    gpt.modalities.add(image)
    ModelEntry.objects.filter(slug="gpt-4").update(
        lifecycle="retired",
        lifecycle_date=datetime.date(2025, 4, 30),
        lifecycle_source_url="https://help.openai.com/retired",
        input_modalities=["text", "image"],
        output_modalities=["text"],
    )
    ModelEntry.objects.filter(slug="llama-2").update(
        lifecycle="available", input_modalities=["text"], output_modalities=["text"]
    )


def test_the_lifecycle_status_with_its_date_and_source(client, statuses):
    page = client.get("/compare/models/?m=llama-2&m=gpt-4&m=extra-0")
    assert row(page, "Status") == (
        "Status Differs Available Retired since 30 April 2025 Not known",
        True,
    )
    assertInHTML(
        '<a href="https://help.openai.com/retired">Retired since 30 April 2025</a>',
        page.content.decode(),
    )
    html = page.content.decode()
    assert html.index("Release date") < html.index(">Status") < html.index("Parameters")


def test_what_each_model_reads_and_writes(client, statuses):
    page = client.get("/compare/models/?m=llama-2&m=gpt-4&m=extra-0")
    assert row(page, "Reads") == ("Reads Differs Text Text, Image Not published", True)
    assert row(page, "Writes") == ("Writes Differs Text Text Not published", True)


def test_only_the_differences_keeps_status_and_modality_rows_that_differ(client, statuses):
    page = client.get("/compare/models/?m=llama-2&m=gpt-4&differences=1")
    assert row(page, "Status")[1] is True
    assert row(page, "Reads")[1] is True
    with pytest.raises(AssertionError, match="no row"):
        row(page, "Writes")  # both write text
    ModelEntry.objects.filter(slug="gpt-4").update(lifecycle="available", lifecycle_date=None)
    page = client.get("/compare/models/?m=llama-2&m=gpt-4&differences=1")
    with pytest.raises(AssertionError, match="no row"):
        row(page, "Status")
