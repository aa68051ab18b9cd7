"""Attributes: Vern's own fields (terms of Vern's taxonomy) and taxonomy terms."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from vern.directory import hsds
from vern.directory.importer.records import Record
from vern.directory.models import Service


@dataclass
class VernValues:
    """The values of Vern's own fields found among a record's attributes."""

    values: dict[str, Any] = field(default_factory=dict)
    editors: list[str] = field(default_factory=list)
    terms: list[tuple[int, dict]] = field(default_factory=list)  # (index, attribute)


class AttributeImport:
    """The attribute part of ``Importer``."""

    def vern_values(self, record: Record, data: dict, path: str = "") -> VernValues:
        found = VernValues()
        base = f"{path}." if path else ""
        for index, attribute in enumerate(record.items(data, "attributes", f"{base}attributes")):
            where = f"{base}attributes[{index}]"
            term_id = str(attribute.get("taxonomy_term_id") or "")
            embedded = attribute.get("taxonomy_term")
            vern_field = hsds.VERN_FIELDS_BY_ID.get(term_id)
            in_vern_taxonomy = (
                isinstance(embedded, dict) and embedded.get("taxonomy_id") == hsds.VERN_TAXONOMY_ID
            )
            if vern_field is None and in_vern_taxonomy:
                vern_field = hsds.VERN_FIELDS.get(str(embedded.get("code")))
                if vern_field is None:
                    record.problem(where, "unknown Vern field")
                    continue
            if vern_field is None:
                found.terms.append((index, attribute))
                continue
            raw = attribute.get("value")
            if not isinstance(raw, str):
                record.problem(f"{where}.value", "must be text")
                continue
            value = self._vern_value(record, vern_field, raw, f"{where}.value")
            if value is None:
                continue
            if vern_field.code == "editor":
                found.editors.append(value)
            else:
                found.values[vern_field.code] = value
        return found

    def _vern_value(self, record: Record, vern_field, raw: str, path: str) -> Any:
        kind = vern_field.kind
        if kind == "bool":
            if raw.lower() in ("true", "false"):
                return raw.lower() == "true"
            record.problem(path, "must be 'true' or 'false'")
            return None
        if kind == "int":
            if raw.isdigit() and len(raw) < 6:
                return int(raw)
            record.problem(path, "must be a whole number")
            return None
        if kind == "date":
            return record.date_value(raw, path)
        if kind == "municipality":
            return record.municipality(raw, path)
        if kind == "choice":
            if raw in Service.Referral.values:
                return raw
            record.problem(path, f"must be one of {', '.join(Service.Referral.values)}")
            return None
        return raw  # text, email
