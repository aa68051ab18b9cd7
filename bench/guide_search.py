"""Benchmark of the public guide's search (issue 3, "Performance").

Builds a synthetic directory spread over all 357 municipalities in a temporary
database, runs a fixed, seeded mix of queries through ``guide_search``, through
the public search page (``/sok/``) and against a plain baseline page
(``/trygg-pa-nett/``) in the same run, first at 2,000 and then at 20,000
services, and measures what the results page transfers on a first visit.

    uv run python bench/guide_search.py                 # SQLite (a temporary file)
    uv run python bench/guide_search.py --db postgresql # PostgreSQL database vern_bench, or
                                                        # the one a postgres DATABASE_URL names
    uv run python bench/guide_search.py --db all        # both, one after the other

The last line per database is the summary other tools read:

    guide_search db=<sqlite|postgresql> services=20000 p95_ms=<x> baseline_p95_ms=<y>
        ratio=<x/y> growth=<p95@20000/p95@2000> transfer_kb=<t> requests=<n>

(on one line). ``p95_ms`` is the server time of the public search page when it
exists, else of ``guide_search``. See bench/README.md.
"""

from __future__ import annotations

import argparse
import gzip
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import time as clock_time
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urlencode, urljoin, urlsplit

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
# The PostgreSQL database the run creates and drops: the one DATABASE_URL names when it
# is a PostgreSQL URL (so that people sharing a server each use their own), else vern_bench.
_URL = urlsplit(os.environ.get("DATABASE_URL", ""))
PG_BENCH_DB = (
    _URL.path.lstrip("/")
    if _URL.scheme.startswith("postgres") and re.fullmatch(r"/[a-z_][a-z0-9_]*", _URL.path)
    else "vern_bench"
)
SUMMARY_PREFIX = "guide_search db="


# --- set-up -------------------------------------------------------------------


def configure(db: str, workdir: Path, pg_name: str = PG_BENCH_DB) -> None:
    """Production-like settings (DEBUG off, compressed static files) on a fresh database
    (PostgreSQL: ``pg_name``, dropped and created), migrated. The other benchmarks
    (bench/pathways_data.py, bench/load.py) set up through this one."""
    from cryptography.fernet import Fernet

    if db == "postgresql":
        database_url = f"postgres://postgres@127.0.0.1:5432/{pg_name}"
        _pg_admin(f"DROP DATABASE IF EXISTS {pg_name} WITH (FORCE)")
        _pg_admin(f"CREATE DATABASE {pg_name}")
    else:
        database_url = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "vern.settings",
            "DATABASE_URL": database_url,
            "DEBUG": "false",
            "SECRET_KEY": "bench-" + Fernet.generate_key().decode(),
            "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
            "VERN_FERNET_KEYS": Fernet.generate_key().decode(),
            "VERN_AUDIT_KEYS": "bench-audit-" + Fernet.generate_key().decode(),
            "SECURE_SSL_REDIRECT": "false",
            "VERN_DATA_DIR": str(workdir),
            "STATIC_ROOT": str(workdir / "static"),
            "VERN_LOG_LEVEL": "WARNING",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        }
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)


def _pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as connection:
        connection.execute(sql)


def teardown(db: str, pg_name: str = PG_BENCH_DB) -> None:
    from django.db import connections

    connections.close_all()
    if db == "postgresql":
        _pg_admin(f"DROP DATABASE IF EXISTS {pg_name} WITH (FORCE)")


# --- a synthetic directory ----------------------------------------------------

PLACES = [
    "Sentrum",
    "Nord",
    "Sør",
    "Øst",
    "Vest",
    "Bakken",
    "Strand",
    "Dalen",
    "Haugen",
    "Vika",
    "Moen",
    "Lia",
    "Brekke",
    "Berg",
    "Nes",
    "Holm",
    "Sletta",
    "Fjell",
    "Elvebakken",
    "Torget",
    "Skogen",
    "Åsen",
    "Bråten",
    "Myra",
    "Tangen",
    "Øyra",
    "Sjøsiden",
    "Kirkebygda",
]

