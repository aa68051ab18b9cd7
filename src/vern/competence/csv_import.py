"""Reading a learning platform's export of completed courses (CSV).

Three stages, each a pure function the views and services call: ``decode`` turns the
uploaded bytes into text (UTF-8, with or without a byte-order mark, else Windows-1252,
which is what Excel in Norwegian saves as "CSV"); ``read`` splits it into a header and
rows, guessing the delimiter; ``check`` matches every row against the municipality's
employees and courses and lists each problem with its row number. Nothing here writes.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# Larger files are refused before they are read. A learning platform's export of a
# large municipality's completions (10,000 staff, a dozen courses) is well under this.
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 50_000

FIELDS = {
    "employee": gettext_lazy("Employee (employee number or e-mail address)"),
    "course": gettext_lazy("Course (course code or title)"),
    "completed_on": gettext_lazy("Date completed"),
}
# Header words that suggest a column, in lower case, for the first guess of the mapping.
HINTS = {
    "employee": ("ansattnummer", "ansattnr", "ansatt", "employee", "e-post", "epost", "email"),
    "course": ("kurskode", "kurs", "course", "emne", "modul"),
    "completed_on": ("fullført", "fullfort", "dato", "completed", "date", "gjennomført"),
}
DATE_FORMATS = (
    re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})$"),
    re.compile(r"^(?P<d>\d{1,2})[./](?P<m>\d{1,2})[./](?P<y>\d{4})$"),
)


class FileProblem(Exception):
    """The file as a whole cannot be used (too large, not text, no rows)."""


def decode(data: bytes) -> tuple[str, str]:
    """The text and the encoding it was read in: UTF-8 first, else Windows-1252."""
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise FileProblem(
            _("The file is neither UTF-8 nor Windows-1252 text. Save it as CSV and try again.")
        ) from exc
    return text, "windows-1252"


def read(text: str) -> tuple[list[str], list[list[str]]]:
    """The header and the data rows (blank lines left out)."""
    if "\x00" in text:
        raise FileProblem(_("The file is not a CSV file."))
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=";,\t")
    except csv.Error:
        delimiter = ";" if sample.count(";") > sample.count(",") else ","
        dialect = type("Guessed", (csv.excel,), {"delimiter": delimiter})
    rows = [row for row in csv.reader(io.StringIO(text), dialect) if any(c.strip() for c in row)]
    if len(rows) < 2:
        raise FileProblem(_("The file has no rows below the header."))
    if len(rows) - 1 > MAX_ROWS:
        raise FileProblem(
            _("The file has more than %(max)s rows. Split it and import the parts.")
            % {"max": MAX_ROWS}
        )
    header = [cell.strip() for cell in rows[0]]
    return header, rows[1:]


def guess_mapping(header: list[str]) -> dict[str, int]:
    """A first guess of which column holds which field, from the header's words."""
    mapping: dict[str, int] = {}
    for name, hints in HINTS.items():
        for index, title in enumerate(header):
            if index in mapping.values():
                continue
            if any(hint in title.lower() for hint in hints):
                mapping[name] = index
                break
    return mapping


def parse_date(value: str) -> date | None:
    value = value.strip()
    for pattern in DATE_FORMATS:
        match = pattern.match(value)
        if match:
            try:
                return date(int(match["y"]), int(match["m"]), int(match["d"]))
            except ValueError:
                return None
    return None


@dataclass
class Row:
    number: int  # the line in the file, counting the header as line 1
    values: list[str]
    employee: object | None = None
    course: object | None = None
    completed_on: date | None = None
    problems: list[str] = field(default_factory=list)
    already_recorded: bool = False

    @property
    def valid(self) -> bool:
        return not self.problems


@dataclass
class Checked:
    rows: list[Row]

    @property
    def valid(self) -> list[Row]:
        return [row for row in self.rows if row.valid]

    @property
    def invalid(self) -> list[Row]:
        return [row for row in self.rows if not row.valid]

    @property
    def new(self) -> list[Row]:
        return [row for row in self.valid if not row.already_recorded]


def check(
    rows: list[list[str]],
    *,
    width: int,
    mapping: dict[str, int],
    employees: dict[str, object],
    courses: dict[str, object],
    recorded: set[tuple[int, int, date]],
    today: date,
) -> Checked:
    """Match each row, listing every problem by row number.

    ``employees`` and ``courses`` map a lower-cased key (employee number or e-mail;
    course code or title) to the object; ``recorded`` holds the (employee id, course id,
    date) already in Vern, which are counted and skipped rather than refused.
    """
    checked, seen = [], {}
    for offset, values in enumerate(rows):
        row = Row(number=offset + 2, values=values)
        checked.append(row)
        if len(values) != width:
            row.problems.append(
                _("The row has %(found)s columns; the header has %(width)s.")
                % {"found": len(values), "width": width}
            )
            continue
        employee_key = values[mapping["employee"]].strip()
        course_key = values[mapping["course"]].strip()
        raw_date = values[mapping["completed_on"]].strip()
        row.employee = employees.get(employee_key.lower())
        if not employee_key:
            row.problems.append(_("No employee is given."))
        elif row.employee is None:
            row.problems.append(
                _("No employee has the number or e-mail address “%(value)s”.")
                % {"value": employee_key}
            )
        row.course = courses.get(course_key.lower())
        if not course_key:
            row.problems.append(_("No course is given."))
        elif row.course is None:
            row.problems.append(
                _("No course has the code or title “%(value)s”.") % {"value": course_key}
            )
        row.completed_on = parse_date(raw_date)
        if not raw_date:
            row.problems.append(_("No date is given."))
        elif row.completed_on is None:
            row.problems.append(
                _("“%(value)s” is not a date that exists (use 31.12.2026 or 2026-12-31).")
                % {"value": raw_date}
            )
        elif row.completed_on > today:
            row.problems.append(_("The date %(value)s is in the future.") % {"value": raw_date})
        elif row.completed_on.year < 1950:
            row.problems.append(_("The date %(value)s is too early.") % {"value": raw_date})
        if row.problems:
            continue
        key = (row.employee.pk, row.course.pk, row.completed_on)
        if key in seen:
            row.problems.append(_("The same completion is on row %(row)s.") % {"row": seen[key]})
            continue
        seen[key] = row.number
        row.already_recorded = key in recorded
    return Checked(checked)
