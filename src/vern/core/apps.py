from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Languages of the public guide that Django itself does not know (settings.LANGUAGES).
EXTRA_LANG_INFO = {
    "se": {
        "bidi": False,
        "code": "se",
        "name": "Northern Sami",
        "name_local": "Davvisámegiella",
    },
    "so": {
        "bidi": False,
        "code": "so",
        "name": "Somali",
        "name_local": "Soomaali",
    },
}


class CoreConfig(AppConfig):
    name = "vern.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from django.conf.locale import LANG_INFO

        for code, info in EXTRA_LANG_INFO.items():
            LANG_INFO.setdefault(code, info)

        from vern.core.validators import install_model_validators

        install_model_validators()
