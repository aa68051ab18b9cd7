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
        _register_shell()

        from django.core import checks

        from vern.core.fields import check_encryption_keys

        checks.register(check_encryption_keys, "vern")


def _register_shell() -> None:
    """Core's own entries in the staff menu and on the front page, and the
    routine steps in "what needs me"."""
    from vern.core import shell
    from vern.core.models import STAFF_ROLES, Role
    from vern.core.routines import step_needs

    shell.register_nav(label=_("Overview"), url_name="core:dashboard", roles=set(Role), order=0)
    shell.register_nav(
        label=_("Units"),
        url_name="core:unit_list",
        roles=STAFF_ROLES,
        order=40,
        active_prefix="core:unit_list",
    )
    shell.register_card(
        title=_("Units"),
        description=_(
            "Schools, kindergartens, health stations and other parts of the municipality."
        ),
        url_name="core:unit_list",
        roles=STAFF_ROLES,
        order=40,
    )
    shell.register_nav(
        label=_("Users and roles"),
        url_name="core:member_list",
        roles={Role.ADMIN},
        whole_municipality=True,
        order=50,
        active_prefix="core:member_list",
    )
    shell.register_card(
        title=_("Users and roles"),
        description=_("Who has access to Vern, and with which role."),
        url_name="core:member_list",
        roles={Role.ADMIN},
        whole_municipality=True,
        order=50,
    )
    shell.register_nav(
        label=_("Notifications"),
        url_name="core:notification_list",
        roles=set(Role),
        order=70,
        active_prefix="core:notification_list",
        count=_unread,
    )
    shell.register_needs(step_needs)


def _unread(user, municipality, roles):
    from django.utils.translation import ngettext

    from vern.core import shell
    from vern.core.selectors import unread_count

    number = unread_count(user, municipality)
    if not number:
        return None
    text = ngettext("%(count)d unread", "%(count)d unread", number) % {"count": number}
    return shell.CardCount(number, text)
