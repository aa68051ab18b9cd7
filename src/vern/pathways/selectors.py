"""Reads for pathways: what a person may list, the steps of a pathway, the
coordinator's dashboard and the anonymous aggregates.

Every read that a page shows runs in a fixed number of queries whatever the
number of rows (aggregates, ``select_related``, one query per list); the tests
count them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import (
    Avg,
    BigIntegerField,
    Count,
    F,
    Q,
    QuerySet,
)
from django.db.models.functions import Cast

from vern.core import routines
from vern.core.models import RecordAccess, Role, Step, User
from vern.pathways.models import (
    Consent,
    DeliveryStep,
    Event,
    Need,
    Pathway,
    ProtectiveOrder,
    Referral,
    ReleaseFollowUp,
)
from vern.pathways.models.pathway import Area

SUBJECT = "pathways.pathway"
RELEASE_SUBJECT = "pathways.releasefollowup"
PAGE_SIZE = 50


def pathways_for(user: User, *, municipality, roles) -> QuerySet[Pathway]:
    """The pathways a person may see listed: those they are on, and for coordinators
    every pathway of the municipality (opening one they are not on asks for a reason)."""
    scope = Pathway.objects.for_user(user, municipality=municipality)
    if Role.COORDINATOR in roles:
        return scope
    # The access list names records by a text id; PostgreSQL compares only like with like.
    on_list = (
        RecordAccess.objects.for_self(user)
        .filter(municipality=municipality, record_type=SUBJECT)
        .annotate(pathway_id=Cast("record_id", BigIntegerField()))
        .values("pathway_id")
    )
    return scope.filter(pk__in=on_list)


def listed_ids(user: User, municipality) -> set[str]:
    """The ids of the pathways the person is on (for marking the others in a list)."""
    return set(
        RecordAccess.objects.for_self(user)
        .filter(municipality=municipality, record_type=SUBJECT)
        .values_list("record_id", flat=True)
    )


def pathway_steps(pathway: Pathway) -> list[Step]:
    """The pathway's steps and those of its release follow-ups, by due date."""
    release_ids = [
        str(pk)
        for pk in ReleaseFollowUp.objects.for_system(reason="the pathway the view checked")
        .filter(pathway=pathway)
        .values_list("pk", flat=True)
    ]
    return list(
        Step.objects.for_system(reason="the steps of the pathway the view checked")
        .filter(
            Q(subject_type=SUBJECT, subject_id=str(pathway.pk))
            | Q(subject_type=RELEASE_SUBJECT, subject_id__in=release_ids)
        )
        .select_related("responsible_user", "responsible_unit", "done_by")
        .order_by("done_at", "due_on", "pk")
    )


def step_note(step: Step) -> str:
    """Why the due date is not the one counted or chosen (a holiday or weekend)."""
    if not step.due_moved_from:
        return ""
    if step.routine == "pathways.delivery":
        # A chosen date moved off a day off: only that day explains it.
        return routines.moved_note(step.due_moved_from, step.due_on)
    return step.due_note


@dataclass
class PathwayView:
    pathway: Pathway
    needs: list[Need]
    deliveries: list[DeliveryStep]
    consents: list[Consent]
    referrals: list[Referral]
    orders: list[ProtectiveOrder]
    releases: list[ReleaseFollowUp]
    events: list[Event]
    steps: list[Step]
    people: list[RecordAccess]

    @property
    def consent(self) -> Consent | None:
        return next((c for c in self.consents if c.is_active), None)

    @property
    def timeline(self) -> list[tuple[Event, str]]:
        """The events, each with its detail in the reader's language."""
        return [(event, event_detail(event)) for event in self.events]


