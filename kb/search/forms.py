from django import forms

from .engine import FILTERS, MAX_PER_PAGE
from .models import Kind
from .query import MAX_LENGTH

MAX_PAGE = 500


class SearchForm(forms.Form):
    """What a visitor may ask: a query (trimmed to a sane length), filters and a page.

    The query field refuses NUL characters (every ``CharField`` does); the rest of its text is
    made harmless by the parser, whatever it holds.
    """

    q = forms.CharField(required=False, label="Search")
    type = forms.ChoiceField(required=False, choices=[("", "All"), *Kind.choices])
    category = forms.SlugField(required=False, max_length=100)
    organization = forms.SlugField(required=False, max_length=100)
    page = forms.IntegerField(required=False, min_value=1, max_value=MAX_PAGE)
    size = forms.IntegerField(required=False, min_value=1, max_value=MAX_PER_PAGE)

    truncated = False

    def clean_q(self):
        query = self.cleaned_data["q"]
        self.truncated = len(query) > MAX_LENGTH
        return query[:MAX_LENGTH]

    @property
    def filters(self):
        return {name: self.cleaned_data[name] for name in FILTERS}
