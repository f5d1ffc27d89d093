"""Readings (読み): the registry file's optional reading column, checked as kana and stored
in hiragana; the shipped registry's readings; lists of institutions in Japanese order."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from institutions.enums import InstitutionKind
from institutions.models import Institution
from institutions.registry_file import template_rows
from institutions.selectors import institution_list
from institutions.services import (
    RegistryError,
    load_institution_rows,
    load_registry,
    read_registry_file,
)
from tests.factories import InstitutionFactory, RegionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def kanto(db):
    return RegionFactory(code="kanto")


def _load(text: str, language: str = "ja"):
    with translation.override(language):
        return load_institution_rows(rows=read_registry_file(text.encode()))


def test_registry_file_reading_in_katakana_is_stored_in_hiragana(kanto):
    _load("code,name_ja,kind,name_kana\nTLO-N,新機関,approved_tlo,シンキカン\n")
    assert Institution.objects.get(code="TLO-N").name_kana == "しんきかん"


def test_registry_file_reading_accepts_the_japanese_header_and_half_width_kana(kanto):
    _load("code,name_ja,kind,読み\nTLO-N,新機関,approved_tlo,ｼﾝ　ｷｶﾝ ﾃｨｰ\n")
    assert Institution.objects.get(code="TLO-N").name_kana == "しん きかん てぃー"


def test_registry_file_reading_that_is_not_kana_is_a_japanese_message_naming_row_and_column(
    kanto,
):
    with pytest.raises(RegistryError) as error:
        _load(
            "code,name_ja,kind,name_kana\nTLO-N,新機関,approved_tlo,新機関\nTLO-M,機関M,approved_tlo,abc\n"
        )
    assert error.value.problems == [
        "2行目、name_kana列:「新機関」は読みではありません。ひらがなまたはカタカナで書いてください"
        "(長音記号「ー」と空白は使えます)。",
        "3行目、name_kana列:「abc」は読みではありません。ひらがなまたはカタカナで書いてください"
        "(長音記号「ー」と空白は使えます)。",
    ]
    assert not Institution.objects.filter(code__in=["TLO-N", "TLO-M"]).exists()


def test_registry_file_reading_problem_names_the_column_as_the_file_writes_it(kanto):
    with pytest.raises(RegistryError) as error:
        _load("code,name_ja,kind,読み\nTLO-N,新機関,approved_tlo,しん・きかん\n")
    assert error.value.problems[0].startswith("2行目、読み列:「しん・きかん」は読みではありません")


def test_registry_file_with_both_reading_headers_says_the_column_appears_twice(kanto):
    with pytest.raises(RegistryError) as error:
        _load("code,name_ja,kind,name_kana,読み\nTLO-N,新機関,approved_tlo,しん,しん\n", "en")
    assert error.value.problems[0] == "Row 1: the column 読み appears twice."


def test_registry_file_without_reading_column_keeps_the_stored_reading(kanto):
    InstitutionFactory(code="TLO-N", name_ja="新機関", name_kana="しんきかん")
    summary = _load("code,name_ja,kind\nTLO-N,新機関,approved_tlo\n")
    assert Institution.objects.get(code="TLO-N").name_kana == "しんきかん"
    assert summary.unchanged == 1


def test_registry_template_has_the_reading_column():
    header, (example,) = template_rows()
    assert header[-1] == "name_kana"
    assert example[-1] == "れいじてぃーえるおー"


def test_reading_of_the_admin_form_is_checked_and_stored_in_hiragana(kanto):
    institution = InstitutionFactory.build(region=kanto, name_kana="東京")
    with translation.override("ja"), pytest.raises(ValidationError) as error:
        institution.full_clean()
    assert error.value.message_dict["name_kana"] == [
        "読みはひらがなまたはカタカナで書いてください(長音記号「ー」と空白は使えます)。"
    ]
    institution.name_kana = "トウキョウ　ダイガク"
    institution.full_clean()
    assert institution.name_kana == "とうきょう だいがく"


def test_load_registry_gives_readings_where_certain_and_leaves_the_rest_empty():
    load_registry()
    readings = dict(Institution.objects.values_list("code", "name_kana"))
    assert readings["TLO-UTTLO"] == "とうきょうだいがくてぃーえるおー"
    assert readings["TLO-NMS"].startswith("にっぽんいかだいがく")
    assert readings["CTLO-JITA"] == ""  # にほん or にっぽん: not certain
    by_name = dict(Institution.objects.values_list("name_ja", "name_kana"))
    assert by_name["広島大学"] == "ひろしまだいがく"  # an IP headquarters of the programme
    assert by_name["横浜国立大学"] == "よこはまこくりつだいがく"  # a partner university
    assert by_name["長崎大学"] == "ながさきだいがく"  # a successor
    assert by_name["文部科学省"] == "もんぶかがくしょう"


def test_institution_list_is_in_reading_order_then_by_name(kanto):
    for code, name, reading in [
        ("TLO-1", "東京ティーエルオー", "とうきょうてぃーえるおー"),
        ("TLO-2", "青森ティーエルオー", "あおもりてぃーえるおー"),
        ("TLO-3", "阿寒ティーエルオー", ""),
        ("TLO-4", "かながわティーエルオー", "かながわてぃーえるおー"),
    ]:
        InstitutionFactory(code=code, name_ja=name, name_kana=reading, region=kanto)
    codes = [i.code for i in institution_list()]
    assert codes == ["TLO-2", "TLO-4", "TLO-1", "TLO-3"]


def test_institution_list_page_finds_by_reading_in_katakana(kanto, client_for, viewer):
    InstitutionFactory(code="TLO-1", name_ja="東京ティーエルオー", name_kana="とうきょうてぃー")
    InstitutionFactory(code="TLO-2", name_ja="青森ティーエルオー", name_kana="あおもりてぃー")
    response = client_for(viewer).get(reverse("institutions:list"), {"q": "トウキョウ"})
    assert [i.code for i in response.context["institutions"]] == ["TLO-1"]


def test_selects_of_institutions_are_in_reading_order(kanto, mext_official):
    from metrics.selectors.reports import reporting_institutions

    InstitutionFactory(code="TLO-1", name_ja="東京", name_kana="とうきょう")
    InstitutionFactory(code="TLO-2", name_ja="青森", name_kana="あおもり")
    InstitutionFactory(
        code="TLO-3", name_ja="秋田", kind=InstitutionKind.IP_HEADQUARTERS, tlo_type=""
    )
    assert [i.code for i in reporting_institutions(mext_official)] == ["TLO-2", "TLO-1", "TLO-3"]


def test_registry_file_header_and_cell_problems_come_together(kanto):
    with pytest.raises(RegistryError) as error:
        _load("code,name_ja,kind,colour\nTLO-N,新機関,approved_tlo,red\nTLO-M,機関M,robot,blue\n")
    problems = error.value.problems
    assert problems[0] == "1行目:「colour」は機関一覧の列ではありません。"
    assert problems[1].startswith("列は次のとおりです:")
    assert problems[2].startswith("3行目、kind列:「robot」は")
    assert len(problems) == 3


def test_registry_file_missing_required_column_is_said_once_not_per_row(kanto):
    with pytest.raises(RegistryError) as error:
        _load("code,name_ja\nTLO-N,新機関\nTLO-M,機関M\n")
    assert [p for p in error.value.problems if "kind" in p][:1] == ["1行目:kind列がありません。"]
    assert not any(p.startswith(("2行目", "3行目")) for p in error.value.problems)
