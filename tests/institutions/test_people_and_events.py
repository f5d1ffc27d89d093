"""create_person's rights by role; the consolidation events' choice column."""

import pytest

from institutions.enums import Ministry, Role
from institutions.services import RegistryError, create_person, load_consolidation_events


def test_create_person_administrator_gets_admin_rights(db, client):
    admin = create_person(
        actor=None, username="site-admin", password="長い合言葉-42", role=Role.ADMINISTRATOR
    )
    admin.refresh_from_db()
    assert (admin.is_staff, admin.is_superuser) == (True, True)
    client.force_login(admin)
    assert client.get("/admin/").status_code == 200


def test_create_person_official_gets_no_admin_rights(db, client):
    official = create_person(
        actor=None,
        username="mext-person",
        password="長い合言葉-42",
        role=Role.OFFICIAL,
        ministry=Ministry.MEXT,
    )
    official.refresh_from_db()
    assert (official.is_staff, official.is_superuser) == (False, False)


def test_load_consolidation_events_unknown_kind_refused_with_row_and_column(institution_a):
    rows = [
        {
            "tlo_code": institution_a.code,
            "tlo_name_ja": "",
            "successor": "",
            "kind": "spaceship",
            "revoked_on": "2008-03-31",
            "note_ja": "",
        }
    ]
    with pytest.raises(RegistryError) as refused:
        load_consolidation_events(rows=rows, actor=None, english={})
    [problem] = refused.value.problems
    assert problem.startswith("2行目、kind列")
    assert "spaceship" in problem
