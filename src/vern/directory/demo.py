"""Demo data for the directory: Eksempelby's local services and a neighbour.

Everything here is fictional. Organisation names end in "(demo)", addresses
are invented, and every phone number except the national 116 117 is an
invalid number of the form "00 00 00 0X" (00 is the international prefix, and
no country code starts with 0), so a demo number can never ring a real person.

The national services come from the data migration, not from here.

Loading happens once: if either demo municipality already owns an
organisation, nothing is added. Entries are not matched by name, because a
person trying the demo may have renamed them, and loading again must leave
that work alone rather than add second copies. Verification dates are set relative to the
day the demo is first loaded, so the staff dashboard shows entries that are
due soon and one that is overdue.
"""

from __future__ import annotations

import json
from datetime import time, timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from vern.core.models import Municipality, User
from vern.directory import search
from vern.directory.models import (
    GuidePage,
    Location,
    Organization,
    OrganizationEditor,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceLanguage,
    ServiceTranslation,
    TaxonomyTerm,
)
from vern.directory.services import ServiceRelated, pending_change_propose, service_save

NEIGHBOUR_NUMBER = "9998"  # county 99 does not exist: no real municipality has this number
NEIGHBOUR_NAME = "Nabobygd"
DEMO_EDITORS = ["redaktor@eksempelby.example", "koordinator@eksempelby.example"]
# The outside editor of the family counselling office (vern.core.demo.DEMO_USERS),
# whose proposed change waits for the municipality's approval.
DEMO_ORG_EDITOR = "familievern@eksempelby.example"

WEEKDAYS = (1, 2, 3, 4, 5)


def _hours(days, opens: str, closes: str) -> list[tuple[int, time, time]]:
    return [(day, time.fromisoformat(opens), time.fromisoformat(closes)) for day in days]


# Locations by key; "organization" and "municipality" name keys of ORGANIZATIONS
# and of the two demo municipalities ("home", "neighbour").
LOCATIONS = {
    "krisesenter": dict(
        organization="krisesenter",
        name="Krisesenterets bolig",
        address="Lindealléen 7",
        postal_code="9999",
        city="Eksempelby",
        municipality="home",
        is_confidential=True,
        public_contact_point=(
            "Ring 00 00 00 01 hele døgnet. Vi avtaler et trygt sted å møte deg, for eksempel "
            "i resepsjonen på rådhuset i Eksempelby, Storgata 1."
        ),
        wheelchair_access=True,
    ),
    "radhuset": dict(
        organization="kommunen",
        name="Rådhuset i Eksempelby",
        address="Storgata 1",
        postal_code="9999",
        city="Eksempelby",
        municipality="home",
        wheelchair_access=True,
        directions="Inngang fra torget. Heis til alle etasjer.",
    ),
    "helsehuset": dict(
        organization="helsestasjon",
        name="Helsehuset",
        address="Storgata 10",
        postal_code="9999",
        city="Eksempelby",
        municipality="home",
        wheelchair_access=True,
        directions="Helsestasjonen er i 2. etasje. Barnevogner kan stå i gangen.",
    ),
    "nav": dict(
        organization="nav",
        name="NAV-kontoret",
        address="Storgata 5",
        postal_code="9999",
        city="Eksempelby",
        municipality="home",
        wheelchair_access=True,
    ),
    "familievern": dict(
        organization="familievern",
        name="Familievernkontoret",
        address="Kirkebakken 3",
        postal_code="9999",
        city="Eksempelby",
        municipality="home",
        wheelchair_access=False,
        accessibility="Trapp til inngangen. Si fra, så møter vi deg i 1. etasje på rådhuset.",
    ),
    "legevakt": dict(
        organization="legevakt",
        name="Legevakten",
        address="Stasjonsvegen 4",
        postal_code="9998",
        city="Nabobygd",
        municipality="neighbour",
        wheelchair_access=True,
        directions="Ved siden av jernbanestasjonen. Egen inngang for ambulanse og legevakt.",
    ),
    "nabobygd-helsestasjon": dict(
        organization="nabobygd-helsestasjon",
        name="Helsestasjonen i Nabobygd",
        address="Skolevegen 2",
        postal_code="9998",
        city="Nabobygd",
        municipality="neighbour",
        wheelchair_access=True,
    ),
}

