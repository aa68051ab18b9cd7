from django.conf import settings


def vern(request):
    return {
        "vern_demo": settings.VERN_DEMO,
        "vern_exit_url": settings.VERN_EXIT_URL,
        "languages": settings.LANGUAGES,
        "active_municipality": getattr(request, "municipality", None),
        "active_roles": getattr(request, "roles", frozenset()),
    }
