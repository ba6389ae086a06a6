"""Build the POST data an admin change form would send, from the form as rendered."""

import datetime

from django import forms


def _encode(value):
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if hasattr(value, "pk"):
        return value.pk
    return value


def _add_form(data, form):
    for name in form.fields:
        value = form[name].value()
        key = form.add_prefix(name)
        if value is None and isinstance(
            form.fields[name], forms.MultipleChoiceField | forms.ModelMultipleChoiceField
        ):
            continue
        if isinstance(form.fields[name], forms.NullBooleanField):
            # The admin's yes/no/unknown select, not a checkbox.
            data[key] = {True: "true", False: "false"}.get(value, "unknown")
        elif isinstance(value, bool):
            if value:
                data[key] = "on"
        elif isinstance(value, list | tuple):
            data[key] = [_encode(v) for v in value]
        else:
            data[key] = _encode(value)


def changeform_data(response, **changes):
    """The data of an admin add/change page as the browser would post it, with ``changes``."""
    data = {}
    form = response.context["adminform"].form
    _add_form(data, form)
    # Split date-time widgets post two fields.
    for name, field in form.fields.items():
        if field.widget.__class__.__name__ == "AdminSplitDateTime":
            value = form[name].value()
            data.pop(form.add_prefix(name), None)
            if isinstance(value, datetime.datetime):
                data[f"{name}_0"] = value.date().isoformat()
                data[f"{name}_1"] = value.strftime("%H:%M:%S")
            else:
                data[f"{name}_0"] = data[f"{name}_1"] = ""
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        _add_form(data, formset.management_form)
        for inline_form in formset.forms:
            _add_form(data, inline_form)
    data.update(changes)
    return data
