"""A collection round's expected institutions picked by region and TLO type (tick all of
them, then adjust), without JavaScript: the form comes back with the ticks changed and
nothing saved. Officials only."""

import datetime

import pytest

from institutions.enums import InstitutionKind, TloType
from metrics.models import CollectionRound
from tests.factories import InstitutionFactory, RegionFactory

pytestmark = pytest.mark.django_db

NEW = "/metrics/rounds/new/"


@pytest.fixture
def institutions(db):
    kanto = RegionFactory(code="kanto", name_ja="関東地区")
    kinki = RegionFactory(code="kinki", name_ja="近畿地区", name_en="Kinki")
    kinki.order = 3
    kinki.save()
    return {
        "kanto-wide": InstitutionFactory(code="K-W", name_kana="かんとうわいど", region=kanto),
        "kanto-internal": InstitutionFactory(
            code="K-I", name_kana="かんとうないぶ", region=kanto, tlo_type=TloType.INTERNAL
        ),
        "kinki-wide": InstitutionFactory(code="N-W", name_kana="きんきわいど", region=kinki),
        "kinki-internal": InstitutionFactory(
            code="N-I", name_kana="きんきないぶ", region=kinki, tlo_type=TloType.INTERNAL
        ),
        "kinki-iphq": InstitutionFactory(
            code="N-H", region=kinki, kind=InstitutionKind.IP_HEADQUARTERS, tlo_type=""
        ),
    }


def _pick(client, pick, *, region="", group="", expected=(), url=NEW, **extra):
    data = {
        "fiscal_year": "2010",
        "opens_on": "2011-04-01",
        "deadline": "2011-06-30",
        "expected": list(expected),
        "pick_region": region,
        "pick_group": group,
        "pick": pick,
        **extra,
    }
    return client.post(url, data)


def _ticked(response) -> set[str]:
    return set(response.context["form"].initial["expected"])


@pytest.mark.parametrize(
    ("region", "group", "expected"),
    [
        ("kinki", "", {"K-W", "N-W", "N-I", "N-H"}),
        ("", "internal", {"K-W", "K-I", "N-I"}),
        ("kinki", "internal", {"K-W", "N-I"}),
        ("", "ip_headquarters", {"K-W", "N-H"}),
        ("", "", {"K-W", "K-I", "N-W", "N-I", "N-H"}),
    ],
)
def test_round_pick_ticks_a_region_and_type_and_saves_nothing(
    client_for, mext_official, institutions, region, group, expected
):
    response = _pick(client_for(mext_official), "add", region=region, group=group, expected=["K-W"])
    assert response.status_code == 200
    assert _ticked(response) == expected
    assert not CollectionRound.objects.exists()


def test_round_pick_unticks_a_region_keeping_the_others(client_for, mext_official, institutions):
    response = _pick(
        client_for(mext_official),
        "remove",
        region="kinki",
        expected=["K-W", "K-I", "N-W", "N-I", "N-H"],
    )
    assert _ticked(response) == {"K-W", "K-I"}


def test_round_pick_keeps_the_other_fields_as_typed(client_for, mext_official, institutions):
    response = _pick(client_for(mext_official), "add", region="kanto")
    form = response.context["form"]
    assert (form.initial["opens_on"], form.initial["deadline"]) == ("2011-04-01", "2011-06-30")
    page = response.content.decode()
    assert 'value="2011-06-30"' in page
    assert "選択中:2機関" in page


def test_round_pick_of_an_unknown_region_changes_no_tick(client_for, mext_official, institutions):
    response = _pick(client_for(mext_official), "add", region="atlantis", expected=["K-W"])
    assert response.status_code == 200
    assert _ticked(response) == {"K-W"}


def test_round_page_lists_institutions_by_region_in_reading_order(
    client_for, mext_official, institutions
):
    response = client_for(mext_official).get(NEW, {"fy": "2010"})
    groups = response.context["form"].groups()
    assert [g["region"] for g in groups] == ["関東地区", "近畿地区"]
    assert [i["institution"].code for i in groups[0]["items"]] == ["K-I", "K-W"]
    assert [i["group"] for i in groups[1]["items"]][:2] == ["internal", "external_wide_area"]


def test_round_pick_on_the_change_page_saves_nothing(client_for, mext_official, institutions):
    round_ = CollectionRound.objects.create(
        fiscal_year=2010,
        opens_on=datetime.date(2011, 4, 1),
        deadline=datetime.date(2011, 6, 30),
        created_by=mext_official,
    )
    round_.expected.set([institutions["kanto-wide"]])
    response = _pick(
        client_for(mext_official),
        "add",
        region="kinki",
        expected=["K-W"],
        url="/metrics/rounds/2010/edit/",
        version=str(round_.version),
    )
    assert response.status_code == 200
    assert _ticked(response) == {"K-W", "N-W", "N-I", "N-H"}
    assert response.context["form"].initial["version"] == str(round_.version)
    assert set(round_.expected.values_list("code", flat=True)) == {"K-W"}


@pytest.mark.parametrize("persona", ["staff_a", "mext_reviewer", "viewer"])
def test_round_pick_is_for_officials_only(request, client_for, institutions, persona):
    response = _pick(client_for(request.getfixturevalue(persona)), "add", region="kinki")
    assert response.status_code == 403
    assert not CollectionRound.objects.exists()


def test_round_page_lists_institutions_without_a_region_last(
    client_for, mext_official, institutions
):
    InstitutionFactory(code="C-1", kind=InstitutionKind.CERTIFIED_TLO, tlo_type="", region=None)
    response = client_for(mext_official).get(NEW, {"fy": "2010"})
    groups = response.context["form"].groups()
    assert [g["region"] for g in groups] == ["関東地区", "近畿地区", "地域の定めなし"]