def event_detail(event: Event) -> str:
    """An event's detail in the reader's language (the timeline).

    ``detail`` holds codes (``health:not_needed``, ``sent:<service name>``), so a line
    written by a bokmål reader reads in nynorsk or English for the next one. A detail
    that is not such codes (a service's name, or a line written before the codes) is
    shown as it was stored.
    """
    labels = {
        Event.Code.ASSESSED: (Area, Need.Assessment),
        Event.Code.DELIVERY_ADDED: (Area,),
        Event.Code.DELIVERY_DONE: (Area,),
        Event.Code.CLOSED: (Pathway.Outcome,),
        Event.Code.ORDER: (ProtectiveOrder.Type,),
        Event.Code.RELEASE: (ReleaseFollowUp.Type,),
        Event.Code.REFERRAL_STATUS: (Referral.Status, None),
    }.get(event.code)
    if not labels:
        return event.detail
    parts = event.detail.split(":", len(labels) - 1)
    if len(parts) != len(labels):
        return event.detail
    shown = []
    for part, choices in zip(parts, labels, strict=True):
        if choices is None:
            shown.append(part)
        elif part in choices.values:
            shown.append(str(choices(part).label))
        else:
            return event.detail
    if event.code == Event.Code.REFERRAL_STATUS:
        return f"{shown[1]}: {shown[0]}"
    return ": ".join(shown)


def pathway_view(pathway: Pathway) -> PathwayView:
    reason = "the pathway the view checked"
    return PathwayView(
        pathway=pathway,
        needs=list(pathway.needs.select_related("assessed_by")),
        deliveries=list(
            DeliveryStep.objects.for_system(reason=reason)
            .filter(pathway=pathway)
            .select_related("need", "unit", "person", "step")
        ),
        consents=list(pathway.consents.select_related("recorded_by", "withdrawn_by")),
        referrals=list(pathway.referrals.select_related("created_by")),
        orders=list(pathway.orders.all()),
        releases=list(pathway.releases.select_related("responsible")),
        events=list(pathway.events.select_related("actor")[:200]),
        steps=pathway_steps(pathway),
        people=list(
            RecordAccess.objects.for_system(reason=reason)
            .filter(record_type=SUBJECT, record_id=str(pathway.pk))
            .select_related("user")
        ),
    )


# --- the coordinator's dashboard -------------------------------------------------------


def week_end(today: date) -> date:
    """The Sunday of ``today``'s week."""
    return today + timedelta(days=6 - today.weekday())


@dataclass
class Dashboard:
    by_stage: list[tuple[str, str, int]]  # (stage, label, count)
    open_total: int
    overdue: list[Step]
    overdue_total: int
    due_week: list[Step]
    due_week_total: int
    median_days: float | None
    median_count: int
    orders: list[ProtectiveOrder]
    more_orders: bool  # more than LIST_LIMIT: a link to them all
    releases: list[ReleaseFollowUp]
    more_releases: bool
    newest: list[Pathway]
    order_figures: list[dict]


# The dashboard shows the first rows of each list; the rest are a "show all" link away.
LIST_LIMIT = 10
# Encrypted texts a list never shows: left unread, so they are not decrypted.
PATHWAY_TEXT = ("pathway__notes", "pathway__outcome_note")
REASON = "the coordinator's dashboard"


def _open_steps(municipality) -> QuerySet[Step]:
    return Step.objects.for_system(reason=REASON).filter(
        municipality=municipality,
        subject_type__in=(SUBJECT, RELEASE_SUBJECT),
        done_at__isnull=True,
    )


def _first_by_due(steps: QuerySet[Step], limit: int) -> list[Step]:
    """The first ``limit`` steps by due date: one query per subject type, each read in
    the order of the index on (municipality, subject type, due date), then merged."""
    found = []
    for subject_type in (SUBJECT, RELEASE_SUBJECT):
        found += list(
            steps.filter(subject_type=subject_type)
            .select_related("responsible_user")
            .order_by("due_on", "pk")[:limit]
        )
    return sorted(found, key=lambda step: (step.due_on, step.pk))[:limit]


