from django.conf import settings

from vern.core.middleware import in_staff_area


def _languages(request):
    """The language switcher's choices: all eight on the public guide, the staff
    languages on staff and account pages."""
    if in_staff_area(request.path_info):
        return [
            (code, name)
            for code, name in settings.LANGUAGES
            if code in settings.VERN_STAFF_LANGUAGES
        ]
    return settings.LANGUAGES


def _pending_invitations(request):
    """How many invitations wait for the logged-in person (asked only if shown)."""
    user = getattr(request, "user", None)

    def count() -> int:
        if user is None or not user.is_authenticated:
            return 0
        return user.invitations.count()

    return count


def vern(request):
    return {
        "pending_invitations": _pending_invitations(request),
        "vern_demo": settings.VERN_DEMO,
        "vern_exit_url": settings.VERN_EXIT_URL,
        "languages": _languages(request),
        "active_municipality": getattr(request, "municipality", None),
        "active_roles": getattr(request, "roles", frozenset()),
    }
