"""The allocation pages and downloads: officials only (every other role from the wrong
side), and the staff's own amount after publication."""

import csv
import io

import pytest
from django.urls import reverse

from core.versions import NEW
from reviews.enums import AllocationState, Stage, SupportTier
from reviews.models import Allocation
from reviews.services import allocations
from tests.factories import InstitutionFactory, staff_of

from .consequences_support import decided_cycle


@pytest.fixture
def cycle(institution_a, institution_b):
    return decided_cycle(
        tiers={
            institution_a: SupportTier.PRIORITISED,
            institution_b: SupportTier.STANDARD,
            InstitutionFactory(code="TLO-CCC"): SupportTier.CONDITIONAL,
            InstitutionFactory(code="TLO-DDD"): SupportTier.NONE,
        }
    )


@pytest.fixture
def allocation(cycle, mext_official):
    return allocations.save_allocation(
        actor=mext_official, cycle=cycle, budget_yen=600_000_000, expected_version=NEW
    )


def approved(allocation, mext_official, meti_official):
    for official in (mext_official, meti_official):
        allocation.refresh_from_db()
        allocations.approve_allocation(
            actor=official, allocation=allocation, expected_version=allocation.version
        )
    allocation.refresh_from_db()
    return allocation


def weights(**more):
    return {
        "weight_prioritised": "3",
        "weight_standard": "2",
        "weight_conditional": "1",
        "weight_none": "0",
        **more,
    }


OFFICIAL_URLS = [
    ("reviews:allocation", ()),
    ("reviews:allocation_download", ("csv",)),
    ("reviews:allocation_download", ("xlsx",)),
]
POST_URLS = [
    ("reviews:allocation", ()),
    ("reviews:allocation_adjust", ("TLO-AAA",)),
    ("reviews:allocation_approve", ()),
    ("reviews:allocation_reopen", ()),
]


@pytest.mark.parametrize(("name", "args"), OFFICIAL_URLS)
@pytest.mark.parametrize("persona", ["mext_reviewer", "viewer", "staff_a"])
def test_allocation_pages_refuse_other_roles(request, client_for, allocation, name, args, persona):
    user = request.getfixturevalue(persona)
    response = client_for(user).get(reverse(name, args=[2010, *args]))
    assert response.status_code == 403


@pytest.mark.parametrize(("name", "args"), POST_URLS)
@pytest.mark.parametrize("persona", ["mext_reviewer", "viewer", "staff_a"])
def test_allocation_posts_refuse_other_roles(request, client_for, allocation, name, args, persona):
    user = request.getfixturevalue(persona)
    response = client_for(user).post(
        reverse(name, args=[2010, *args]),
        {"version": allocation.version, "budget": "1", "amount": "1", "reason": "x"},
    )
    assert response.status_code == 403
    allocation.refresh_from_db()
    assert (allocation.budget_yen, allocation.state) == (600_000_000, AllocationState.DRAFT)


@pytest.mark.parametrize(("name", "args"), OFFICIAL_URLS)
def test_allocation_pages_send_anonymous_to_login(anonymous_client, allocation, name, args):
    response = anonymous_client.get(reverse(name, args=[2010, *args]))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_allocation_page_staff_outside_the_cycle_get_404(client_for, allocation):
    outsider = staff_of(InstitutionFactory(code="TLO-ZZZ"), username="outsider")
    assert client_for(outsider).get(reverse("reviews:allocation", args=[2010])).status_code == 404


def test_allocation_page_official_computes_from_typed_budget(client_for, cycle, meti_official):
    response = client_for(meti_official).post(
        reverse("reviews:allocation", args=[2010]),
        {"version": 0, "budget": "6億円", **weights(**{"ceiling_TLO-AAA": "250,000,000"})},
    )
    assert response.status_code == 302
    allocation = Allocation.objects.get(cycle=cycle)
    amounts = {line.institution.code: line.amount_yen for line in allocation.lines.all()}
    # A capped at 250M; the 350M left go 2:1 to B and C (233,333.⅓ and 116,666.⅔ 千円).
    assert amounts == {
        "TLO-AAA": 250_000_000,
        "TLO-BBB": 233_333_000,
        "TLO-CCC": 116_667_000,
        "TLO-DDD": 0,
    }


def test_allocation_page_budget_in_the_readers_unit(client_for, cycle, meti_official):
    meti_official.amount_unit = "thousand"
    meti_official.save()
    client_for(meti_official).post(
        reverse("reviews:allocation", args=[2010]), {"version": 0, "budget": "600,000", **weights()}
    )
    assert Allocation.objects.get(cycle=cycle).budget_yen == 600_000_000


