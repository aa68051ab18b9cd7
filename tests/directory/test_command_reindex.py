"""`vern directory reindex`: rebuilds the search text after rows changed behind the app."""

import io

from django.core.management import call_command

from tests.directory.factories import ServiceFactory
from vern.directory.models import Service
from vern.directory.search import index_service
from vern.guide.selectors import Filters, guide_search


def _names(municipality, query):
    result = guide_search(municipality=municipality, query=query, filters=Filters())
    return [service.name for service in result.services]


def test_reindex_makes_a_name_changed_with_sql_findable(home, django_capture_on_commit_callbacks):
    service = ServiceFactory(owner=home, name="Samtaletilbudet", description="Samtaler.")
    index_service(service)
    Service.objects.filter(pk=service.pk).update(name="Kvinnehuset Fjordheim")
    assert "Kvinnehuset Fjordheim" not in _names(home, "fjordheim")

    out, err = io.StringIO(), io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):  # every process's guide hears of it
        call_command("directory", "reindex", stdout=out, stderr=err)

    assert out.getvalue().strip() == f"Indexed {Service.objects.count()} services."
    assert _names(home, "fjordheim") == ["Kvinnehuset Fjordheim"]
