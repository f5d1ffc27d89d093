"""The demo accounts. Later apps add demo figures, cycles and scores beside these."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.db import transaction

from . import services
from .enums import Ministry, Role
from .models import Institution, User


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    ministry: str = ""
    institution_code: str = ""
    display_name: str = ""


DEMO_ACCOUNTS = (
    DemoAccount("mext-official", Role.OFFICIAL, Ministry.MEXT, display_name="文科省 担当官"),
    DemoAccount("meti-official", Role.OFFICIAL, Ministry.METI, display_name="経産省 担当官"),
    DemoAccount("mext-reviewer", Role.REVIEWER, Ministry.MEXT, display_name="文科省 審査委員"),
    DemoAccount("meti-reviewer", Role.REVIEWER, Ministry.METI, display_name="経産省 審査委員"),
    DemoAccount("mext-reviewer-2", Role.REVIEWER, Ministry.MEXT, display_name="文科省 審査委員(2)"),
    DemoAccount("meti-reviewer-2", Role.REVIEWER, Ministry.METI, display_name="経産省 審査委員(2)"),
    DemoAccount("meti-reviewer-3", Role.REVIEWER, Ministry.METI, display_name="経産省 審査委員(3)"),
    DemoAccount(
        "tlo-utokyo",
        Role.TLO_STAFF,
        institution_code="TLO-UTTLO",
        display_name="東京大学TLO 担当者",
    ),
    DemoAccount(
        "tlo-kansai", Role.TLO_STAFF, institution_code="TLO-KANSAI", display_name="関西TLO 担当者"
    ),
    DemoAccount("viewer", Role.VIEWER, display_name="閲覧者"),
)


@transaction.atomic
def create_demo_accounts(*, password: str | None) -> tuple[list[str], str | None]:
    """Create the demo accounts that do not exist yet.

    With `password`, every demo account gets it (existing ones too). Without, new
    accounts share one generated password, returned so that it is printed once;
    existing accounts keep theirs. Returns the usernames created and the password
    to print, if any.
    """
    existing = User.objects.filter(username__in=[a.username for a in DEMO_ACCOUNTS]).count()
    generated = None
    if password is None and existing < len(DEMO_ACCOUNTS):
        generated = secrets.token_urlsafe(12)
    created = []
    for account in DEMO_ACCOUNTS:
        user = User.objects.filter(username=account.username).first()
        if user is None:
            institutions = (
                [Institution.objects.get(code=account.institution_code)]
                if account.institution_code
                else []
            )
            services.create_person(
                actor=None,
                username=account.username,
                email=f"{account.username}@example.com",
                password=password or generated,
                role=account.role,
                ministry=account.ministry,
                institutions=institutions,
                display_name=account.display_name,
            )
            created.append(account.username)
        elif password is not None and not user.check_password(password):
            user.set_password(password)
            user.save(update_fields=["password"])
    return created, (generated if created else None)
