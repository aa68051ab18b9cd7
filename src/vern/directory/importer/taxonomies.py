"""Taxonomies and their terms: those the file lists, and those attributes name."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils.text import slugify

from vern.directory import hsds
from vern.directory.importer.compare import field_values
from vern.directory.importer.records import Record
from vern.directory.models import Taxonomy, TaxonomyTerm


class TaxonomyImport:
    """The taxonomy part of ``Importer``; it fills ``taxonomies`` and ``terms``."""

    def taxonomy(self, data: Any) -> None:
        record = Record(self, data, "taxonomy")
        data = record.data
        ident = record.uuid(data, "id", "id")
        if str(ident) == hsds.VERN_TAXONOMY_ID:
            return  # Vern's own field kinds: built in, not stored
        name = record.text(data, "name", "name", required=True)
        code = record.text(data, "code", "code") or slugify(name)[:40]
        if not record.ok:
            return
        description = record.text(data, "description", "description")
        tax = self._taxonomy(record, ident, code, name, description)
        if tax is None:
            return
        for index, term_data in enumerate(record.items(data, "terms", "terms")):
            self._term(record, f"terms[{index}]", term_data, tax, sort_key=index)

    def _taxonomy(self, record, ident, code, name, description) -> Taxonomy | None:
        tax = (
            Taxonomy.objects.filter(pk=ident).first() or Taxonomy.objects.filter(code=code).first()
        )
        created = tax is None
        if not created and not self._may_change_vocabulary(
            record, "", (tax.code, tax.name, tax.description), (code, name, description)
        ):
            return None
        stored = None if created else field_values(tax)
        tax = tax or Taxonomy(id=ident)
        tax.code, tax.name, tax.description = code, name, description
        try:
            tax.full_clean()
            if stored is not None and stored == field_values(tax):
                self.report.count("taxonomies", False, changed=False)
                self.taxonomies[str(ident)] = tax
                return tax
            with transaction.atomic():
                tax.save()
        except ValidationError as error:
            record.validation(error, "", {})
            return None
        except DatabaseError as error:
            record.problem("", f"could not be saved: {error}")
            return None
        self.report.count("taxonomies", created)
        self.taxonomies[str(ident)] = tax
        return tax

    def _term(
        self, record: Record, path: str, data: dict, tax: Taxonomy, *, sort_key: int | None = None
    ) -> TaxonomyTerm | None:
        ident = record.uuid(data, "id", f"{path}.id")
        code = record.text(data, "code", f"{path}.code", required=True)
        name = record.text(data, "name", f"{path}.name", required=True)
        if ident is None or not code or not name:
            return None
        name_en = name
        for t in data.get("translations") or []:
            if isinstance(t, dict) and t.get("language") == "en" and isinstance(t.get("name"), str):
                name_en = t["name"]
        term = (
            TaxonomyTerm.objects.filter(pk=ident).first()
            or TaxonomyTerm.objects.filter(taxonomy=tax, code=code).first()
        )
        created = term is None
        description = data.get("description")
        description = description if isinstance(description, str) else ""
        if not created and not self._may_change_vocabulary(
            record,
            path,
            (term.taxonomy_id, term.code, term.name_nb, term.name_en, term.description),
            (tax.pk, code, name, name_en, description),
        ):
            return None
        if not created and (term.name_nb, term.name_en) != (name, name_en):
            self.renamed_terms.add(term.pk)
        stored = None if created else field_values(term)
        term = term or TaxonomyTerm(id=ident, sort_key=sort_key or 0)
        term.taxonomy, term.code, term.name_nb, term.name_en = tax, code, name, name_en
        term.description = description
        if sort_key is not None and (created or self.authority.municipality is None):
            term.sort_key = sort_key
        try:
            term.full_clean()
            if stored is not None and stored == field_values(term):
                self.report.count("taxonomy terms", False, changed=False)
                self.terms[str(ident)] = term
                return term
            with transaction.atomic():
                term.save()
        except ValidationError as error:
            record.validation(error, path, {"name_nb": "name", "name_en": "translations"})
            return None
        except DatabaseError as error:
            record.problem(path, f"could not be saved: {error}")
            return None
        self.report.count("taxonomy terms", created)
        self.terms[str(ident)] = term
        return term

    def _may_change_vocabulary(self, record: Record, path: str, stored: tuple, new: tuple) -> bool:
        """Taxonomies and their terms serve every municipality: an import for one
        municipality may use them as they are, or add new ones, but not change them."""
        if stored == new or self.authority.municipality is None:
            return True
        record.problem(
            path,
            "taxonomies are shared by every municipality; an import for "
            f"{self.authority} may not change one",
        )
        return False

    def resolve_term(self, record: Record, path: str, attribute: dict) -> TaxonomyTerm | None:
        ident = str(attribute.get("taxonomy_term_id") or "")
        embedded = attribute.get("taxonomy_term")
        embedded = embedded if isinstance(embedded, dict) else {}
        ident = ident or str(embedded.get("id") or "")
        if ident in self.terms:
            return self.terms[ident]
        try:
            term = TaxonomyTerm.objects.filter(pk=uuid.UUID(ident)).first()
        except ValueError:
            record.problem(f"{path}.taxonomy_term_id", "must be a UUID")
            return None
        if term is None and embedded:
            detail = embedded.get("taxonomy_detail")
            tax_id = str(embedded.get("taxonomy_id") or "")
            tax = self.taxonomies.get(tax_id)
            if tax is None and tax_id:
                try:
                    tax = Taxonomy.objects.filter(pk=uuid.UUID(tax_id)).first()
                except ValueError:
                    tax = None
            if tax is None and isinstance(detail, dict):
                tax_name = detail.get("name") if isinstance(detail.get("name"), str) else ""
                code = detail.get("code") if isinstance(detail.get("code"), str) else ""
                try:
                    detail_id = uuid.UUID(str(detail.get("id")))
                except ValueError:
                    detail_id = None
                if tax_name and detail_id:
                    tax = self._taxonomy(
                        record,
                        detail_id,
                        code or slugify(tax_name)[:40],
                        tax_name,
                        detail.get("description")
                        if isinstance(detail.get("description"), str)
                        else "",
                    )
            if tax is not None:
                term = self._term(record, f"{path}.taxonomy_term", embedded, tax)
        if term is None:
            record.problem(
                f"{path}.taxonomy_term_id",
                "unknown taxonomy term (not in the database, and the file does not describe it)",
            )
            return None
        self.terms[ident] = term
        return term