def median_days_to_assessed(municipality, *, since: date) -> tuple[float | None, int]:
    """Median working days from opening to every need assessed, for pathways opened
    since ``since``, from the days stored when the last need was assessed: a count and
    the one or two middle values at their offset, both read from the index
    ``pathways_pathway_assessed`` alone."""
    done = Pathway.objects.for_system(reason=REASON).filter(
        municipality=municipality, opened_on__gte=since, assessed_working_days__isnull=False
    )
    count = done.count()
    # The read runs when there is nothing to count too, so the query count stays fixed.
    middle = list(
        done.order_by("assessed_working_days").values_list("assessed_working_days", flat=True)[
            max(count - 1, 0) // 2 : count // 2 + 1
        ]
    )
    if not count:
        return None, 0
    return sum(middle) / len(middle), count


def _steps_due(municipality, today: date) -> dict[str, QuerySet[Step]]:
    steps = _open_steps(municipality)
    return {
        "overdue": steps.filter(due_on__lt=today),
        "week": steps.filter(due_on__gte=today, due_on__lte=week_end(today)),
    }


def _orders_ending(municipality, today: date, warning_days: int) -> QuerySet[ProtectiveOrder]:
    return (
        ProtectiveOrder.objects.for_system(reason=REASON)
        .filter(
            municipality=municipality,
            pathway__closed_at__isnull=True,
            ends_on__gte=today,
            ends_on__lte=today + timedelta(days=warning_days),
        )
        .select_related("pathway")
        .defer(*PATHWAY_TEXT)
        .order_by("ends_on", "pk")
    )


def _releases_ahead(municipality, today: date) -> QuerySet[ReleaseFollowUp]:
    return (
        ReleaseFollowUp.objects.for_system(reason=REASON)
        .filter(municipality=municipality, pathway__closed_at__isnull=True, expected_on__gte=today)
        .select_related("pathway", "responsible")
        .defer(*PATHWAY_TEXT, "risk_factors", "vulnerability")
        .order_by("expected_on", "pk")
    )


def dashboard(municipality, *, today: date, warning_days: int) -> Dashboard:
    """The coordinator's overview in a fixed number of queries whatever the number of
    pathways: counts are aggregated in the database and each list is cut at
    ``LIST_LIMIT`` rows."""
    scope = Pathway.objects.for_system(reason=REASON).filter(municipality=municipality)
    counts = dict(
        scope.open().values_list("stage").annotate(n=Count("pk")).values_list("stage", "n")
    )
    by_stage = [
        (stage, label, counts.get(stage, 0))
        for stage, label in Pathway.Stage.choices
        if stage != Pathway.Stage.CLOSED
    ]
    due = _steps_due(municipality, today)
    # Two plain range counts on the open steps' index: on SQLite faster than one pass with
    # conditional counts, which has to look at every row up to Sunday.
    totals = {name: steps.count() for name, steps in due.items()}
    median, median_count = median_days_to_assessed(municipality, since=today - timedelta(days=365))
    # One row more than shown says whether there are more, without a count query.
    orders = list(_orders_ending(municipality, today, warning_days)[: LIST_LIMIT + 1])
    releases = list(_releases_ahead(municipality, today)[: LIST_LIMIT + 1])
    return Dashboard(
        newest=list(scope.open().select_related("responsible").order_by("-opened_on", "-pk")[:10]),
        by_stage=by_stage,
        open_total=sum(counts.values()),
        overdue=_first_by_due(due["overdue"], LIST_LIMIT),
        overdue_total=totals["overdue"],
        due_week=_first_by_due(due["week"], LIST_LIMIT),
        due_week_total=totals["week"],
        median_days=median,
        median_count=median_count,
        orders=orders[:LIST_LIMIT],
        more_orders=len(orders) > LIST_LIMIT,
        releases=releases[:LIST_LIMIT],
        more_releases=len(releases) > LIST_LIMIT,
        order_figures=order_aggregates(municipality, today=today),
    )


