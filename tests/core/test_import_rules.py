"""The import rules in pyproject.toml name every app.

`lint-imports` (a stage of .ci/run) checks the rules, but a rule only covers
the apps it names: a new feature app that nobody adds to the contracts would
be free to import anything. These tests find the apps on disk and fail until
every one of them is in the contracts.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "vern"
KERNEL = {"core", "audit"}


def apps_on_disk() -> set[str]:
    return {path.parent.name for path in PACKAGE.glob("*/apps.py")}


def contracts() -> list[dict]:
    with (ROOT / "pyproject.toml").open("rb") as handle:
        return tomllib.load(handle)["tool"]["importlinter"]["contracts"]


def _modules(names) -> set[str]:
    return {f"vern.{name}" for name in names}


def contract_gaps(configured: list[dict], apps: set[str]) -> list[str]:
    """What the contracts miss for ``apps`` (the kernel apps and the feature apps)."""
    features = apps - KERNEL
    by_id = {contract.get("id"): contract for contract in configured}
    gaps: list[str] = []

    kernel = by_id.get("kernel", {})
    missing = _modules(features) - set(kernel.get("forbidden_modules", ()))
    if missing:
        gaps.append(f"kernel: may import {', '.join(sorted(missing))}")
    if set(kernel.get("source_modules", ())) != _modules(KERNEL):
        gaps.append("kernel: source_modules are not vern.core and vern.audit")

    # A read side may import all of the app it reads when that app may import nothing
    # of it ("<app>-not-<reader>", e.g. directory-not-guide).
    read_sides = {
        contract["forbidden_modules"][0].removeprefix("vern."): app
        for app in features
        for contract in configured
        if contract.get("type") == "forbidden"
        and contract.get("source_modules") == [f"vern.{app}"]
        and len(contract.get("forbidden_modules", ())) == 1
        and contract.get("id")
        == f"{app}-not-{contract['forbidden_modules'][0].removeprefix('vern.')}"
        and not contract.get("ignore_imports")
        and not contract.get("allow_indirect_imports")
    }
    for app in sorted(features):
        entry = by_id.get(f"{app}-entry-points")
        if entry is None:
            gaps.append(f"{app}: no {app}-entry-points contract")
            continue
        if set(entry["forbidden_modules"]) != {f"vern.{app}"}:
            gaps.append(f"{app}-entry-points: forbids {entry['forbidden_modules']}")
        readers = {reader for reader, read in read_sides.items() if read == app}
        missing = _modules(features - {app} - readers) - set(entry["source_modules"])
        if missing:
            gaps.append(f"{app}-entry-points: {', '.join(sorted(missing))} may import all of it")

    acyclic = by_id.get("acyclic-apps", {})
    if acyclic.get("ancestors") != ["vern"] or acyclic.get("type") != "acyclic_siblings":
        gaps.append("acyclic-apps: does not check the children of vern for cycles")
    if acyclic.get("ignore_imports"):
        gaps.append(f"acyclic-apps: ignores {acyclic['ignore_imports']}")
    return gaps


def test_every_app_is_in_the_import_rules():
    """If this fails after adding an app: ``uv run python scripts/import_rules.py``."""
    assert {"core", "audit", "plans", "directory", "public"} <= apps_on_disk()
    assert contract_gaps(contracts(), apps_on_disk()) == []


def test_a_new_app_missing_from_the_rules_is_reported():
    gaps = contract_gaps(contracts(), apps_on_disk() | {"reports"})
    assert "kernel: may import vern.reports" in gaps
    assert "reports: no reports-entry-points contract" in gaps
    assert "plans-entry-points: vern.reports may import all of it" in gaps


def test_a_read_side_without_its_rule_is_reported():
    """The guide may import all of the directory only while the directory may import
    nothing of the guide."""
    configured = [c for c in contracts() if c.get("id") != "directory-not-guide"]
    assert contract_gaps(configured, apps_on_disk()) == [
        "directory-entry-points: vern.guide may import all of it"
    ]


def test_a_cycle_let_through_is_reported():
    configured = [dict(c) for c in contracts()]
    for contract in configured:
        if contract.get("id") == "acyclic-apps":
            contract["ignore_imports"] = ["vern.core.** -> vern.audit.**"]
    assert contract_gaps(configured, apps_on_disk()) == [
        "acyclic-apps: ignores ['vern.core.** -> vern.audit.**']"
    ]


def test_the_emergency_lines_are_shared_from_core():
    """Both the public pages and the guide show them, so neither app owns them."""
    from vern.core.emergency import emergency_lines

    assert [line.number for line in emergency_lines()][:3] == ["112", "113", "110"]
    assert not (PACKAGE / "public" / "emergency.py").exists()
