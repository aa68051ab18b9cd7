"""Finding personal identifiers in free text that must stay anonymous.

``find_personal_identifiers(text)`` is the one check every anonymous text
goes through (a consultation team's concerns, notes on a school's no-show
routine, ...): it returns what it found, each with its kind and the matched
text, and the caller refuses the text and says why. It looks for

* **fødselsnummer** (``fodselsnummer``): eleven digits, ``DDMMYY`` followed
  by a three-digit individual number and two control digits. Both control
  digits must be right (mod 11 with the weights Skatteetaten publishes) and
  ``DDMMYY`` must be a date that exists in some century from 1800 to 2099
  (29 February only where one of those years is a leap year). The digits may
  be written in groups separated by single spaces, dots or hyphens
  (``010190 123 45``, ``01.01.90-12345``);
* **D-numbers** (``d_number``): as a fødselsnummer, with 4 added to the first
  digit (day 41–71);
* **Norwegian phone numbers** (``phone``): eight digits starting with 2–9,
  written together or in the usual groups (``90012345``, ``900 12 345``,
  ``90 01 23 45``, ``9001 2345``), or with ``+47``/``0047`` in front in any
  grouping by spaces. Dots are not accepted inside a phone number, so a date
  such as ``21.03.2024`` is not taken for one;
* **e-mail addresses** (``email``).

The check errs towards finding too much: a person refused by mistake can
reword, while an identifier let through is out. Numbers are only matched as
a whole: a run of digits is never cut in the middle of a group.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Literal

Kind = Literal["fodselsnummer", "d_number", "phone", "email"]

KINDS: tuple[Kind, ...] = ("fodselsnummer", "d_number", "phone", "email")

FIRST_WEIGHTS = (3, 7, 6, 1, 8, 9, 4, 5, 2)
SECOND_WEIGHTS = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)

# Spaces a person may type between digit groups: space, no-break space,
# narrow no-break space, thin space.
SPACES = " \u00a0\u202f\u2009"
NUMBER_SEPARATORS = SPACES + ".-\u2010\u2011\u2013"

# A run of digit groups, each group separated from the next by exactly one
# separator; never preceded or followed by a digit.
DIGIT_RUN = re.compile(rf"(?<![0-9])[0-9]+(?:[{re.escape(NUMBER_SEPARATORS)}][0-9]+)*(?![0-9])")
GROUP = re.compile(r"[0-9]+")
PREFIXED_PHONE = re.compile(
    rf"(?<![0-9+])(?:\+|00)47[{SPACES}]?(?:[0-9][{SPACES}]?){{7}}[0-9](?![0-9])"
)
EMAIL = re.compile(
    r"(?<![\w.+-])[\w.%+-]+@[^\W_](?:[\w-]*[^\W_])?(?:\.[^\W_](?:[\w-]*[^\W_])?)*\.[^\W\d_]{2,}(?![\w-])"
)

# How people group an eight-digit Norwegian number when writing it.
PHONE_GROUPINGS = {(8,), (3, 2, 3), (2, 2, 2, 2), (4, 4), (3, 3, 2), (2, 3, 3)}


@dataclass(frozen=True)
class Finding:
    """One identifier found: its kind, the text as written and where it stands."""

    kind: Kind
    text: str
    start: int
    end: int


def control_digits(first_nine: str) -> str | None:
    """The two control digits for the first nine digits, or None when none fit.

    A remainder that gives 10 means no valid number starts with these nine
    digits.
    """
    digits = [int(d) for d in first_nine]
    k1 = 11 - sum(w * d for w, d in zip(FIRST_WEIGHTS, digits, strict=True)) % 11
    if k1 == 11:
        k1 = 0
    if k1 == 10:
        return None
    k2 = 11 - sum(w * d for w, d in zip(SECOND_WEIGHTS, [*digits, k1], strict=True)) % 11
    if k2 == 11:
        k2 = 0
    if k2 == 10:
        return None
    return f"{k1}{k2}"


def _plausible_date(day: int, month: int, year: int) -> bool:
    for century in (1800, 1900, 2000):
        try:
            datetime.date(century + year, month, day)
        except ValueError:
            continue
        return True
    return False


def national_number_kind(digits: str) -> Kind | None:
    """``fodselsnummer`` or ``d_number`` when eleven digits are a valid one, else None."""
    if len(digits) != 11 or not digits.isascii() or not digits.isdigit():
        return None
    if control_digits(digits[:9]) != digits[9:]:
        return None
    day, month, year = int(digits[:2]), int(digits[2:4]), int(digits[4:6])
    if day > 40:
        return "d_number" if _plausible_date(day - 40, month, year) else None
    return "fodselsnummer" if _plausible_date(day, month, year) else None


def _is_phone(groups: list[str], separators: list[str]) -> bool:
    digits = "".join(groups)
    return (
        len(digits) == 8
        and digits[0] in "23456789"
        and all(sep in SPACES for sep in separators)
        and tuple(len(g) for g in groups) in PHONE_GROUPINGS
    )


def _numbers(text: str) -> list[Finding]:
    findings: list[Finding] = []
    for run in DIGIT_RUN.finditer(text):
        groups = list(GROUP.finditer(text, run.start(), run.end()))
        taken_until = -1
        for first in range(len(groups)):
            if groups[first].start() < taken_until:
                continue
            # Longest first: an eleven-digit number before an eight-digit one.
            # Eleven digits fill at most eleven groups.
            for last in range(min(len(groups), first + 11) - 1, first - 1, -1):
                parts = [g.group() for g in groups[first : last + 1]]
                separators = [
                    text[groups[i].end() : groups[i + 1].start()] for i in range(first, last)
                ]
                digits = "".join(parts)
                kind: Kind | None = national_number_kind(digits)
                if kind is None and _is_phone(parts, separators):
                    kind = "phone"
                if kind is not None:
                    start, end = groups[first].start(), groups[last].end()
                    findings.append(Finding(kind, text[start:end], start, end))
                    taken_until = end
                    break
    return findings


def _overlaps(finding: Finding, others: list[Finding]) -> bool:
    return any(finding.start < o.end and o.start < finding.end for o in others)


def find_personal_identifiers(text: str) -> list[Finding]:
    """Every fødselsnummer, D-number, phone number and e-mail address in ``text``.

    The findings are in the order they stand in the text and do not overlap;
    an empty list means none was found.
    """
    if not text:
        return []
    findings = [Finding("email", m.group(), m.start(), m.end()) for m in EMAIL.finditer(text)]
    for m in PREFIXED_PHONE.finditer(text):
        finding = Finding("phone", m.group(), m.start(), m.end())
        if not _overlaps(finding, findings):
            findings.append(finding)
    for finding in _numbers(text):
        if not _overlaps(finding, findings):
            findings.append(finding)
    return sorted(findings, key=lambda f: f.start)
