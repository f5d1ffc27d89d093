from collections import Counter

import pytest

from institutions.enums import InstitutionKind, InstitutionStatus
from institutions.models import ConsolidationEvent, Institution, Region
from institutions.services import load_registry

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry():
    load_registry()


def test_load_registry_counts_approved_tlos_by_type(registry):
    approved = Institution.objects.filter(
        kind=InstitutionKind.APPROVED_TLO, status=InstitutionStatus.ACTIVE
    )
    assert approved.count() == 46
    assert Counter(approved.values_list("tlo_type", flat=True)) == {
        "internal": 17,
        "external_integrated": 8,
        "external_wide_area": 21,
    }


def test_load_registry_counts_approved_tlos_by_region(registry):
    approved = Institution.objects.filter(
        kind=InstitutionKind.APPROVED_TLO, status=InstitutionStatus.ACTIVE
    )
    assert Counter(approved.values_list("region__code", flat=True)) == {
        "kanto": 18,
        "chubu": 10,
        "kyushu_okinawa": 7,
        "kinki": 5,
        "chugoku_shikoku": 4,
        "hokkaido_tohoku": 2,
    }


def test_load_registry_counts_other_kinds(registry):
    assert Institution.objects.filter(kind=InstitutionKind.CERTIFIED_TLO).count() == 4
    assert Institution.objects.filter(status=InstitutionStatus.REVOKED).count() == 6
    assert Institution.objects.filter(kind=InstitutionKind.IP_HEADQUARTERS).count() == 67
    assert Region.objects.count() == 6
    assert ConsolidationEvent.objects.count() == 6


def test_load_registry_links_consolidations_to_successors(registry):
    rikogaku = ConsolidationEvent.objects.get(predecessor__code="TLO-RIKOGAKU")
    assert rikogaku.successor.code == "TLO-TITECH"
    assert rikogaku.kind == "internalisation"
    hamamatsu = ConsolidationEvent.objects.get(predecessor__code="TLO-HAMAMATSU")
    assert (hamamatsu.successor.code, hamamatsu.kind) == ("TLO-SHIZUOKA", "merger")
    tsukuba = ConsolidationEvent.objects.get(predecessor__code="TLO-TSUKUBA-LIAISON")
    assert tsukuba.successor.name_ja == "筑波大学"


def test_load_registry_twice_changes_nothing(registry):
    def snapshot():
        return (
            list(Institution.objects.values().order_by("code")),
            Institution.history.count(),
            list(ConsolidationEvent.objects.values().order_by("id")),
        )

    before = snapshot()
    summary = load_registry()
    assert snapshot() == before
    assert (summary.created, summary.updated) == (0, 0)
