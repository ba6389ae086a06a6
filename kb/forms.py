"""The form reading the model-vs-model comparison's query string (the directory's is
kb.filters).

A shared link outlives what it names (a renamed slug), so the form never fails as a whole: what
it cannot use it drops, and says so in ``notices``.
"""

from django import forms

from .filters import quoted

MIN_COMPARED = 2
MAX_COMPARED = 5


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
