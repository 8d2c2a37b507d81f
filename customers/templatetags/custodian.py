from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """`{{ reasons|get_item:row.name }}`: a value of a dict by a variable key."""
    return (mapping or {}).get(key, "")
