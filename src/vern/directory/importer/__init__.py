"""Import of HSDS 3.0 JSON into the directory (``vern directory import FILE``).

Accepted documents:

* Vern's export (``vern directory export --format hsds-json``): an object with
  ``taxonomies`` and ``organizations``, each organisation holding its
  ``locations`` and fully nested ``services``;
* an object with a ``services`` list, or a bare list of services (HSDS's
  ``service_package``), each service naming its organisation by
  ``organization_id`` and/or a nested ``organization``;
* a bare list of organisations with nested services (``organization_package``).

An import is made for one owner (``authority``): one municipality, the
national role, or every owner when an operator restores a full copy. A record
owned by anyone else is refused, as is any change of a record's owner; a
record that names no owner gets the importing municipality (none for the
other two).

The import is idempotent by id: a record whose id exists is updated, one
whose id is new is created. A service's phones, opening hours, languages,
translations, areas, terms and places are replaced by those in the file.

It commits every 100 services (``run.BATCH_SIZE``), each batch one
transaction that takes the audit log's lock only to write its entries at the
end, so staff are not kept waiting through a long import. Every problem is
collected as ``record <n> (<name or id>): <field>: <message>``; from the first
batch with a problem on nothing is saved (the rest is still checked, so the
report lists every problem), while the batches before it stay saved. The run
is resumable: importing the corrected file again matches records by id. A
file of at most 100 services is therefore all or nothing. Records are counted
in reading order: taxonomies, then each organisation followed by its
services, then top-level services.

A document from ``export --include-confidential`` (``includes_confidential``
true) is authoritative for staff-only data too: verification dates, the
assurer's e-mail, responsible editors and confidential addresses. Any other
document leaves those as they are, so re-importing the public export (where
confidential addresses are left out) never wipes a stored address.

The package is split by concern:

* ``document``: reading the file and the shape of the document;
* ``records``: reading one record's values and noting its problems;
* ``authority``: whose records an import may create and change;
* ``taxonomies``, ``attributes``, ``organizations``, ``service`` and
  ``service_rows``: building and updating model objects from records;
* ``related``: saving the rows around a service and their history;
* ``run``: the import as a whole (batches, progress, report).
"""

from vern.directory.importer.attributes import VernValues
from vern.directory.importer.authority import Authority
from vern.directory.importer.document import FileProblem, count_services, read_file
from vern.directory.importer.records import Problem, Record
from vern.directory.importer.related import related_state
from vern.directory.importer.run import Importer, ImportReport, import_data

__all__ = [
    "Authority",
    "FileProblem",
    "ImportReport",
    "Importer",
    "Problem",
    "Record",
    "VernValues",
    "count_services",
    "import_data",
    "read_file",
    "related_state",
]
