"""A browser's User-Agent header in words ("Chrome on Windows"), for *Your sessions*."""

import re

BROWSERS = [("Edge", r"Edg/"), ("Opera", r"OPR/"), ("Firefox", r"Firefox/"), ("Chrome", r"Chrome/|Chromium/|HeadlessChrome/"),
            ("Safari", r"Safari/")]
SYSTEMS = [("Windows", r"Windows"), ("iPhone", r"iPhone"), ("iPad", r"iPad"), ("Android", r"Android"),
           ("macOS", r"Mac OS X|Macintosh"), ("ChromeOS", r"CrOS"), ("Linux", r"Linux")]


def _first(table, text):
    return next((name for name, pattern in table if re.search(pattern, text)), None)


def describe(user_agent):
    if not user_agent:
        return "Unknown browser"
    browser = _first(BROWSERS, user_agent) or "Another browser"
    system = _first(SYSTEMS, user_agent)
    return f"{browser} on {system}" if system else browser