GROUP_WORDS = [
    "kvinner",
    "menn",
    "barn og unge",
    "foreldre",
    "eldre",
    "ungdom",
    "par",
    "familier",
    "innvandrere og flyktninger",
    "personer med funksjonsnedsettelse",
    "gravide",
    "studenter",
]
SITUATIONS = [
    "opplever vold i nære relasjoner",
    "blir slått, truet eller kontrollert hjemme",
    "lever med psykisk vold",
    "er bekymret for et barn",
    "har opplevd seksuelle overgrep",
    "utsettes for negativ sosial kontroll",
    "står i fare for å bli giftet bort mot sin vilje",
    "har mistet kontrollen over egen økonomi",
    "strever med sinne og aggresjon",
    "har vært utsatt for vold som barn",
    "er pårørende til noen som blir utsatt for vold",
    "opplever digital vold og deling av bilder",
    "blir forfulgt av en tidligere partner",
    "trenger et trygt sted å bo",
    "har levd med rus og vold i familien",
]
GENERIC = [
    "Samtalene er gratis.",
    "Du kan være anonym.",
    "Vi har taushetsplikt.",
    "Vi kan bestille tolk.",
    "Du trenger ikke henvisning.",
    "Ta gjerne med en du stoler på.",
    "Vi samarbeider med politi, barnevern og helsetjenesten.",
    "Vi har lang erfaring med vold i nære relasjoner.",
    "Tilbudet er for alle over 18 år.",
    "Du kan også ta kontakt på vegne av andre.",
    "Vi svarer på telefon og e-post på hverdager.",
    "Ventetiden er vanligvis under to uker.",
    "Lokalene er tilrettelagt for rullestol.",
    "Vi kan møte deg et annet sted enn på kontoret.",
]

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


@dataclass
class Kind:
    code: str
    weight: int
    names: list[str]
    sentences: list[str]
    groups: list[str]
    violence: list[str]
    shared: float = 0.1  # share of these entries that serve several municipalities
    flags: dict[str, float] = field(default_factory=dict)


