"""Exports staff open in a spreadsheet: what the public typed must never run as a formula."""

import re

# A spreadsheet reads a cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A phone number stored in E.164 ("+12035550142") starts with "+" but is no formula.
E164 = re.compile(r"\+[1-9]\d{6,14}")


def csv_safe(value):
    """`value` as CSV text that a spreadsheet shows as typed and never evaluates."""
    text = "" if value is None else str(value)
    if E164.fullmatch(text):
        return text
    return "'" + text if text.startswith(FORMULA_STARTS) else text
