"""Permission matrix rows for the outcomes routes. `o` is the `objects` fixture (tests/security/conftest.py)."""

from .matrix import Row, all_  # noqa: F401

ROWS = []
