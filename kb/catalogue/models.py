"""The content model: categories, organizations, model entries, pros and cons, comparison
rows and articles. Unknown facts are NULL ("not published"), never zero."""

import datetime
import re
import string
import unicodedata
from urllib.parse import quote, urlsplit, urlunsplit

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models, router, transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce, ExtractYear, Lower
from django.urls import reverse
from django.utils import timezone
from markdownx.models import MarkdownxField

from .text import fold, sort_key

# Announced releases may be a few months ahead; anything further is a typo.
RELEASE_DATE_HORIZON = datetime.timedelta(days=366)


def validate_not_far_future(value):
    if value > timezone.localdate() + RELEASE_DATE_HORIZON:
        raise ValidationError(
            "A release date more than a year ahead is almost certainly a typo.",
            code="far_future",
        )


# What RFC 3986 allows in a URI, "%" only before two hexadecimal digits. Django's URLValidator
# also lets through quotes, "<", ">", control characters and letters beyond ASCII; the API
# declares every URL ``format: uri`` and pages write them into ``href``.
URI_CHARACTERS = frozenset(string.ascii_letters + string.digits + "-._~:/?#[]@!$&'()*+,;=%")
LONE_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")


def refused_character(character):
    """How a URL's message names ``character``, and what to write instead."""
    if character == " ":
        return "a space", "write it as %20"
    if unicodedata.category(character)[0] in "CZ":
        return f"the invisible character U+{ord(character):04X}", "remove it"
    if character.isascii():
        return f"“{character}”", f"write it as {quote(character, safe='')}"
    advice = f"write it as {quote(character)} (in a domain name, use its xn-- form)"
    return f"“{character}”", advice


def validate_uri_characters(value):
    character = next((c for c in value if c not in URI_CHARACTERS), None)
    if character is not None:
        named, advice = refused_character(character)
        raise ValidationError(
            "A URL cannot contain %(character)s: %(advice)s.",
            code="uri_character",
            params={"character": named, "advice": advice},
        )
    if LONE_PERCENT.search(value):
        raise ValidationError(
            "A URL cannot contain a “%” that starts no escape (two hexadecimal digits, as in "
            "%20): write a “%” itself as %25.",
            code="uri_percent",
        )


# Letters beyond ASCII, not invisible ones (those are refused, see ``refused_character``).
VISIBLE_BEYOND_ASCII = re.compile(r"[^\x00-\x7f]")


def iri_to_uri(value):
    """A web address with letters beyond ASCII (an IRI, as a browser's address bar shows it)
    written as a URI: the host in its ``xn--`` form, other letters percent-encoded as UTF-8, as
    browsers send them. Invisible characters, and a host IDNA cannot encode, stay as they are,
    for the validator to refuse with its message."""
    if value.isascii():
        return value
    parts = urlsplit(value)
    host = parts.hostname or ""
    if not host.isascii():
        try:
            ascii_host = host.encode("idna").decode("ascii")
        except UnicodeError:
            return value
        userinfo, at, _ = parts.netloc.rpartition("@")
        port = f":{parts.port}" if parts.port is not None else ""
        parts = parts._replace(netloc=f"{userinfo}{at}{ascii_host}{port}")

    def encode(match):
        character = match[0]
        return character if unicodedata.category(character)[0] in "CZ" else quote(character)

    return VISIBLE_BEYOND_ASCII.sub(encode, urlunsplit(parts))


class URIField(models.URLField):
    """A URL holding only the characters a URI may (see ``validate_uri_characters``); one
    written with letters beyond ASCII is stored in its URI form (``iri_to_uri``)."""

    default_validators = [*models.URLField.default_validators, validate_uri_characters]

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return value
        try:
            return iri_to_uri(value)
        except ValueError:  # a port or an IPv6 address urlsplit cannot read: the validators say
            return value


def validate_markdown_length(text):
    """A Markdown field holds at most ``settings.KB_MARKDOWN_MAX_LENGTH`` characters, so that
    rendering one (kb/site/markdown.py) has a known worst case."""
    limit = settings.KB_MARKDOWN_MAX_LENGTH
    if len(text) > limit:
        raise ValidationError(
            "This text is %(length)s characters long; a Markdown text can have at most "
            "%(limit)s. Shorten it or split it into several documents.",
            code="max_length",
            params={"length": f"{len(text):,}", "limit": f"{limit:,}"},
        )


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class EditConflict(Exception):
    """Someone else saved the row since this copy of it was read."""

    def __init__(self, instance):
        super().__init__(f"{instance._meta.verbose_name} {instance.pk} was saved by someone else.")
        self.instance = instance


class Content:
    """Marks a content model: what editors keep and visitors read.

    Marked models are the one list of content (``content_models()``): each save, delete and
    many-to-many change of one moves the content version on (kb/catalogue/freshness.py), the Editors
    group may add, change, delete and view them (kb/catalogue/editors.py), and every one keeps
    revisions (kb/catalogue/history.py). A new content model takes this base and needs no other list.
    """


def content_models():
    """The content models of the app, in the order they are defined."""
    return [model for model in apps.get_app_config("kb").get_models() if issubclass(model, Content)]


class Versioned(models.Model):
    """An edit counter: a save is refused when the row changed since it was read.

    A timestamp would miss two saves within the same clock tick; a counter cannot. The
    compare-and-set is one ``UPDATE ... WHERE version = n``, so of two concurrent saves of the
    same copy exactly one wins, on every database.
    """

    version = models.PositiveIntegerField(
        default=1, help_text="Counts saves; a save from an out-of-date copy is refused."
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self._state.adding:
            return super().save(*args, **kwargs)
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using):
            claimed = (
                type(self)
                ._base_manager.using(using)
                .filter(pk=self.pk, version=self.version)
                .update(version=F("version") + 1)
            )
            if not claimed:
                raise EditConflict(self)
            self.version += 1
            return super().save(*args, **kwargs)


