"""`{{ code|code_label }}`: the words for a rule or reason code (codes stay in the API)."""

from django import template

from scheduler.labels import label_of

register = template.Library()


@register.filter
def code_label(code: str) -> str:
    return label_of(str(code))
