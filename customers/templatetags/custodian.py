from django import template
from django.core.exceptions import FieldDoesNotExist
from django.utils.text import capfirst

register = template.Library()


@register.filter
def get_item(mapping, key):
    """`{{ reasons|get_item:row.name }}`: a value of a dict by a variable key."""
    return (mapping or {}).get(key, "")


@register.filter
def field_label(name, model_label="customers.Customer"):
    """A field's label from its name (return reasons are kept by name):
    `{{ field|field_label }}` for customers, `{{ field|field_label:"transactions.Transaction" }}`."""
    from django.apps import apps

    try:
        return capfirst(apps.get_model(model_label)._meta.get_field(name).verbose_name)
    except (FieldDoesNotExist, LookupError, ValueError):
        return name


@register.filter
def money(value):
    """An amount with two decimals and thousands separators: 1,379.50."""
    from decimal import Decimal, InvalidOperation

    if value is None or value == "":
        return ""
    try:
        return f"{Decimal(value).quantize(Decimal('0.01')):,}"
    except (InvalidOperation, TypeError, ValueError):
        return value