class Tracked(Versioned):
    """When a row was created and last changed, and by whom."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta:
        abstract = True


class SlugKeyManager(models.Manager):
    """Backups name rows by slug (``dumpdata --natural-foreign``), not by database id."""

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class SlugKeyed:
    def natural_key(self):
        return (self.slug,)


class PublishableQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED)


class Publishable(Tracked):
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.is_published and self.published_at is None:
            self.published_at = timezone.now()
        super().save(*args, **kwargs)

    @property
    def is_published(self):
        return self.status == Status.PUBLISHED


class CategoryQuerySet(models.QuerySet):
    def compared(self):
        """The categories the category comparison has a column for."""
        return self.filter(compared=True)

    def with_published_counts(self):
        """Each category with ``entry_count``, the number of its published entries: counted
        in a subquery per category along the index on (status, category), not by joining and
        grouping every entry."""
        entries = ModelEntry.objects.published().filter(category=models.OuterRef("pk"))
        count = entries.order_by().values("category").annotate(n=models.Count("pk")).values("n")
        return self.annotate(
            entry_count=Coalesce(models.Subquery(count), 0, output_field=models.IntegerField())
        )


class Category(Content, SlugKeyed, Tracked):
    """A world of models: open-source or closed."""

    name = models.CharField(max_length=100, unique=True)
    short_name = models.CharField(max_length=40, help_text="Used as a column heading.")
    slug = models.SlugField(max_length=100, unique=True)
    icon = models.CharField(max_length=8, blank=True, help_text="An emoji, e.g. 🔓.")
    summary = models.CharField(max_length=300, blank=True)
    description = MarkdownxField(blank=True, validators=[validate_markdown_length])
    position = models.PositiveSmallIntegerField(default=0)
    compared = models.BooleanField(
        "in the comparison",
        default=True,
        help_text="Whether the category comparison (/compare/, [[comparison]]) has a column for it.",
    )

    objects = SlugKeyManager.from_queryset(CategoryQuerySet)()

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "categories"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("kb:category", args=[self.slug])


class Organization(Content, SlugKeyed, Tracked):
    """Who makes models. Other spellings of its name (``OrganizationAlias``) find it too."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    website = URIField(blank=True)
    description = MarkdownxField(blank=True, validators=[validate_markdown_length])

    objects = SlugKeyManager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("kb:organization", args=[self.slug])


class NameKeyed(models.Model):
    """A name and its folded form (text.fold), kept by save(), unique: an alias names one thing."""

    name = models.CharField(max_length=150)
    name_key = models.TextField(editable=False, unique=True)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name_key = fold(self.name)
        super().save(*args, **kwargs)

    def validate_unique(self, exclude=None):
        # name_key is not on forms, so its uniqueness is checked here and told about the name.
        super().validate_unique(exclude)
        taken = type(self)._default_manager.filter(name_key=fold(self.name)).exclude(pk=self.pk)
        if self.name and taken.exists():
            raise ValidationError(
                {"name": f"“{self.name}” is already an alias (case and accents aside)."}
            )


class OrganizationAlias(Content, NameKeyed):
    """Another spelling of an organization's name (``Meta AI`` for Meta, ``Google DeepMind`` for
    Google): imports resolve it to the organization instead of creating a new one."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="aliases")

    class Meta(NameKeyed.Meta):
        verbose_name = "organization alias"
        verbose_name_plural = "organization aliases"


class Modality(Content, SlugKeyed, models.Model):
    """What a model takes in or puts out: text, image, video, audio, code."""

    name = models.CharField(max_length=40, unique=True)
    slug = models.SlugField(max_length=40, unique=True)
    position = models.PositiveSmallIntegerField(default=0)

    objects = SlugKeyManager()

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "modalities"

    def __str__(self):
        return self.name


def every_modality(modalities, input_modalities, output_modalities):
    """The slugs of every modality an entry works with: ``modalities``, then each it reads or
    writes that is not among them. The directory's modality filter reads ``ModelEntry.modalities``,
    so an entry must be found by what it reads or writes too: the model form, the spreadsheet
    import (both through ``ModelEntry.add_modalities_read_and_written``) and the Epoch import
    all go through here."""
    return list(dict.fromkeys([*modalities, *input_modalities, *output_modalities]))


class Access(models.TextChoices):
    WEIGHTS = "weights", "Downloadable weights"
    HOSTED = "hosted", "API or product only"
    BOTH = "both", "Weights and hosted API"
    UNRELEASED = "unreleased", "Not released"


class WeightsUse(models.TextChoices):
    """What the terms of downloadable weights allow."""

    UNRESTRICTED = "unrestricted", "Unrestricted"
    RESTRICTED = "restricted", "Restricted use"
    NON_COMMERCIAL = "non_commercial", "Non-commercial use only"


# The openness tier of an entry (kb.catalogue.openness.tier_of), most open first: module-level
# names, so that other code can refer to the tiers without the model.
TIER_FULLY_OPEN = "fully_open"
TIER_OPEN_WEIGHTS = "open_weights"
TIER_RESTRICTED_WEIGHTS = "restricted_weights"
TIER_HOSTED = "hosted"
TIER_UNRELEASED = "unreleased"
TIER_UNKNOWN = "unknown"
OPENNESS_TIERS = [
    (TIER_FULLY_OPEN, "Fully open (weights, code and data)"),
    (TIER_OPEN_WEIGHTS, "Open weights"),
    (TIER_RESTRICTED_WEIGHTS, "Restricted weights"),
    (TIER_HOSTED, "API or product only"),
    (TIER_UNRELEASED, "Not released"),
    (TIER_UNKNOWN, "Not known"),
]


class Lifecycle(models.TextChoices):
    """Whether a released model can still be used (empty: not known)."""

    AVAILABLE = "available", "Available"
    DEPRECATED = "deprecated", "Deprecated"
    RETIRED = "retired", "Retired"
    DISCONTINUED = "discontinued", "Discontinued"


# The columns of the directory's facets with few values, in the order they are counted in, and
# those its other filters and steps count by (the least score, the memory, the year).
FACET_COLUMNS = ["category", "access", "openness_tier", "lifecycle", "licence_osi_approved"]
FILTERED_COLUMNS = ["openness_score", "parameter_count", "release_date"]


class ReleaseYear(ExtractYear):
    """The year of a date column. On SQLite the digits of the stored ISO date, not Django's
    date function written in Python, which is called once per row: 100,000 of them on a large
    catalogue's first render."""

    output_field = models.IntegerField()

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.lhs)
        return f"CAST(SUBSTR({sql}, 1, 4) AS INTEGER)", params


