"""What each person sees of the results, the download for scripts, and the indicator."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from metrics.models import SurveyResult
from metrics.services.metric_values import recompute_metric_values
from surveys.models import Answer
from surveys.services import rounds
from tests.metrics.metric_builders import accepted_report, stored
from tests.reviews.conftest import assign, set_stage
from tests.surveys.conftest import add_contacts

WITHHELD_JA = "回答が5件未満のため表示しません"


def answered(survey, institution, scores, *, comment=""):
    """Contacts invited and answered, with one answer per (desk, contracting, ip) tuple."""
    contacts = add_contacts(survey, institution, len(scores), prefix=f"{institution.code}-")
    now = timezone.now()
    for contact, (desk, contracting, ip_handling) in zip(contacts, scores, strict=True):
        contact.invited_at = contact.answered_at = now
        contact.save()
        Answer.objects.create(
            survey=survey,
            institution=institution,
            desk=desk,
            contracting=contracting,
            ip_handling=ip_handling,
            work_again="yes",
            comment=comment,
            answered_on=timezone.localdate(),
        )
    return contacts


FIVE = [(5, 4, 3), (4, 4, 3), (3, 4, None), (4, 4, 3), (4, 4, 3)]  # desk 4.0, contr 4.0, ip 3.0
THREE = [(2, 2, 2), (1, 3, 2), (3, 1, 2)]


@pytest.fixture
def with_answers(open_survey, institution_a, institution_b):
    answered(open_survey, institution_a, FIVE, comment="窓口が親切")
    answered(open_survey, institution_b, THREE, comment="遅い")
    add_contacts(open_survey, institution_b, 1, prefix="uninvited")
    return open_survey


def detail(survey):
    return reverse("surveys:detail", args=[survey.fiscal_year])


def test_results_csv_official_gets_live_means_and_index_only_from_five(
    client_for, mext_official, with_answers
):
    response = client_for(mext_official).get(reverse("surveys:results_csv", args=[2011]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [
        [
            "institution_code",
            "invited",
            "answered",
            "desk_mean",
            "contracting_mean",
            "ip_handling_mean",
            "satisfaction_index",
        ],
        ["TLO-AAA", "5", "5", "4.00", "4.00", "3.00", "3.67"],
        ["TLO-BBB", "3", "3", "2.00", "2.00", "2.00", ""],
    ]


@pytest.mark.parametrize("persona", ["staff_a", "mext_reviewer", "viewer"])
def test_results_csv_anyone_else_gets_403(request, client_for, with_answers, persona):
    user = request.getfixturevalue(persona)
    assert client_for(user).get(reverse("surveys:results_csv", args=[2011])).status_code == 403


def test_results_csv_anonymous_goes_to_login(anonymous_client, with_answers):
    assert anonymous_client.get(reverse("surveys:results_csv", args=[2011])).status_code == 302


def test_results_official_sees_every_tlo_with_comments(client_for, mext_official, with_answers):
    body = client_for(mext_official).get(detail(with_answers)).content.decode()
    assert "窓口が親切" in body and "遅い" in body
    assert "会社" not in body  # no company or person beside the comments


def test_results_staff_with_five_answers_sees_means_not_comments(client_for, staff_a, with_answers):
    body = client_for(staff_a).get(detail(with_answers)).content.decode()
    assert "4.00" in body
    assert WITHHELD_JA not in body
    assert "窓口が親切" not in body
    assert "機関B" not in body


def test_results_staff_under_five_answers_sees_only_the_rate(client_for, staff_b, with_answers):
    body = client_for(staff_b).get(detail(with_answers)).content.decode()
    assert WITHHELD_JA in body
    assert "2.00" not in body
    assert "遅い" not in body
    assert "100%" in body  # 3 answered of 3 invited (the fourth was never invited)


def test_results_viewer_sees_national_figures_only(client_for, viewer, with_answers, institution_c):
    answered(with_answers, institution_c, FIVE)
    body = client_for(viewer).get(detail(with_answers)).content.decode()
    assert "機関A" not in body and "機関B" not in body
    assert "13" in body  # answered nationally


def test_results_viewer_national_withheld_under_three_tlos(client_for, viewer, with_answers):
    body = client_for(viewer).get(detail(with_answers)).content.decode()
    assert "回答のあったTLOが少なく" in body
    assert "3.00" not in body
    assert "回答数: 8" not in body  # nor the counts: two TLOs' sum


def test_results_viewer_national_means_withheld_under_five_answers(
    client_for, viewer, open_survey, institution_a, institution_b, institution_c
):
    for institution in (institution_a, institution_b, institution_c):
        answered(open_survey, institution, [(5, 5, 5)])
    body = client_for(viewer).get(detail(open_survey)).content.decode()
    assert "回答数: 3" in body
    assert WITHHELD_JA in body
    assert "5.00" not in body


@pytest.fixture
def institution_c(db):
    from tests.factories import InstitutionFactory

    return InstitutionFactory(code="TLO-CCC", name_ja="機関C")


@pytest.fixture
def review_of_a_and_b(institution_a, institution_b, mext_official, mext_reviewer):
    from reviews.enums import Stage
    from reviews.services import cycles

    cycle = cycles.create_cycle(
        actor=mext_official, fiscal_year=2011, institutions=[institution_a, institution_b]
    )
    assign(cycle.entries.get(institution=institution_a), mext_reviewer)
    assign(cycle.entries.get(institution=institution_b), mext_reviewer)
    return set_stage(cycle, Stage.SCORING)


def score_url(code):
    return reverse("reviews:score", args=[2011, code])


def test_scoring_page_shows_survey_summary_from_five_answers(
    client_for, mext_reviewer, mext_official, with_answers, review_of_a_and_b
):
    rounds.close_survey(actor=mext_official, survey=with_answers)
    body = client_for(mext_reviewer).get(score_url("TLO-AAA")).content.decode()
    assert 'id="survey-summary"' in body
    assert "4.00" in body
    assert "窓口が親切" not in body


def test_scoring_page_withholds_survey_means_under_five(
    client_for, mext_reviewer, mext_official, with_answers, review_of_a_and_b
):
    rounds.close_survey(actor=mext_official, survey=with_answers)
    body = client_for(mext_reviewer).get(score_url("TLO-BBB")).content.decode()
    assert WITHHELD_JA in body
    assert "2.00" not in body


def test_scoring_page_unassigned_reviewer_sees_nothing(
    client_for, meti_reviewer, mext_official, with_answers, review_of_a_and_b
):
    rounds.close_survey(actor=mext_official, survey=with_answers)
    response = client_for(meti_reviewer).get(score_url("TLO-AAA"))
    assert response.status_code in (403, 404)
    assert "survey-summary" not in response.content.decode()


def test_close_hands_results_to_metrics_and_index_comes_from_customers(
    client_for, mext_official, with_answers, institution_a, institution_b
):
    self_reported = {
        "satisfaction_desk": Decimal("2"),
        "satisfaction_contracting": Decimal("2"),
        "satisfaction_ip_handling": Decimal("2"),
    }
    accepted_report(institution_a, 2010, **self_reported)
    accepted_report(institution_a, 2011, **self_reported)
    accepted_report(institution_b, 2011, **self_reported)
    response = client_for(mext_official).post(reverse("surveys:action", args=[2011, "close"]))
    assert response.status_code == 302
    recompute_metric_values()
    assert list(
        SurveyResult.objects.order_by("institution__code").values_list(
            "institution__code", "invited", "answered"
        )
    ) == [("TLO-AAA", 5, 5), ("TLO-BBB", 3, 3)]
    assert stored("satisfaction_index", institution_a, 2011).value == pytest.approx((4 + 4 + 3) / 3)
    assert stored("satisfaction_index", institution_a, 2010).value == pytest.approx(2.0)
    assert stored("satisfaction_index", institution_b, 2011).value is None


def test_close_by_wrong_role_is_403(client_for, staff_a, with_answers):
    assert (
        client_for(staff_a).post(reverse("surveys:action", args=[2011, "close"])).status_code == 403
    )
    assert with_answers.__class__.objects.get().closed_at is None


def test_close_due_surveys_closes_after_the_closing_date(with_answers):
    import datetime

    assert rounds.close_due_surveys(today=with_answers.closes_on) == []
    assert rounds.close_due_surveys(today=with_answers.closes_on + datetime.timedelta(days=1)) == [
        2011
    ]
    assert SurveyResult.objects.count() == 2


def test_survey_list_and_detail_wrong_side(anonymous_client, client_for, staff_a, with_answers):
    assert anonymous_client.get(detail(with_answers)).status_code == 302
    assert client_for(staff_a).get(reverse("surveys:create")).status_code == 403
    assert client_for(staff_a).get(reverse("surveys:edit", args=[2011])).status_code == 403
    assert client_for(staff_a).get(reverse("surveys:detail", args=[1999])).status_code == 404


def test_survey_create_form_starts_from_the_standard_questions(client_for, mext_official):
    page = client_for(mext_official).get(reverse("surveys:create")).content.decode()
    assert 'value="窓口の対応(問い合わせへの応答の速さ・分かりやすさ)に満足していますか。"' in page
    assert 'value="Would you work with this TLO again?"' in page
