"""The tallies (kb.catalogue.tallies) hold what the published entries count, whatever wrote
them: the database's triggers keep them, on both engines."""

import datetime
import importlib
import threading
import time
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction

from kb.catalogue import tallies
from kb.catalogue.costs import most_parameters_fitting
from kb.catalogue.filters import OPENNESS_STEPS
from kb.catalogue.models import (
    Access,
    ChartDay,
    ChartMaker,
    Dataset,
    EntryTally,
    ImportRecord,
    Lifecycle,
    ModalityTally,
    ModelEntry,
    OpennessGrade,
    OrganizationTally,
    Status,
)
from kb.catalogue.openness import refresh_scores, summarise, summarise_published_categories
from kb.site.comparison import published_totals
from tests.support.catalogue import build_catalogue
from tests.support.epoch import import_sample
from tests.support.factories import (
    CategoryFactory,
    ModalityFactory,
    ModelEntryFactory,
    OrganizationFactory,
)

MIGRATION = importlib.import_module("kb.catalogue.migrations.0024_tallies")
CHART_MIGRATION = importlib.import_module("kb.catalogue.migrations.0025_chart_groups")
Dimension, Grade = OpennessGrade.Dimension, OpennessGrade.Grade


def assert_in_step():
    for tally in tallies.TALLIES:
        assert tallies.held(tally) == tallies.counted(tally), tally.__name__


@pytest.fixture
def catalogue(db):
    entries = build_catalogue(30)
    assert_in_step()
    return entries


def test_the_bundled_content_is_counted(seed):
    assert_in_step()
    published = ModelEntry.objects.published().count()
    assert sum(EntryTally.objects.values_list("n", flat=True)) == published
    assert sum(OrganizationTally.objects.values_list("n", flat=True)) == published
    assert EntryTally.objects.exists() and ModalityTally.objects.exists()


def test_an_entry_saved_published_and_unpublished_is_counted_and_uncounted(catalogue):
    text = ModalityFactory()
    entry = ModelEntryFactory(status=Status.DRAFT, access=Access.WEIGHTS, parameter_count=7 * 10**9)
    entry.modalities.add(text)
    assert_in_step()
    before = EntryTally.objects.filter(weights_within=8 * 10**9).values_list("n", flat=True)
    before = sum(before)
    entry.status = Status.PUBLISHED
    entry.save()
    assert_in_step()
    assert sum(EntryTally.objects.filter(weights_within=8 * 10**9).values_list("n", flat=True)) == (
        before + 1
    )
    entry.status = Status.DRAFT
    entry.save()
    assert_in_step()


@pytest.mark.parametrize(
    "change",
    [
        {"access": Access.HOSTED},
        {"access": ""},
        {"lifecycle": Lifecycle.RETIRED},
        {"licence_osi_approved": None},
        {"licence_osi_approved": False},
        {"parameter_count": 500 * 10**9},
        {"parameter_count": None},
        {"parameter_count": most_parameters_fitting(16, 8)},
        {"parameter_count": most_parameters_fitting(16, 8) + 1},
    ],
)
def test_each_counted_field_moves_the_entry_between_counts(catalogue, change):
    entry = ModelEntry.objects.filter(
        pk__in=[entry.pk for entry in catalogue],
        access=Access.BOTH,
        parameter_count__isnull=False,
        licence_osi_approved=True,
    ).first()
    entry.modalities.add(ModalityFactory())
    before = {tally: tallies.held(tally) for tally in tallies.TALLIES}
    for name, value in change.items():
        setattr(entry, name, value)
    entry.save()
    assert_in_step()
    assert all(tallies.held(tally) != before[tally] for tally in (EntryTally, ModalityTally))


def test_a_new_category_or_organization(catalogue):
    entry = ModelEntry.objects.get(pk=catalogue[2].pk)
    entry.category = CategoryFactory()
    entry.organization = OrganizationFactory()
    entry.save()
    assert_in_step()
    assert OrganizationTally.objects.get(organization=entry.organization).n == 1


def test_grades_move_the_score_step_and_the_tier(catalogue):
    entry = catalogue[3]
    OpennessGrade.objects.filter(entry=entry).delete()
    for dimension in Dimension:
        OpennessGrade.objects.create(entry=entry, dimension=dimension, grade=Grade.OPEN)
    assert_in_step()
    entry.refresh_from_db()
    assert entry.openness_score == 100
    assert EntryTally.objects.filter(openness_step=max(OPENNESS_STEPS), n__gt=0).exists()
    OpennessGrade.objects.filter(entry=entry).update(grade=Grade.CLOSED)
    refresh_scores([entry.pk])
    assert_in_step()


