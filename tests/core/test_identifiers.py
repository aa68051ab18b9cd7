"""The identifier check that keeps anonymous texts anonymous.

The control digits are computed here independently of the module under test,
from the weights Skatteetaten publishes, so a wrong weight in the module
fails these tests.
"""

import datetime

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from vern.core.identifiers import find_personal_identifiers, national_number_kind

W1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
W2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def control(nine):
    """The two control digits, or None when the first or second would be 10."""
    k1 = (11 - sum(a * int(b) for a, b in zip(W1, nine, strict=True)) % 11) % 11
    if k1 == 10:
        return None
    ten = nine + str(k1)
    k2 = (11 - sum(a * int(b) for a, b in zip(W2, ten, strict=True)) % 11) % 11
    if k2 == 10:
        return None
    return f"{k1}{k2}"


birth_dates = st.dates(min_value=datetime.date(1854, 1, 1), max_value=datetime.date(2039, 12, 31))
individual_numbers = st.integers(min_value=0, max_value=999)


def number_for(date, individual, *, d_number=False):
    day = date.day + (40 if d_number else 0)
    nine = f"{day:02d}{date.month:02d}{date.year % 100:02d}{individual:03d}"
    digits = control(nine)
    assume(digits is not None)
    return nine + digits


@st.composite
def national_numbers(draw, *, d_number=False):
    return number_for(draw(birth_dates), draw(individual_numbers), d_number=d_number)


@st.composite
def grouped(draw, digits, separators=" .-"):
    """The digits split into groups at random places, one separator between groups."""
    cuts = sorted(draw(st.sets(st.integers(min_value=1, max_value=len(digits) - 1), max_size=4)))
    parts, previous = [], 0
    for cut in [*cuts, len(digits)]:
        parts.append(digits[previous:cut])
        previous = cut
    out = parts[0]
    for part in parts[1:]:
        out += draw(st.sampled_from(separators)) + part
    return out


# Text around an identifier: anything but digits, '@' and characters that
# could continue an e-mail address or a number.
surrounding = st.text(
    alphabet=st.characters(
        categories=("Lu", "Ll", "Zs", "Po"), exclude_characters="@.-+_%0123456789"
    ),
    max_size=30,
).map(lambda s: f" {s} ")


def kinds(text):
    return [f.kind for f in find_personal_identifiers(text)]


@given(national_numbers(), surrounding, surrounding)
def test_valid_fodselsnummer_is_found(number, before, after):
    found = find_personal_identifiers(before + number + after)
    assert [(f.kind, f.text) for f in found] == [("fodselsnummer", number)]


@given(national_numbers(d_number=True), surrounding, surrounding)
def test_valid_d_number_is_found(number, before, after):
    found = find_personal_identifiers(before + number + after)
    assert [(f.kind, f.text) for f in found] == [("d_number", number)]


@given(st.data(), st.booleans())
def test_number_written_in_groups_is_found(data, d_number):
    number = data.draw(national_numbers(d_number=d_number))
    written = data.draw(grouped(number))
    found = find_personal_identifiers(f"Fnr. {written}, se over.")
    assert [(f.kind, f.text) for f in found] == [
        ("d_number" if d_number else "fodselsnummer", written)
    ]


@given(national_numbers(), st.integers(min_value=9, max_value=10), st.integers(1, 9))
def test_wrong_control_digit_is_not_a_national_number(number, position, shift):
    wrong = number[:position] + str((int(number[position]) + shift) % 10) + number[position + 1 :]
    assert national_number_kind(wrong) is None
    assert not {"fodselsnummer", "d_number"} & set(kinds(f"nr {wrong} her"))


@given(national_numbers(), st.integers(min_value=0, max_value=8), st.integers(1, 9))
def test_changed_digit_breaks_the_control_digits(number, position, shift):
    # Any single changed digit among the first nine is caught by the first
    # control digit (its weights are all below 11 and non-zero).
    wrong = number[:position] + str((int(number[position]) + shift) % 10) + number[position + 1 :]
    assert national_number_kind(wrong) is None


@given(
    st.integers(min_value=1, max_value=31),
    st.integers(min_value=13, max_value=99),
    st.integers(0, 99),
    individual_numbers,
)
def test_impossible_month_is_not_a_national_number(day, month, year, individual):
    nine = f"{day:02d}{month:02d}{year:02d}{individual:03d}"
    digits = control(nine)
    assume(digits is not None)
    assert kinds(nine + digits) == []


@given(individual_numbers)
def test_day_that_no_month_has_is_not_a_national_number(individual):
    for day, month in ((32, 1), (31, 4), (30, 2), (0, 5)):
        nine = f"{day:02d}{month:02d}90{individual:03d}"
        digits = control(nine)
        if digits is not None:
            assert national_number_kind(nine + digits) is None


