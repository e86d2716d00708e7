"""The one CSV writer for every download the portal offers (audit trail, figures, any later export).

A spreadsheet runs a cell that begins with `=`, `+`, `-` or `@` (and some read a leading tab or carriage
return the same way) as a formula, and text anyone can type reaches these files: a failed sign-in stores the
typed email, organisation and programme names are typed by administrators. Following OWASP's CSV-injection
guidance such a cell is written with a leading single quote, so it reads as text. Plain numbers, negative ones
included, stay numbers: `-3` and `-1.5` run nothing.
"""

import csv
import re
from decimal import Decimal

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def safe_cell(value):
    """The value as a CSV cell that no spreadsheet will run."""
    if value is None:
        return ""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return value
    text = str(value)
    if text.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


class SafeWriter:
    """csv.writer's writerow/writerows, with every cell passed through safe_cell."""

    def __init__(self, out):
        self._writer = csv.writer(out)

    def writerow(self, row):
        return self._writer.writerow([safe_cell(value) for value in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def writer(out):
    return SafeWriter(out)


class _Echo:
    def write(self, value):
        return value


def lines(rows):
    """The rows as CSV lines one at a time, for a StreamingHttpResponse."""
    out = SafeWriter(_Echo())
    for row in rows:
        yield out.writerow(row)
