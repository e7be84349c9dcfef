"""How Lambda words an Invoke payload it refuses: its JSON parser is Jackson's, and its messages
are what callers see (recorded AWS answers: aws-cli reports in the public corpus, e.g.
"Unrecognized token 'Hello': ... line: 1, column: 7", "Unexpected character (''' (code 39)):
expected a valid value ... column: 2", "Invalid UTF-8 start byte 0x87").

Only the refusal path comes here; a payload that parses costs nothing more."""

from __future__ import annotations

EXPECTED_VALUE = "(JSON String, Number, Array, Object or token 'null', 'true' or 'false')"
SOURCE = "REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled)"
_TOKEN_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_$")


def describe(payload: bytes, error: Exception) -> str:
    """The part after 'Could not parse payload into json: ' for a payload json refused."""
    if isinstance(error, UnicodeDecodeError):
        return f"Invalid UTF-8 start byte 0x{payload[error.start]:02x}"
    text = payload.decode("utf-8", "replace")
    start = len(text) - len(text.lstrip(" \t\r\n"))
    if start == len(text):
        return str(error)
    line = text.count("\n", 0, start) + 1
    line_start = text.rfind("\n", 0, start) + 1
    first = text[start]
    if first.isalpha():
        end = start
        while end < len(text) and text[end] in _TOKEN_CHARS:
            end += 1
        # Jackson reads one character past the token before it gives up.
        column = end - line_start + (2 if end < len(text) else 1)
        return (f"Unrecognized token '{text[start:end]}': was expecting {EXPECTED_VALUE}\n"
                f" at [Source: {SOURCE}; line: {line}, column: {column}]")
    if first not in '{["-0123456789':
        return (f"Unexpected character ('{first}' (code {ord(first)})): expected a valid value "
                f"{EXPECTED_VALUE}\n at [Source: {SOURCE}; line: {line}, "
                f"column: {start - line_start + 2}]")
    return str(error)
