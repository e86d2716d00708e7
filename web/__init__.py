"""The top of the portal's layers: the pages and commands that bring several apps together.

The young person's page (their referrals, diversion cases and cohorts), the navigation of every page, the
scheduled jobs page and the demo data. Only config is above it; no app imports it (see [tool.importlinter]).
"""