class ModelEntryQuerySet(PublishableQuerySet):
    def with_related(self):
        return self.select_related("organization", "category").prefetch_related("modalities")

    def chosen(self, rows):
        """The entries ``rows`` (a slice of entries) holds, read through this queryset, with its
        joins and order. The rows are chosen by id first, the filters and the order over the
        entries alone along their indexes, and only they are then joined: at 100,000 entries the
        database otherwise weighed joining every entry to its organization and category before
        sorting, and sometimes chose to."""
        return self.filter(pk__in=rows.values("pk"))

    def with_details(self):
        """What the model page and the comparison show, in a fixed number of queries."""
        return self.with_related().prefetch_related(
            "sources", "openness", "pros_cons", "category__pros_cons", "api_prices"
        )

    def with_openness_score(self):
        """Annotate ``openness_unknown`` beside the stored ``openness_score`` (0-100 or NULL) and
        ``openness_graded``, as kb.catalogue.openness defines them."""
        from .openness import (
            annotate_score,  # kb.catalogue.openness builds on the models defined here
        )

        return annotate_score(self)

    def with_tier(self):
        """Annotate ``tier``, the openness tier (kb.catalogue.openness.Tier, NULL if unknown)."""
        from .openness import annotate_tier  # as with_openness_score

        return annotate_tier(self)


