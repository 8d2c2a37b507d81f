"""`{% help_shot "name" %}`: a screenshot of the manual, in the reader's language."""

from __future__ import annotations

from django import template
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import get_language

from desk.manual import LANGUAGES, PAGES

register = template.Library()


@register.simple_tag
def help_shot(name: str) -> str:
    shot = next(shot for page in PAGES.values() for shot in page.shots if shot.name == name)
    language = get_language() if get_language() in LANGUAGES else LANGUAGES[0]
    return format_html(
        '<figure class="help-shot" data-shot="{}"><a href="{}"><img src="{}" alt="{}" loading="lazy"></a>'
        "<figcaption>{}</figcaption></figure>",
        shot.name,
        static(shot.static_path(language)),
        static(shot.static_path(language)),
        shot.caption,
        shot.caption,
    )
