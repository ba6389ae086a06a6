"""Filtering and sorting the model directory from query parameters.

One form serves the directory page, the JSON API and the downloads, so the same URL parameters
mean the same thing everywhere. Several values of one parameter widen it (``category=a&category=b``
means either); different parameters narrow each other.
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, F, OuterRef
from django.db.models.functions import Lower

from .models import Access, Category, Modality, ModelEntry, Organization

SLUG = re.compile(r"[-a-zA-Z0-9_]+")


class QueryForm(forms.Form):
    """A form over query parameters (``request.GET``).

    ``strict=True`` (the API and the downloads) also refuses parameters the form does not know and
    single-valued parameters given more than once, so a typo is reported instead of ignored.
    """

    def __init__(self, data=None, *, strict=False, **kwargs):
        super().__init__(data, **kwargs)
        self.strict = strict

    def full_clean(self):
        super().full_clean()
        if self.strict and self.is_bound:
            self.check_parameter_names()

    def check_parameter_names(self):
        allowed = ", ".join(self.fields) or "none"
        for name in self.data:
            if name not in self.fields:
                self.errors[name] = self.error_class([f"Unknown parameter. Allowed: {allowed}."])
            elif len(self.data.getlist(name)) > 1 and not isinstance(
                self.fields[name], forms.MultipleChoiceField | forms.ModelMultipleChoiceField
            ):
                self.add_error(name, "Give this parameter once.")

    def error_detail(self):
        """``{parameter: [messages]}``, what the API's 400 responses carry."""
        return {name: list(messages) for name, messages in self.errors.items()}


class SlugsField(forms.ModelMultipleChoiceField):
    """Any number of rows of one model, named by slug.

    A value that cannot be a slug is refused before it reaches the database (PostgreSQL refuses
    NUL bytes with an exception, not an empty result).
    """

    def __init__(self, queryset, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(queryset, to_field_name="slug", **kwargs)

    def clean(self, value):
        for item in value or []:
            if not SLUG.fullmatch(str(item)):
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": item},
                )
        return super().clean(value)


class PageForm(QueryForm):
    page = forms.IntegerField(min_value=1, required=False, help_text="From 1.")


LICENCE_CHOICES = [
    ("", "Any licence"),
    ("osi", "OSI-approved"),
    ("non-osi", "Not OSI-approved"),
]
LICENCE_FILTERS = {"osi": True, "non-osi": False}

SORT_CHOICES = [
    ("name", "Name"),
    ("release", "Newest release first"),
    ("params", "Most parameters first"),
    ("openness", "Most open first"),
]
BY_NAME = Lower("name").asc()
SORT_ORDERS = {
    "name": [BY_NAME],
    "release": [F("release_date").desc(nulls_last=True), BY_NAME],
    "params": [F("parameter_count").desc(nulls_last=True), BY_NAME],
    "openness": [F("openness_score").desc(), BY_NAME],
}


class ModelFilterForm(PageForm):
    category = SlugsField(Category.objects.all())
    organization = SlugsField(Organization.objects.all())
    modality = SlugsField(Modality.objects.all())
    access = forms.ChoiceField(choices=[("", "Any access"), *Access.choices], required=False)
    licence = forms.ChoiceField(choices=LICENCE_CHOICES, required=False)
    min_openness = forms.IntegerField(
        label="Openness score at least", min_value=0, max_value=100, required=False
    )
    sort = forms.ChoiceField(choices=SORT_CHOICES, required=False)

    field_order = [
        "category",
        "organization",
        "modality",
        "access",
        "licence",
        "min_openness",
        "sort",
        "page",
    ]

    def apply(self, queryset):
        """``queryset`` filtered and sorted as asked; call after ``is_valid()``."""
        data = self.cleaned_data
        queryset = queryset.with_openness_score()
        if data["category"]:
            queryset = queryset.filter(category__in=data["category"])
        if data["organization"]:
            queryset = queryset.filter(organization__in=data["organization"])
        if data["modality"]:
            links = ModelEntry.modalities.through.objects.filter(
                modelentry=OuterRef("pk"), modality__in=data["modality"]
            )
            queryset = queryset.filter(Exists(links))
        if data["access"]:
            queryset = queryset.filter(access=data["access"])
        if data["licence"]:
            queryset = queryset.filter(licence_osi_approved=LICENCE_FILTERS[data["licence"]])
        if data["min_openness"] is not None:
            queryset = queryset.filter(openness_score__gte=data["min_openness"])
        return queryset.order_by(*SORT_ORDERS[data["sort"] or "name"])


class ModelExportForm(ModelFilterForm):
    """The downloads hold every matching entry: the same filters, no pages."""

    page = None