# key: (owner key, name, description)
ORGANIZATIONS = {
    "krisesenter": (
        "home",
        "Krisesenteret i Eksempelby og Nabobygd (demo)",
        "Interkommunalt krisesenter for Eksempelby og Nabobygd. Fiktivt, for demonstrasjon.",
    ),
    "kommunen": ("home", "Eksempelby kommune (demo)", "Fiktiv kommune for demonstrasjon."),
    "helsestasjon": (
        "home",
        "Helsestasjonen i Eksempelby (demo)",
        "Helsestasjon og skolehelsetjeneste. Fiktiv, for demonstrasjon.",
    ),
    "nav": ("home", "NAV Eksempelby (demo)", "Fiktivt NAV-kontor for demonstrasjon."),
    "familievern": (
        "home",
        "Familievernkontoret i Eksempelby (demo)",
        "Fiktivt familievernkontor for demonstrasjon.",
    ),
    "psykisk-helse": (
        "home",
        "Psykisk helse og rus, Eksempelby kommune (demo)",
        "Kommunens tjeneste for psykisk helse og rus. Fiktiv, for demonstrasjon.",
    ),
    "legevakt": (
        "neighbour",
        "Legevakten for Eksempelby og Nabobygd (demo)",
        "Interkommunal legevakt, drevet av Nabobygd. Fiktiv, for demonstrasjon.",
    ),
    "nabobygd-helsestasjon": (
        "neighbour",
        "Helsestasjonen i Nabobygd (demo)",
        "Fiktiv helsestasjon for demonstrasjon.",
    ),
}

ALL_FORMS = [
    "physical",
    "psychological",
    "sexual",
    "economic",
    "neglect",
    "honour",
    "forced_marriage",
    "fgm",
    "social_control",
]

