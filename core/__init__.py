"""What every app of the portal shares: the clock, the GOV.UK form and page helpers, the API base.

A plain package at the bottom of the layers (see [tool.importlinter] in pyproject.toml): it imports no app,
so any app may import it. It has no models and no templates; what belongs to one app stays in that app.
"""
