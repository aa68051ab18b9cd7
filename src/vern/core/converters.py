"""Path converters shared by the apps' URL modules.

Importing this module registers them (once: a module is imported once).
"""

from django.urls import register_converter


class MunicipalityNumberConverter:
    """A municipality number: exactly four digits (Kartverket's numbering).

    Anything else never reaches a view, so a NUL byte or other junk in the
    address cannot reach the database; the URL simply does not match (404).
    """

    regex = "[0-9]{4}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value) -> str:
        return str(value)


register_converter(MunicipalityNumberConverter, "municipality_number")