SERVICES = [
    dict(
        organization="krisesenter",
        owner="home",
        areas=["home", "neighbour"],
        location="krisesenter",
        name="Krisesenteret i Eksempelby",
        description=(
            "Et gratis og trygt sted for kvinner, menn og barn som blir utsatt for vold, trusler "
            "eller kontroll fra noen de står nær. Har mannen din, kona di, kjæresten din eller "
            "en annen i familien slått deg, truet deg eller holdt deg innestengt, kan du bo her "
            "en periode eller komme til samtaler på dagtid. Vi hjelper også ved tvangsekteskap, "
            "æresrelatert vold og negativ sosial kontroll."
        ),
        eligibility_description=(
            "Voksne som er utsatt for vold i nære relasjoner, og barna deres. Du kan også ringe "
            "hvis du er bekymret for en du kjenner."
        ),
        how_it_works=(
            "Du kan ringe hele døgnet og komme uten henvisning. Adressen er hemmelig, så vi "
            "avtaler hvor vi møter deg. Du kan ta med barna, og kjæledyr kan være med. Vi "
            "hjelper deg å snakke med politi, NAV, advokat og barnevern, og å finne et sted å "
            "bo etterpå. Vi kan bestille tolk."
        ),
        how_to_contact="Ring 00 00 00 01 (demonummer) hele døgnet. Er du i fare nå, ring 112.",
        application_process="Du trenger ingen henvisning. Ring oss, så avtaler vi resten.",
        email="post@krisesenter.eksempelby.example",
        acute=True,
        open_24_7=True,
        accommodation_women=True,
        accommodation_men=True,
        accommodation_children=True,
        day_services=True,
        wheelchair_access=True,
        adapted_disabilities=True,
        pets_allowed=True,
        accepts_substance_use=False,
        target_groups=["exposed", "children", "relatives"],
        violence=[
            "physical",
            "psychological",
            "sexual",
            "economic",
            "honour",
            "forced_marriage",
            "fgm",
            "social_control",
        ],
        phones=[("00 00 00 01", "voice", "Hele døgnet – fiktivt demonummer")],
        schedules=[],
        schedule_note="Åpent hele døgnet. Dagtilbudet har samtaler mandag–fredag kl. 09–15.",
        languages=[
            ("nb", ""),
            ("en", ""),
            ("ar", "Med tolk"),
            ("so", "Med tolk"),
            ("pl", "Med tolk"),
            ("uk", "Med tolk"),
        ],
        translations={
            "en": dict(
                name="Eksempelby Crisis Centre",
                description=(
                    "A free, safe place for women, men and children who are hurt, threatened or "
                    "controlled by someone close to them. You can stay for a while, or come to "
                    "talk during the day."
                ),
                eligibility_description="Adults exposed to domestic violence, and their children.",
                how_it_works=(
                    "Call any time; no referral is needed. The address is secret, so we agree "
                    "where to meet you. Children and pets can come with you."
                ),
                how_to_contact="Call 00 00 00 01 (demo number), day and night. In danger now: 112.",
            )
        },
        editors=["redaktor@eksempelby.example"],
        assured_days_ago=20,
    ),
    dict(
        organization="familievern",
        owner="home",
        areas=["home", "neighbour"],
        location="familievern",
        name="Familievernkontoret – samtaler for par og familier",
        description=(
            "Familievernkontoret tilbyr parterapi, samtaler for familier og mekling ved "
            "samlivsbrudd. Vi har eget tilbud til familier der det er vold eller mye konflikt: "
            "samtaler med hver av dere, og med barna."
        ),
        eligibility_description="Par, foreldre og familier i Eksempelby og Nabobygd.",
        how_it_works=(
            "Du tar kontakt selv og får en første samtale, vanligvis innen tre uker. Er det vold "
            "i familien, snakker vi med hver av dere for seg. Samtalene er gratis."
        ),
        how_to_contact="Ring 00 00 00 02 (demonummer) eller send e-post.",
        application_process="Du trenger ingen henvisning.",
        email="familievern@eksempelby.example",
        target_groups=["exposed", "perpetrators", "children", "relatives"],
        violence=["physical", "psychological", "economic"],
        phones=[("00 00 00 02", "voice", "Sentralbord – fiktivt demonummer")],
        schedules=_hours(WEEKDAYS, "08:00", "15:30") + _hours((4,), "15:30", "19:00"),
        schedule_note="Kveldstimer på torsdager.",
        languages=[("nb", ""), ("en", ""), ("ar", "Med tolk")],
        editors=DEMO_EDITORS,
        assured_days_ago=60,
    ),
    dict(
        organization="psykisk-helse",
        owner="home",
        areas=["home"],
        location="radhuset",
        name="Sinnemestring – for deg som bruker vold og vil slutte",
        description=(
            "Samtaler og gruppe for voksne som slår, truer eller skremmer noen i familien, og "
            "som vil slutte. Vi arbeider på samme måte som Alternativ til Vold (ATV): du lærer å "
            "kjenne igjen sinnet før det blir til vold, og å ta ansvar for det du har gjort."
        ),
        eligibility_description=(
            "Voksne som utøver vold eller er redde for å gjøre det. Partneren din kan få egne "
            "samtaler."
        ),
        how_it_works=(
            "Først en samtale der vi blir kjent. Deretter samtaler hver uke, alene eller i "
            "gruppe, i om lag et halvt år. Vi har taushetsplikt, men må varsle hvis barn er i fare."
        ),
        how_to_contact="Ring 00 00 00 03 (demonummer) på hverdager, eller møt opp på rådhuset.",
        application_process="Du trenger ingen henvisning, og det er gratis.",
        email="sinnemestring@eksempelby.example",
        target_groups=["perpetrators", "relatives"],
        violence=["physical", "psychological"],
        phones=[("00 00 00 03", "voice", "Fiktivt demonummer")],
        schedules=_hours(WEEKDAYS, "08:00", "15:30") + _hours((2,), "16:00", "20:00"),
        schedule_note="Gruppe tirsdag kveld.",
        languages=[("nb", ""), ("en", "")],
        editors=DEMO_EDITORS,
        assured_days_ago=90,
    ),
    dict(
        organization="helsestasjon",
        owner="home",
        areas=["home"],
        location="helsehuset",
        name="Helsestasjonen og skolehelsetjenesten",
        description=(
            "Helsesykepleiere og jordmor følger opp barn, unge og foreldre. Her kan du snakke om "
            "det som er vanskelig hjemme – også vold, omsorgssvikt, kontroll og "
            "kjønnslemlestelse. Helsestasjon for ungdom har åpen dør for alle mellom 13 og 20."
        ),
        eligibility_description="Gravide, foreldre, barn og ungdom opp til 20 år.",
        how_it_works=(
            "Du kan komme uten timeavtale på helsestasjon for ungdom onsdager. Ellers bestiller "
            "du time. Helsesykepleier er også på skolene."
        ),
        how_to_contact="Ring 00 00 00 04 (demonummer) eller kom innom på onsdager.",
        application_process="Du trenger ingen henvisning.",
        target_groups=["children", "exposed", "relatives"],
        violence=["physical", "psychological", "neglect", "fgm", "social_control"],
        phones=[("00 00 00 04", "voice", "Fiktivt demonummer")],
        schedules=_hours(WEEKDAYS, "08:00", "15:30") + _hours((3,), "15:30", "18:00"),
        schedule_note="Helsestasjon for ungdom onsdag kl. 14–18.",
        wheelchair_access=True,
        languages=[("nb", ""), ("en", ""), ("so", "Med tolk"), ("ar", "Med tolk")],
        editors=DEMO_EDITORS,
        assured_days_ago=170,  # due in ten days
    ),
    dict(
        organization="kommunen",
        owner="home",
        areas=["home"],
        location="radhuset",
        name="Barnevernstjenesten i Eksempelby",
        description=(
            "Barnevernet hjelper barn som ikke har det trygt hjemme, og foreldre som trenger "
            "støtte. Alle kan si fra hvis de er bekymret for et barn. Utenom kontortid svarer "
            "barnevernvakten."
        ),
        eligibility_description=(
            "Barn og unge, foreldre, og alle som er bekymret for et barn – også ansatte i skole "
            "og barnehage."
        ),
        how_it_works=(
            "Vi tar imot bekymringsmeldinger, snakker med barnet og familien og finner ut hva "
            "som trengs. Haster det, kan vi komme samme dag."
        ),
        how_to_contact=(
            "Ring 00 00 00 05 (demonummer) på dagtid. Kvelder, netter og helger: "
            "barnevernvakten på 00 00 00 06 (demonummer), eller Alarmtelefonen 116 111."
        ),
        application_process="Du trenger ingen henvisning. Du kan være anonym når du sier fra.",
        email="barnevern@eksempelby.example",
        acute=True,
        target_groups=["children", "relatives", "professionals"],
        violence=[
            "physical",
            "psychological",
            "sexual",
            "neglect",
            "honour",
            "forced_marriage",
            "fgm",
            "social_control",
        ],
        phones=[
            ("00 00 00 05", "voice", "Kontortid – fiktivt demonummer"),
            ("00 00 00 06", "voice", "Barnevernvakten, kveld, natt og helg – fiktivt demonummer"),
        ],
        schedules=_hours(WEEKDAYS, "08:00", "15:30"),
        schedule_note="Barnevernvakten svarer utenom kontortid.",
        languages=[("nb", ""), ("en", "")],
        editors=DEMO_EDITORS,
        assured_days_ago=175,  # due in five days
    ),
    dict(
        organization="nav",
        owner="home",
        areas=["home"],
        location="nav",
        name="NAV Eksempelby – penger og bolig",
        description=(
            "NAV kan hjelpe med penger til mat og bolig når du må komme deg bort fra vold, og med "
            "å få egen økonomi. Vi gir råd hvis noen tar pengene dine eller styrer økonomien din."
        ),
        eligibility_description="Alle som bor eller oppholder seg i Eksempelby.",
        how_it_works=(
            "Vi ser på hva du trenger nå: nødhjelp, midlertidig bolig og råd om gjeld. Du kan "
            "be om å få snakke med en veileder alene."
        ),
        how_to_contact="Ring 00 00 00 08 (demonummer) eller kom til NAV-kontoret.",
        application_process="Du trenger ingen henvisning.",
        target_groups=["exposed"],
        violence=["economic"],
        phones=[("00 00 00 08", "voice", "Fiktivt demonummer")],
        schedules=_hours(WEEKDAYS, "09:00", "15:00"),
        wheelchair_access=True,
        languages=[("nb", ""), ("en", ""), ("pl", "Med tolk"), ("uk", "Med tolk")],
        editors=DEMO_EDITORS,
        assured_days_ago=200,  # overdue
    ),
    dict(
        organization="kommunen",
        owner="home",
        areas=["home"],
        location=None,
        name="Konsultasjonsteamet om vold og overgrep",
        description=(
            "For ansatte og frivillige som er bekymret for vold mot et barn eller en voksen. Du "
            "kan drøfte saken anonymt med et team fra barnevern, helse, NAV og politi."
        ),
        eligibility_description="Ansatte i kommunen, skoler, barnehager og frivillige.",
        how_it_works=(
            "Teamet møtes første tirsdag i måneden. Du beskriver saken uten navn og får råd om "
            "hva du bør gjøre, og om du har plikt til å si fra."
        ),
        how_to_contact="Send e-post til konsultasjonsteam@eksempelby.example.",
        application_process="Meld saken på e-post senest uka før møtet.",
        email="konsultasjonsteam@eksempelby.example",
        target_groups=["professionals"],
        violence=ALL_FORMS,
        phones=[],
        schedules=[],
        schedule_note="Møte første tirsdag i måneden.",
        languages=[("nb", "")],
        editors=DEMO_EDITORS,
        assured_days_ago=100,
    ),
    # Shared: run by the neighbour, serving both municipalities.
    dict(
        organization="legevakt",
        owner="neighbour",
        areas=["home", "neighbour"],
        location="legevakt",
        name="Legevakten og overgrepsmottaket for Eksempelby og Nabobygd",
        description=(
            "Legevakt hele døgnet for Eksempelby og Nabobygd. Her er også overgrepsmottaket: "
            "hjelp etter voldtekt og andre seksuelle overgrep, og dokumentasjon av skader etter "
            "vold – med eller uten anmeldelse."
        ),
        eligibility_description="Alle som er i Eksempelby eller Nabobygd og trenger lege raskt.",
        how_it_works=(
            "Ring før du kommer. Har du vært utsatt for et overgrep, kom så snart du kan, og "
            "helst før du vasker deg eller skifter klær."
        ),
        how_to_contact="Ring 116 117. Er liv i fare, ring 113.",
        application_process="Du trenger ingen henvisning.",
        is_free=False,
        fees_description="Legevakten koster egenandel. Overgrepsmottaket er gratis.",
        acute=True,
        open_24_7=True,
        wheelchair_access=True,
        target_groups=["exposed", "children"],
        violence=["physical", "sexual"],
        phones=[
            ("116 117", "voice", "Nasjonalt legevaktnummer"),
            ("00 00 00 07", "voice", "Direkte – fiktivt demonummer"),
        ],
        schedules=[],
        languages=[("nb", ""), ("en", "")],
        editors=DEMO_EDITORS,
        assured_days_ago=40,
    ),
    # The neighbour's own entry: not shown to Eksempelby.
    dict(
        organization="nabobygd-helsestasjon",
        owner="neighbour",
        areas=["neighbour"],
        location="nabobygd-helsestasjon",
        name="Helsestasjonen i Nabobygd",
        description="Helsesykepleier for barn, unge og foreldre i Nabobygd.",
        eligibility_description="Barn, unge og foreldre i Nabobygd.",
        how_it_works="Bestill time eller kom på åpen dag.",
        how_to_contact="Ring 00 00 00 09 (demonummer).",
        target_groups=["children", "relatives"],
        violence=["neglect", "physical"],
        phones=[("00 00 00 09", "voice", "Fiktivt demonummer")],
        schedules=_hours((1, 2, 3, 4), "08:30", "15:00"),
        languages=[("nb", "")],
        editors=[],
        assured_days_ago=30,
    ),
]

