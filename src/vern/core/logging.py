"""Logging filters. Query strings can carry what a resident searched for, so
request lines are logged without them."""

from __future__ import annotations

import logging


class StripQueryStrings(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.args and isinstance(record.args, tuple) and isinstance(record.args[0], str):
            first = record.args[0]
            if "?" in first:
                method_path, _, rest = first.partition("?")
                # Keep the protocol part of a request line ("GET /x?q=1 HTTP/1.1").
                protocol = rest.rsplit(" ", 1)[-1] if " " in rest else ""
                cleaned = f"{method_path} {protocol}".rstrip()
                record.args = (cleaned, *record.args[1:])
        return True
