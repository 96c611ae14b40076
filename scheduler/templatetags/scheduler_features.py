"""`{% if "auto_scheduler"|feature_on %}`: show a link only when its feature is usable."""

from django import template

from core.features import get_feature

register = template.Library()


@register.filter
def feature_on(name: str) -> bool:
    return get_feature(name).usable