SERVICE_FIELDS = (
    "description",
    "eligibility_description",
    "how_it_works",
    "how_to_contact",
    "application_process",
    "email",
    "is_free",
    "fees_description",
    "acute",
    "open_24_7",
    "schedule_note",
    "accommodation_women",
    "accommodation_men",
    "accommodation_children",
    "day_services",
    "wheelchair_access",
    "accepts_substance_use",
    "adapted_disabilities",
    "pets_allowed",
)


def neighbour_municipality() -> Municipality:
    municipality, _ = Municipality.objects.get_or_create(
        number=NEIGHBOUR_NUMBER,
        defaults={
            "name": NEIGHBOUR_NAME,
            "county_number": "99",
            "county_name": "Eksempelfylke (fiktivt)",
            "latitude": None,
            "longitude": None,
            "is_demo": True,
        },
    )
    return municipality


TRANSLATIONS = Path(__file__).resolve().parent / "demo_translations.json"


def _translations(spec: dict) -> dict[str, dict]:
    """A demo service's language versions: those in ``demo_translations.json``
    (the guide's languages, machine-assisted where that file says so), with
    any given in the spec itself taking their place."""
    data = json.loads(TRANSLATIONS.read_text(encoding="utf-8"))
    machine = set(data["_machine_assisted"])
    found = {
        language: {**texts, "machine_assisted": language in machine}
        for language, texts in data.get(spec["name"], {}).items()
    }
    found.update(spec.get("translations", {}))
    return found


