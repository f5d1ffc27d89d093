"""Yen amounts in the reader's unit (core.amounts, {% yen %}) and the header's switch."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from core.amounts import AmountError, AmountUnit, format_yen, parse_yen, scaled, unit_label


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (1_234_567, AmountUnit.YEN, "1,234,567円"),
        (1_234_567, AmountUnit.THOUSAND, "1,235千円"),  # 1,234.567 → 1,235 (half up)
        (1_234_499, AmountUnit.THOUSAND, "1,234千円"),
        (1_500, AmountUnit.THOUSAND, "2千円"),  # exactly half rounds up, not to even
        (2_500, AmountUnit.THOUSAND, "3千円"),
        (1_234_567, AmountUnit.MILLION, "1.2百万円"),
        (1_250_000, AmountUnit.MILLION, "1.3百万円"),  # half up at one decimal
        (1_249_999, AmountUnit.MILLION, "1.2百万円"),
        (987_654_321, AmountUnit.MILLION, "987.7百万円"),
        (0, AmountUnit.MILLION, "0.0百万円"),
        (-1_500, AmountUnit.THOUSAND, "\u22122千円"),  # half up away from zero
        (None, AmountUnit.YEN, "—"),
    ],
)
def test_format_yen_rounds_half_up_in_the_unit(value, unit, expected):
    with translation.override("ja"):
        assert format_yen(value, unit) == expected


def test_format_yen_english_style():
    with translation.override("en"):
        assert format_yen(1_234_567, AmountUnit.YEN) == "¥1,234,567"
        assert format_yen(1_234_567, AmountUnit.THOUSAND) == "¥1,235 thousand"
        assert format_yen(1_234_567, AmountUnit.MILLION) == "¥1.2 million"


def test_format_yen_unknown_unit_falls_back_to_yen():
    with translation.override("ja"):
        assert format_yen(1_000, "furlongs") == "1,000円"


def test_scaled_float_is_read_as_written():
    # 0.15 as a float is 0.1499999…; read through repr it rounds as people expect.
    assert scaled(1_150.0, AmountUnit.THOUSAND) == Decimal("1")
    assert scaled(1_500.0, AmountUnit.THOUSAND) == Decimal("2")
    assert scaled(2_550_000.0, AmountUnit.MILLION) == Decimal("2.6")


def test_unit_label_per_language():
    with translation.override("ja"):
        assert [unit_label(u) for u in AmountUnit] == ["円", "千円", "百万円"]
    with translation.override("en"):
        assert unit_label(AmountUnit.MILLION) == "million yen"


def test_yen_tag_reads_the_unit_from_the_context():
    template = Template("{% load tlo %}{% yen value %}")
    with translation.override("ja"):
        assert template.render(Context({"value": 2_500_000, "amount_unit": "thousand"})) == (
            "2,500千円"
        )
        assert template.render(Context({"value": 2_500_000})) == "2,500,000円"


def test_amount_unit_switch_saves_and_goes_back(client_for, viewer):
    client = client_for(viewer)
    response = client.post(
        reverse("amount_unit"), {"amount_unit": "million", "next": "/metrics/?fy=2010"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/metrics/?fy=2010"
    viewer.refresh_from_db()
    assert viewer.amount_unit == AmountUnit.MILLION


def test_amount_unit_switch_stays_in_the_site(client_for, viewer):
    response = client_for(viewer).post(
        reverse("amount_unit"), {"amount_unit": "thousand", "next": "https://evil.example/x"}
    )
    assert response["Location"] == reverse("home")


@pytest.mark.parametrize("unit", ["", "billion", "yen\x00", "m" * 5000])
def test_amount_unit_switch_refuses_unknown_units(client_for, viewer, unit):
    response = client_for(viewer).post(reverse("amount_unit"), {"amount_unit": unit})
    assert response.status_code == 400
    viewer.refresh_from_db()
    assert viewer.amount_unit == AmountUnit.YEN


def test_amount_unit_switch_needs_post_and_sign_in(client_for, viewer, anonymous_client):
    assert client_for(viewer).get(reverse("amount_unit")).status_code == 405
    response = anonymous_client.post(reverse("amount_unit"), {"amount_unit": "million"})
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_header_shows_the_switch_with_the_person_s_unit(client_for, viewer):
    viewer.amount_unit = AmountUnit.THOUSAND
    viewer.save()
    body = client_for(viewer).get(reverse("home")).content.decode()
    assert 'action="/accounts/amount-unit/"' in body
    assert '<option value="thousand" selected>千円</option>' in body


# --- numbers people can read on every page ---------------------------------------------


def test_fy_filter_never_breaks_inside_the_era_year():
    template = Template("{% load tlo %}{{ year|fy }}")
    with translation.override("ja"):
        html = template.render(Context({"year": 2010}))
    assert html == '<span class="fy">2010年度</span><wbr><span class="fy">(平成22年度)</span>'


def test_jdate_writes_dates_as_japanese_offices_do():
    import datetime

    template = Template("{% load tlo %}{{ day|jdate }}")
    with translation.override("ja"):
        assert template.render(Context({"day": datetime.date(2010, 4, 1)})) == (
            '<time datetime="2010-04-01">平成22年4月1日</time>'
        )
        assert "令和元年5月1日" in template.render(Context({"day": datetime.date(2019, 5, 1)}))
        assert "平成31年4月30日" in template.render(Context({"day": datetime.date(2019, 4, 30)}))
        assert template.render(Context({"day": None})) == "—"
    with translation.override("en"):
        assert ">1 Apr 2010<" in template.render(Context({"day": datetime.date(2010, 4, 1)}))


def test_jdate_shows_local_time_of_a_datetime():
    import datetime

    moment = datetime.datetime(2011, 6, 1, 1, 42, tzinfo=datetime.UTC)  # 10:42 in Tokyo
    with translation.override("ja"):
        html = Template("{% load tlo %}{{ moment|jdate }}").render(Context({"moment": moment}))
    assert "平成23年6月1日 10:42" in html


def test_report_page_shows_amounts_in_the_readers_unit(client_for, staff_a, institution_a):
    from metrics.enums import ReportState
    from metrics.models import AnnualReport

    report = AnnualReport.objects.create(
        institution=institution_a,
        fiscal_year=2010,
        state=ReportState.DRAFT,
        licence_income=123_456_789,
        licences_granted=1234,
    )
    staff_a.amount_unit = AmountUnit.THOUSAND
    staff_a.save()
    with translation.override("ja"):
        body = client_for(staff_a).get(reverse("metrics:report_detail", args=[report.pk]))
    page = body.content.decode()
    assert "123,457千円" in page
    assert "1,234" in page  # counts stay counts
    assert '<span class="fy">(平成22年度)</span>' in page


def test_metric_page_of_a_yen_metric_uses_the_readers_unit(client_for, mext_official):
    from metrics.services.metric_values import recompute_metric_values
    from tests.factories import InstitutionFactory
    from tests.metrics.metric_builders import accepted_report

    for n, income in enumerate((10_000_000, 7_500_000, 12_345_678)):
        institution = InstitutionFactory(code=f"TLO-Y{n}")
        accepted_report(institution, 2010, joint_research_income=income, joint_research_count=4)
    recompute_metric_values()
    mext_official.amount_unit = AmountUnit.MILLION
    mext_official.save()
    url = reverse("metrics:metric_detail", args=["joint_research_income_per_agreement"])
    with translation.override("ja"):
        page = client_for(mext_official).get(url, {"fy": 2010}).content.decode()
    assert "3.1百万円" in page  # 12,345,678 / 4 = 3,086,419.5 → 3.1
    assert "2.5百万円" in page  # the median, 10,000,000 / 4
    assert "¥" not in page.split("<main>")[1]


def test_metric_ranking_download_shows_amounts_for_people_in_the_unit(client_for, mext_official):
    import csv
    import io

    from metrics.services.metric_values import recompute_metric_values
    from tests.factories import InstitutionFactory
    from tests.metrics.metric_builders import accepted_report

    institution = InstitutionFactory(code="TLO-Z1")
    accepted_report(institution, 2010, joint_research_income=10_000_000, joint_research_count=4)
    recompute_metric_values()
    mext_official.amount_unit = AmountUnit.THOUSAND
    mext_official.save()
    url = reverse("metrics:metric_detail", args=["joint_research_income_per_agreement"])
    with translation.override("ja"):
        response = client_for(mext_official).get(url, {"fy": 2010, "format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][-1] == "表示値 (千円)"  # Japanese headers for people (?headers=codes)
    assert float(rows[1][-2]) == 2_500_000  # the number stays in yen, for scripts
    assert rows[1][-1] == "2,500千円"


# --- parse_yen: amounts as people type them ------------------------------------------


@pytest.mark.parametrize(
    ("text", "unit", "expected"),
    [
        ("1,234,000,000", "yen", 1_234_000_000),
        ("¥1,234,000,000", "yen", 1_234_000_000),
        ("12億3400万円", "yen", 1_234_000_000),
        ("12億3,400万", "yen", 1_234_000_000),
        ("１２億３４００万円", "yen", 1_234_000_000),
        ("3億", "yen", 300_000_000),
        ("5000万", "yen", 50_000_000),
        ("1.5億", "yen", 150_000_000),
        ("1234000", "thousand", 1_234_000_000),
        ("1,234", "million", 1_234_000_000),
        ("1,234,000千円", "yen", 1_234_000_000),
        ("1234000000円", "million", 1_234_000_000),
        (" 1 234 000 000 ", "yen", 1_234_000_000),
    ],
)
def test_parse_yen_reads_the_notations(text, unit, expected):
    assert parse_yen(text, unit) == expected


@pytest.mark.parametrize("text", ["", "abc", "-5", "12億x", "億", "1.5", "1e9", "=1+1", "12万億"])
def test_parse_yen_refuses_what_is_not_a_whole_amount(text):
    with pytest.raises(AmountError):
        parse_yen(text)


def test_parse_yen_message_names_the_text():
    with pytest.raises(AmountError) as error:
        parse_yen("十二億")
    assert "十二億" in str(error.value)
