from django.conf import settings


def vern(request):
    return {
        "vern_demo": settings.VERN_DEMO,
        "active_municipality": getattr(request, "municipality", None),
        "active_roles": getattr(request, "roles", frozenset()),
    }
