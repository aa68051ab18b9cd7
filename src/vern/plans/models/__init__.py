from vern.plans.models.catalogue import Area, Level, Measure
from vern.plans.models.plan import CoverageNote, Plan, PlanVersion
from vern.plans.models.progress import (
    Indicator,
    Measurement,
    Milestone,
    PlanMeasure,
    ProgressNote,
    Review,
    ReviewItem,
)

__all__ = [
    "Area",
    "CoverageNote",
    "Indicator",
    "Level",
    "Measure",
    "Measurement",
    "Milestone",
    "Plan",
    "PlanMeasure",
    "PlanVersion",
    "ProgressNote",
    "Review",
    "ReviewItem",
]
