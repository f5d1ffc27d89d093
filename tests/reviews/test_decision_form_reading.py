"""The decision form reads right (issue 16): the recommendation 「専門化」 (the registry keeps
専門分野), and the merger partner list offers only other active approved TLOs, by name,
grouped by region."""

from institutions.enums import InstitutionKind, InstitutionStatus
from reviews.enums import Recommendation, Stage
from tests.factories import InstitutionFactory

from .conftest import score_all, set_stage

A = "/reviews/2010/institutions/TLO-AAA/"


def test_recommendation_specialise_reads_senmonka_and_the_registry_keeps_its_word(
    scoring, mext_official, client_for
):
    from django.utils import translation

    from institutions.models import Institution

    with translation.override("ja"):
        assert str(Recommendation.SPECIALISE.label) == "専門化"
        assert str(Institution._meta.get_field("specialisation").verbose_name) == "専門分野"


def test_merge_partner_list_is_other_active_approved_tlos_by_region(
    scoring,
    entry_a,
    institution_a,
    institution_b,
    mext_reviewer,
    meti_reviewer,
    mext_official,
    client_for,
):
    from reviews.models import Assignment

    score_all(Assignment.objects.get(entry=entry_a, reviewer=mext_reviewer), 4)
    score_all(Assignment.objects.get(entry=entry_a, reviewer=meti_reviewer), 4)
    set_stage(scoring, Stage.DELIBERATION)
    InstitutionFactory(code="TLO-GONE", name_ja="廃止TLO", status=InstitutionStatus.REVOKED)
    InstitutionFactory(
        code="IPHQ-X", name_ja="知財本部X", kind=InstitutionKind.IP_HEADQUARTERS, tlo_type=""
    )

    response = client_for(mext_official).get(A + "decision/")

    field = response.context["form"].fields["merge_partner"]
    groups = [group for value, group in field.choices if value]
    offered = [label for group in groups for _value, label in group]
    assert institution_b.name_ja in offered
    assert institution_a.name_ja not in offered  # never itself
    assert "廃止TLO" not in offered and "知財本部X" not in offered
    assert all("TLO-" not in label for label in offered)  # names, not codes
    body = response.content.decode()
    assert f'<optgroup label="{institution_b.region}">' in body


def test_merge_partner_options_carry_what_a_search_looks_in(
    scoring, entry_a, institution_b, mext_reviewer, meti_reviewer, mext_official, client_for
):
    """Searchable by reading and alias as well as by name: each option says what the
    search box (static/js/select_search.js) looks in."""
    from institutions.models import InstitutionAlias
    from reviews.models import Assignment

    score_all(Assignment.objects.get(entry=entry_a, reviewer=mext_reviewer), 4)
    score_all(Assignment.objects.get(entry=entry_a, reviewer=meti_reviewer), 4)
    set_stage(scoring, Stage.DELIBERATION)
    institution_b.name_kana = "ビーティーエルオー"
    institution_b.save()
    InstitutionAlias.objects.create(institution=institution_b, name="Bテック")

    body = client_for(mext_official).get(A + "decision/").content.decode()

    option = body[body.index(f'value="{institution_b.pk}"') :]
    option = option[: option.index(">")]
    assert "data-search=" in option
    assert "びーてぃーえるおー" in option  # the reading, katakana searched as hiragana
    assert "bてっく" in option  # the alias, in the search's normal form
    assert "data-searchable" in body and "js/select_search.js" in body
    assert "候補を検索(名称・読み・コード)" in body
