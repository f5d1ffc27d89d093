"""The cycle at once: the decisions' mergers and internalisations applied together."""

import pytest
from django.urls import reverse

from reviews.enums import Recommendation, SupportTier
from reviews.models import Decision
from reviews.selectors.consolidations import cycle_consolidations
from tests.factories import InstitutionFactory, RegionFactory

from .consequences_support import decided_cycle


@pytest.fixture
def cycle(institution_a, institution_b):
    kyushu = RegionFactory(code="kyushu", name_ja="九州・沖縄地区", name_en="Kyushu")
    c = InstitutionFactory(code="TLO-CCC", region=kyushu)
    d = InstitutionFactory(code="TLO-DDD")
    cycle = decided_cycle(
        tiers={
            institution_a: SupportTier.STANDARD,
            institution_b: SupportTier.STANDARD,
            c: SupportTier.NONE,
            d: SupportTier.NONE,
        }
    )
    # A and B both ask to merge with each other: one plan. C is internalised: Kyushu
    # loses its only TLO.
    Decision.objects.filter(entry__institution=institution_a).update(
        recommendation=Recommendation.MERGE, merge_partner=institution_b
    )
    Decision.objects.filter(entry__institution=institution_b).update(
        recommendation=Recommendation.MERGE, merge_partner=institution_a
    )
    Decision.objects.filter(entry__institution=c).update(recommendation=Recommendation.INTERNALISE)
    return cycle


def test_cycle_consolidations_apply_every_plan_once(cycle):
    data = cycle_consolidations(cycle)
    assert sorted(p.kind for p in data.applied) == ["internalisation", "merger"]
    assert (data.tlo_count_before, data.tlo_count_after) == (4, 2)
    assert data.regions_left_without == ["九州・沖縄地区"]
    assert data.conflicts == []


def test_cycle_consolidations_show_a_conflict_without_resolving_it(cycle, institution_b):
    d = Decision.objects.get(entry__institution__code="TLO-DDD")
    Decision.objects.filter(pk=d.pk).update(
        recommendation=Recommendation.MERGE, merge_partner=institution_b
    )
    data = cycle_consolidations(cycle)
    assert [name for name, _plans in data.conflicts] == [institution_b.name_ja]
    assert [p.kind for p in data.applied] == ["internalisation"]


@pytest.mark.parametrize("persona", ["mext_reviewer", "viewer", "staff_a"])
def test_cycle_consolidations_page_refuses_other_roles(request, client_for, cycle, persona):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse("reviews:consolidations", args=[2010])).status_code == 403


def test_cycle_consolidations_page_for_officials(client_for, cycle, meti_official):
    response = client_for(meti_official).get(reverse("reviews:consolidations", args=[2010]))
    assert response.status_code == 200
    assert "九州・沖縄地区" in response.content.decode()


def test_cycle_consolidations_count_regions_and_types_apart(cycle):
    data = cycle_consolidations(cycle)
    assert ("九州・沖縄地区", 1, 0) in data.regions
    # Four wide-area TLOs; A and B become one, C is internalised.
    assert ("広域型", 4, 2) in data.types
    assert not {label for label, *_ in data.regions} & {label for label, *_ in data.types}


def test_cycle_consolidations_page_amounts_in_the_readers_unit(
    client_for, cycle, institution_a, mext_official
):
    import io

    from django.core.management import call_command

    from metrics.models import MetricDefinition, MetricValue

    call_command("load_metric_definitions", stdout=io.StringIO())
    definition = MetricDefinition.objects.filter(unit="yen").order_by("code").first()
    MetricValue.objects.create(
        definition=definition, institution=institution_a, fiscal_year=2010, value=2_500_000
    )
    mext_official.amount_unit = "thousand"
    mext_official.save()
    page = client_for(mext_official).get(reverse("reviews:consolidations", args=[2010]))
    assert "2,500千円" in page.content.decode()  # the median before, in 千円
    assert "¥2,500,000" not in page.content.decode()