def test_modalities_added_removed_and_cleared(catalogue):
    entry = catalogue[4]
    image, video = (
        ModalityFactory(slug="video-x", name="Video X"),
        ModalityFactory(slug="audio-x", name="Audio X"),
    )
    entry.modalities.add(image, video)
    assert_in_step()
    entry.modalities.remove(image)
    assert_in_step()
    entry.modalities.set([image])
    assert_in_step()
    entry.modalities.clear()
    assert_in_step()


def test_deleted_entries_and_modalities(catalogue):
    ModelEntry.objects.get(pk=catalogue[5].pk).delete()
    assert_in_step()
    catalogue[6].modalities.first().delete()
    assert_in_step()
    ModelEntry.objects.filter(pk__in=[entry.pk for entry in catalogue[7:12]]).delete()
    assert_in_step()


def test_bulk_writes(catalogue):
    ModelEntry.objects.filter(pk__in=[entry.pk for entry in catalogue[:10]]).update(
        access=Access.UNRELEASED, lifecycle=Lifecycle.AVAILABLE
    )
    assert_in_step()
    ModelEntry.objects.filter(pk__in=[entry.pk for entry in catalogue[10:20]]).update(
        status=Status.DRAFT
    )
    assert_in_step()
    category, organization = CategoryFactory(), OrganizationFactory()
    ModelEntry.objects.bulk_create(
        ModelEntry(
            name=f"Bulk {number}",
            slug=f"bulk-extra-{number}",
            category=category,
            organization=organization,
            status=Status.PUBLISHED,
            access=Access.BOTH,
            parameter_count=(number + 1) * 3 * 10**9,
            summary="Bulk.",
        )
        for number in range(40)
    )
    assert_in_step()


def test_a_write_the_tallies_do_not_count_changes_nothing(catalogue):
    before = {tally: tallies.held(tally) for tally in tallies.TALLIES}
    ModelEntry.objects.filter(pk=catalogue[0].pk).update(summary="Another summary.")
    assert {tally: tallies.held(tally) for tally in tallies.TALLIES} == before


def test_an_import_of_the_epoch_sample_is_counted(seed):
    import_sample()
    assert_in_step()


def test_the_charts_groups_follow_a_familys_variants_and_import_records(catalogue):
    """A family is counted by the charts unless a published variant counts for it, or a
    dataset lists it as a model of its own."""
    day = datetime.date(2024, 3, 1)
    family = ModelEntryFactory(is_family=True, release_date=day, access=Access.WEIGHTS)
    variant = ModelEntryFactory(release_date=day, access=Access.WEIGHTS, status=Status.DRAFT)

    def counted_in_the_day():
        return sum(ChartDay.objects.filter(release_date=day).values_list("n", flat=True))

    assert counted_in_the_day() == 1
    variant.family = family
    variant.save()
    assert_in_step()
    assert counted_in_the_day() == 1  # the draft variant counts for nothing yet
    variant.status = Status.PUBLISHED
    variant.save()
    assert_in_step()
    assert counted_in_the_day() == 1  # the variant, not the family
    dataset = Dataset.objects.create(publisher="P", name="N", slug="n", licence_name="CC BY 4.0")
    record = ImportRecord.objects.create(dataset=dataset, entry=family, key="family")
    assert_in_step()
    assert counted_in_the_day() == 2  # listed by a dataset: a model of its own
    ImportRecord.objects.filter(pk=record.pk).update(entry=variant)
    assert_in_step()
    assert counted_in_the_day() == 1
    ImportRecord.objects.filter(pk=record.pk).update(entry=family)
    assert_in_step()
    record.delete()
    assert_in_step()
    ModelEntry.objects.filter(pk=variant.pk).update(family=None)
    assert_in_step()
    assert counted_in_the_day() == 2
    ModelEntry.objects.filter(pk=family.pk).update(is_family=False)
    variant.family = family
    variant.save()
    assert_in_step()
    variant.delete()
    assert_in_step()


def test_a_charts_group_gets_its_largest_again_when_its_largest_entry_leaves(catalogue):
    day = datetime.date(2024, 5, 1)
    small, large = (
        ModelEntryFactory(
            release_date=day,
            access=Access.HOSTED,
            parameter_count=count,
            training_compute_flop=count * 1e12,
            country="France",
        )
        for count in (10**9, 10**12)
    )
    (group,) = ChartDay.objects.filter(release_date=day)
    assert (group.n, group.parameters, group.compute) == (2, 10**12, 1e24)
    large.parameter_count, large.training_compute_flop = None, None
    large.save()
    assert_in_step()
    assert ChartDay.objects.get(release_date=day).parameters == 10**9
    for change in (
        {"training_compute_flop": 5e30},
        {"release_date": day + datetime.timedelta(days=1)},
        {"release_date": datetime.date(2019, 1, 1)},
        {"release_date": None},
        {"country": "France, Germany"},
        {"organization": OrganizationFactory()},
    ):
        for name, value in change.items():
            setattr(small, name, value)
        small.save()
        assert_in_step()
    assert ChartMaker.objects.filter(country="France, Germany").exists() is False  # undated
    large.delete()
    assert_in_step()
    assert not ChartDay.objects.filter(release_date=day).exists()


