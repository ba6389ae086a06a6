"""The form reading the model-vs-model comparison's query string (the directory's is
kb.catalogue.filters).

A shared link outlives what it names (a renamed slug), so the form never fails as a whole: what
it cannot use it drops, and says so in ``notices``.
"""

from django import forms
from django.contrib.humanize.templatetags.humanize import intcomma

from kb.catalogue.filters import quoted

from .model_comparison import resolve

MIN_COMPARED = 2
MAX_COMPARED = 5
# Room for a link's stale or repeated names beside five good ones; more is not a choice anyone
# made, and is refused before anything is looked up.
MAX_GIVEN = 4 * MAX_COMPARED


def described(entry):
    return f"{entry.name} by {entry.organization.name} ({entry.slug})"


class ModelPickForm(forms.Form):
    """The models to compare: 2 to 5 distinct published entries, each named (``m``) by its slug
    or its name (see ``model_comparison.resolve``).

    After ``is_valid()``, ``slugs`` holds the usable choices in the visitor's order, ``notices``
    what was dropped and why; the form is valid when 2 to 5 remain. A name several entries
    share picks none of them: the notice lists them, with their slugs, to choose from.
    ``slots`` is what the pickers show again: each choice's slug, or the value as given where
    it names no single entry, for the visitor to correct.
    """

    differences = forms.BooleanField(required=False)  # only the rows whose values differ

    def __init__(self, data):
        super().__init__(data)
        self.slugs = []
        self.slots = []
        self.notices = []

    @property
    def given(self):
        return [value.strip() for value in self.data.getlist("m") if value.strip()]

    def clean(self):
        given = self.given
        if len(given) > MAX_GIVEN:
            raise forms.ValidationError(
                f"That asks for {intcomma(len(given))} models; you can compare at most "
                f"{MAX_COMPARED} at a time. Choose them below."
            )
        matches = resolve(given)
        names = {}
        for value in given:
            entry = self.pick(value, matches[value])
            if entry is None:
                self.slots.append(value)
            elif entry.slug in names:
                self.notices.append(f"{entry.name} was chosen twice; it is shown once.")
            else:
                names[entry.slug] = entry.name
                self.slots.append(entry.slug)
        self.slugs = list(names)
        self.check_count(names)
        return self.cleaned_data

    def pick(self, value, entries):
        """The one entry ``value`` names, or None with a notice saying why not."""
        if not entries:
            self.notices.append(f"There is no published model {quoted(value)}.")
            return None
        if len(entries) > 1:
            listed = "; ".join(described(entry) for entry in entries)
            self.notices.append(
                f"{quoted(value)} names {len(entries)} published models: {listed}. "
                "None was taken: give the one you mean by its slug, in brackets."
            )
            return None
        return entries[0]

    @staticmethod
    def check_count(names):
        count = len(names)
        if count < MIN_COMPARED:
            chosen = f"; you chose only {next(iter(names.values()))}" if count else ""
            raise forms.ValidationError(
                f"Choose at least {MIN_COMPARED} models to compare{chosen}."
            )
        if count > MAX_COMPARED:
            raise forms.ValidationError(
                f"You can compare at most {MAX_COMPARED} models at a time; you chose {count}. "
                "Leave some out below."
            )