class ModelEntry(Content, SlugKeyed, Publishable):
    """One model, or a family of models.

    A family (``is_family``) is what people call one model in conversation: "LLaMA 2",
    "Falcon", "Claude". Its variants are the models actually released under it, each with its own
    facts: sizes (``Llama 2-7B``, ``Llama 2-70B``) and dated versions (``GPT-4o (Aug 2024)``),
    which is how Epoch AI lists them. A variant points to its family (``family``); a family has
    no family itself (one level, a database check says so), and its page lists its variants. The
    seed's ten entries are families; imports attach the rows they match as variants.

    ``organization`` is the lead (or only) maker, the one lists show; ``other_organizations``
    the rest (BLOOM: BigScience, with Hugging Face). ``parameter_count`` is the total number of
    parameters, ``active_parameter_count`` those used per token by a mixture of experts.
    Where a fact comes from, and how sure its source is, is in ``FactProvenance``.
    """

    name = models.CharField(max_length=120)
    # The name folded (text.fold: case, accents and spacing ignored), to find an entry by its name
    # as typed. Kept by save(); writes that bypass it (bulk_create, update) must set it too.
    name_key = models.TextField(editable=False, default="")
    # The name as lists sort it (text.sort_key: folded, leading punctuation ignored), kept by
    # save() like name_key.
    sort_name = models.TextField(editable=False, default="")
    slug = models.SlugField(max_length=120, unique=True)
    is_family = models.BooleanField(
        "family",
        default=False,
        help_text="A family of models (sizes, dated versions): its page lists its variants.",
    )
    family = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="variants",
        limit_choices_to={"is_family": True},
        help_text="The family this model is a size or version of.",
    )
    featured = models.BooleanField(
        default=False,
        help_text="Listed first where a block names a category's examples ([[examples SLUG]], "
        "the comparison's Examples row).",
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="entries",
        help_text="The lead (or only) organization.",
    )
    other_organizations = models.ManyToManyField(
        Organization,
        blank=True,
        related_name="co_entries",
        help_text="Organizations that made it together with the lead one.",
    )
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="entries")
    modalities = models.ManyToManyField(
        Modality,
        blank=True,
        related_name="entries",
        help_text="Every modality it works with, read or written: the directory filters by "
        "these. The input and output ones are added on save in the admin.",
    )
    # What it reads and writes, as modality slugs: a handful of values every list shows, read
    # with the entry (no query of their own); ``clean`` checks them against the modalities.
    input_modalities = models.JSONField(
        "reads", default=list, blank=True, help_text="What it reads (GPT-4: text and images)."
    )
    output_modalities = models.JSONField(
        "writes", default=list, blank=True, help_text="What it writes (GPT-4: text)."
    )
    announced_date = models.DateField(
        "announced",
        null=True,
        blank=True,
        validators=[validate_not_far_future],
        help_text="When the maker first announced or published it (a blog post, a paper); the "
        "release may come later. Leave empty if not known.",
    )
    release_date = models.DateField(
        null=True,
        blank=True,
        validators=[validate_not_far_future],
        help_text="First public release. Leave empty if not published.",
    )
    lifecycle = models.CharField(
        "lifecycle status",
        max_length=12,
        choices=Lifecycle,
        blank=True,
        help_text="Whether it can still be used. Empty if not known.",
    )
    lifecycle_date = models.DateField(
        "status since",
        null=True,
        blank=True,
        validators=[validate_not_far_future],
        help_text="The day the status began (deprecated on, retired on...).",
    )
    lifecycle_source_url = URIField(
        "status source URL",
        max_length=500,
        blank=True,
        help_text="The maker's page that says so.",
    )
    parameters = models.CharField(
        max_length=100,
        blank=True,
        help_text='Sizes as the maker publishes them, e.g. "7B, 13B, 70B". Empty if unpublished.',
    )
    parameter_count = models.PositiveBigIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="The largest size as a plain number of parameters (all of them, for a "
        "mixture of experts), for sorting.",
    )
    active_parameter_count = models.PositiveBigIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="For a mixture of experts: the parameters used per token. Empty otherwise.",
    )
    context_window = models.PositiveIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="In tokens. Empty if unpublished or not applicable.",
    )
    licence_name = models.CharField("licence", max_length=150, blank=True)
    licence_url = URIField("licence URL", blank=True)
    terms_url = URIField(
        "terms of use URL",
        max_length=500,
        blank=True,
        help_text="The document that governs use where the licence does not say it all, or "
        "where there is no licence (a hosted model's service agreement or usage policy).",
    )
    licence_osi_approved = models.BooleanField(
        "OSI-approved licence",
        null=True,
        blank=True,
        help_text="Whether the Open Source Initiative approves the licence. Empty if unknown.",
    )
    access = models.CharField(max_length=10, choices=Access, blank=True)
    weights_use = models.CharField(
        "use of the weights",
        max_length=20,
        choices=WeightsUse,
        blank=True,
        help_text="What the terms of downloadable weights allow. Empty if unknown or no weights.",
    )
    training_compute_flop = models.FloatField(
        "training compute (FLOP)",
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="Floating-point operations spent training it. Empty if unknown.",
    )
    training_dataset_size = models.FloatField(
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="Datapoints it was trained on, as Epoch AI counts them (tokens or words for "
        "language, images for vision). Empty if unknown.",
    )
    country = models.CharField(
        max_length=200, blank=True, help_text="Of the organizations, comma-separated."
    )
    homepage = URIField(blank=True)
    summary = models.CharField(max_length=300, blank=True, help_text="One line.")
    description = MarkdownxField(blank=True, validators=[validate_markdown_length])
    # The openness score and its coverage (kb.catalogue.openness), derived from the entry's
    # grades and stored so lists sort and filter by an index instead of computing every entry's
    # score. Kept by openness.refresh_scores(): on every save or delete of a grade, and by the
    # writers that create grades in bulk. ``manage.py refresh_openness_scores`` rebuilds them.
    openness_score = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        editable=False,
        help_text="0-100 over the graded dimensions; empty under the minimum graded.",
    )
    openness_graded = models.PositiveSmallIntegerField(
        default=0, editable=False, help_text="How many dimensions have a known grade."
    )
    # Every dimension's grade, a letter each in the dimensions' order (o open, p partial,
    # c closed, u unknown or not graded; empty: none graded), kept with the score: a group's
    # grades are then counted from an index, not from the grades table.
    openness_grades = models.CharField(max_length=16, blank=True, default="", editable=False)
    # Derived from the access, the terms of the weights and the openness grades by
    # kb.catalogue.openness.tier_of: kept by save() when the access or the terms change, and
    # with the score by openness.refresh_scores() when the grades do.
    openness_tier = models.CharField(
        max_length=20, choices=OPENNESS_TIERS, default=TIER_UNKNOWN, editable=False
    )

    objects = SlugKeyManager.from_queryset(ModelEntryQuerySet)()

    class Meta:
        ordering = ["name"]
        verbose_name = "model entry"
        verbose_name_plural = "model entries"
        indexes = [
            models.Index(fields=["status", "name"], name="entry_status_name"),
            models.Index(fields=["release_date"], name="entry_release_date"),
            models.Index(fields=["parameter_count"], name="entry_parameter_count"),
            # A category's page and counts; the home page's recently updated entries.
            models.Index(fields=["category", "status", "name"], name="entry_category_status_name"),
            # Each category's number of published entries and their latest change.
            models.Index(
                fields=["status", "category", "updated_at"], name="entry_status_category_updated"
            ),
            # The first entries of a category, featured ones first, then by name, as the
            # generated lists show them.
            models.Index(
                F("category"),
                F("status"),
                F("featured").desc(),
                Lower("name"),
                F("id"),
                name="entry_category_featured_name",
            ),
            models.Index(fields=["status", "-updated_at"], name="entry_status_updated"),
            models.Index(fields=["name_key"], name="entry_name_key"),
            # The directory's A-Z order.
            models.Index(fields=["status", "sort_name", "id"], name="entry_status_sort_name"),
            # The directory's "most open first" and its least-score filter and counts.
            models.Index(
                F("status"),
                F("openness_score").desc(),
                F("sort_name"),
                F("id"),
                name="entry_status_openness",
            ),
            # The counts of the timeline (kb/site/timeline.py) and of the charts
            # (kb/catalogue/charts.py, Reading) grouped in an index's own order and read from
            # it alone, without sorting: at 100,000 entries the table's rows, descriptions and
            # all, are far larger. By tier and release day, with the sizes the frontier-gap
            # chart takes the largest of; by organization, country and tier. ``is_family``
            # last: the charts leave out some families, and test the few families only.
            models.Index(
                fields=[
                    "status",
                    "openness_tier",
                    "release_date",
                    "parameter_count",
                    "training_compute_flop",
                    "is_family",
                ],
                name="entry_charts_by_tier",
            ),
            models.Index(
                fields=[
                    "status",
                    "organization",
                    "country",
                    "openness_tier",
                    "release_date",
                    "is_family",
                ],
                name="entry_charts_by_maker",
            ),
            # The timeline's featured entries of each year: few, found without a scan.
            models.Index(
                fields=["status", "release_date"],
                condition=Q(featured=True),
                name="entry_featured_release",
            ),
            models.Index(fields=["openness_tier"], name="entry_openness_tier"),
            models.Index(fields=["lifecycle"], name="entry_lifecycle"),
            # The directory's facet counts (kb/site/listing.py) read from the index alone: the
            # facets of few values grouped in this order, the organizations in the second
            # index's; with the other columns the filters and the steps count by.
            models.Index(
                fields=["status", *FACET_COLUMNS, "organization", *FILTERED_COLUMNS],
                name="entry_facets",
            ),
            models.Index(
                fields=["status", "organization", *FACET_COLUMNS, *FILTERED_COLUMNS],
                name="entry_facets_by_organization",
            ),
            # The category comparison's openness summary and licences (kb/site/comparison.py),
            # read from the indexes alone.
            models.Index(
                fields=["status", "category", "openness_grades", "openness_score"],
                name="entry_openness_summary",
            ),
            models.Index(
                fields=["status", "category", "licence_name", "licence_osi_approved"],
                name="entry_category_licences",
            ),
            # The few families and variants, found without reading every entry (the charts
            # count a family through its variants, kb/catalogue/charts.py).
            models.Index(fields=["id"], condition=Q(is_family=True), name="entry_families"),
            models.Index(
                fields=["family", "status"],
                condition=Q(family__isnull=False),
                name="entry_variants",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(parameter_count__isnull=True) | Q(parameter_count__gt=0),
                name="entry_parameter_count_positive",
                violation_error_message="A parameter count must be positive; leave it empty if unknown.",
            ),
            models.CheckConstraint(
                condition=Q(context_window__isnull=True) | Q(context_window__gt=0),
                name="entry_context_window_positive",
                violation_error_message="A context window must be positive; leave it empty if unknown.",
            ),
            models.CheckConstraint(
                condition=Q(active_parameter_count__isnull=True) | Q(active_parameter_count__gt=0),
                name="entry_active_parameters_positive",
                violation_error_message="An active parameter count must be positive; leave it empty if unknown.",
            ),
            models.CheckConstraint(
                condition=Q(training_compute_flop__isnull=True) | Q(training_compute_flop__gte=0),
                name="entry_training_compute_not_negative",
                violation_error_message="Training compute cannot be negative; leave it empty if unknown.",
            ),
            models.CheckConstraint(
                condition=Q(training_dataset_size__isnull=True) | Q(training_dataset_size__gte=0),
                name="entry_dataset_size_not_negative",
                violation_error_message="A dataset size cannot be negative; leave it empty if unknown.",
            ),
            models.CheckConstraint(
                condition=Q(family__isnull=True) | Q(is_family=False),
                name="entry_family_one_level",
                violation_error_message="A family cannot itself belong to a family.",
            ),
        ]

    def __str__(self):
        return self.name

    # Written by kb.catalogue.openness.refresh_scores(), from the grades; the tier also by save(),
    # when the entry's own fields that it depends on change.
    STORED_OPENNESS_FIELDS = frozenset({"openness_score", "openness_graded", "openness_tier"})
    # The entry's own fields kb.catalogue.openness.tier_of reads (besides its grades).
    TIER_INPUTS = ("access", "weights_use")
    # Their values as read from the database; None where not read (a new entry, a deferred field).
    loaded_tier_inputs = None

    def save(self, *args, **kwargs):
        from .openness import tier_of  # kb.catalogue.openness builds on the models defined here

        self.name_key = fold(self.name)
        self.sort_name = sort_key(self.name)
        adding = self._state.adding or kwargs.get("force_insert")
        inputs = self.tier_inputs()
        # The tier's grades cost a query: it is computed on create, and when the fields it reads
        # of the entry changed. Its grades' changes store it themselves (refresh_scores).
        new_tier = adding or inputs != self.loaded_tier_inputs
        if new_tier:
            self.openness_tier = tier_of(self)
        update_fields = kwargs.get("update_fields")
        if update_fields is None and not adding:
            # A copy read before its grades changed must not write its old score or tier back.
            update_fields = kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name not in self.STORED_OPENNESS_FIELDS
            ]
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, *(["openness_tier"] if new_tier else [])}
            if "name" in update_fields:
                kwargs["update_fields"] |= {"name_key", "sort_name"}
        super().save(*args, **kwargs)
        self.loaded_tier_inputs = self.tier_inputs()

    def get_absolute_url(self):
        return reverse("kb:model", args=[self.slug])

    def clean(self):
        super().clean()
        if self.family_id is not None:
            if self.family_id == self.pk:
                raise ValidationError({"family": "A model cannot be its own family."})
            if not self.family.is_family:
                raise ValidationError({"family": f"“{self.family}” is not marked as a family."})
        for name in ("input_modalities", "output_modalities"):
            slugs = getattr(self, name)
            if not isinstance(slugs, list) or not all(isinstance(s, str) for s in slugs):
                raise ValidationError({name: "A list of modality slugs."})
            unknown = set(slugs) - set(
                Modality.objects.filter(slug__in=slugs).values_list("slug", flat=True)
            )
            if unknown:
                raise ValidationError({name: f"No modality {', '.join(sorted(unknown))}."})
        if not self.lifecycle and (self.lifecycle_date or self.lifecycle_source_url):
            raise ValidationError(
                {"lifecycle": "Choose the status that this date and source are about."}
            )

    @classmethod
    def from_db(cls, db, field_names, values):
        entry = super().from_db(db, field_names, values)
        entry.loaded_tier_inputs = entry.tier_inputs()
        return entry

    def tier_inputs(self):
        """The values of ``TIER_INPUTS``, or None if one is deferred (reading it is a query)."""
        loaded = self.__dict__
        if all(name in loaded for name in self.TIER_INPUTS):
            return tuple(loaded[name] for name in self.TIER_INPUTS)
        return None

    def add_modalities_read_and_written(self):
        """Add to the saved ``modalities`` those it reads or writes (``every_modality``): after
        a form or a file has set them."""
        current = [modality.slug for modality in self.modalities.all()]
        wanted = every_modality(current, self.input_modalities, self.output_modalities)
        if len(wanted) > len(current):
            self.modalities.add(*Modality.objects.filter(slug__in=wanted[len(current) :]))

    @property
    def organizations(self):
        """The lead organization, then the others (prefetch ``other_organizations``)."""
        others = [o for o in self.other_organizations.all() if o.pk != self.organization_id]
        return [self.organization, *others]


