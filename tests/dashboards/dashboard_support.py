"""A small country for the dashboard tests: eight approved TLOs in three regions, with
figures written out here so that every expected value is computed in the test."""

from __future__ import annotations

from dataclasses import dataclass

from institutions.enums import Specialisation, TloType
from institutions.models import Region
from metrics.services.metric_values import load_default_definitions, recompute_metric_values
from tests.factories import InstitutionFactory
from tests.metrics.metric_builders import accepted_report

WIDE = TloType.EXTERNAL_WIDE_AREA
INTERNAL = TloType.INTERNAL

# code, region, type, specialisation, FY2010 figures (FY2009 = half of them)
INSTITUTIONS = [
    ("TLO-K1", "kanto", WIDE, Specialisation.GENERAL, 40_000_000, 10_000_000, 20, 100, 30),
    ("TLO-K2", "kanto", WIDE, Specialisation.PHARMA, 12_000_000, 8_000_000, 10, 40, 12),
    ("TLO-K3", "kanto", WIDE, Specialisation.GENERAL, 3_000_000, 12_000_000, 4, 25, 7),
    ("TLO-K4", "kanto", INTERNAL, Specialisation.GENERAL, 9_000_000, 6_000_000, 6, 30, 9),
    ("TLO-N1", "kinki", WIDE, Specialisation.GENERAL, 20_000_000, 10_000_000, 12, 60, 15),
    ("TLO-N2", "kinki", WIDE, Specialisation.IT, 5_000_000, 5_000_000, 5, 20, 4),
    ("TLO-N3", "kinki", WIDE, Specialisation.GENERAL, 1_500_000, 3_000_000, 2, 10, 2),
    ("TLO-H1", "hokkaido", INTERNAL, Specialisation.GENERAL, 7_777_777, 4_000_000, 3, 15, 5),
]


@dataclass
class Country:
    institutions: dict  # code → Institution
    figures: dict  # (code, fiscal year) → figures dict


def figures_for(income, costs, licences, applications, joint) -> dict:
    return {
        "licence_income": income,
        "personnel_costs": costs,
        "patent_costs": costs // 4,
        "other_costs": costs // 10,
        "other_income": 0,
        "licences_granted": licences,
        "patent_applications": applications,
        "patents_granted": applications // 2,
        "commercialisations": licences // 4,
        "joint_research_count": joint,
        "joint_research_income": joint * 2_500_000 + 1,
    }


def build_country() -> Country:
    # Browser tests flush the database between tests, migrations' data included.
    load_default_definitions()
    regions = {
        code: Region.objects.get_or_create(
            code=code, defaults={"name_ja": ja, "name_en": en, "order": order}
        )[0]
        for code, ja, en, order in [
            ("hokkaido", "北海道・東北地区", "Hokkaido-Tohoku", 1),
            ("kanto", "関東地区", "Kanto", 2),
            ("kinki", "近畿地区", "Kinki", 4),
        ]
    }
    institutions, figures = {}, {}
    for code, region, tlo_type, specialisation, income, costs, lic, apps, joint in INSTITUTIONS:
        institution = InstitutionFactory(
            code=code,
            name_ja=f"名前{code}",
            name_en=f"Name {code}",
            region=regions[region],
            tlo_type=tlo_type,
            specialisation=specialisation,
            approval_fy=2000,
        )
        institutions[code] = institution
        this_year = figures_for(income, costs, lic, apps, joint)
        last_year = figures_for(income // 2, costs, lic // 2, apps // 2, joint // 2)
        accepted_report(institution, 2010, **this_year)
        accepted_report(institution, 2009, **last_year)
        figures[(code, 2010)] = this_year
        figures[(code, 2009)] = last_year
    # FY2011: only two of eight have reports, so the default year stays 2010.
    for code in ("TLO-K1", "TLO-N1"):
        figures[(code, 2011)] = figures_for(1_000_000, 1_000_000, 1, 10, 1)
        accepted_report(institutions[code], 2011, **figures[(code, 2011)])
    recompute_metric_values()
    return Country(institutions, figures)


def return_on_cost(figures: dict) -> float:
    return figures["licence_income"] / (figures["personnel_costs"] + figures["patent_costs"])