def test_29_february_needs_a_leap_year_in_some_century():
    # 2000 was a leap year, so 290200 is a date; 1901, 2001 and 1801 were not.
    for individual in range(1000):
        nine = f"290200{individual:03d}"
        if (digits := control(nine)) is not None:
            assert national_number_kind(nine + digits) == "fodselsnummer"
            break
    for individual in range(1000):
        nine = f"290201{individual:03d}"
        if (digits := control(nine)) is not None:
            assert national_number_kind(nine + digits) is None
            break


@given(national_numbers(), st.integers(min_value=1, max_value=9))
def test_longer_digit_run_is_not_cut_to_find_a_number(number, extra):
    # An account or case number that merely contains eleven valid digits is
    # not a fødselsnummer.
    assert not {"fodselsnummer", "d_number"} & set(kinds(f"{number}{extra}"))
    assert not {"fodselsnummer", "d_number"} & set(kinds(f"{extra}{number}"))


phones = st.builds(
    lambda first, rest: str(first) + "".join(map(str, rest)),
    st.integers(min_value=2, max_value=9),
    st.lists(st.integers(0, 9), min_size=7, max_size=7),
)


def group_as(digits, sizes, separator=" "):
    parts, i = [], 0
    for size in sizes:
        parts.append(digits[i : i + size])
        i += size
    return separator.join(parts)


@given(
    phones,
    st.sampled_from([(8,), (3, 2, 3), (2, 2, 2, 2), (4, 4)]),
    surrounding,
    surrounding,
)
def test_phone_number_is_found(phone, sizes, before, after):
    written = group_as(phone, sizes)
    found = find_personal_identifiers(before + written + after)
    assert [(f.kind, f.text) for f in found] == [("phone", written)]


@given(phones, st.sampled_from(["+47", "0047", "+47 ", "0047 "]), st.data())
def test_phone_number_with_country_code_is_found(phone, prefix, data):
    written = prefix + data.draw(grouped(phone, separators=" "))
    found = find_personal_identifiers(f"Ring {written} i dag")
    assert [(f.kind, f.text) for f in found] == [("phone", written)]


@pytest.mark.parametrize(
    "text",
    [
        "Møtet var 21.03.2024 kl. 14.30.",
        "Skoleåret 2026/2027, klasse 5B, 12 elever.",
        "Saken ble meldt 3. mars, og igjen 14. april.",
        "Fra 2019-2020 bodde familien et annet sted.",
        "Jeg er bekymret for et barn i alderen 6–12 år.",
        "Nummer 112 eller 113 ved fare.",
    ],
)
def test_ordinary_text_with_dates_and_figures_has_no_findings(text):
    assert find_personal_identifiers(text) == []


@given(
    st.from_regex(r"[a-z][a-z0-9._]{0,15}[a-z0-9]", fullmatch=True),
    st.from_regex(r"[a-z][a-z0-9-]{0,10}[a-z0-9]", fullmatch=True),
    st.sampled_from(["no", "example", "com", "kommune.no"]),
    surrounding,
)
def test_email_address_is_found(local, domain, tld, before):
    address = f"{local}@{domain}.{tld}"
    found = find_personal_identifiers(f"{before}{address}, takk")
    assert [(f.kind, f.text) for f in found] == [("email", address)]


def test_all_kinds_in_one_text_are_found_in_order():
    number = next(
        n for i in range(1000) if (c := control(f"150585{i:03d}")) and (n := f"150585{i:03d}{c}")
    )
    d_number = next(
        n for i in range(1000) if (c := control(f"550585{i:03d}")) and (n := f"550585{i:03d}{c}")
    )
    text = (
        f"Mor (fnr {number[:6]} {number[6:]}) har D-nr {d_number}, "
        "tlf. 412 34 567, e-post mor@eksempel.example."
    )
    found = find_personal_identifiers(text)
    assert [(f.kind, f.text) for f in found] == [
        ("fodselsnummer", f"{number[:6]} {number[6:]}"),
        ("d_number", d_number),
        ("phone", "412 34 567"),
        ("email", "mor@eksempel.example"),
    ]
    for finding in found:
        assert text[finding.start : finding.end] == finding.text


@given(st.text(alphabet=st.characters(exclude_characters="0123456789@"), max_size=200))
def test_text_without_digits_or_at_sign_has_no_findings(text):
    assert find_personal_identifiers(text) == []


@given(st.text(max_size=300))
def test_any_text_gives_findings_that_match_the_text(text):
    found = find_personal_identifiers(text)
    ends = [f.start for f in found]
    assert ends == sorted(ends)
    for finding in found:
        assert text[finding.start : finding.end] == finding.text