class EntryAlias(Content, NameKeyed):
    """Another name of a model entry (the seed's "LLaMA 2" is "Llama 2" officially): imports
    and lookups by name find the entry by it."""

    entry = models.ForeignKey(ModelEntry, on_delete=models.CASCADE, related_name="aliases")

    class Meta(NameKeyed.Meta):
        verbose_name = "model entry alias"
        verbose_name_plural = "model entry aliases"


class DatasetQuerySet(models.QuerySet):
    def credited(self):
        """The datasets some fact comes from, with ``last_retrieved``: whom pages must credit."""
        latest = self.annotate(last_retrieved=models.Max("facts__retrieved_on"))
        return latest.filter(last_retrieved__isnull=False)


class Dataset(Content, SlugKeyed, models.Model):
    """A published dataset that facts are imported from, with the licence it comes under."""

    publisher = models.CharField(max_length=100, help_text="E.g. Epoch AI.")
    name = models.CharField(max_length=150, help_text="E.g. Notable AI Models.")
    slug = models.SlugField(max_length=100, unique=True)
    url = URIField("URL", help_text="Where the dataset and its documentation are published.")
    licence_name = models.CharField("licence", max_length=100, help_text="E.g. CC BY 4.0.")
    licence_url = URIField("licence URL")

    objects = SlugKeyManager.from_queryset(DatasetQuerySet)()

    class Meta:
        ordering = ["publisher", "name"]

    def __str__(self):
        return f"{self.publisher}, {self.name}"


class Confidence(models.TextChoices):
    """How sure the source is of a value (Epoch AI's ``Confidence``)."""

    CONFIDENT = "confident", "Confident"
    LIKELY = "likely", "Likely"
    SPECULATIVE = "speculative", "Speculative"
    UNKNOWN = "unknown", "Unknown"