KINDS = [
    Kind(
        "krisesenter",
        2,
        [
            "{region} krisesenter",
            "Krisesenteret for {region}",
            "Dagtilbud ved {region} krisesenter",
        ],
        [
            "Krisesenteret gir et trygt sted å bo for {gruppe} som {situasjon}.",
            "Du kan komme til samtaler på dagtid uten å bo her.",
            "Adressen er skjult, og du kan ringe hele døgnet.",
            "Vi hjelper ved tvangsekteskap og æresrelatert vold.",
        ],
        ["exposed", "children", "relatives"],
        ["physical", "psychological", "sexual", "economic", "honour", "forced_marriage"],
        shared=0.9,
        flags={
            "acute": 1,
            "open_24_7": 1,
            "accommodation_women": 1,
            "accommodation_men": 0.7,
            "accommodation_children": 0.9,
            "day_services": 0.8,
            "wheelchair_access": 0.6,
            "pets_allowed": 0.3,
        },
    ),
    Kind(
        "familievern",
        3,
        ["Familievernkontoret i {region}", "Familievernet {region} – samtaler for par og familier"],
        [
            "Familievernkontoret tilbyr parterapi, mekling og samtaler for {gruppe}.",
            "Vi har et eget tilbud til familier der det er vold eller høyt konfliktnivå.",
            "Barna kan få egne samtaler.",
        ],
        ["exposed", "perpetrators", "children", "relatives"],
        ["physical", "psychological"],
        shared=0.8,
    ),
    Kind(
        "helsestasjon",
        8,
        [
            "Helsestasjonen i {kommune}",
            "Helsestasjon for ungdom {sted}",
            "Skolehelsetjenesten ved {sted} skole",
            "Jordmortjenesten i {kommune}",
        ],
        [
            "Helsesykepleier følger opp {gruppe}.",
            "Du kan snakke med oss om det som er vanskelig hjemme, også vold og omsorgssvikt.",
            "Vi snakker med foreldre om kjønnslemlestelse der det er aktuelt.",
            "Helsestasjon for ungdom har åpen dør uten timeavtale.",
        ],
        ["children", "exposed", "relatives"],
        ["neglect", "physical", "psychological", "fgm"],
        shared=0.05,
    ),
    Kind(
        "barnevern",
        5,
        ["Barnevernstjenesten i {kommune}", "Barnevernvakta {region}"],
        [
            "Barnevernet hjelper barn som ikke har det trygt hjemme.",
            "Alle kan melde fra hvis de er bekymret for et barn.",
            "Utenom kontortid svarer barnevernvakta.",
            "Vi samarbeider med skole, barnehage og helsestasjon.",
        ],
        ["children", "relatives", "professionals"],
        ["neglect", "physical", "psychological", "sexual", "honour", "forced_marriage"],
        shared=0.3,
        flags={"acute": 0.5},
    ),
    Kind(
        "nav",
        5,
        ["NAV {kommune}", "NAV {kommune} – økonomisk rådgivning", "Boligkontoret i {kommune}"],
        [
            "NAV kan hjelpe med penger til mat og bolig når du må bort fra vold.",
            "Vi gir råd om gjeld og økonomi, også når noen styrer pengene dine.",
            "Du kan få midlertidig bolig og hjelp til å finne et nytt sted å bo.",
        ],
        ["exposed"],
        ["economic"],
        shared=0.05,
    ),
    Kind(
        "legevakt",
        3,
        ["{region} legevakt", "Overgrepsmottaket ved {region} legevakt"],
        [
            "Legevakten er åpen hele døgnet.",
            "Overgrepsmottaket gir hjelp etter voldtekt og andre seksuelle overgrep.",
            "Vi dokumenterer skader etter vold, med eller uten anmeldelse.",
        ],
        ["exposed", "children"],
        ["physical", "sexual"],
        shared=0.8,
        flags={"acute": 1, "open_24_7": 1, "wheelchair_access": 0.9},
    ),
    Kind(
        "psykisk",
        6,
        [
            "Psykisk helse og rus i {kommune}",
            "Rask psykisk helsehjelp {kommune}",
            "Samtaletilbud for voksne i {kommune}",
        ],
        [
            "Vi tilbyr samtaler for {gruppe} som {situasjon}.",
            "Du får hjelp med angst, søvnproblemer og vonde minner.",
            "Behandlingen varer vanligvis noen måneder.",
        ],
        ["exposed", "relatives"],
        ["psychological"],
        shared=0.1,
    ),
    Kind(
        "sinne",
        3,
        [
            "Sinnemestring {kommune}",
            "Samtaletilbud for deg som utøver vold – {kommune}",
            "Sinnemestringskurs {region}",
        ],
        [
            "Samtaler og gruppe for voksne som slår, truer eller skremmer noen i familien.",
            "Du lærer å kjenne igjen sinnet før det blir til vold.",
            "Tilbudet bygger på metoder fra Alternativ til Vold og Brøset.",
        ],
        ["perpetrators", "relatives"],
        ["physical", "psychological"],
        shared=0.4,
    ),
    Kind(
        "frivillig",
        6,
        [
            "Frivilligsentralen i {kommune}",
            "Samtalegruppe for {gruppe} – {sted}",
            "Møteplassen {sted}",
            "Leksehjelp og samtale {sted}",
        ],
        [
            "Frivillige driver et lavterskeltilbud for {gruppe}.",
            "Her kan du møte andre som {situasjon}.",
            "Vi har åpent hus hver uke.",
        ],
        ["exposed", "relatives"],
        ["psychological", "social_control"],
        shared=0.1,
    ),
    Kind(
        "ungdom",
        5,
        ["Utekontakten i {kommune}", "Ungdomskontakten {sted}", "Fritidsklubben {sted}"],
        [
            "For ungdom som {situasjon}.",
            "Du kan snakke med en voksen du kan stole på.",
            "Vi hjelper deg videre til barnevern, helsesykepleier eller politi hvis du vil.",
        ],
        ["children"],
        ["physical", "psychological", "sexual", "social_control", "honour"],
        shared=0.1,
    ),
    Kind(
        "skole",
        5,
        ["PP-tjenesten i {kommune}", "Sosiallærer ved {sted} ungdomsskole", "Miljøterapeut {sted}"],
        [
            "Skolen har ansatte som elever kan snakke med om det som er vanskelig.",
            "Vi har opplæring i å se tegn på vold og overgrep.",
            "Vi følger opp elever som {situasjon}.",
        ],
        ["children", "professionals"],
        ["neglect", "physical", "psychological"],
        shared=0.1,
    ),
    Kind(
        "innvandrer",
        4,
        [
            "Flyktningtjenesten i {kommune}",
            "Voksenopplæringen {kommune} – veiledning",
            "Mangfoldsrådgiver i {kommune}",
        ],
        [
            "Vi veileder {gruppe} om rettigheter i Norge.",
            "Du kan få hjelp hvis du {situasjon}.",
            "Vi har tolk på mange språk.",
        ],
        ["exposed", "professionals"],
        ["honour", "forced_marriage", "fgm", "social_control"],
        shared=0.2,
    ),
    Kind(
        "juridisk",
        2,
        ["Advokatvakta {region}", "Fri rettshjelp {region}", "Juridisk veiledning {kommune}"],
        [
            "Gratis juridisk veiledning for {gruppe}.",
            "Vi hjelper med besøksforbud, anmeldelse og voldsoffererstatning.",
            "Du kan få bistandsadvokat.",
        ],
        ["exposed"],
        ["physical", "psychological", "economic"],
        shared=0.5,
    ),
    Kind(
        "eldre",
        3,
        ["Hjemmetjenesten i {kommune}", "Demenskoordinator {kommune}", "Eldrerådgiver i {kommune}"],
        [
            "Vi hjelper eldre som {situasjon}.",
            "Pårørende kan kontakte oss ved bekymring for vold mot eldre.",
            "Vi gjør hjemmebesøk.",
        ],
        ["exposed", "relatives", "professionals"],
        ["economic", "neglect", "psychological"],
        shared=0.05,
    ),
    Kind(
        "politi",
        3,
        [
            "Politiets forebyggende enhet {region}",
            "Politikontakten i {kommune}",
            "SLT-koordinator {kommune}",
        ],
        [
            "Politiet kan hjelpe med voldsalarm, besøksforbud og anmeldelse.",
            "Vi har samtaler med ungdom og foreldre for å forebygge vold.",
            "Er noen i fare nå, ring 112.",
        ],
        ["exposed", "professionals"],
        ["physical", "honour", "forced_marriage", "social_control"],
        shared=0.5,
    ),
    Kind(
        "team",
        2,
        ["Konsultasjonsteam om vold i {kommune}", "Voldskoordinator i {kommune}"],
        [
            "For ansatte som er bekymret for vold mot et barn eller en voksen.",
            "Du kan drøfte saken anonymt.",
            "Vi gir råd om avvergeplikt og opplysningsplikt.",
        ],
        ["professionals"],
        ALL_FORMS,
        shared=0.2,
    ),
    Kind(
        "smiso",
        1,
        ["Senter mot incest og seksuelle overgrep {region}", "Støttesenter mot overgrep {region}"],
        [
            "Et lavterskeltilbud for {gruppe} som har opplevd incest eller seksuelle overgrep.",
            "Pårørende kan også få samtaler.",
            "Du trenger ikke henvisning, og det er gratis.",
        ],
        ["exposed", "relatives"],
        ["sexual"],
        shared=0.9,
    ),
]

