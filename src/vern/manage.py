"""The ``vern`` command: Django's management commands plus Vern's own."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    argv[0] = "vern"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vern.settings")
    if len(argv) > 1 and argv[1] == "demo":
        # Decided before settings load so every process of the demo agrees.
        os.environ.setdefault("VERN_DEMO", "true")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