# Values the source itself calls estimates: shown as such, never as published facts.
ESTIMATES = frozenset({Confidence.LIKELY, Confidence.SPECULATIVE})


class FactProvenance(Content, models.Model):
    """Where one fact of a model entry comes from: a dataset, the day it was retrieved, how
    sure the dataset is of it and its note. Written by imports; a fact an editor writes by hand
    keeps its old provenance until it is deleted here."""

    class Fact(models.TextChoices):
        NAME = "name", "Name"
        ORGANIZATIONS = "organizations", "Organizations"
        ANNOUNCED_DATE = "announced_date", "Announced"
        RELEASE_DATE = "release_date", "Release date"
        MODALITIES = "modalities", "Modalities"
        PARAMETERS = "parameters", "Parameters"
        TRAINING_COMPUTE = "training_compute", "Training compute"
        TRAINING_DATASET_SIZE = "training_dataset_size", "Training dataset size"
        ACCESS = "access", "Access"
        LICENCE = "licence", "Licence"
        COUNTRY = "country", "Country"

    entry = models.ForeignKey(ModelEntry, on_delete=models.CASCADE, related_name="provenance")
    fact = models.CharField(max_length=30, choices=Fact)
    dataset = models.ForeignKey(Dataset, on_delete=models.PROTECT, related_name="facts")
    retrieved_on = models.DateField(help_text="The day the dataset was downloaded.")
    confidence = models.CharField(max_length=12, choices=Confidence, blank=True)
    note = models.TextField(blank=True, help_text="The dataset's own note on the value.")

    class Meta:
        ordering = ["entry", "fact"]
        verbose_name_plural = "fact provenance"
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "fact", "dataset"], name="provenance_one_per_fact_and_dataset"
            ),
        ]

    def __str__(self):
        return f"{self.get_fact_display()}: {self.dataset}"

    @property
    def is_estimate(self):
        return self.confidence in ESTIMATES


class ImportRecord(models.Model):
    """What an import last wrote to one entry, field by field, and the row it came from.

    Bookkeeping, not content: no page shows it and editors do not edit it. It keeps revisions
    with its entry (kb/catalogue/history.py), so undoing an import puts it back too.

    An editor's change is told from an import's by comparing the entry with ``values``: a field
    that differs from what the import wrote was changed by hand, and the next import leaves it
    alone (reporting a conflict when the file changed it too).
    """

    dataset = models.ForeignKey(Dataset, on_delete=models.PROTECT, related_name="records")
    entry = models.ForeignKey(ModelEntry, on_delete=models.CASCADE, related_name="import_records")
    key = models.TextField(help_text="The row's name in the dataset, folded (text.fold).")
    values = models.JSONField(default=dict, help_text="Each field as the import last wrote it.")

    class Meta:
        ordering = ["dataset", "key"]
        constraints = [
            models.UniqueConstraint(fields=["dataset", "key"], name="import_record_one_per_key"),
            models.UniqueConstraint(
                fields=["dataset", "entry"], name="import_record_one_per_entry"
            ),
        ]

    def __str__(self):
        return f"{self.dataset}: {self.key}"


class Source(Content, models.Model):
    """A URL backing one fact of a model entry."""

    class Fact(models.TextChoices):
        GENERAL = "general", "General"
        RELEASE_DATE = "release_date", "Release date"
        PARAMETERS = "parameters", "Parameters"
        CONTEXT_WINDOW = "context_window", "Context window"
        LICENCE = "licence", "Licence"
        ACCESS = "access", "Access"
        MODALITIES = "modalities", "Modalities"

    entry = models.ForeignKey(ModelEntry, on_delete=models.CASCADE, related_name="sources")
    fact = models.CharField(max_length=20, choices=Fact, default=Fact.GENERAL)
    url = URIField("URL", max_length=500)
    title = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["entry", "fact", "id"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "fact", "url"], name="source_unique_per_fact"),
        ]

    def __str__(self):
        return self.title or self.url


class OpennessGrade(Content, models.Model):
    """How open one part of a model is: its weights, code, data, documentation, access."""

    class Dimension(models.TextChoices):
        WEIGHTS = "weights", "Weights"
        TRAINING_CODE = "training_code", "Training code"
        TRAINING_DATA = "training_data", "Training data"
        WEIGHTS_LICENCE = "weights_licence", "Licence of the weights"
        PAPER = "paper", "Technical report or paper"
        MODEL_CARD = "model_card", "Model card"
        DATASHEET = "datasheet", "Data sheet"
        PACKAGE = "package", "Downloadable package"
        API = "api", "API"

    class Grade(models.TextChoices):
        OPEN = "open", "Open"
        PARTIAL = "partial", "Partial"
        CLOSED = "closed", "Closed"
        UNKNOWN = "unknown", "Unknown"

    entry = models.ForeignKey(ModelEntry, on_delete=models.CASCADE, related_name="openness")
    dimension = models.CharField(max_length=20, choices=Dimension)
    grade = models.CharField(max_length=10, choices=Grade, default=Grade.UNKNOWN)
    source_url = URIField("source URL", max_length=500, blank=True)
    checked_on = models.DateField(null=True, blank=True, validators=[validate_not_far_future])
    note = models.TextField(
        blank=True, help_text="Why this grade: what the source says (weights on request, say)."
    )

    class Meta:
        ordering = ["entry", "dimension"]
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "dimension"], name="openness_one_grade_per_dimension"
            ),
        ]

    def __str__(self):
        return f"{self.get_dimension_display()}: {self.get_grade_display()}"


