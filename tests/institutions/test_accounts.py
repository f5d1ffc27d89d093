import pytest
from django.core.management import call_command
from django.urls import reverse

from institutions.demo import DEMO_ACCOUNTS
from institutions.models import User
from institutions.services import load_registry
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_login_with_right_password_signs_in(anonymous_client, viewer):
    response = _login(anonymous_client, "viewer", PASSWORD)
    assert response.status_code == 302
    assert anonymous_client.get("/institutions/").status_code == 200


def test_login_with_wrong_password_is_refused(anonymous_client, viewer):
    response = _login(anonymous_client, "viewer", "wrong")
    assert response.status_code == 200
    assert anonymous_client.get("/institutions/").status_code == 302


def test_login_throttled_after_repeated_failures(anonymous_client, viewer, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(anonymous_client, "viewer", "wrong")
    # Even the right password is refused while the lock lasts.
    response = _login(anonymous_client, "viewer", PASSWORD)
    assert response.status_code == 429
    assert anonymous_client.get("/institutions/").status_code == 302


def test_login_throttle_spares_other_accounts(anonymous_client, viewer, mext_official, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(anonymous_client, "viewer", "wrong")
    assert _login(anonymous_client, "mext-official", PASSWORD).status_code == 302


def test_logout_signs_out(client_for, viewer):
    client = client_for(viewer)
    client.post(reverse("logout"))
    assert client.get("/institutions/").status_code == 302


def test_user_ministry_required_for_ministry_roles(db):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        User.objects.create(username="nobody", role="official", ministry="")


def test_user_ministry_forbidden_for_staff(db):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        User.objects.create(username="nobody", role="tlo_staff", ministry="mext")


@pytest.fixture
def registry(db):
    load_registry()


def test_load_demo_creates_accounts_with_given_password(registry, monkeypatch, capsys):
    monkeypatch.setenv("DEMO_PASSWORD", "demo-pass-123")
    call_command("load_demo")
    users = {u.username: u for u in User.objects.all()}
    assert set(users) >= {a.username for a in DEMO_ACCOUNTS}
    assert users["mext-official"].role == "official"
    assert users["mext-official"].ministry == "mext"
    assert users["meti-reviewer"].ministry == "meti"
    assert [i.code for i in users["tlo-utokyo"].institutions.all()] == ["TLO-UTTLO"]
    assert [i.code for i in users["tlo-kansai"].institutions.all()] == ["TLO-KANSAI"]
    assert all(users[a.username].check_password("demo-pass-123") for a in DEMO_ACCOUNTS)


def test_load_demo_prints_generated_password_once(registry, monkeypatch, capsys):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    call_command("load_demo")
    first = capsys.readouterr().out
    line = next(x for x in first.splitlines() if x.startswith("Password of the new demo accounts:"))
    password = line.split(":", 1)[1].strip()
    assert User.objects.get(username="viewer").check_password(password)
    call_command("load_demo")
    second = capsys.readouterr().out
    assert password not in second
    assert User.objects.get(username="viewer").check_password(password)


def test_load_demo_twice_changes_nothing(registry, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "demo-pass-123")
    call_command("load_demo")
    before = list(User.objects.values().order_by("username"))
    call_command("load_demo")
    assert list(User.objects.values().order_by("username")) == before


def test_load_registry_command_with_file(registry, tmp_path, capsys):
    from institutions.models import Institution

    path = tmp_path / "more.csv"
    path.write_text(
        "code,name_ja,alias_ja,kind,tlo_type,legal_form,region,partner_universities,"
        "approval_fy,approved_on,status,revoked_on\n"
        "TLO-UTTLO,東京大学TLO,(株)東京大学TLO,approved_tlo,external_integrated,"
        "kabushiki_kaisha,kanto,東京大学,1998,1998-12-04,active,\n",
        encoding="utf-8-sig",
    )
    call_command("load_registry", "--file", str(path))
    assert "1 updated" in capsys.readouterr().out
    assert str(Institution.objects.get(code="TLO-UTTLO").approved_on) == "1998-12-04"
    call_command("load_registry", "--file", str(path))
    assert "0 updated, 1 unchanged" in capsys.readouterr().out


def test_load_registry_command_reports_bad_file(registry, tmp_path):
    from django.core.management.base import CommandError

    path = tmp_path / "bad.csv"
    path.write_text("code,name_ja,kind\nTLO-X,X,spaceship\n", encoding="utf-8")
    with pytest.raises(CommandError, match="spaceship"):
        call_command("load_registry", "--file", str(path))


def test_login_throttled_per_address_across_user_names(anonymous_client, viewer, settings):
    settings.LOGIN_FAILURES_PER_ADDRESS = 6
    for number in range(6):  # each user name fails once: under the per-name limit
        _login(anonymous_client, f"guess-{number}", "wrong")
    response = _login(anonymous_client, "viewer", PASSWORD)
    assert response.status_code == 429
    assert anonymous_client.get("/institutions/").status_code == 302


def test_login_per_address_limit_spares_a_few_mistakes(anonymous_client, viewer, settings):
    settings.LOGIN_FAILURES_PER_ADDRESS = 6
    for number in range(5):
        _login(anonymous_client, f"colleague-{number}", "mistyped")
    assert _login(anonymous_client, "viewer", PASSWORD).status_code == 302


def test_login_per_address_limit_is_fifty_by_default():
    from config.settings import base

    assert base.LOGIN_FAILURES_PER_ADDRESS == 50