NATIONAL_NAMES = [
    "Nasjonal chattetjeneste om {tema}",
    "Hjelpelinje om {tema}",
    "Nettkurs om {tema}",
    "Landsdekkende samtaletilbud om {tema}",
]
THEMES = [
    "vold i nære relasjoner",
    "negativ sosial kontroll",
    "seksuelle overgrep",
    "digital vold",
    "sinne og aggresjon",
    "samlivsbrudd",
    "vold mot eldre",
    "omsorgssvikt",
    "tvangsekteskap",
    "æresrelatert vold",
]
LANGUAGES = ["nb", "en", "ar", "so", "pl", "uk", "ti", "fa", "se", "nn"]


class Builder:
    """Adds seeded synthetic services until the directory holds ``target`` of them."""

    def __init__(self, seed: int):
        from vern.core.models import Municipality
        from vern.directory.models import TaxonomyTerm

        self.rng = random.Random(seed)  # noqa: S311 (seeded test data)
        self.municipalities = list(Municipality.objects.filter(is_demo=False).order_by("number"))
        self.by_county: dict[str, list] = {}
        for m in self.municipalities:
            self.by_county.setdefault(m.county_number, []).append(m)
        self.terms = {
            (t.taxonomy.code, t.code): t for t in TaxonomyTerm.objects.select_related("taxonomy")
        }
        self.kinds = [k for k in KINDS for _ in range(k.weight)]
        self.serial = 0

    def _text(self, template: str, municipality) -> str:
        return template.format(
            kommune=municipality.name.split(" - ")[0],
            region=self.rng.choice(
                [
                    municipality.name.split(" - ")[0],
                    f"{municipality.name.split(' - ')[0]} og omegn",
                    municipality.county_name.split(" - ")[0],
                ]
            ),
            sted=self.rng.choice(PLACES),
            gruppe=self.rng.choice(GROUP_WORDS),
            situasjon=self.rng.choice(SITUATIONS),
            tema=self.rng.choice(THEMES),
        )

    def add(self, target: int) -> int:
        from django.db import connection, transaction

        from vern.directory import search
        from vern.directory.models import (
            Organization,
            Phone,
            Schedule,
            Service,
            ServiceLanguage,
        )

        missing = target - Service.objects.count()
        if missing <= 0:
            return 0
        rng = self.rng
        today = time_today()
        services, orgs, areas, terms, phones, schedules, languages = [], [], [], [], [], [], []
        through_areas = Service.areas.through
        through_terms = Service.terms.through
        for _ in range(missing):
            self.serial += 1
            municipality = rng.choice(self.municipalities)
            national = rng.random() < 0.005
            if national:
                name = self._text(rng.choice(NATIONAL_NAMES), municipality)
                kind = rng.choice(KINDS)
            else:
                kind = rng.choice(self.kinds)
                name = self._text(rng.choice(kind.names), municipality)
            owner = None if national else municipality
            org = Organization(
                owner=owner,
                name=name.split(" – ")[0],
                description="Syntetisk organisasjon for ytelsestest.",
            )
            orgs.append(org)
            sentences = [self._text(s, municipality) for s in kind.sentences]
            rng.shuffle(sentences)
            description = " ".join(
                sentences[: rng.randint(2, len(sentences))] + rng.sample(GENERIC, rng.randint(1, 3))
            )
            flags = {flag: rng.random() < p for flag, p in kind.flags.items()}
            assured = today - timedelta(days=rng.randint(0, 220))
            service = Service(
                organization=org,
                owner=owner,
                is_national=national,
                name=name,
                description=description,
                eligibility_description=f"For {rng.choice(GROUP_WORDS)} som {rng.choice(SITUATIONS)}.",
                how_it_works=self._text(rng.choice(kind.sentences), municipality),
                how_to_contact="Ring oss eller send e-post.",
                # The app's own rule: a service that needs a referral says who refers.
                **(
                    {"referral": "required", "referral_from": "fastlegen"}
                    if rng.random() < 0.15
                    else {"referral": "none", "referral_from": ""}
                ),
                is_free=rng.random() < 0.85,
                assured_date=assured,
                verification_due=assured + timedelta(days=180),
                **flags,
            )
            services.append(service)
            if not national:
                served = [municipality]
                if rng.random() < kind.shared:
                    neighbours = [m for m in self.by_county[municipality.county_number]]
                    served += rng.sample(neighbours, min(len(neighbours), rng.randint(1, 5)))
                for m in {m.pk: m for m in served}.values():
                    areas.append(through_areas(service_id=service.pk, municipality_id=m.pk))
            chosen = set(rng.sample(kind.groups, rng.randint(1, len(kind.groups))))
            chosen = {("target_group", c) for c in chosen}
            chosen |= {
                ("violence", c)
                for c in rng.sample(kind.violence, rng.randint(1, min(4, len(kind.violence))))
            }
            for key in chosen:
                terms.append(
                    through_terms(service_id=service.pk, taxonomyterm_id=self.terms[key].pk)
                )
            for _ in range(rng.choice((0, 1, 1, 1, 2))):
                phones.append(
                    Phone(
                        service=service, number=f"00 00 {rng.randint(10, 99)} {rng.randint(10, 99)}"
                    )
                )
            if not flags.get("open_24_7") and rng.random() < 0.75:
                opens = clock_time(rng.choice((8, 9, 10)), rng.choice((0, 30)))
                closes = clock_time(rng.choice((14, 15, 16, 20)), 0)
                for weekday in range(1, 6):
                    schedules.append(
                        Schedule(service=service, weekday=weekday, opens_at=opens, closes_at=closes)
                    )
            for code in {"nb", *rng.sample(LANGUAGES, rng.randint(0, 3))}:
                languages.append(ServiceLanguage(service=service, code=code))
        with transaction.atomic():
            Organization.objects.bulk_create(orgs, batch_size=2000)
            Service.objects.bulk_create(services, batch_size=2000)
            through_areas.objects.bulk_create(areas, batch_size=5000)
            through_terms.objects.bulk_create(terms, batch_size=5000)
            Phone.objects.bulk_create(phones, batch_size=5000)
            Schedule.objects.bulk_create(schedules, batch_size=5000)
            ServiceLanguage.objects.bulk_create(languages, batch_size=5000)
            for start in range(0, len(services), 2000):
                chunk = [s.pk for s in services[start : start + 2000]]
                search.reindex_all(Service.objects.filter(pk__in=chunk))
        if connection.vendor == "postgresql":
            # What autovacuum does on a live server after this many changes.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        return missing


