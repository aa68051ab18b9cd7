"""The rows around a service, read from its record as unsaved model objects.

Areas, phones, opening hours, languages, translations and places; each row is
validated on its own, as the stored rows are about to be replaced.
"""

from __future__ import annotations

import re
import uuid

from django.core.exceptions import ValidationError

from vern.core.models import Municipality
from vern.directory import hsds
from vern.directory.importer.authority import IMPORT
from vern.directory.importer.records import Record
from vern.directory.models import (
    Location,
    Organization,
    Phone,
    Schedule,
    ServiceLanguage,
    ServiceTranslation,
)

PHONE_KINDS = {
    "voice": Phone.Kind.VOICE,
    "cell": Phone.Kind.VOICE,
    "text": Phone.Kind.SMS,
    "sms": Phone.Kind.SMS,
    "textphone": Phone.Kind.TEXT,
}
MUNICIPALITY_NUMBER = re.compile(r"\b(\d{4})\b")
TRANSLATION_FIELDS = [
    "name",
    "description",
    "eligibility_description",
    "how_it_works",
    "how_to_contact",
    "application_process",
]
PHONE_PATHS = {"kind": "type"}


class ServiceRowsImport:
    """The part of ``Importer`` that reads the rows around a service."""

    def _areas(
        self, record: Record, data: dict, ident: uuid.UUID | None
    ) -> tuple[list[Municipality], bool]:
        areas: list[Municipality] = []
        national = False
        for index, area in enumerate(record.items(data, "service_areas", "service_areas")):
            path = f"service_areas[{index}]"
            extent = area.get("extent") if area.get("extent_type") in (None, "text") else None
            texts = [t for t in (extent, area.get("description")) if isinstance(t, str)]
            name = area.get("name") if isinstance(area.get("name"), str) else ""
            if (extent or "").strip().upper() == hsds.NATIONAL_EXTENT or name.strip().lower() in (
                "norge",
                "noreg",
                "norway",
            ):
                national = True
                continue
            number = next((m[1] for t in texts if (m := MUNICIPALITY_NUMBER.search(t))), None)
            if number is None:
                record.problem(path, "needs a municipality number in 'extent' or 'description'")
                continue
            if ident and str(area.get("id")) == hsds.derived_id(ident, "owner-area", number):
                continue  # the owner's own municipality, listed for readers only
            municipality = record.municipality(number, f"{path}.extent")
            if municipality and municipality not in areas:
                areas.append(municipality)
        return areas, national

    def _phones(self, record: Record, data: dict, ident) -> list[Phone]:
        phones = []
        for index, item in enumerate(record.items(data, "phones", "phones")):
            path = f"phones[{index}]"
            phone = Phone(
                id=record.uuid(item, "id", f"{path}.id"),
                number=record.text(item, "number", f"{path}.number", required=True),
                description=record.text(item, "description", f"{path}.description"),
            )
            kind = item.get("type") or "voice"
            if kind not in PHONE_KINDS:
                record.problem(f"{path}.type", f"must be one of: {', '.join(PHONE_KINDS)}")
            phone.kind = PHONE_KINDS.get(kind, Phone.Kind.VOICE)
            phone.is_free = self.vern_values(record, item, path).values.get("free_to_call", True)
            self._check(record, phone, path, PHONE_PATHS)
            phones.append(phone)
        return phones

    def _schedules(self, record: Record, data: dict, ident) -> list[Schedule]:
        schedules = []
        seen = set()
        for index, item in enumerate(record.items(data, "schedules", "schedules")):
            path = f"schedules[{index}]"
            schedule_id = record.uuid(item, "id", f"{path}.id")
            if ident and str(schedule_id) == hsds.derived_id(ident, hsds.OPEN_24_7_SCHEDULE):
                continue  # stands for open_24_7, which the attributes carry
            freq = item.get("freq") or "WEEKLY"
            if freq != "WEEKLY":
                self.report.warnings.append(
                    f"record {record.number} ({record.label}): {path}.freq: only weekly opening "
                    f"hours are kept; this {str(freq)[:20]} schedule was left out"
                )
                continue
            days = [d.strip().upper() for d in str(item.get("byday") or "").split(",") if d.strip()]
            if not days or any(d not in hsds.WEEKDAYS for d in days):
                record.problem(f"{path}.byday", "must list weekdays as MO,TU,WE,TH,FR,SA,SU")
                continue
            opens = record.time_value(item, "opens_at", f"{path}.opens_at")
            closes = record.time_value(item, "closes_at", f"{path}.closes_at")
            if opens is None or closes is None:
                continue
            if closes <= opens:
                record.problem(f"{path}.closes_at", "must be after opens_at")
                continue
            for position, day in enumerate(days):
                weekday = hsds.WEEKDAYS.index(day) + 1
                key = (weekday, opens, closes)
                if key in seen:
                    continue
                seen.add(key)
                row_id = schedule_id if position == 0 else hsds.derived_id(schedule_id, day)
                schedules.append(
                    Schedule(
                        id=uuid.UUID(str(row_id)) if row_id else None,
                        weekday=weekday,
                        opens_at=opens,
                        closes_at=closes,
                    )
                )
        return schedules

    def _languages(self, record: Record, data: dict, ident) -> list[ServiceLanguage]:
        languages = []
        codes = set()
        for index, item in enumerate(record.items(data, "languages", "languages")):
            path = f"languages[{index}]"
            language = ServiceLanguage(
                id=record.uuid(item, "id", f"{path}.id"),
                code=record.text(item, "code", f"{path}.code", required=True),
                note=record.text(item, "note", f"{path}.note"),
            )
            if language.code in codes:
                record.problem(f"{path}.code", "is listed twice")
            codes.add(language.code)
            self._check(record, language, path, {})
            languages.append(language)
        return languages

    def _translations(self, record: Record, data: dict) -> list[ServiceTranslation]:
        translations = []
        seen = set()
        for index, item in enumerate(record.items(data, "translations", "translations")):
            path = f"translations[{index}]"
            translation = ServiceTranslation(
                language=record.text(item, "language", f"{path}.language", required=True)
            )
            for name in TRANSLATION_FIELDS:
                setattr(translation, name, record.text(item, name, f"{path}.{name}"))
            translation.machine_assisted = item.get("machine_assisted") is True
            if translation.language in seen:
                record.problem(f"{path}.language", "is listed twice")
            seen.add(translation.language)
            self._check(record, translation, path, {})
            translations.append(translation)
        return translations

    def _places(
        self, record: Record, data: dict, organization: Organization | None
    ) -> list[tuple[uuid.UUID, Location, str]]:
        places = []
        seen = set()
        for index, item in enumerate(
            record.items(data, "service_at_locations", "service_at_locations")
        ):
            path = f"service_at_locations[{index}]"
            sal_id = record.uuid(item, "id", f"{path}.id")
            nested = item.get("location")
            location_id = record.uuid(item, "location_id", f"{path}.location_id", required=False)
            if isinstance(nested, dict):
                loc = self.location(record, nested, f"{path}.location", organization)
            elif location_id:
                loc = (
                    self.locations.get(location_id)
                    or Location.objects.for_system(reason=IMPORT).filter(pk=location_id).first()
                )
                if loc is None:
                    record.problem(f"{path}.location_id", "names no location in the file or here")
                elif not self.authority.may_own(loc.organization.owner_id):
                    record.problem(
                        f"{path}.location_id",
                        f"names a location of another owner's organisation; an import for "
                        f"{self.authority} may only use its own",
                    )
                    loc = None
            else:
                record.problem(f"{path}.location", "is required")
                loc = None
            if loc is None or sal_id is None:
                continue
            if loc.pk in seen:
                record.problem(f"{path}.location_id", "is listed twice")
            seen.add(loc.pk)
            places.append((sal_id, loc, record.text(item, "description", f"{path}.description")))
        return places

    def _check(self, record: Record, instance, path: str, paths: dict[str, str]) -> None:
        try:
            # Ids and the per-service uniqueness are checked against the file itself;
            # the rows stored now are about to be replaced.
            instance.full_clean(
                exclude=["service", "id"], validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            record.validation(error, path, paths)