@transaction.atomic
def load(municipality: Municipality) -> None:
    owners = {"home": municipality, "neighbour": neighbour_municipality()}
    if Organization.objects.filter(owner__in=owners.values()).exists():
        return
    users = {user.email: user for user in User.objects.filter(email__in=DEMO_EDITORS)}
    actor = users.get(DEMO_EDITORS[0])
    terms = {(t.taxonomy.code, t.code): t for t in TaxonomyTerm.objects.select_related("taxonomy")}
    organizations = {
        key: Organization.objects.get_or_create(
            owner=owners[owner], name=name, defaults={"description": description}
        )[0]
        for key, (owner, name, description) in ORGANIZATIONS.items()
    }
    locations = {}
    for key, spec in LOCATIONS.items():
        spec = dict(spec)
        organization = organizations[spec.pop("organization")]
        spec["municipality"] = owners[spec["municipality"]]
        locations[key], _ = Location.objects.for_system(reason="the demo loader").get_or_create(
            organization=organization, name=spec.pop("name"), defaults=spec
        )
    today = timezone.localdate()
    for spec in SERVICES:
        owner = owners[spec["owner"]]
        if Service.objects.filter(owner=owner, name=spec["name"]).exists():
            continue
        service = Service(
            organization=organizations[spec["organization"]],
            owner=owner,
            name=spec["name"],
            referral=Service.Referral.NONE,
            assured_date=today - timedelta(days=spec["assured_days_ago"]),
            assurer_email=actor.email if actor else "",
            **{name: spec[name] for name in SERVICE_FIELDS if name in spec},
        )
        service_save(service=service, actor=actor)
        service.areas.set([owners[key] for key in spec["areas"]])
        service.terms.set(
            [terms[("target_group", code)] for code in spec["target_groups"]]
            + [terms[("violence", code)] for code in spec["violence"]]
        )
        service.editors.set([users[email] for email in spec["editors"] if email in users])
        for number, kind, description in spec["phones"]:
            Phone.objects.create(
                service=service,
                number=number,
                kind=kind,
                description=description,
                is_free=True,
            )
        Schedule.objects.bulk_create(
            Schedule(service=service, weekday=day, opens_at=opens, closes_at=closes)
            for day, opens, closes in spec["schedules"]
        )
        ServiceLanguage.objects.bulk_create(
            ServiceLanguage(service=service, code=code, note=note)
            for code, note in spec["languages"]
        )
        for language, texts in _translations(spec).items():
            ServiceTranslation.objects.create(service=service, language=language, **texts)
        if spec["location"]:
            ServiceAtLocation.objects.create(service=service, location=locations[spec["location"]])
        search.index_service(service)  # again, now that terms and translations are there
    _guide_page(municipality)
    _proposed_change(organizations["familievern"])