class ApiPrice(Content, models.Model):
    """The price its maker publishes for using a model through its API, per million tokens
    in and out, as read on a day from a page whose address is kept. One per entry: a new price
    replaces the old, which stays in the entry's history."""

    class Currency(models.TextChoices):
        USD = "USD", "US dollars"

    entry = models.ForeignKey(ModelEntry, on_delete=models.CASCADE, related_name="api_prices")
    input_per_million = models.DecimalField(
        "input, per million tokens",
        max_digits=10,
        decimal_places=4,
        validators=[MinValueValidator(0)],
        help_text="The standard rate for a million input (prompt) tokens.",
    )
    output_per_million = models.DecimalField(
        "output, per million tokens",
        max_digits=10,
        decimal_places=4,
        validators=[MinValueValidator(0)],
        help_text="The standard rate for a million output (generated) tokens.",
    )
    currency = models.CharField(max_length=3, choices=Currency, default=Currency.USD)
    as_of = models.DateField(
        "as of",
        validators=[validate_not_far_future],
        help_text="The day the price was read from its source.",
    )
    source_url = URIField(
        "source URL", max_length=500, help_text="The maker's own pricing page or model page."
    )
    note = models.CharField(
        max_length=300,
        blank=True,
        help_text="Which model ID or tier the price is for, e.g. “gpt-4, standard rate”.",
    )

    class Meta:
        ordering = ["entry"]
        verbose_name = "API price"
        verbose_name_plural = "API prices"
        indexes = [
            # The directory's "cheapest first" and its price filter.
            models.Index(fields=["input_per_million", "entry"], name="api_price_input"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["entry"], name="api_price_one_per_entry"),
            models.CheckConstraint(
                condition=Q(input_per_million__gte=0) & Q(output_per_million__gte=0),
                name="api_price_not_negative",
                violation_error_message="A price cannot be negative.",
            ),
        ]

    def __str__(self):
        return f"{self.currency} {self.input_per_million} in, {self.output_per_million} out"


def validate_dimensions(value):
    known = OpennessGrade.Dimension.values
    if not isinstance(value, list) or not all(item in known for item in value):
        raise ValidationError(
            "A list of openness dimensions: %(known)s.",
            code="dimensions",
            params={"known": ", ".join(known)},
        )


class ProCon(Content, Versioned):
    """A pro or a con of exactly one category or one model entry."""

    class Kind(models.TextChoices):
        PRO = "pro", "Pro"
        CON = "con", "Con"

    kind = models.CharField(max_length=3, choices=Kind)
    text = models.CharField(max_length=300)
    position = models.PositiveSmallIntegerField(default=0)
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.CASCADE, related_name="pros_cons"
    )
    entry = models.ForeignKey(
        ModelEntry, null=True, blank=True, on_delete=models.CASCADE, related_name="pros_cons"
    )
    source_url = URIField("source URL", max_length=500, blank=True)
    rests_on = models.JSONField(
        "rests on",
        default=list,
        blank=True,
        validators=[validate_dimensions],
        help_text="The openness dimensions this point needs (a category's points): a model "
        "that grades one of them closed does not show it as typical of its category.",
    )
    # Pages that show a pro or con count its changes in their "Last updated" date.
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-kind", "position", "id"]  # pros before cons
        verbose_name = "pro or con"
        verbose_name_plural = "pros and cons"
        constraints = [
            models.CheckConstraint(
                condition=(Q(category__isnull=False) & Q(entry__isnull=True))
                | (Q(category__isnull=True) & Q(entry__isnull=False)),
                name="procon_exactly_one_owner",
                violation_error_message="A pro or con belongs to exactly one category or one model entry.",
            ),
        ]

    def __str__(self):
        return self.text

    def clean(self):
        # Not keyed to the owner fields: an inline form has only its own owner's field, or none.
        if self.has_owner("category") == self.has_owner("entry"):
            raise ValidationError(
                "Choose either a category or a model entry (exactly one).", code="owner"
            )

    def has_owner(self, name):
        """Whether the owner field ``name`` is set: to a saved row (its id), or to one that an
        admin page is adding together with this row (its object, which has no id yet)."""
        field = self._meta.get_field(name)
        return (
            getattr(self, field.attname) is not None
            or field.get_cached_value(self, None) is not None
        )

    @property
    def owner(self):
        return self.category or self.entry

    def contradicted_by(self, closed_dimensions):
        """The dimensions this point rests on that a model grades closed (``closed_dimensions``,
        a set), in the scorecard's order: where any is, the point is not true of that model."""
        return [d for d in OpennessGrade.Dimension if d in self.rests_on and d in closed_dimensions]


class ComparisonRow(Content, SlugKeyed, Tracked):
    """A row of the category comparison: written by editors, or generated from the data."""

    class Kind(models.TextChoices):
        WRITTEN = "written", "Written by editors (one cell per category)"
        EXAMPLES = "examples", "Generated: published entries of each category"
        COUNT = "count", "Generated: number of published entries"
        LICENCES = "licences", "Generated: licences of the published entries"
        OPENNESS = "openness", "Generated: openness scores of the published entries"

    label = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    kind = models.CharField(max_length=10, choices=Kind, default=Kind.WRITTEN)
    position = models.PositiveSmallIntegerField(default=0)

    objects = SlugKeyManager()

    class Meta:
        ordering = ["position", "label"]

    def __str__(self):
        return self.label

    @property
    def is_generated(self):
        return self.kind != self.Kind.WRITTEN


class ComparisonCellManager(models.Manager):
    def get_by_natural_key(self, row_slug, category_slug):
        return self.get(row__slug=row_slug, category__slug=category_slug)


class ComparisonCell(Content, models.Model):
    row = models.ForeignKey(ComparisonRow, on_delete=models.CASCADE, related_name="cells")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="cells")
    text = MarkdownxField(blank=True, validators=[validate_markdown_length])
    # Pages that show the comparison count a cell's changes in their "Last updated" date.
    updated_at = models.DateTimeField(auto_now=True)

    objects = ComparisonCellManager()

    class Meta:
        ordering = ["row", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["row", "category"], name="cell_one_per_row_and_category"
            ),
        ]

    def __str__(self):
        return f"{self.row} / {self.category}"

    def natural_key(self):
        return (*self.row.natural_key(), *self.category.natural_key())

    natural_key.dependencies = ["kb.comparisonrow", "kb.category"]