def time_today():
    from django.utils import timezone

    return timezone.localdate()


# --- the queries ----------------------------------------------------------------

TEXT_QUERIES = [
    "vold",
    "krisesenter",
    "slått av mannen min",
    "tvangsekteskap",
    "sinnemestring",
    "barnevern",
    "psykisk vold",
    "voldtekt",
    "parterapi",
    "familievernkontor",
    "helsestasjon",
    "overgrep",
    "negativ sosial kontroll",
    "æresrelatert vold",
    "kjønnslemlestelse",
    "økonomisk vold",
    "hjelp til barn som ser vold hjemme",
    "kjæresten min kontrollerer meg",
    "vold mot eldre",
    "jeg er redd for faren min",
    "legevakt",
    "advokat besøksforbud",
    "bolig etter samlivsbrudd",
    "samtale",
    "nav økonomi",
    "tolk",
    "ungdom",
    "omsorgssvikt",
    "trusler",
    "digital vold",
    "incest",
    "anmelde vold",
    "hvor kan jeg bo",
    "mannen min slår meg",
    "voldsalarm",
    "gruppe for menn",
]
SYNONYM_QUERIES = ["juling", "tvangsgifte", "sint", "omskjæring", "mishandling", "banket", "sinne"]
TYPO_QUERIES = [
    "krisesenetr",
    "sinnemestrign",
    "tvangsekteskp",
    "familievernkontr",
    "helsestajson",
    "barnevernstjensten",
    "voldtetk",
    "overgerp",
]
NASTY_QUERIES = [
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "vold " * 400,
    "x" * 2000,
    '"krisesenter" AND NOT (vold) NEAR/3 *',
]
FLAG_NAMES = ["free", "no_referral", "open_now", "acute", "wheelchair", "pets"]


@dataclass
class Query:
    kind: str
    text: str
    municipality: str  # number, or "" for none
    postal_code: str
    params: dict

    def view_params(self, number: str) -> dict:
        out = {"q": self.text} if self.text else {}
        if number:
            out["kommune"] = number
        out.update(self.params)
        return out


