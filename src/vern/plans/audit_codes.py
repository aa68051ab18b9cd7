"""The action plans' audit codes and detail keys (see audit/codes.py)."""

from django.utils.translation import gettext_lazy as _

from vern.audit.codes import register, register_detail_key

register("plans.plan.create", _("Plan created"))
register("plans.plan.update", _("Plan changed"))
register("plans.plan.status", _("Plan status changed"))
register("plans.plan.expired", _("Plan expired"))
register("plans.plan.review_reminded", _("Reminder sent about a review"))
register("plans.plan.read", _("Viewed a plan"), reads="plans.plan")
register("plans.version.create", _("Plan version saved"))
register("plans.planversion.read", _("Viewed a plan version"), reads="plans.planversion")
register("plans.measure.create", _("Local measure created"))
register("plans.planmeasure.create", _("Measure added to a plan"))
register("plans.planmeasure.update", _("Plan measure changed"))
register("plans.planmeasure.delete", _("Measure removed from a plan"))
register("plans.planmeasure.reminded", _("Reminder sent about a measure"))
register("plans.planmeasure.read", _("Viewed a plan measure"), reads="plans.planmeasure")
register("plans.milestone.create", _("Milestone added"))
register("plans.milestone.update", _("Milestone changed"))
register("plans.indicator.create", _("Indicator added"))
register("plans.measurement.create", _("Measurement added"))
register("plans.note.create", _("Progress note added"))
register("plans.coverage.update", _("Coverage changed"))
register("plans.review.create", _("Review saved"))
register("plans.review.read", _("Viewed a review"), reads="plans.review")

register_detail_key("version", _("Version"))
register_detail_key("measure", _("Measure"))
register_detail_key("milestone", _("Milestone"))
register_detail_key("done_on", _("Done on"))
register_detail_key("indicator", _("Indicator"))
register_detail_key("coverage", _("Coverage"))
register_detail_key("due_on", _("Deadline"))
register_detail_key("due", _("Due"))
register_detail_key("recipients", _("Recipients"))
