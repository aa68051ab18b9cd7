"""Every audit code written anywhere is registered, labelled, and written out in full."""

import ast
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import translation

from vern.audit import codes
from vern.audit.models import AuditEntry
from vern.audit.services import log_action

SOURCE = Path(codes.__file__).resolve().parents[1]


def _log_action_calls():
    for path in sorted(SOURCE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                if name == "log_action":
                    yield path, node


def _keyword_values(name: str):
    """Every literal passed as ``name=`` (or given as its default) in the source."""
    for path in sorted(SOURCE.rglob("*.py")):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.keyword) and node.arg == name:
                yield path, node.value
            if isinstance(node, ast.arguments):
                pairs = zip(node.kwonlyargs, node.kw_defaults, strict=True)
                for arg, default in pairs:
                    if arg.arg == name and default is not None:
                        yield path, default


def _literal_codes(expr, where, problems):
    """The codes an expression can give; anything built from pieces is a problem."""
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return [expr.value] if expr.value else []
    if isinstance(expr, ast.IfExp):
        return _literal_codes(expr.body, where, problems) + _literal_codes(
            expr.orelse, where, problems
        )
    if isinstance(expr, ast.BoolOp):
        return [c for value in expr.values for c in _literal_codes(value, where, problems)]
    if isinstance(expr, ast.Name):
        # A parameter passed through (directory's ``audit_code``): check its callers.
        found = []
        for path, value in _keyword_values(expr.id):
            found += _literal_codes(value, f"{path}:{value.lineno}", problems)
        return found
    if isinstance(expr, ast.Call) and getattr(expr.func, "id", "") == "read_code":
        return []  # looked up in the registry, checked by the staff view test below
    problems.append(f"{where}: the code is not written out in full ({ast.unparse(expr)})")
    return []


def test_every_code_in_the_source_is_registered_and_written_in_full():
    problems, used = [], set()
    for path, call in _log_action_calls():
        code = next((k.value for k in call.keywords if k.arg == "code"), None)
        where = f"{path.relative_to(SOURCE)}:{call.lineno}"
        if code is None:
            problems.append(f"{where}: log_action without code=")
            continue
        used.update(_literal_codes(code, where, problems))
    problems += [
        f"unregistered code {code!r}" for code in sorted(used) if not codes.is_registered(code)
    ]
    assert not problems, "\n".join(problems)
    # The scan sees the codes the apps write (a sanity check on the scan itself).
    assert {"core.membership.update", "directory.pendingchange.reject"} <= used


def _staff_views(patterns=None):
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            yield from _staff_views(entry.url_patterns)
        elif isinstance(entry, URLPattern) and getattr(entry.callback, "vern_staff", False):
            yield entry.callback


def test_every_staff_view_showing_personal_data_has_a_registered_read_code():
    labels = {v.vern_personal_data for v in _staff_views() if v.vern_personal_data}
    assert "core.membership" in labels
    for label in labels:
        assert codes.is_registered(codes.read_code(label))


def test_every_code_has_a_label_in_bokmal_nynorsk_and_english():
    untranslated = []
    for entry in codes.all_codes():
        with translation.override("en"):
            english = str(entry.label)
        assert english != entry.code
        for language in ("nb", "nn"):
            with translation.override(language):
                if str(entry.label) == english:
                    untranslated.append((language, entry.code, english))
    assert not untranslated


def test_an_unregistered_code_is_refused_and_nothing_is_written(home, admin, settings):
    settings.VERN_AUDIT_STRICT_CODES = True
    with pytest.raises(codes.UnknownCodeError):
        log_action(actor=admin, action="update", code="core.membership.updat", municipality=home)
    assert not AuditEntry.objects.exists()


def test_in_production_an_unregistered_code_is_written_and_reported(home, admin, settings, caplog):
    settings.VERN_AUDIT_STRICT_CODES = False
    entry = log_action(actor=admin, action="update", code="old.code", municipality=home)
    assert entry.code == "old.code"
    assert "old.code" in caplog.text


def test_read_codes_come_from_the_registry():
    assert codes.read_code("core.membership") == "core.membership.read"
    with pytest.raises(codes.UnknownCodeError):
        codes.read_code("core.nosuchmodel")
