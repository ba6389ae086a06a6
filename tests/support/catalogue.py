"""A catalogue of any size, built in a few queries, for pinning query counts at 10 and 200."""

import datetime

from kb.catalogue.models import ApiPrice, Article, ModelEntry, OpennessGrade, ProCon, Source, Status

from .factories import ArticleFactory, CategoryFactory, ModalityFactory, OrganizationFactory


def build_catalogue(count):
    """``count`` published entries (and one draft) with modalities, sources, grades, pros and
    cons, API prices for the hosted ones and an article naming them all. Returns the published entries."""
    categories = [CategoryFactory(icon="🔓"), CategoryFactory(icon="🔒")]
    for category in categories:
        ProCon.objects.create(
            kind=ProCon.Kind.PRO, text=f"Pro of {category.name}", category=category
        )
    organizations = OrganizationFactory.create_batch(3)
    modalities = [
        ModalityFactory(slug=slug, name=slug.title(), position=position)
        for position, slug in enumerate(("text", "image", "code"))
    ]
    entries = ModelEntry.objects.bulk_create(
        ModelEntry(
            name=f"Bulk model {number:03}",
            name_key=f"bulk model {number:03}",
            sort_name=f"bulk model {number:03}",
            slug=f"bulk-{number:03}",
            organization=organizations[number % 3],
            category=categories[number % 2],
            status=Status.PUBLISHED,
            release_date=datetime.date(2020, 1, 1) + datetime.timedelta(days=number)
            if number % 5
            else None,
            parameter_count=(number + 1) * 1_000_000 if number % 4 else None,
            context_window=4096 if number % 3 else None,
            licence_name="Apache License 2.0" if number % 2 else "",
            licence_osi_approved=[True, False, None][number % 3],
            access=["weights", "hosted", "both", ""][number % 4],
            summary=f"Summary {number}",
        )
        for number in range(count)
    )
    ModelEntry.objects.create(
        name="Bulk draft",
        slug="bulk-draft",
        organization=organizations[0],
        category=categories[0],
        status=Status.DRAFT,
    )
    through = ModelEntry.modalities.through
    through.objects.bulk_create(
        through(modelentry_id=entry.pk, modality_id=modality.pk)
        for number, entry in enumerate(entries)
        for modality in modalities[: number % 3 + 1]
    )
    Source.objects.bulk_create(
        Source(entry=entry, fact=fact, url=f"https://example.org/{entry.slug}/{fact}")
        for entry in entries
        for fact in (Source.Fact.RELEASE_DATE, Source.Fact.LICENCE, Source.Fact.GENERAL)
    )
    OpennessGrade.objects.bulk_create(
        OpennessGrade(entry=entry, dimension=dimension, grade=OpennessGrade.Grade.OPEN)
        for entry in entries
        for dimension in (OpennessGrade.Dimension.WEIGHTS, OpennessGrade.Dimension.PAPER)
    )
    ApiPrice.objects.bulk_create(
        ApiPrice(
            entry=entry,
            input_per_million=number,
            output_per_million=number * 2,
            as_of=datetime.date(2026, 12, 1),
            source_url=f"https://example.org/{entry.slug}/pricing",
        )
        for number, entry in enumerate(entries)
        if entry.access in ("hosted", "both")
    )
    ProCon.objects.bulk_create(
        ProCon(kind=kind, text=f"{kind} of {entry.name}", entry=entry)
        for entry in entries
        for kind in (ProCon.Kind.PRO, ProCon.Kind.CON)
    )
    for featured in (True, False):
        article = ArticleFactory(featured=featured)
        article.entries.set(entries)
        article.categories.set(categories)
    ArticleFactory(status=Status.DRAFT, featured=True).entries.set(entries)
    assert Article.objects.count() == 3
    return entries
