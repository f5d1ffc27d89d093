"""The customer list: entered, uploaded, seen only by its TLO and officials."""

import io

import pytest
from django.urls import reverse
from openpyxl import Workbook

from surveys.models import Contact, ContactUpload
from tests.surveys.conftest import add_contacts


def contacts_url(survey, institution):
    return reverse("surveys:contacts", args=[survey.fiscal_year, institution.code])


def upload_url(survey, institution):
    return reverse("surveys:contacts_upload", args=[survey.fiscal_year, institution.code])


def csv_file(text, name="customers.csv"):
    data = io.BytesIO(text.encode("utf-8"))
    data.name = name
    return data


def test_contacts_staff_adds_a_customer(client_for, staff_a, institution_a, scheduled_survey):
    response = client_for(staff_a).post(
        contacts_url(scheduled_survey, institution_a),
        {
            "company": "株式会社A",
            "person": "山田",
            "email": "Yamada@Example.jp",
            "relation": "licensee",
        },
    )
    assert response.status_code == 302
    assert list(Contact.objects.values_list("email", "institution")) == [
        ("yamada@example.jp", institution_a.pk)
    ]


def test_contacts_duplicate_address_refused(client_for, staff_a, institution_a, scheduled_survey):
    add_contacts(scheduled_survey, institution_a, 1)
    response = client_for(staff_a).post(
        contacts_url(scheduled_survey, institution_a),
        {"company": "別会社", "person": "田中", "email": "C0@example.co.jp", "relation": "other"},
    )
    assert response.status_code == 200
    assert Contact.objects.count() == 1


def upload(client, survey, institution, data):
    """Post a list as a person does, run what the request queued (as a worker would),
    and open the job page the request sent them to."""
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        posted = client.post(upload_url(survey, institution), {"file": data})
    assert posted.status_code == 302, posted.status_code
    return client.get(posted["Location"])


def test_contacts_upload_csv_adds_every_row(client_for, staff_a, institution_a, scheduled_survey):
    text = "company,person,email,relation\n株式会社X,佐藤,x@example.jp,licensee\n株式会社Y,鈴木,y@example.jp,共同研究\n"
    page = upload(client_for(staff_a), scheduled_survey, institution_a, csv_file(text))
    assert page.status_code == 200
    assert "2件の顧客を追加しました。" in page.content.decode()
    assert sorted(Contact.objects.values_list("email", "relation")) == [
        ("x@example.jp", "licensee"),
        ("y@example.jp", "joint_research"),
    ]


def test_contacts_upload_xlsx_adds_rows(client_for, staff_a, institution_a, scheduled_survey):
    book = Workbook()
    sheet = book.active
    sheet.append(["company", "person", "email", "relation"])
    sheet.append(["株式会社Z", "高橋", "z@example.jp", "other"])
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    data.name = "customers.xlsx"
    page = upload(client_for(staff_a), scheduled_survey, institution_a, data)
    assert page.status_code == 200
    assert list(Contact.objects.values_list("email", flat=True)) == ["z@example.jp"]


def test_contacts_upload_names_every_problem_with_row_and_column(
    client_for, staff_a, institution_a, scheduled_survey
):
    add_contacts(scheduled_survey, institution_a, 1)
    text = (
        "company,person,email,relation\n"
        "株式会社X,佐藤,not-an-address,licensee\n"
        ",鈴木,y@example.jp,buyer\n"
        "株式会社W,伊藤,y@example.jp,other\n"
        "株式会社V,渡辺,c0@example.co.jp,other\n"
    )
    page = upload(client_for(staff_a), scheduled_survey, institution_a, csv_file(text))
    body = page.content.decode()
    assert page.status_code == 200
    for row, column in [(2, "email"), (3, "company"), (3, "relation"), (4, "email"), (5, "email")]:
        assert f"{row}行目、{column}列" in body, (row, column)
    assert Contact.objects.count() == 1


def test_contacts_upload_over_500_refused(client_for, staff_a, institution_a, scheduled_survey):
    rows = "".join(f"社{n},人{n},p{n}@example.jp,licensee\n" for n in range(501))
    page = upload(
        client_for(staff_a),
        scheduled_survey,
        institution_a,
        csv_file("company,person,email,relation\n" + rows),
    )
    assert page.status_code == 200
    assert "500" in page.content.decode()
    assert Contact.objects.count() == 0


@pytest.mark.parametrize(
    "payload", [b"\x00\x01\x02garbage", b"PK\x03\x04broken zip", "会社\n".encode("utf-16")]
)
def test_contacts_upload_broken_file_is_a_message(
    client_for, staff_a, institution_a, scheduled_survey, payload
):
    data = io.BytesIO(payload)
    data.name = "list.csv"
    page = upload(client_for(staff_a), scheduled_survey, institution_a, data)
    assert page.status_code == 200
    assert 'id="contact-upload-problems"' in page.content.decode()
    assert Contact.objects.count() == 0


def test_contacts_upload_empty_file_is_refused_in_the_request(
    client_for, staff_a, institution_a, scheduled_survey
):
    response = client_for(staff_a).post(
        upload_url(scheduled_survey, institution_a), {"file": csv_file("", name="empty.csv")}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not ContactUpload.objects.exists()


def test_contacts_frozen_once_the_survey_opens(client_for, staff_a, institution_a, open_survey):
    response = client_for(staff_a).post(
        contacts_url(open_survey, institution_a),
        {"company": "株式会社A", "person": "山田", "email": "a@example.jp", "relation": "licensee"},
    )
    assert response.status_code == 403
    assert client_for(staff_a).get(upload_url(open_survey, institution_a)).status_code == 403
    assert Contact.objects.count() == 0


def test_contacts_other_tlos_staff_gets_404(client_for, staff_b, institution_a, scheduled_survey):
    add_contacts(scheduled_survey, institution_a, 1)
    assert client_for(staff_b).get(contacts_url(scheduled_survey, institution_a)).status_code == 404
    assert client_for(staff_b).get(upload_url(scheduled_survey, institution_a)).status_code == 404


@pytest.mark.parametrize("persona", ["mext_reviewer", "viewer"])
def test_contacts_wrong_role_gets_403(
    request, client_for, institution_a, scheduled_survey, persona
):
    add_contacts(scheduled_survey, institution_a, 1)
    user = request.getfixturevalue(persona)
    response = client_for(user).get(contacts_url(scheduled_survey, institution_a))
    assert response.status_code == 403
    assert "c0@example.co.jp" not in response.content.decode()


def test_contacts_anonymous_goes_to_login(anonymous_client, institution_a, scheduled_survey):
    response = anonymous_client.get(contacts_url(scheduled_survey, institution_a))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_contacts_official_reads_but_does_not_edit(
    client_for, mext_official, institution_a, scheduled_survey
):
    add_contacts(scheduled_survey, institution_a, 1)
    response = client_for(mext_official).get(contacts_url(scheduled_survey, institution_a))
    assert "c0@example.co.jp" in response.content.decode()
    posted = client_for(mext_official).post(
        contacts_url(scheduled_survey, institution_a),
        {"company": "株式会社A", "person": "山田", "email": "a@example.jp", "relation": "licensee"},
    )
    assert posted.status_code == 403


def test_contacts_staff_removes_a_customer(client_for, staff_a, institution_a, scheduled_survey):
    (contact,) = add_contacts(scheduled_survey, institution_a, 1)
    url = reverse("surveys:contact_delete", args=[2011, institution_a.code, contact.pk])
    assert client_for(staff_a).post(url).status_code == 302
    assert Contact.objects.count() == 0
