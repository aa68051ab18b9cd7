"""Language versions of the shipped national services, in the guide's languages.

Read from ``directory/data/national_translations.json`` (keyed by the service
keys of ``national_services.csv``, whose fixed ids find the entries). A
version already there is left as an editor left it; loading twice changes
nothing. Versions in the languages listed under ``_machine_assisted`` are
marked machine-assisted, not yet reviewed.

Migrations may not import app code, so the search text is built here the way
``vern.directory.search.build_document`` builds it (with the Arabic variants
of ``vern.directory.textnorm.index_variants``), and on SQLite the FTS5 row
gets the body ``search.stemmed_body`` gives. ``vern directory reindex``
rebuilds everything from the app's own code.
"""

import csv
import json
import re
import uuid
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data"
FIELDS = ("name", "description", "eligibility_description", "how_to_contact")
SEARCHED = (*FIELDS, "how_it_works", "application_process")

# Copied from vern.directory.search and vern.directory.textnorm (STOP_WORDS there is
# OTHER_STOP_WORDS here).
WORD = re.compile(r"\w+", re.UNICODE)
STOP_WORDS = frozenset(
    "og i jeg det at en et den til er som på de med han av ikke der så var meg seg men ett "
    "har om vi min mitt mine du deg din ditt dine hun hennes hans sin sitt sine for fra ble "
    "bli blir kan kunne skal skulle vil ville må mye noe noen hva hvor når hvem hvordan oss "
    "dere dem ham her eller også etter før over under mot ved nå bare sånn få får fikk "
    "hjelp".split()
)
_MARKS = re.compile("[\u064b-\u065f\u0670\u06d6-\u06ed]")
_LETTERS = str.maketrans(
    {"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ؤ": "و", "ئ": "ي", "ـ": ""}
)
_ARABIC_WORD = re.compile("[\u0600-\u06ff]+")
_PREFIXES = ("وبال", "وال", "بال", "كال", "فال", "لل", "ال")


OTHER_STOP_WORDS = {
    "nn": frozenset(
        "og i på for til som er det ein eit du deg di ditt dine eller med om av ikkje "
        "eg meg kan vil skal har han ho dei dykk oss vi kva kven når der her".split()
    ),
    "en": frozenset(
        "a an and or the to of in on at by for from with as is are be been was were it its "
        "you your yours i me my we our they them their he she his her this that these those "
        "if when who what which can will not no also there here do does".split()
    ),
    "se": frozenset("ja dahje go ahte lea leat mii dat don mun son sii dan das".split()),
    "pl": frozenset(
        "i w we z ze na do się że nie o to jest są a lub albo oraz od po dla przez jak czy gdy "
        "ty cię ci ja mnie mi on ona oni ich jego jej też tak".split()
    ),
    "uk": frozenset(
        "і й в у з із на до що як це або та не за від для по ви вас вам ваш якщо коли "
        "я мене мені він вона вони їх його її також так чи".split()
    ),
    "ar": frozenset("في من على إلى الى عن أو او و ما لا إذا اذا أن ان هو هي هم أنت انت".split()),
    "so": frozenset("iyo ama ee oo ka ku u la waa ayaa in aad uu ay haddii".split()),
}


def _without_stop_words(text, language):
    stop = OTHER_STOP_WORDS.get(language)
    if not stop or not text:
        return text or ""
    return " ".join(w for w in re.findall(r"\w+", text) if w.casefold() not in stop)


def _normalise(word):
    return _MARKS.sub("", word.translate(_LETTERS))


def _light_stem(word, normalise=True):
    if normalise:
        word = _normalise(word)
    for prefix in _PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 3:
            return word[len(prefix) :]
    if word.startswith("و") and len(word) >= 5:
        return word[1:]
    return word


def _variants(text):
    found = {}
    for word in _ARABIC_WORD.findall(text):
        stems = [_light_stem(word), _light_stem(word, False)]
        forms = [_normalise(word), *stems]
        if stems[1] != word:
            forms += ["ال" + stem for stem in stems]
        for form in forms:
            if form and form != word:
                found.setdefault(form)
    return list(found)


def _stemmed_body(text):
    import snowballstemmer

    stemmer = snowballstemmer.stemmer("norwegian")
    words = [w for w in WORD.findall(text.casefold()) if not w.isdigit() or len(w) > 2]
    return " ".join(stemmer.stemWord(w) for w in words if w not in STOP_WORDS)


def _document(service):
    parts = [
        service.name,
        service.alternate_name,
        service.organization.name,
        service.description,
        service.eligibility_description,
        service.how_it_works,
        service.application_process,
        service.referral_from,
    ]
    for term in service.terms.all():
        parts.extend([term.name_nb, term.name_en])
    for translation in service.translations.all():
        parts.extend(
            _without_stop_words(getattr(translation, name), translation.language)
            for name in SEARCHED
        )
    text = "\n".join(p for p in parts if p)
    variants = _variants(text)
    return text + ("\n" + " ".join(variants) if variants else "")


def load(apps, schema_editor):
    """Also callable as load(apps, None), as 0004's loader is."""
    from django.db import connection as default_connection

    connection = schema_editor.connection if schema_editor else default_connection
    Service = apps.get_model("directory", "Service")
    Translation = apps.get_model("directory", "ServiceTranslation")
    with (DATA / "national_services.csv").open(encoding="utf-8", newline="") as handle:
        ids = {row["key"]: uuid.UUID(row["id"]) for row in csv.DictReader(handle)}
    data = json.loads((DATA / "national_translations.json").read_text(encoding="utf-8"))
    machine = set(data["_machine_assisted"])
    for key, versions in data.items():
        if key.startswith("_"):
            continue
        service = (
            Service.objects.filter(pk=ids[key])
            .select_related("organization")
            .prefetch_related("terms")
            .first()
        )
        if service is None:  # removed by its editors
            continue
        have = set(service.translations.values_list("language", flat=True))
        for language, texts in versions.items():
            if language in have:
                continue
            Translation.objects.create(
                service=service,
                language=language,
                machine_assisted=language in machine,
                **{name: texts.get(name, "") for name in FIELDS},
            )
        document = _document(service)
        Service.objects.filter(pk=service.pk).update(search_document=document)
        if connection.vendor == "sqlite":
            rowid = service.pk.int >> 65  # as search.fts_rowid
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM directory_service_fts WHERE rowid = %s", [rowid])
                cursor.execute(
                    "INSERT INTO directory_service_fts (rowid, service_id, body) "
                    "VALUES (%s, %s, %s)",
                    [rowid, service.pk.hex, _stemmed_body(document)],
                )


class Migration(migrations.Migration):
    dependencies = [("directory", "0009_guidelang_translation_status")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
