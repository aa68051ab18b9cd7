"""The default synonym list of the guide's search.

A search word (one word, lower case, as people type it) and the words it
should also find. Search looks synonyms up by the exact word typed, so common
inflections are listed one by one. Directory owners edit the list afterwards;
this migration only adds words that are missing and never overwrites an edit.
"""

from django.db import migrations

SYNONYMS = [
    # Physical violence, in the words people use for it.
    ("slått", "vold"),
    ("slo", "vold"),
    ("slår", "vold"),
    ("slag", "vold"),
    ("juling", "vold"),
    ("banket", "vold"),
    ("banker", "vold"),
    ("dengt", "vold"),
    ("sparket", "vold"),
    ("kvelertak", "vold"),
    ("mishandling", "vold"),
    ("mishandlet", "vold"),
    ("mishandler", "vold"),
    ("voldelig", "vold"),
    ("kjærestevold", "vold"),
    ("partnervold", "vold"),
    ("familievold", "vold"),
    ("eldremishandling", "vold eldre"),
    # Threats and control.
    ("truet", "vold psykisk"),
    ("trusler", "vold psykisk"),
    ("kontroll", "sosial kontroll"),
    ("kontrollerer", "sosial kontroll psykisk vold"),
    ("kontrollerende", "sosial kontroll psykisk vold"),
    ("forfulgt", "forfølgelse vold"),
    ("penger", "økonomisk vold"),
    # Honour-related violence, forced marriage, genital mutilation.
    ("tvangsgifte", "tvangsekteskap"),
    ("tvangsgiftet", "tvangsekteskap"),
    ("tvangsgift", "tvangsekteskap"),
    ("giftemål", "tvangsekteskap"),
    ("æresvold", "æresrelatert vold"),
    ("ære", "æresrelatert"),
    ("omskjæring", "kjønnslemlestelse"),
    ("omskåret", "kjønnslemlestelse"),
    ("kjønnslemlestet", "kjønnslemlestelse"),
    # Sexual abuse.
    ("voldtatt", "seksuelle overgrep voldtekt"),
    ("voldtekt", "seksuelle overgrep"),
    ("misbrukt", "seksuelle overgrep"),
    ("misbruk", "overgrep"),
    ("incest", "seksuelle overgrep"),
    ("overgrepet", "overgrep"),
    ("overgriper", "overgrep"),
    ("nakenbilder", "seksuelle overgrep"),
    # People who use violence.
    ("sinne", "sinnemestring"),
    ("sint", "sinnemestring"),
    ("temperament", "sinnemestring"),
    ("sinnemestring", "sinne sint"),
    ("voldsutøver", "sinnemestring utøver vold"),
    # Children.
    ("omsorgssvikt", "barnevernstjenesten omsorgssvikt"),
    ("forsømt", "omsorgssvikt"),
    ("barnevern", "barnevernstjenesten barnevernvakt"),
    ("barnevernet", "barnevernstjenesten barnevernvakt"),
    # Places to turn to.
    ("krisesentre", "krisesenter"),
    ("krisesentret", "krisesenter"),
    ("krisehjem", "krisesenter"),
    ("husly", "krisesenter"),
    ("familievern", "familievernkontor"),
    ("familievernet", "familievernkontor"),
    ("parterapi", "familievernkontor"),
    ("samlivsbrudd", "familievernkontor"),
    ("mekling", "familievernkontor"),
    ("anmelde", "politiet"),
    ("anmeldelse", "politiet"),
    ("erstatning", "voldsoffererstatning"),
    ("legevakta", "legevakt"),
]


def load(apps, schema_editor):
    Synonym = apps.get_model("directory", "Synonym")
    for term, expands_to in SYNONYMS:
        Synonym.objects.get_or_create(term=term, defaults={"expands_to": expands_to})


def unload(apps, schema_editor):
    Synonym = apps.get_model("directory", "Synonym")
    for term, expands_to in SYNONYMS:
        Synonym.objects.filter(term=term, expands_to=expands_to).delete()


class Migration(migrations.Migration):
    dependencies = [("directory", "0004_national_services")]
    operations = [migrations.RunPython(load, unload)]