LOCAL_RIGHTS = (
    "\n\n## I Eksempelby\n"
    "Krisesenteret i Eksempelby svarer hele døgnet på 00 00 00 01 (demonummer). De kan hjelpe "
    "deg å anmelde, be om besøksforbud og få en bistandsadvokat, og de kan være med deg til "
    "politiet. Legevakten og overgrepsmottaket tar imot deg hele døgnet, med eller uten "
    "anmeldelse."
)


def _guide_page(municipality: Municipality) -> None:
    """Eksempelby's own bokmål version of the rights page: the national text with
    where to go in Eksempelby added (the staff list of pages shows it as theirs)."""
    national = GuidePage.objects.filter(
        owner__isnull=True, slug=GuidePage.Topic.RIGHTS, language="nb"
    ).first()
    if national is None or GuidePage.objects.filter(owner=municipality).exists():
        return
    GuidePage.objects.create(
        owner=municipality,
        slug=national.slug,
        language="nb",
        title="Dine rettigheter etter vold – og hjelpen i Eksempelby",
        summary=national.summary,
        body=national.body + LOCAL_RIGHTS,
        keywords=national.keywords,
        sources=national.sources + "\nEksempelby kommune (fiktiv) – https://eksempelby.example",
        last_reviewed=timezone.localdate(),
    )


def _proposed_change(organization: Organization) -> None:
    """The outside editor proposes longer opening hours and a notice on Thursdays."""
    editor = User.objects.filter(email=DEMO_ORG_EDITOR).first()
    service = Service.objects.filter(organization=organization).order_by("name").first()
    if editor is None or service is None:
        return
    OrganizationEditor.objects.for_system(reason="the demo loader").get_or_create(
        organization=organization, user=editor
    )
    schedules = [
        {"weekday": s.weekday, "opens_at": s.opens_at, "closes_at": s.closes_at}
        for s in service.schedules.all()
    ]
    schedules.append({"weekday": Schedule.Day.TH, "opens_at": time(16), "closes_at": time(19)})
    with translation.override(settings.LANGUAGE_CODE):
        pending_change_propose(
            service=service,
            actor=editor,
            values={"alert": "Nytt: kveldsåpent på torsdager, uten timeavtale."},
            related=ServiceRelated(schedules=schedules),
        )