class Article(Content, SlugKeyed, Publishable):
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    lede = models.CharField(max_length=300, blank=True, help_text="The line under the title.")
    body = MarkdownxField(blank=True, validators=[validate_markdown_length])
    featured = models.BooleanField(default=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles",
    )
    categories = models.ManyToManyField(Category, blank=True, related_name="articles")
    entries = models.ManyToManyField(
        ModelEntry, blank=True, related_name="articles", verbose_name="related model entries"
    )

    objects = SlugKeyManager.from_queryset(PublishableQuerySet)()

    class Meta:
        ordering = ["-published_at", "title"]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="article_status_date"),
            models.Index(
                fields=["status", "-published_at"],
                condition=Q(featured=True),
                name="article_featured_date",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("kb:article", args=[self.slug])


class ContentVersion(models.Model):
    """The version of all public content: one row that every content change moves forward.

    ``value`` is a time in microseconds since the epoch that only ever grows (see
    ``kb.catalogue.freshness``); cached pages are keyed by it and ``Last-Modified`` is read from it.
    """

    value = models.BigIntegerField()

    def __str__(self):
        return str(self.value)


# Tallies: the published entries counted by the values the directory filters and counts them by,
# kept by the database itself (triggers on the entries and their modalities, migration 0024), so
# the directory's counts read a few hundred or thousand rows instead of every entry. They are
# not content: nothing edits them, and kb.catalogue.tallies says how they are read and rebuilt.


# The columns a tally's rows are told apart by (its key, beside its own first column).
ENTRY_TALLY_KEY = [
    "category",
    "access",
    "openness_tier",
    "lifecycle",
    "licence",
    "openness_step",
    "weights_within",
]


class Counted(models.Model):
    """A number of published entries (``n``) of a category that share the other columns' value."""

    category = models.ForeignKey(Category, on_delete=models.DO_NOTHING, db_constraint=False)
    n = models.PositiveIntegerField()

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.n} published entries"


class Tally(Counted):
    """Published entries counted by what the directory filters them by.

    ``licence`` is the licence facet's value (osi, not-osi, unknown); ``openness_step`` the
    entry's score rounded down to one of the directory's steps (0 below the first, or no score);
    ``weights_within`` the smallest parameter count of the memory steps (kb.catalogue.tallies.
    PARAMETER_STEPS) at or above the entry's, its own count above them all, 0 when its weights
    cannot be downloaded or its count is unknown. A count that fell to 0 stays until a rebuild.
    """

    access = models.CharField(max_length=10)
    openness_tier = models.CharField(max_length=20)
    lifecycle = models.CharField(max_length=20)
    licence = models.CharField(max_length=10)
    openness_step = models.PositiveSmallIntegerField()
    weights_within = models.PositiveBigIntegerField()

    class Meta:
        abstract = True


class EntryTally(Tally):
    """Published entries by the directory's facets of few values and its steps."""

    KEY = ENTRY_TALLY_KEY

    class Meta:
        constraints = [models.UniqueConstraint(fields=ENTRY_TALLY_KEY, name="entry_tally_key")]


class OrganizationTally(Tally):
    """Published entries by organization and what EntryTally counts them by."""

    organization = models.ForeignKey(Organization, on_delete=models.DO_NOTHING, db_constraint=False)

    KEY = ["organization", *ENTRY_TALLY_KEY]

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", *ENTRY_TALLY_KEY], name="organization_tally_key"
            )
        ]


class ModalityTally(Tally):
    """Published entries by modality (an entry counts once for each of its modalities) and what
    EntryTally counts them by."""

    modality = models.ForeignKey(Modality, on_delete=models.DO_NOTHING, db_constraint=False)

    KEY = ["modality", *ENTRY_TALLY_KEY]

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["modality", *ENTRY_TALLY_KEY], name="modality_tally_key"
            )
        ]


class GradeTally(Counted):
    """Published entries by category and the grade each has at one position of its stored
    grades (``ModelEntry.openness_grades``: a letter per dimension, ``position`` from 1), for
    the comparison's openness row. An entry counts once at each position."""

    position = models.PositiveSmallIntegerField()
    letter = models.CharField(max_length=1)

    KEY = ["category", "position", "letter"]

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["category", "position", "letter"], name="grade_tally_key"
            )
        ]


class ScoreTally(Counted):
    """Published entries by category and stored openness score (-1: none, too few dimensions
    graded), for the comparison's totals and its openness row."""

    score = models.SmallIntegerField()

    KEY = ["category", "score"]

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["category", "score"], name="score_tally_key")
        ]


class ChartGroup(models.Model):
    """Of the entries the charts count (kb.catalogue.charts.chart_entries: published, with a
    release date, a family counted through its variants left out), how many (``n``) share the
    other columns' values.

    The charts' groups (ChartTier, ChartDay, ChartMaker) are kept by triggers (migration 0025)
    that count a group again from the entries whenever a write may change it: an entry's own
    groups, before and after, and its family's (whose counting depends on its variants); an
    import record's entry's. A largest size, unlike a count, cannot be kept by adding and
    taking away."""

    n = models.PositiveIntegerField()

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.n} entries counted by the charts"


class ChartTier(ChartGroup):
    """By openness tier and release day (``year``: the day's): open-share's counts, summed by
    year. By day, not by year, so that a write counts again a day's few entries, not a year's
    thousands."""

    openness_tier = models.CharField(max_length=20)
    release_date = models.DateField()
    year = models.SmallIntegerField()

    KEY = ["openness_tier", "release_date"]

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["openness_tier", "release_date"], name="chart_tier_key")
        ]
        # Summed by year from the index alone, in its order.
        indexes = [models.Index(fields=["openness_tier", "year", "n"], name="chart_tier_by_year")]


class ChartDay(ChartGroup):
    """With downloadable weights (``side`` "open") or offered only through an API or product
    ("closed"), by release day, with the largest parameter count and training compute among
    them (None when none is known): frontier-gap's days."""

    side = models.CharField(max_length=6)
    release_date = models.DateField()
    parameters = models.PositiveBigIntegerField(null=True)
    compute = models.FloatField(null=True)

    KEY = ["release_date", "side"]

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["release_date", "side"], name="chart_day_key")
        ]


class ChartMaker(ChartGroup):
    """By lead organization, country (as the entry writes it), openness tier and release year:
    by-organization's counts (a group holds few entries: one maker's of one tier and year)."""

    organization = models.ForeignKey(Organization, on_delete=models.DO_NOTHING, db_constraint=False)
    country = models.CharField(max_length=200)
    openness_tier = models.CharField(max_length=20)
    year = models.SmallIntegerField()

    KEY = ["organization", "country", "openness_tier", "year"]

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "country", "openness_tier", "year"],
                name="chart_maker_key",
            )
        ]
