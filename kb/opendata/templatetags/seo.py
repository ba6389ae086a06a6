from django import template

from .. import structured_data

register = template.Library()


@register.simple_tag(takes_context=True)
def absolute_url(context, path):
    """The full URL of ``path`` on this site, for canonical links and social cards."""
    return context["request"].build_absolute_uri(path)


@register.simple_tag(takes_context=True)
def article_json_ld(context, article):
    return structured_data.json_ld_script(structured_data.article_data(article, context["request"]))


@register.simple_tag(takes_context=True)
def model_json_ld(context, entry):
    return structured_data.json_ld_script(structured_data.model_data(entry, context["request"]))


@register.simple_tag(takes_context=True)
def dataset_json_ld(context):
    return structured_data.json_ld_script(structured_data.dataset_data(context["request"]))
