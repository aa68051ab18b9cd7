"""What competence puts in the staff shell (registered in ``apps.py``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from vern.core import shell
from vern.core.models import STAFF_ROLES


def register() -> None:
    shell.register_nav(
        label=gettext_lazy("Competence"),
        url_name="competence:guide_overview",
        roles=STAFF_ROLES,
        order=35,
        active_prefix="competence:guide_overview",
    )
    shell.register_card(
        title=gettext_lazy("Competence"),
        description=gettext_lazy(
            "The duty guide for staff and volunteers: the duty to avert, the duty to inform "
            "and confidentiality."
        ),
        url_name="competence:guide_overview",
        roles=STAFF_ROLES,
        order=35,
    )