@pytest.mark.parametrize("budget", ["abc", "1,234,567", "-1", "9" * 40, "=1+1"])
def test_allocation_page_bad_budget_says_so(client_for, cycle, meti_official, budget):
    response = client_for(meti_official).post(
        reverse("reviews:allocation", args=[2010]), {"version": 0, "budget": budget, **weights()}
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Allocation.objects.exists()


def test_allocation_page_shows_difference_until_resolved(client_for, allocation, mext_official):
    client = client_for(mext_official)
    client.post(
        reverse("reviews:allocation_adjust", args=[2010, "TLO-AAA"]),
        {"version": allocation.version, "amount": "310,000,000", "reason": "地域の要望"},
    )
    response = client.get(reverse("reviews:allocation", args=[2010]))
    assert response.context["page"].difference == -10_000_000
    assert b'id="allocation-difference"' in response.content
    client.post(
        reverse("reviews:allocation_approve", args=[2010]),
        {"version": response.context["page"].allocation.version},
    )
    allocation.refresh_from_db()
    assert allocation.state == AllocationState.DRAFT


def test_allocation_adjust_unknown_institution_is_404(client_for, allocation, mext_official):
    response = client_for(mext_official).post(
        reverse("reviews:allocation_adjust", args=[2010, "NOPE"]),
        {"version": allocation.version, "amount": "1000", "reason": "x"},
    )
    assert response.status_code == 404


def test_allocation_approve_without_version_is_400(client_for, allocation, mext_official):
    response = client_for(mext_official).post(reverse("reviews:allocation_approve", args=[2010]))
    assert response.status_code == 400


def test_allocation_both_approve_through_the_page(
    client_for, allocation, mext_official, meti_official
):
    for official in (mext_official, meti_official):
        allocation.refresh_from_db()
        client_for(official).post(
            reverse("reviews:allocation_approve", args=[2010]), {"version": allocation.version}
        )
    allocation.refresh_from_db()
    assert allocation.state == AllocationState.APPROVED


def test_allocation_download_for_scripts_has_the_codes(client_for, allocation, mext_official):
    response = client_for(mext_official).get(
        reverse("reviews:allocation_download", args=[2010, "csv"]) + "?headers=codes"
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["institution_code", "tier", "weight", "computed_yen", "amount_yen", "reason"]
    assert rows[1] == ["TLO-AAA", "prioritised", "3", "300000000", "300000000", ""]
    assert len(rows) == 5


def test_allocation_download_for_people_reads_japanese_in_the_unit(
    client_for, allocation, mext_official
):
    mext_official.amount_unit = "million"
    mext_official.save()
    response = client_for(mext_official).get(
        reverse("reviews:allocation_download", args=[2010, "csv"])
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert "百万円" in rows[0][7]
    assert rows[1][7] == "300"


def test_own_amount_staff_see_it_after_publication(
    client_for, allocation, mext_official, meti_official, staff_a
):
    approved(allocation, mext_official, meti_official)
    cycle = allocation.cycle
    url = reverse("reviews:own_amount", args=[2010, "TLO-AAA"])
    assert client_for(staff_a).get(url).status_code == 403
    cycle.stage = Stage.PUBLISHED
    cycle.save()
    response = client_for(staff_a).get(url)
    assert response.status_code == 200
    assert "300,000,000" in response.content.decode()


def test_own_amount_not_before_approval(client_for, allocation, staff_a):
    cycle = allocation.cycle
    cycle.stage = Stage.PUBLISHED
    cycle.save()
    url = reverse("reviews:own_amount", args=[2010, "TLO-AAA"])
    assert client_for(staff_a).get(url).status_code == 403


def test_own_amount_never_another_institution(
    client_for, allocation, mext_official, meti_official, staff_a
):
    approved(allocation, mext_official, meti_official)
    cycle = allocation.cycle
    cycle.stage = Stage.PUBLISHED
    cycle.save()
    url = reverse("reviews:own_amount", args=[2010, "TLO-BBB"])
    assert client_for(staff_a).get(url).status_code == 404


@pytest.mark.parametrize("persona", ["mext_reviewer", "viewer"])
def test_own_amount_refuses_other_roles(request, client_for, allocation, persona):
    user = request.getfixturevalue(persona)
    url = reverse("reviews:own_amount", args=[2010, "TLO-AAA"])
    assert client_for(user).get(url).status_code == 403


def test_entry_page_links_staff_to_their_amount_once_published(
    client_for, allocation, mext_official, meti_official, staff_a
):
    approved(allocation, mext_official, meti_official)
    cycle = allocation.cycle
    entry_url = reverse("reviews:entry", args=[2010, "TLO-AAA"])
    assert 'id="link-own-amount"' not in client_for(staff_a).get(entry_url).content.decode()
    cycle.stage = Stage.PUBLISHED
    cycle.save()
    page = client_for(staff_a).get(entry_url).content.decode()
    assert 'id="link-own-amount"' in page
    assert "300,000,000" in page


def test_entry_page_no_amount_link_before_the_allocation_is_approved(
    client_for, allocation, staff_a
):
    cycle = allocation.cycle
    cycle.stage = Stage.PUBLISHED
    cycle.save()
    page = client_for(staff_a).get(reverse("reviews:entry", args=[2010, "TLO-AAA"]))
    assert 'id="link-own-amount"' not in page.content.decode()


def test_allocation_page_lists_tiers_in_order_with_the_total(
    client_for, institution_a, institution_b, mext_official
):
    cycle = decided_cycle(
        tiers={institution_a: SupportTier.NONE, institution_b: SupportTier.PRIORITISED}
    )
    allocations.save_allocation(
        actor=mext_official, cycle=cycle, budget_yen=90_000_000, expected_version=NEW
    )
    page = client_for(mext_official).get(reverse("reviews:allocation", args=[2010]))
    page = page.content.decode()
    # Prioritised support (TLO-BBB) before no support (TLO-AAA), whatever the codes.
    assert page.index('id="line-TLO-BBB"') < page.index('id="line-TLO-AAA"')
    total = page[page.index('id="allocation-total"') :]
    assert "90,000,000円" in total[: total.index("</tr>")]


def test_allocation_form_labels_every_floor_and_ceiling(client_for, allocation, mext_official):
    page = client_for(mext_official).get(reverse("reviews:allocation", args=[2010])).content
    page = page.decode()
    for code in ("TLO-AAA", "TLO-DDD"):
        for kind in ("floor", "ceiling"):
            assert f'<label for="id_{kind}_{code}"' in page
