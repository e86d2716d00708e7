"""Links to a record's page, for lists and messages that make hundreds of them at once."""

from django.urls import get_script_prefix, reverse

_PATTERNS = {}


def record_url(name: str, pk: int) -> str:
    """reverse(name, args=[pk]) for a URL pattern ending in "<int:pk>/", reversed once per script prefix rather
    than once a link (reversing was a fifth of a morning sweep's messages, and of a hundred-row queue page)."""
    key = (name, get_script_prefix())
    pattern = _PATTERNS.get(key)
    if pattern is None:
        pattern = _PATTERNS[key] = reverse(name, args=[0]).removesuffix("0/")
    return f"{pattern}{pk}/"
