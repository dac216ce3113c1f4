"""The National Provider Identifier: ten digits, the last a Luhn check digit over "80840" + the first nine.

CMS, "Requirements for the NPI check digit": the 9-digit base is prefixed
with the card issuer prefix 80840 and checked with the Luhn formula (ISO/IEC
7812), equivalently by adding the constant 24 to the sum over the base alone.
"""

from django.core.exceptions import ValidationError


def check_digit(base):
    """The check digit of a 9-digit NPI base."""
    total = 24  # the doubled-and-summed digits of the prefix 80840
    for position, char in enumerate(reversed(base)):
        digit = int(char)
        if position % 2 == 0:  # the rightmost digit of the base is doubled
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return (10 - total % 10) % 10


def is_valid(npi):
    return len(npi) == 10 and npi.isdigit() and check_digit(npi[:9]) == int(npi[9])


def validate_npi(value):
    if not is_valid(value):
        raise ValidationError(
            "An NPI is ten digits and its last digit must match the others (check digit); "
            "please copy it again from the NPI Registry.",
            code="invalid_npi",
        )