def test_the_migration_counts_what_is_there(catalogue):
    for tally in tallies.TALLIES:
        tally.objects.all().delete()
    with connection.cursor() as cursor:
        for statement in MIGRATION.fill_statements():
            cursor.execute(statement)
        for statement in CHART_MIGRATION.fill_statements(connection.vendor):
            cursor.execute(statement)
    assert_in_step()


def test_the_triggers_count_by_the_steps_the_directory_offers():
    """The triggers' SQL was written with the steps of its day: a change of steps needs a
    migration that writes them anew (until then the tallies would count by the old ones)."""
    assert MIGRATION.OPENNESS_STEPS == OPENNESS_STEPS
    assert MIGRATION.PARAMETER_STEPS == tallies.PARAMETER_STEPS
    assert len(Dimension) == MIGRATION.DIMENSIONS


def test_the_charts_triggers_count_by_the_sides_the_charts_draw():
    """The same for the tiers of frontier-gap's sides (kb.catalogue.charts.SIDES)."""
    assert {
        "open": list(CHART_MIGRATION.OPEN_TIERS),
        "closed": list(CHART_MIGRATION.CLOSED_TIERS),
    } == tallies.SIDE_TIERS


def test_rebuild_repairs_a_tally_and_drops_zero_counts(catalogue, capsys):
    EntryTally.objects.update(n=999)
    entry = ModelEntry.objects.get(pk=catalogue[0].pk)
    entry.category = CategoryFactory()
    entry.save()
    entry.delete()
    call_command("rebuild_tallies")
    assert_in_step()
    assert not EntryTally.objects.filter(n=0).exists()
    assert "Tallies rebuilt" in capsys.readouterr().out


def test_the_comparisons_openness_summary_from_the_tallies_is_the_one_counted_from_entries(db):
    call_command("generate_data", "--entries", "300", "--articles", "0", "--seed", "5")
    ModelEntry.objects.filter(pk__in=ModelEntry.objects.values("pk")[:20]).update(
        openness_grades=""  # written behind the refresh's back: counted as unknown everywhere
    )
    published = ModelEntry.objects.published()
    expected = summarise(published, by="category")
    assert len(expected) > 1
    assert summarise_published_categories() == expected


def test_the_comparisons_totals_from_the_tallies(catalogue):
    ModelEntry.objects.filter(pk=catalogue[0].pk).update(status=Status.DRAFT)
    totals = published_totals()
    published = ModelEntry.objects.published()
    assert {pk: total.count for pk, total in totals.items()} == Counter(
        published.values_list("category", flat=True)
    )
    for pk, total in totals.items():
        assert total.latest == published.filter(category=pk).latest("updated_at").updated_at


@pytest.mark.django_db(transaction=True)
def test_writers_moving_entries_across_the_same_counts_do_not_deadlock():
    """Two transactions publishing entries into the same two categories in opposite orders:
    without the tallies' lock each would hold the counts of one category and wait for the
    other's (PostgreSQL would undo one as a deadlock). Both must commit."""
    if connection.vendor != "postgresql":
        pytest.skip("Concurrent writers need a server database; SQLite's tests run in memory.")
    first, second = CategoryFactory(), CategoryFactory()
    drafts = {
        (writer, category.pk): ModelEntryFactory(status=Status.DRAFT, category=category).pk
        for writer in (1, 2)
        for category in (first, second)
    }
    first_wrote, second_started = threading.Event(), threading.Event()
    errors = []

    def publish(writer, order):
        try:
            with transaction.atomic():
                for step, category in enumerate(order):
                    if writer == 2 and step == 0:
                        first_wrote.wait(10)
                        second_started.set()
                    ModelEntry.objects.filter(pk=drafts[writer, category.pk]).update(
                        status=Status.PUBLISHED
                    )
                    if writer == 1 and step == 0:
                        first_wrote.set()
                        second_started.wait(10)
                        time.sleep(0.5)  # the other writer reaches its first write
        except Exception as error:  # noqa: BLE001 - the test reports whatever went wrong
            errors.append(error)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=publish, args=(1, (first, second))),
        threading.Thread(target=publish, args=(2, (second, first))),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert ModelEntry.objects.published().filter(pk__in=drafts.values()).count() == 4
    assert_in_step()
