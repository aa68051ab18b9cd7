"""The vocabularies of the guide: target groups and forms of violence.

Forms of violence follow NKVTS's definition of violence in close relationships,
which the booklet adopts; the names are ours.
"""

from django.db import migrations

TAXONOMIES = {
    "target_group": (
        "Målgruppe",
        [
            ("exposed", "Utsatt for vold", "Exposed to violence"),
            ("children", "Barn og unge", "Children and young people"),
            ("perpetrators", "Utøver vold", "People who use violence"),
            ("relatives", "Pårørende", "Relatives and friends"),
            ("professionals", "Ansatte og frivillige", "Professionals and volunteers"),
        ],
    ),
    "violence": (
        "Voldsform",
        [
            ("physical", "Fysisk vold", "Physical violence"),
            ("psychological", "Psykisk vold", "Psychological violence"),
            ("sexual", "Seksuelle overgrep", "Sexual abuse"),
            ("economic", "Materiell og økonomisk vold", "Material and economic violence"),
            ("neglect", "Omsorgssvikt", "Neglect"),
            ("honour", "Æresrelatert vold", "Honour-related violence"),
            ("forced_marriage", "Tvangsekteskap", "Forced marriage"),
            ("fgm", "Kjønnslemlestelse", "Female genital mutilation"),
            ("social_control", "Negativ sosial kontroll", "Negative social control"),
        ],
    ),
}


def load(apps, schema_editor):
    Taxonomy = apps.get_model("directory", "Taxonomy")
    Term = apps.get_model("directory", "TaxonomyTerm")
    for code, (name, terms) in TAXONOMIES.items():
        taxonomy, _ = Taxonomy.objects.update_or_create(code=code, defaults={"name": name})
        for index, (term_code, name_nb, name_en) in enumerate(terms):
            Term.objects.update_or_create(
                taxonomy=taxonomy,
                code=term_code,
                defaults={"name_nb": name_nb, "name_en": name_en, "sort_key": index},
            )


class Migration(migrations.Migration):
    dependencies = [("directory", "0002_search_index")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
