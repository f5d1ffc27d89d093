"""The demo's surveys: FY2010 closed with answers and an index, FY2011 open with staged
invitations for tlo-utokyo; idempotent; run by load_demo."""

import datetime
from collections import Counter

import pytest
from django.core.management import call_command
from django.utils import timezone

from institutions.demo import create_demo_accounts
from institutions.services import load_registry
from metrics.demo import load_demo_reports
from metrics.enums import ValueStatus
from metrics.models import AnnualReport, MetricValue
from notifications.enums import NotificationKind, NotificationState
from notifications.models import Notification
from surveys.demo import load_demo_surveys
from surveys.enums import SurveyPhase
from surveys.models import Answer, Contact, Survey

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(django_capture_on_commit_callbacks):
    """The registry, the demo accounts and reports, then the surveys, every recompute run."""
    load_registry()
    create_demo_accounts(password="demo-password-for-tests")
    with django_capture_on_commit_callbacks(execute=True):
        load_demo_reports()
    with django_capture_on_commit_callbacks(execute=True):
        message = load_demo_surveys()
    return message


def _mean(values):
    given = [v for v in values if v is not None]
    return sum(given) / len(given)


def _index(code, year):
    return MetricValue.objects.get(
        definition__code="satisfaction_index", institution__code=code, fiscal_year=year
    )


def test_demo_fy2010_survey_is_closed_with_answers_above_and_under_five(demo):
    survey = Survey.objects.get(fiscal_year=2010)
    answers = Counter(
        Answer.objects.filter(survey=survey).values_list("institution__code", flat=True)
    )
    assert survey.phase == SurveyPhase.CLOSED
    assert timezone.localdate(survey.closed_at) == datetime.date(2011, 6, 11)
    assert any(count >= 5 for count in answers.values())
    assert any(1 <= count <= 4 for count in answers.values())
    assert answers["TLO-UTTLO"] >= 5


def test_demo_fy2010_index_is_recomputed_from_the_answers(demo):
    answers = list(Answer.objects.filter(survey__fiscal_year=2010, institution__code="TLO-UTTLO"))
    expected = _mean(
        [
            _mean([getattr(a, name) for a in answers])
            for name in ("desk", "contracting", "ip_handling")
        ]
    )
    value = _index("TLO-UTTLO", 2010)
    report = AnnualReport.objects.get(institution__code="TLO-UTTLO", fiscal_year=2010)
    self_reported = _mean(
        [report.satisfaction_desk, report.satisfaction_contracting, report.satisfaction_ip_handling]
    )
    assert value.status == ValueStatus.DEFINED
    assert value.value == pytest.approx(expected)
    assert value.value != pytest.approx(float(self_reported))


def test_demo_fy2010_index_not_defined_under_five_answers_and_fy2009_self_reported(demo):
    under_five = [
        code
        for code, count in Counter(
            Answer.objects.filter(survey__fiscal_year=2010).values_list(
                "institution__code", flat=True
            )
        ).items()
        if count < 5
    ]
    report = AnnualReport.objects.get(institution__code="TLO-UTTLO", fiscal_year=2009)
    self_reported = _mean(
        [report.satisfaction_desk, report.satisfaction_contracting, report.satisfaction_ip_handling]
    )
    assert under_five
    assert all(_index(code, 2010).status != ValueStatus.DEFINED for code in under_five)
    assert _index("TLO-UTTLO", 2009).value == pytest.approx(float(self_reported))


def test_demo_fy2010_contacts_are_erased_and_counts_kept(demo):
    contacts = Contact.objects.filter(survey__fiscal_year=2010)
    assert contacts.count() > 0
    assert set(contacts.values_list("company", "person", "email")) == {("", "", "")}
    assert contacts.filter(erased_at__isnull=True).count() == 0
    assert contacts.answered().count() == Answer.objects.filter(survey__fiscal_year=2010).count()


def test_demo_fy2011_survey_is_open_with_utokyo_invitations_staged(demo):
    survey = Survey.objects.get(fiscal_year=2011)
    today = timezone.localdate()
    contacts = list(Contact.objects.filter(survey=survey))
    staged = Notification.objects.filter(
        kind=NotificationKind.SURVEY_INVITATION, state=NotificationState.STAGED
    )
    assert survey.phase == SurveyPhase.OPEN
    assert survey.opens_on <= today
    assert survey.closes_on == today + datetime.timedelta(days=30)
    assert len(contacts) >= 2
    assert {c.institution.code for c in contacts} == {"TLO-UTTLO"}
    assert all(c.invited_at is not None and c.token_hash for c in contacts)
    assert not any(c.answered_at for c in contacts)
    assert not Answer.objects.filter(survey=survey).exists()
    assert sorted(staged.values_list("to_address", flat=True)) == sorted(c.email for c in contacts)


def _snapshot():
    return (
        list(Survey.objects.order_by("fiscal_year").values()),
        list(Contact.objects.order_by("pk").values()),
        list(Answer.objects.order_by("pk").values()),
        list(Notification.objects.order_by("pk").values_list("pk", "to_address", "state")),
        Contact.history.count(),
        Survey.history.count(),
    )


def test_demo_surveys_twice_change_nothing(demo, django_capture_on_commit_callbacks):
    before = _snapshot()
    with django_capture_on_commit_callbacks(execute=True):
        message = load_demo_surveys()
    assert _snapshot() == before
    assert message == "Demo customer surveys: nothing to add."


def test_load_demo_command_runs_the_survey_step(
    monkeypatch, capsys, django_capture_on_commit_callbacks
):
    load_registry()
    monkeypatch.setenv("DEMO_PASSWORD", "demo-password-for-tests")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo")
    out = capsys.readouterr().out
    assert "Demo customer surveys: FY2010 (closed), FY2011 (open, 3 invitations staged" in out
    assert set(Survey.objects.values_list("fiscal_year", flat=True)) == {2010, 2011}
