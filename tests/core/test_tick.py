"""`vern tick` as a whole: one failing job does not keep the others from running."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command, execute_from_command_line

RAN = []


def exploding_job(*, today):
    RAN.append("exploding")
    raise RuntimeError("this job is broken")


def counting_job(*, today):
    RAN.append("counting")
    return 3


@pytest.fixture
def jobs(settings):
    RAN.clear()
    settings.VERN_TICK_JOBS = [
        "tests.core.test_tick.exploding_job",
        "tests.core.test_tick.counting_job",
        "vern.plans.tick.send_review_reminders",
    ]


def test_a_failing_job_is_logged_and_the_later_jobs_still_run(db, jobs, caplog):
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="1 job"):
        call_command("tick", stdout=out, stderr=err)
    assert RAN == ["exploding", "counting"]
    assert "tests.core.test_tick.counting_job: 3" in out.getvalue()
    assert "vern.plans.tick.send_review_reminders: 0" in out.getvalue()
    assert "tests.core.test_tick.exploding_job: failed" in err.getvalue()
    [record] = [r for r in caplog.records if r.exc_info]
    assert "exploding_job" in record.getMessage()
    assert "this job is broken" in caplog.text


def test_the_command_exits_non_zero_after_a_failure(db, jobs, capsys):
    with pytest.raises(SystemExit) as exit_:
        execute_from_command_line(["vern", "tick"])
    assert exit_.value.code == 1
    assert RAN == ["exploding", "counting"]
    assert "counting_job: 3" in capsys.readouterr().out
