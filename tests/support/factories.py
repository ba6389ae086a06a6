import factory
from django.contrib.auth import get_user_model

from kb.catalogue import models


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.django.Password("a-long-test-password")


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Category

    name = factory.Sequence(lambda n: f"Category {n}")
    short_name = factory.Sequence(lambda n: f"Cat {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")
    position = factory.Sequence(lambda n: n)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Organization

    name = factory.Sequence(lambda n: f"Organization {n}")
    slug = factory.Sequence(lambda n: f"organization-{n}")
    website = "https://example.org/"


class ModalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Modality
        django_get_or_create = ("slug",)

    name = "Text"
    slug = "text"


class ModelEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ModelEntry

    name = factory.Sequence(lambda n: f"Model {n}")
    slug = factory.Sequence(lambda n: f"model-{n}")
    organization = factory.SubFactory(OrganizationFactory)
    category = factory.SubFactory(CategoryFactory)
    status = models.Status.PUBLISHED
    summary = "A model for tests."


class ProConFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ProCon

    kind = models.ProCon.Kind.PRO
    text = factory.Sequence(lambda n: f"Point {n}")
    category = factory.SubFactory(CategoryFactory)


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Article

    title = factory.Sequence(lambda n: f"Article {n}")
    slug = factory.Sequence(lambda n: f"article-{n}")
    lede = "A lede."
    body = "Some **Markdown**."
    status = models.Status.PUBLISHED


class ComparisonRowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ComparisonRow

    label = factory.Sequence(lambda n: f"Row {n}")
    slug = factory.Sequence(lambda n: f"row-{n}")
    position = factory.Sequence(lambda n: n)


class ComparisonCellFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ComparisonCell

    row = factory.SubFactory(ComparisonRowFactory)
    category = factory.SubFactory(CategoryFactory)
    text = factory.Sequence(lambda n: f"Cell {n}")