def make_queries(n: int, seed: int) -> list[Query]:
    import csv

    from vern.core.models import Municipality

    rng = random.Random(seed)  # noqa: S311 (seeded test data)
    numbers = list(
        Municipality.objects.filter(is_demo=False)
        .order_by("number")
        .values_list("number", flat=True)
    )
    postal = ROOT / "src" / "vern" / "directory" / "data" / "postnummer.csv"
    with postal.open(encoding="utf-8", newline="") as handle:
        codes = [
            row["postnummer"] for row in csv.DictReader(handle) if row["kommunenummer"] in numbers
        ]

    def filters(count: int) -> dict:
        out = {}
        for _ in range(count):
            choice = rng.random()
            if choice < 0.3:
                out["gruppe"] = rng.choice(
                    ["exposed", "children", "perpetrators", "relatives", "professionals"]
                )
            elif choice < 0.55:
                out["vold"] = rng.choice(ALL_FORMS)
            elif choice < 0.65:
                out["sprak"] = rng.choice(LANGUAGES)
            else:
                out[rng.choice(FLAG_NAMES)] = "1"
        return out

    queries = []
    for _ in range(n):
        r = rng.random()
        number = rng.choice(numbers)
        if r < 0.35:
            queries.append(Query("text", rng.choice(TEXT_QUERIES), number, "", {}))
        elif r < 0.50:
            queries.append(
                Query(
                    "text+filters", rng.choice(TEXT_QUERIES), number, "", filters(rng.randint(1, 2))
                )
            )
        elif r < 0.60:
            queries.append(Query("filters only", "", number, "", filters(rng.randint(1, 3))))
        elif r < 0.72:
            text = rng.choice(SYNONYM_QUERIES + TYPO_QUERIES)
            queries.append(Query("synonym/typo", text, number, "", {}))
        elif r < 0.85:
            queries.append(
                Query("postal code", rng.choice(TEXT_QUERIES), "", rng.choice(codes), {})
            )
        elif r < 0.95:
            queries.append(Query("no municipality", rng.choice(TEXT_QUERIES), "", "", {}))
        else:
            queries.append(Query("hostile", rng.choice(NASTY_QUERIES), number, "", {}))
    return queries


# --- measuring --------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


@dataclass
class Timings:
    guide: list[float] = field(default_factory=list)
    view: list[float] = field(default_factory=list)
    baseline: list[float] = field(default_factory=list)
    postal: list[float] = field(default_factory=list)
    by_kind: dict[str, list[float]] = field(default_factory=dict)
    view_by_kind: dict[str, list[float]] = field(default_factory=dict)


def view_exists() -> bool:
    from django.urls import NoReverseMatch, reverse

    try:
        reverse("guide:search")
    except NoReverseMatch:
        return False
    return True


def measure(queries: list[Query], *, with_view: bool, warmup: int = 40) -> Timings:
    from django.test import Client

    from vern.core.models import Municipality
    from vern.directory.selectors import find_municipalities
    from vern.guide.selectors import Filters, guide_search

    client = Client()
    municipalities = {m.number: m for m in Municipality.objects.all()}
    timings = Timings()
    for index, query in enumerate(queries[:warmup] + queries):
        timed = index >= warmup
        # guide_search, including the postal-code lookup where the query has one
        started = time.perf_counter()
        if query.postal_code:
            found = find_municipalities(query.postal_code)
            municipality = found[0] if found else None
        else:
            municipality = municipalities.get(query.municipality)
        guide_search(
            municipality=municipality, query=query.text, filters=Filters.from_query(query.params)
        )
        elapsed = (time.perf_counter() - started) * 1000
        if timed:
            timings.guide.append(elapsed)
            timings.by_kind.setdefault(query.kind, []).append(elapsed)
        number = municipality.number if municipality else ""
        if with_view:
            if query.postal_code:
                started = time.perf_counter()
                response = client.get("/", {"kommune": query.postal_code})
                if timed:
                    timings.postal.append((time.perf_counter() - started) * 1000)
                assert response.status_code in (200, 302), response.status_code
            started = time.perf_counter()
            response = client.get("/sok/", query.view_params(number))
            if timed:
                timings.view.append((time.perf_counter() - started) * 1000)
                timings.view_by_kind.setdefault(query.kind, []).append(timings.view[-1])
            assert response.status_code == 200, (response.status_code, query)
        started = time.perf_counter()
        response = client.get("/trygg-pa-nett/")
        if timed:
            timings.baseline.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    return timings


# Results pages in other languages than bokmål, measured apart from the summary.
OTHER_LANGUAGES = ("en", "uk", "ar")


