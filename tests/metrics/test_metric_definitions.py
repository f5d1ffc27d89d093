"""The default definitions are data, loaded by a migration, and match SPEC §4."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from metrics.enums import Combination, MetricUnit, Window
from metrics.models import MetricDefinition

pytestmark = pytest.mark.django_db

SPEC_CODES = {
    "return_on_cost",
    "commercialisation_rate",
    "licence_rate",
    "home_run_licences",
    "grant_rate",
    "income_per_licence",
    "joint_research_income_per_agreement",
    "derived_research_ratio",
    "induced_research_count",
    "startups_founded",
    "jobs_created",
    "social_return",
    "operating_balance",
    "self_sufficiency",
    "satisfaction_index",
    "licences_per_staff",
    "regional_licensee_share",
}


def definition(code):
    return MetricDefinition.objects.get(code=code)


def test_every_spec_metric_is_defined():
    assert set(MetricDefinition.objects.values_list("code", flat=True)) == SPEC_CODES


def test_the_seeds_three_formulas_exactly():
    return_on_cost = definition("return_on_cost")
    assert (return_on_cost.name_ja, return_on_cost.nickname) == ("収益率", "打点")
    assert return_on_cost.numerator_terms == ["licence_income"]
    assert return_on_cost.denominator_terms == ["personnel_costs", "patent_costs"]
    assert (return_on_cost.numerator_window, return_on_cost.denominator_window) == (
        Window.YEAR,
        Window.YEAR,
    )

    commercialisation = definition("commercialisation_rate")
    assert (commercialisation.name_ja, commercialisation.nickname) == ("事業化率", "ホームラン率")
    assert commercialisation.numerator_terms == ["commercialisations"]
    assert commercialisation.numerator_window == Window.YEAR
    assert commercialisation.denominator_terms == ["licences_granted"]
    assert commercialisation.denominator_window == Window.CUMULATIVE
    assert commercialisation.follows_lineage is True

    licence_rate = definition("licence_rate")
    assert (licence_rate.name_ja, licence_rate.nickname) == ("ライセンス許諾率", "打率")
    assert licence_rate.numerator_terms == ["licences_granted"]
    assert licence_rate.denominator_terms == ["patent_applications"]
    for seed_metric in (return_on_cost, commercialisation, licence_rate):
        assert seed_metric.unit == MetricUnit.PERCENT
        assert seed_metric.combination == Combination.RATIO
        assert "参考2-1" in seed_metric.seed_source


def test_home_run_threshold_defaults_to_ten_million_yen():
    home_runs = definition("home_run_licences")
    assert home_runs.home_run_threshold == 10_000_000
    assert home_runs.numerator_terms == ["licence_rows_home_run"]
    assert home_runs.combination == Combination.TOTAL


@pytest.mark.parametrize(
    ("code", "combination", "numerator", "denominator"),
    [
        (
            "operating_balance",
            Combination.DIFFERENCE,
            ["licence_income", "other_income"],
            ["personnel_costs", "patent_costs", "other_costs"],
        ),
        (
            "self_sufficiency",
            Combination.RATIO,
            ["licence_income", "other_income"],
            ["personnel_costs", "patent_costs", "other_costs"],
        ),
        (
            "social_return",
            Combination.RATIO,
            ["licensed_product_sales"],
            ["national_subsidies", "regional_support"],
        ),
        (
            "regional_licensee_share",
            Combination.RATIO,
            ["licence_rows_in_region"],
            ["licence_rows"],
        ),
        (
            "satisfaction_index",
            Combination.MEAN,
            ["satisfaction_desk", "satisfaction_contracting", "satisfaction_ip_handling"],
            [],
        ),
        ("licences_per_staff", Combination.RATIO, ["licences_granted"], ["staff_fte"]),
        (
            "joint_research_income_per_agreement",
            Combination.RATIO,
            ["joint_research_income"],
            ["joint_research_count"],
        ),
    ],
)
def test_other_spec_formulas(code, combination, numerator, denominator):
    found = definition(code)
    assert (found.combination, found.numerator_terms, found.denominator_terms) == (
        combination,
        numerator,
        denominator,
    )


def test_every_default_definition_is_valid_and_described():
    for found in MetricDefinition.objects.all():
        found.full_clean()
        assert found.name_en and found.description_ja and found.description_en
        assert found.seed_source


def test_clean_rejects_an_unknown_term_and_a_missing_denominator():
    bad = MetricDefinition(
        code="bad",
        name_ja="悪い",
        name_en="bad",
        combination=Combination.RATIO,
        numerator_terms=["no_such_figure"],
        unit=MetricUnit.PERCENT,
    )
    with pytest.raises(ValidationError) as error:
        bad.full_clean()
    assert set(error.value.message_dict) == {"numerator_terms", "denominator_terms"}


def test_load_metric_definitions_puts_back_a_changed_definition_and_is_idempotent(
    django_capture_on_commit_callbacks,
):
    MetricDefinition.objects.filter(code="licence_rate").update(
        denominator_terms=["patents_granted"], nickname="x"
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        call_command("load_metric_definitions", stdout=io.StringIO())
    assert definition("licence_rate").denominator_terms == ["patent_applications"]
    assert definition("licence_rate").nickname == "打率"
    assert len(callbacks) == 1  # a recompute is queued because something changed
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        call_command("load_metric_definitions", stdout=io.StringIO())
    assert callbacks == []


def test_loading_the_definitions_records_each_change_in_their_history(mext_official):
    from metrics.services.metric_values import load_default_definitions

    MetricDefinition.objects.filter(code="licence_rate").update(nickname="x")
    MetricDefinition.objects.filter(code="grant_rate").delete()
    before = MetricDefinition.history.count()

    assert load_default_definitions(actor=mext_official) == (1, 1)

    new = MetricDefinition.history.order_by("-history_id")[:2]
    assert sorted((r.code, r.history_type, r.nickname) for r in new) == [
        ("grant_rate", "+", ""),
        ("licence_rate", "~", "打率"),
    ]
    assert {(r.history_user, r.history_change_reason) for r in new} == {
        (mext_official, "default definitions")
    }
    assert MetricDefinition.history.count() == before + 2
