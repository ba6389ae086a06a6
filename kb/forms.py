"""Forms that read visitors' query strings: the model directory and the model comparison.

A shared link outlives what it names (a renamed slug, a sort order that no longer exists), so
these forms never fail as a whole: what they cannot use they drop, and say so in ``notices``.
"""

from django import forms
from django.utils.text import Truncator

from . import directory

MIN_COMPARED = 2
MAX_COMPARED = 5


def quoted(value):
    """A visitor's value, shortened, for a message (templates escape it)."""
    return f"“{Truncator(value).chars(40)}”"


class FacetField(forms.MultipleChoiceField):
    """Any number of the choices; values that are not among them are dropped, not an error."""

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def clean(self, value):
        return list(dict.fromkeys(item for item in self.to_python(value) if self.valid_value(item)))


class DirectoryForm(forms.Form):
    """Filters, sort order and page of the model directory."""

    sort = forms.ChoiceField(choices=directory.SORT_CHOICES, required=False)
    page = forms.IntegerField(min_value=1, required=False)
    per_page = forms.TypedChoiceField(
        coerce=int, choices=[(size, size) for size in directory.PAGE_SIZES], required=False
    )

    def __init__(self, data, *, choices):
        super().__init__(data)
        for spec in directory.FACETS:
            self.fields[spec.name] = FacetField(label=spec.label, choices=choices[spec.name])
        self.notices = []

    def clean(self):
        for spec in directory.FACETS:
            field = self.fields[spec.name]
            given = field.widget.value_from_datadict(self.data, self.files, spec.name)
            for value in given:
                if not field.valid_value(value):
                    self.notices.append(
                        f"No {spec.label.lower()} {quoted(value)}; that filter was left out."
                    )
        return self.cleaned_data

    def _value(self, name, default, notice):
        """A cleaned value, or ``default`` with a notice when the visitor's value was unusable."""
        if name in self.errors:
            self.notices.append(
                notice.format(value=quoted(self.data.get(name, "")), default=default)
            )
            return default
        return self.cleaned_data.get(name) or default

    def query(self):
        """What to show: ticked values per facet, sort order, page number and page size."""
        self.is_valid()
        return {
            "selected": {spec.name: self.cleaned_data[spec.name] for spec in directory.FACETS},
            "sort": self._value(
                "sort", directory.DEFAULT_SORT, "No sort order {value}; sorted by name instead."
            ),
            "page": self._value("page", 1, "No page {value}; showing the first page."),
            "per_page": self._value(
                "per_page",
                directory.PAGE_SIZES[0],
                "Page size {value} is not offered; showing {default} a page.",
            ),
        }


class ModelPickForm(forms.Form):
    """The models to compare: 2 to 5 distinct published entries, named by slug (``m``).

    ``entries`` is the published entries as (slug, name) pairs. After ``is_valid()``,
    ``slugs`` holds the usable choices in the visitor's order, ``notices`` what was dropped
    and why; the form is valid when 2 to 5 remain.
    """

    def __init__(self, data, *, entries):
        super().__init__(data)
        self.names = dict(entries)
        self.slugs = []
        self.notices = []

    @property
    def given(self):
        return [value.strip() for value in self.data.getlist("m") if value.strip()]

    def clean(self):
        for value in self.given:
            if value not in self.names:
                self.notices.append(f"There is no published model {quoted(value)}.")
            elif value in self.slugs:
                self.notices.append(f"{self.names[value]} was chosen twice; it is shown once.")
            else:
                self.slugs.append(value)
        count = len(self.slugs)
        if count < MIN_COMPARED:
            chosen = f"; you chose only {self.names[self.slugs[0]]}" if count else ""
            raise forms.ValidationError(
                f"Choose at least {MIN_COMPARED} models to compare{chosen}."
            )
        if count > MAX_COMPARED:
            raise forms.ValidationError(
                f"You can compare at most {MAX_COMPARED} models at a time; you chose {count}. "
                "Leave some out below."
            )
        return self.cleaned_data
