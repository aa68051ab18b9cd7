"""The registry of audit action codes, and of the keys their details use.

Every code written to the log is registered here with a human label
(``gettext_lazy``), so the log browser shows "Role changed" rather than
``core.membership.update``. Each app keeps its codes in its own
``audit_codes.py``; ``AuditConfig.ready()`` imports every app's module
(``autodiscover``), so ``audit`` names no feature app.

A code is always written out in full where it is registered and where it is
used: never built from pieces, so a search for the code finds every writer.
Read codes (written by ``staff_view`` for views that show personal data) are
registered with ``reads=<model label>``; ``read_code(label)`` finds them.

``log_action`` refuses an unregistered code when ``VERN_AUDIT_STRICT_CODES``
is on (development and tests); in production it writes the entry anyway and
logs an error, since losing an audit entry would be worse.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise


class UnknownCodeError(LookupError):
    """An audit code (or a read code for a model) that is not registered."""


@dataclass(frozen=True)
class Code:
    code: str
    label: str | Promise
    reads: str = ""


@dataclass(frozen=True)
class DetailKey:
    key: str
    label: str | Promise
    # How a value under this key is shown: "text" (as it is), "user" (a user id,
    # shown as the person's name where the viewer may see it), "unit", "role",
    # "bool", "municipality".
    kind: str = "text"


_codes: dict[str, Code] = {}
_reads: dict[str, str] = {}
_keys: dict[str, DetailKey] = {}


def register(code: str, label: str | Promise, *, reads: str = "") -> None:
    """Register ``code`` with its label; ``reads`` names the model a read code is for."""
    if not code or code != code.strip() or " " in code:
        raise ValueError(f"Not a valid audit code: {code!r}")
    _codes[code] = Code(code=code, label=label, reads=reads)
    if reads:
        _reads[reads] = code


def register_detail_key(key: str, label: str | Promise, *, kind: str = "text") -> None:
    """Give a key of entries' ``detail`` a label, and say how its values are shown."""
    _keys[key] = DetailKey(key=key, label=label, kind=kind)


def is_registered(code: str) -> bool:
    return code in _codes


def label(code: str) -> str | Promise:
    """The code's human label, or the code itself for an old, unregistered one."""
    entry = _codes.get(code)
    return entry.label if entry else code


def read_code(model_label: str) -> str:
    """The registered read code for a model label such as ``"core.membership"``."""
    try:
        return _reads[model_label]
    except KeyError:
        raise UnknownCodeError(
            f"No audit read code is registered for {model_label!r}: register one with "
            f"register(..., reads={model_label!r}) in the app's audit_codes.py"
        ) from None


def detail_key(key: str) -> DetailKey | None:
    return _keys.get(key)


def all_codes() -> list[Code]:
    return list(_codes.values())


def choices() -> list[tuple[str, str]]:
    """(code, label) pairs sorted by label in the active language."""
    return sorted(((c.code, str(c.label)) for c in _codes.values()), key=lambda pair: pair[1])


def autodiscover() -> None:
    """Import ``audit_codes`` of every installed app that has one."""
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("audit_codes")
