from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from tqdm import tqdm

from kb.catalogue import openness
from kb.catalogue.bundled import read_content
from kb.catalogue.models import (
    Article,
    Category,
    Modality,
    ModelEntry,
    OpennessGrade,
    Organization,
    ProCon,
)
from kb.catalogue.text import fold, sort_key
from kb.search.indexing import batched, rebuild
from kb.search.models import Kind

from ...synthetic import CATEGORIES, MODALITIES, PREFIX, Generator


def holds_bundled_content():
    content = read_content()
    return (
        ModelEntry.objects.filter(slug__in=[e["slug"] for e in content["entries"]]).exists()
        or Article.objects.filter(slug__in=[a["slug"] for a in content["articles"]]).exists()
    )


class Command(BaseCommand):
    help = (
        "Fill a scratch database with synthetic content for benchmarks: model entries from "
        "invented organizations (with modalities, Markdown descriptions, pros and cons) and "
        "articles with Markdown bodies, the same for the same seed; then rebuild the search "
        "index. Refuses a database holding the bundled content unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("--entries", type=int, default=1000, help="Model entries to make.")
        parser.add_argument("--articles", type=int, default=100, help="Articles to make.")
        parser.add_argument("--organizations", type=int, default=200, help="At most 240.")
        parser.add_argument("--seed", type=int, default=42, help="The same seed, the same data.")
        parser.add_argument("--batch-size", type=int, default=5000)
        parser.add_argument(
            "--force",
            action="store_true",
            help="Add the data even beside the bundled content (never into a real site).",
        )

    def handle(self, *args, entries, articles, organizations, seed, batch_size, force, **options):
        self.quiet = options["verbosity"] < 1
        if holds_bundled_content() and not force:
            raise CommandError(
                "This database holds the bundled content: generate into a scratch database "
                "(KB_SQLITE_PATH or DATABASE_URL), or pass --force to add beside it."
            )
        present = (
            ModelEntry.objects.filter(slug__startswith=PREFIX).count(),
            Article.objects.filter(slug__startswith=PREFIX).count(),
        )
        if present == (entries, articles):
            self.stdout.write(f"Generated data present ({entries} entries, {articles} articles).")
            return
        if any(present):
            raise CommandError(
                f"This database already holds other generated data ({present[0]} entries, "
                f"{present[1]} articles): start from an empty database."
            )
        generator = Generator(seed)
        with transaction.atomic():
            entry_names = self.make_entries(generator, entries, organizations, batch_size)
            self.make_articles(generator, articles, entry_names, batch_size)
        counts = rebuild(progress=self.progress)
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {entries} model entries and {articles} articles (seed {seed}); "
                f"search index: {sum(counts.values())} documents."
            )
        )

    def progress(self, kind, total):
        label = Kind(kind).label if kind in Kind.values else kind
        return tqdm(total=total, desc=label, unit=" rows", file=self.stderr, disable=self.quiet)

    def make_entries(self, generator, count, organization_count, batch_size):
        modalities = {
            slug: Modality.objects.get_or_create(slug=slug, defaults={"name": name})[0]
            for slug, name in MODALITIES
        }
        categories = {
            slug: Category.objects.get_or_create(
                slug=slug,
                defaults={"name": name, "short_name": short, "icon": icon, "position": position},
            )[0]
            for position, (slug, (name, short, icon, _)) in enumerate(CATEGORIES.items(), 1)
        }
        weights = [share for *_, share in CATEGORIES.values()]
        organizations = Organization.objects.bulk_create(
            Organization(**values) for values in generator.organizations(organization_count)
        )
        Links = ModelEntry.modalities.through
        names = []
        bar = self.progress("Model entries", count)
        for numbers in batched(range(count), batch_size):
            made = []
            for n in numbers:
                slug = generator.random.choices(list(categories), weights)[0]
                organization = generator.pick(organizations)
                values, modality_slugs = generator.entry(n, organization, slug)
                grades = generator.openness(slug == "open-source")
                # Stored as openness.refresh_scores() would, without reading the grades back.
                values["openness_score"] = openness.score(grade for _, grade in grades)
                values["openness_graded"] = sum(
                    grade != OpennessGrade.Grade.UNKNOWN for _, grade in grades
                )
                values["openness_grades"] = openness.letters_of(dict(grades))
                values["openness_tier"] = openness.tier_from(
                    values.get("access", ""), values.get("weights_use", ""), dict(grades)
                )
                made.append(
                    (
                        ModelEntry(
                            category=categories[slug],
                            name_key=fold(values["name"]),
                            sort_name=sort_key(values["name"]),
                            **values,
                        ),
                        modality_slugs,
                        grades,
                    )
                )
            created = ModelEntry.objects.bulk_create(entry for entry, *_ in made)
            Links.objects.bulk_create(
                Links(modelentry_id=entry.pk, modality_id=modalities[slug].pk)
                for entry, (_, slugs, _) in zip(created, made, strict=True)
                for slug in slugs
            )
            OpennessGrade.objects.bulk_create(
                OpennessGrade(entry_id=entry.pk, dimension=dimension, grade=grade)
                for entry, (*_, grades) in zip(created, made, strict=True)
                for dimension, grade in grades
            )
            ProCon.objects.bulk_create(
                ProCon(entry_id=entry.pk, kind=kind, text=text, position=position)
                for entry in created
                for kind, text, position in generator.pros_cons()
            )
            names += [entry.name for entry in created]
            bar.update(len(created))
        bar.close()
        return names

    def make_articles(self, generator, count, entry_names, batch_size):
        categories = list(Category.objects.filter(slug__in=CATEGORIES))
        Links = Article.categories.through
        bar = self.progress("Articles", count)
        for numbers in batched(range(count), batch_size):
            created = Article.objects.bulk_create(
                Article(**generator.article(n, entry_names or ["a model"])) for n in numbers
            )
            Links.objects.bulk_create(
                Links(article_id=article.pk, category_id=category.pk)
                for article in created
                for category in generator.random.sample(categories, k=generator.pick([1, 1, 2]))
            )
            bar.update(len(created))
        bar.close()
