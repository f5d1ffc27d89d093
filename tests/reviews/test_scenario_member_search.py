"""The members of a consolidation scenario: only sensible candidates (active approved
TLOs, and the members already saved), by region in 読み順, with a search by name,
reading or alias that works without JavaScript (GET ?q=) and never drops a ticked one."""

import datetime

import pytest
from django.urls import reverse

from institutions.enums import InstitutionKind, InstitutionStatus
from institutions.models import Institution, InstitutionAlias
from reviews.enums import ScenarioKind
from reviews.models import ConsolidationScenario
from reviews.services import scenarios
from tests.factories import InstitutionFactory, RegionFactory

from .consequences_support import decided_cycle

pytestmark = pytest.mark.django_db


@pytest.fixture
def candidates(db):
    kanto = RegionFactory(code="kanto", name_ja="関東地区")
    kinki = RegionFactory(code="kinki", name_ja="近畿地区", name_en="Kinki")
    kinki.order = 3
    kinki.save()
    made = {
        "tokyo": InstitutionFactory(
            code="TLO-T",
            name_ja="東京ティーエルオー",
            name_kana="とうきょうてぃーえるおー",
            region=kanto,
        ),
        "aomori": InstitutionFactory(
            code="TLO-A", name_ja="青森技術移転", name_kana="あおもりぎじゅついてん", region=kanto
        ),
        "kansai": InstitutionFactory(
            code="TLO-K", name_ja="関西テクノ", name_kana="かんさいてくの", region=kinki
        ),
        "revoked": InstitutionFactory(
            code="TLO-R",
            name_ja="廃止TLO",
            status=InstitutionStatus.REVOKED,
            revoked_on=datetime.date(2009, 3, 31),
            region=kanto,
        ),
        "certified": InstitutionFactory(
            code="CTLO-C", name_ja="認定機関", kind=InstitutionKind.CERTIFIED_TLO, tlo_type=""
        ),
    }
    InstitutionAlias.objects.create(institution=made["kansai"], name="関西TLO株式会社")
    decided_cycle(institutions=[made["tokyo"], made["aomori"], made["kansai"], made["certified"]])
    return made


def _shown(response) -> list[str]:
    return [
        item["institution"].code
        for group in response.context["member_groups"]
        for item in group["items"]
        if item["shown"]
    ]


def test_scenario_members_are_active_approved_tlos_by_region_in_reading_order(
    client_for, mext_official, candidates
):
    response = client_for(mext_official).get(reverse("reviews:scenarios", args=[2010]))
    assert _shown(response) == ["TLO-A", "TLO-T", "TLO-K"]
    regions = [group["region"] for group in response.context["member_groups"]]
    assert regions == ["関東地区", "近畿地区"]
    page = response.content.decode()
    assert "廃止TLO" not in page
    assert "認定機関" not in page


def test_scenario_refuses_a_revoked_member_posted_by_hand(client_for, mext_official, candidates):
    response = client_for(mext_official).post(
        reverse("reviews:scenarios", args=[2010]),
        {
            "version": 0,
            "name": "x",
            "kind": "merger",
            "members": [candidates["tokyo"].pk, candidates["revoked"].pk],
            "saved_costs_percent": "0",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["members"]
    assert not ConsolidationScenario.objects.exists()


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("東京", ["TLO-T"]),  # name
        ("カンサイ", ["TLO-K"]),  # reading, typed in katakana
        ("かんさい", ["TLO-K"]),  # reading in hiragana
        ("関西ＴＬＯ", ["TLO-K"]),  # alias, full-width and without the legal form
        ("tlo-a", ["TLO-A"]),  # code
        ("見つからない", []),
    ],
)
def test_scenario_member_search_without_javascript(
    client_for, mext_official, candidates, search, expected
):
    response = client_for(mext_official).get(
        reverse("reviews:scenarios", args=[2010]), {"q": search}
    )
    assert _shown(response) == expected
    # The "no candidate" line is hidden exactly when something matched.
    assert ("data-filter-empty hidden" in response.content.decode()) is bool(expected)


def test_scenario_member_search_keeps_the_saved_members_in_view(
    client_for, mext_official, candidates
):
    scenario = scenarios.save_scenario(
        actor=mext_official,
        cycle=candidates["tokyo"].review_entries.get().cycle,
        scenario=None,
        name="A+T",
        kind=ScenarioKind.MERGER,
        members=[candidates["tokyo"], candidates["aomori"]],
        expected_version=0,
    )
    response = client_for(mext_official).get(
        reverse("reviews:scenario", args=[2010, scenario.pk]), {"q": "かんさい"}
    )
    assert _shown(response) == ["TLO-A", "TLO-T", "TLO-K"]
    checked = [
        item["institution"].code
        for group in response.context["member_groups"]
        for item in group["items"]
        if item["checked"]
    ]
    assert checked == ["TLO-A", "TLO-T"]


def test_scenario_saved_member_since_revoked_is_still_offered(
    client_for, mext_official, candidates
):
    tokyo, aomori = candidates["tokyo"], candidates["aomori"]
    scenario = scenarios.save_scenario(
        actor=mext_official,
        cycle=tokyo.review_entries.get().cycle,
        scenario=None,
        name="A+T",
        kind=ScenarioKind.MERGER,
        members=[tokyo, aomori],
        expected_version=0,
    )
    Institution.objects.filter(pk=aomori.pk).update(
        status=InstitutionStatus.REVOKED, revoked_on=datetime.date(2011, 3, 31)
    )
    response = client_for(mext_official).get(reverse("reviews:scenario", args=[2010, scenario.pk]))
    assert "TLO-A" in _shown(response)
    assert "TLO-R" not in _shown(response)


@pytest.mark.parametrize("persona", ["mext_reviewer", "viewer", "staff_a"])
def test_scenario_member_search_is_for_officials_only(request, client_for, candidates, persona):
    client = client_for(request.getfixturevalue(persona))
    response = client.get(reverse("reviews:scenarios", args=[2010]), {"q": "東京"})
    # A TLO's staff outside the cycle do not even learn that the cycle exists.
    assert response.status_code in (403, 404)
    assert "東京ティーエルオー" not in response.content.decode()
