"""The API's JSON parser: DRF's, but deeply nested bodies are a 400, not a RecursionError (a 500).

Python's decoder recurses once per bracket, so 1,000 nested `[` ran out of stack before any permission check
(issue 13). No request body of this API nests more than a few levels, so anything deeper than MAX_DEPTH is
refused before decoding, and a RecursionError that still happens is answered the same way.
"""

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser, get_encoding
from rest_framework.utils import json

MAX_DEPTH = 32
TOO_DEEP = f"JSON parse error - the body nests deeper than {MAX_DEPTH} levels of brackets."


def nesting_depth(text: str) -> int:
    """The deepest level of [ ] and { } in JSON text, not counting brackets inside strings."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


class BoundedJSONParser(JSONParser):
    """Registered as the API's default JSON parser (REST_FRAMEWORK in config/settings.py)."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = get_encoding(parser_context or {})
        try:
            text = (stream.read() if stream is not None else b"").decode(encoding)
        except UnicodeDecodeError as error:
            raise ParseError(f"JSON parse error - {error}") from None
        if nesting_depth(text) > MAX_DEPTH:
            raise ParseError(TOO_DEEP)
        try:
            return json.loads(text, parse_constant=json.strict_constant if self.strict else None)
        except RecursionError:
            raise ParseError(TOO_DEEP) from None
        except ValueError as error:
            raise ParseError(f"JSON parse error - {error}") from None