def measure_languages(queries: list[Query]) -> None:
    """The results page in a few of the other languages, each query twice: the
    first showing makes the cards (and keeps them in the ``cards`` cache), the
    second finds them kept. Bokmål pages use cards stored with the entries."""
    from django.core.cache import caches
    from django.test import Client

    from vern.core.models import Municipality

    client = Client()
    municipalities = {m.number: m for m in Municipality.objects.all()}
    for language in OTHER_LANGUAGES:
        caches["cards"].clear()
        first, again = [], []
        for query in queries:
            municipality = municipalities.get(query.municipality)
            params = query.view_params(municipality.number if municipality else "")
            for times in (first, again):
                started = time.perf_counter()
                response = client.get(f"/{language}/sok/", params)
                times.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, (response.status_code, query)
        report(f"GET /{language}/sok/, first showing", first)
        report(f"GET /{language}/sok/, shown again", again)


def report(label: str, values: list[float]) -> None:
    if values:
        print(
            f"  {label:<34} n={len(values):<4} p50={statistics.median(values):7.2f} ms"
            f"  p95={percentile(values, 95):7.2f} ms  max={max(values):7.2f} ms"
        )


# --- transfer size ------------------------------------------------------------------


class Assets(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        rel = (attrs.get("rel") or "").lower().split()
        if tag == "link" and attrs.get("href") and ({"stylesheet", "icon", "preload"} & set(rel)):
            self.urls.append(("css" if "stylesheet" in rel else "link", attrs["href"]))
        elif tag == "script" and attrs.get("src"):
            self.urls.append(("js", attrs["src"]))
        elif tag == "img" and attrs.get("src") and not attrs["src"].startswith("data:"):
            self.urls.append(("img", attrs["src"]))


CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")
CSS_IMPORT = re.compile(r"@import\s+['\"]([^'\"]+)['\"]")


def _body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def transfer(number: str) -> tuple[float, int, list[str]]:
    """Bytes and requests for a first visit to a results page with 20 results, as
    sent to a browser that accepts gzip (the app's and WhiteNoise's own compression)."""
    from django.test import Client

    # gzip only: a browser that also takes Brotli gets the static files smaller still.
    client = Client(HTTP_ACCEPT_ENCODING="gzip")
    page = "/sok/?" + urlencode({"q": "vold", "kommune": number})
    response = client.get(page)
    assert response.status_code == 200
    sent = _body(response)
    html = gzip.decompress(sent) if response.get("Content-Encoding") == "gzip" else sent
    cards = len(set(re.findall(rb'href="(/tjeneste/[0-9a-f-]{36}/)', html)))
    lines = [f"results page {page}: {cards} service links, html {len(sent)} B as sent"]
    total, requests = len(sent), 1
    parser = Assets()
    parser.feed(html.decode("utf-8"))
    queue = [(kind, urljoin(page, url)) for kind, url in parser.urls]
    seen = set()
    while queue:
        kind, url = queue.pop(0)
        url = urldefrag(url).url  # a sprite's icons (sprite.svg#name) are one file, one request
        if url in seen:
            continue
        seen.add(url)
        if urlsplit(url).netloc not in ("", "testserver"):
            lines.append(f"  EXTERNAL {url} (not fetched; counts as a request)")
            requests += 1
            continue
        response = client.get(urlsplit(url).path)
        body = size = _body(response)
        if response.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        size = len(size)
        total += size
        requests += 1
        lines.append(f"  {kind:<5} {urlsplit(url).path} {len(body)} B raw, {size} B as sent")
        if kind == "css" or url.endswith(".css"):
            text = body.decode("utf-8", "replace")
            for imported in CSS_IMPORT.findall(text):
                queue.append(("css", urljoin(url, imported)))
            for ref in CSS_URL.findall(text):
                if not ref.startswith("data:") and not ref.startswith("#"):
                    queue.append(
                        (
                            "font" if re.search(r"\.(woff2?|ttf|otf)", ref) else "asset",
                            urljoin(url, ref),
                        )
                    )
    return total / 1024, requests, lines


def busiest_municipality() -> str:
    from django.db.models import Count

    from vern.core.models import Municipality
    from vern.directory.models import Service

    counts = (
        Service.areas.through.objects.values("municipality")
        .annotate(n=Count("service"))
        .order_by("-n")
        .first()
    )
    return Municipality.objects.get(pk=counts["municipality"]).number


def index_figures() -> str:
    """Time and memory of building the guide's in-memory index (guide_index.py)."""
    import gc
    import tracemalloc

    try:
        from vern.guide.index import GuideIndex
    except ImportError:
        return "guide index: none"
    started = time.perf_counter()
    GuideIndex.build()
    seconds = time.perf_counter() - started
    gc.collect()
    tracemalloc.start()
    index = GuideIndex.build()
    gc.collect()
    size = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    figures = f"guide index: {len(index.entries)} entries built in {seconds:.2f} s, {size / 2**20:.1f} MiB"
    if hasattr(index, "refreshed"):
        from django.utils import timezone

        from vern.directory import cards
        from vern.directory.models import Service

        # One entry changes, as an edit would leave it (its card stored again).
        changed = Service.objects.order_by("pk").values_list("pk", flat=True)[0]
        Service.objects.filter(pk=changed).update(updated_at=timezone.now())
        cards.store([changed])
        started = time.perf_counter()
        index.refreshed()
        figures += (
            f"; refreshed after one change in {(time.perf_counter() - started) * 1000:.0f} ms"
        )
        if hasattr(index, "updated"):  # the change log names the service
            started = time.perf_counter()
            index.updated(frozenset([changed]))
            figures += f", updated from the log in {(time.perf_counter() - started) * 1000:.0f} ms"
    return figures


# --- profiling --------------------------------------------------------------------


def profile(queries: list[Query], with_view: bool) -> None:
    try:
        from pyinstrument import Profiler
    except ImportError:
        print(
            "pyinstrument is not installed: uv run --with pyinstrument python bench/guide_search.py --profile"
        )
        return
    profiler = Profiler(interval=0.0005)
    profiler.start()
    measure(queries[:200], with_view=with_view, warmup=0)
    profiler.stop()
    print(profiler.output_text(unicode=True, color=False, show_all=False))


# --- the run --------------------------------------------------------------------------


def run(args) -> str:
    workdir = Path(tempfile.mkdtemp(prefix="vern-bench-"))
    try:
        configure(args.db, workdir)
        from django.db import connection

        from vern.directory.models import Service

        with_view = view_exists()
        print(
            f"Vern guide search benchmark: db={args.db} ({connection.vendor}), "
            f"{os.cpu_count()} CPUs, {args.queries} queries, seed {args.seed}"
        )
        if not with_view:
            print("The public search page (/sok/) does not exist yet: measuring guide_search only.")
        builder = Builder(args.seed)
        queries = None
        results = {}
        for size in (args.small, args.services):
            started = time.perf_counter()
            added = builder.add(size)
            print(
                f"\n{Service.objects.count()} services ({added} added and indexed in "
                f"{time.perf_counter() - started:.1f} s)"
            )
            print(f"  {index_figures()}")
            if queries is None:
                queries = make_queries(args.queries, args.seed)
            timings = measure(queries, with_view=with_view)
            report("guide_search()", timings.guide)
            for kind, values in sorted(timings.by_kind.items()):
                report(f"  guide_search: {kind}", values)
            report("GET /sok/ (public search page)", timings.view)
            for kind, values in sorted(timings.view_by_kind.items()):
                report(f"  /sok/: {kind}", values)
            report("GET /?kommune=<postal code>", timings.postal)
            report("GET /trygg-pa-nett/ (baseline)", timings.baseline)
            main = timings.view if with_view else timings.guide
            results[size] = (percentile(main, 95), percentile(timings.baseline, 95))
            print(f"  ratio p95 search / p95 baseline = {results[size][0] / results[size][1]:.2f}")
            if with_view and size == args.services:
                measure_languages(queries)
            if args.profile and size == args.services:
                profile(queries, with_view)
        p95, baseline = results[args.services]
        growth = p95 / results[args.small][0]
        print(f"\ngrowth p95@{args.services} / p95@{args.small} = {growth:.2f}")
        if with_view:
            kb, requests, lines = transfer(busiest_municipality())
            print(
                "\nTransfer on a first visit (as sent to a browser that accepts gzip; woff2 counted as is):"
            )
            print("\n".join(lines))
        else:
            kb, requests = float("nan"), 0
            print("\nTransfer: not measured (no public search page yet).")
        measured = "search page" if with_view else "guide_search"
        print(f"\n(p95_ms below is the {measured})")
        return (
            f"{SUMMARY_PREFIX}{args.db} services={Service.objects.count()} p95_ms={p95:.2f} "
            f"baseline_p95_ms={baseline:.2f} ratio={p95 / baseline:.2f} growth={growth:.2f} "
            f"transfer_kb={kb:.1f} requests={requests}"
        )
    finally:
        teardown(args.db)
        shutil.rmtree(workdir, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "all"], default="sqlite")
    parser.add_argument("--services", type=int, default=20_000)
    parser.add_argument("--small", type=int, default=2_000)
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--seed", type=int, default=20261126)
    parser.add_argument("--profile", action="store_true", help="profile 200 queries (pyinstrument)")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    if args.db == "all":
        lines = []
        for db in ("sqlite", "postgresql"):
            command = [sys.executable, __file__, "--db", db, "--services", str(args.services)]
            command += ["--small", str(args.small), "--queries", str(args.queries)]
            command += ["--seed", str(args.seed)] + (["--profile"] if args.profile else [])
            with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as process:  # noqa: S603
                for line in process.stdout:
                    print(line, end="", flush=True)
                    if line.startswith(SUMMARY_PREFIX):
                        lines.append(line.strip())
            if process.returncode:
                sys.exit(process.returncode)
            print()
        print("\n".join(lines))
        return
    print(run(args))


if __name__ == "__main__":
    main()