def dashboard_list(municipality, kind: str, *, today: date, warning_days: int) -> QuerySet:
    """Every row of one of the dashboard's lists ("forfalt", "uke", "forbud",
    "loslatelser"), in the dashboard's order, for a page at a time."""
    if kind in ("forfalt", "uke"):
        steps = _steps_due(municipality, today)["overdue" if kind == "forfalt" else "week"]
        return steps.select_related("responsible_user").order_by("due_on", "pk")
    if kind == "forbud":
        return _orders_ending(municipality, today, warning_days)
    if kind == "loslatelser":
        return _releases_ahead(municipality, today)
    raise ValueError(kind)


def subjects_of(steps: list[Step]) -> dict[tuple[str, str], Pathway]:
    """The pathway each step belongs to (a release step's through its follow-up): two queries."""
    release_ids = [int(s.subject_id) for s in steps if s.subject_type == RELEASE_SUBJECT]
    release_pathway = dict(
        ReleaseFollowUp.objects.for_system(reason=REASON)
        .filter(pk__in=release_ids)
        .values_list("pk", "pathway_id")
    )
    pathway_ids = {int(s.subject_id) for s in steps if s.subject_type == SUBJECT}
    pathway_ids |= set(release_pathway.values())
    pathways = (
        Pathway.objects.for_system(reason=REASON)
        .defer("notes", "outcome_note")
        .in_bulk(list(pathway_ids))
    )
    found = {}
    for step in steps:
        if step.subject_type == SUBJECT:
            pathway = pathways.get(int(step.subject_id))
        else:
            pathway = pathways.get(release_pathway.get(int(step.subject_id)))
        if pathway is not None:
            found[(step.subject_type, step.subject_id)] = pathway
    return found


# --- anonymous aggregates ----------------------------------------------------------------


def order_aggregates(municipality, *, today: date) -> list[dict]:
    """Protective orders of the municipality by type, open and closed pathways alike: how
    many, how many in force today, and their length in days (first and last day counted),
    mean and median. Nothing names a person. A GROUP BY, then for each type present (at
    most the four types, whatever the number of orders) the one or two middle lengths
    read at their offset; all from the index ``pathways_order_length`` alone."""
    scope = ProtectiveOrder.objects.for_system(reason="anonymous order figures").filter(
        municipality=municipality
    )
    rows = list(
        scope.values("type")
        .annotate(
            count=Count("pk"),
            in_force=Count("pk", filter=Q(starts_on__lte=today, ends_on__gte=today)),
            mean=Avg("length_days"),
        )
        .order_by("type")
    )
    medians: dict[str, list[int]] = {}
    for row in rows:
        middle = (row["count"] - 1) // 2, row["count"] // 2 + 1
        medians[row["type"]] = list(
            scope.filter(type=row["type"])
            .order_by("length_days")
            .values_list("length_days", flat=True)[middle[0] : middle[1]]
        )
    labels = dict(ProtectiveOrder.Type.choices)
    return [
        {
            "type": row["type"],
            "label": labels.get(row["type"], row["type"]),
            "count": row["count"],
            "in_force": row["in_force"],
            "mean_days": row["mean"],
            "median_days": sum(medians[row["type"]]) / len(medians[row["type"]]),
        }
        for row in rows
    ]


def orders_to_warn(*, today: date):
    """Orders of open pathways ending within their municipality's warning period that the
    coordinators have not been warned about for this end date (the tick job's rows)."""
    from vern.pathways.models import PathwaySettings

    longest = max([120, *PathwaySettings.objects.values_list("order_warning_days", flat=True)])
    return (
        ProtectiveOrder.objects.for_system(reason="vern tick: orders ending soon")
        .filter(
            pathway__closed_at__isnull=True,
            ends_on__gte=today,
            ends_on__lte=today + timedelta(days=longest),
        )
        .filter(Q(warned_for__isnull=True) | ~Q(warned_for=F("ends_on")))
        .select_related("pathway")
        .order_by("ends_on", "pk")
    )
