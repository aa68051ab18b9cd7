import logging

from vern.core.logging import StripQueryStrings


def test_request_lines_lose_their_query_string():
    record = logging.LogRecord(
        "django.server",
        logging.INFO,
        __file__,
        1,
        '"%s" %s %s',
        ("GET /sok/?q=juling+hjelp HTTP/1.1", "200", "512"),
        None,
    )
    StripQueryStrings().filter(record)
    assert record.getMessage() == '"GET /sok/ HTTP/1.1" 200 512'
