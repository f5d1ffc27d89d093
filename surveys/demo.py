"""Demo customer surveys (load_demo's DEMO_STEPS): FY2010 closed, FY2011 open.

FY2010 is history: its survey ran in spring 2011, so its contacts, invitations and
answers are written as records (the services only accept what can happen today), then
the survey is closed through the service, which hands each TLO's result to metrics and
queues the recompute of satisfaction_index from FY2010 on; the contacts are erased, as
the daily task would have done thirty days after closing. Of the demo TLOs, most have
five answers or more (an index), two have one to four (no index; officials still see
their means).

FY2011 is running: opened on the day the demo is loaded, closing thirty days later,
with tlo-utokyo's customer list entered by that account and its invitations staged in
the outbox for an official to release; nobody has answered.

Deterministic (answers drawn from a fixed seed per TLO), fictitious companies at
example.co.jp. Idempotent: a survey that exists for a year is left as it is.
"""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from institutions.enums import Role
from institutions.models import Institution, User

from .enums import Relation, WorkAgain
from .models import Answer, Contact, Survey
from .services import contacts, erasure, invitations, rounds

DEMO_SEED = 20110509
DEMO_OFFICIAL = "mext-official"

# FY2010's survey, as the ministries would have run it after the year's end.
PAST_FISCAL_YEAR = 2010
PAST_OPENS, PAST_CLOSES = datetime.date(2011, 5, 9), datetime.date(2011, 6, 10)
# The daily task closes a survey the day after its closing date.
PAST_CLOSED_AT = datetime.datetime(2011, 6, 11, 0, 5)

# TLO → (customers invited, customers who answered, how satisfied they tend to be).
PAST_SURVEY: dict[str, tuple[int, int, float]] = {
    "TLO-UTTLO": (14, 9, 4.2),
    "TLO-KANSAI": (10, 7, 3.9),
    "TLO-TOHOKU": (9, 6, 4.0),
    "TLO-KYUSHU": (8, 5, 3.4),
    "TLO-TITECH": (8, 6, 3.7),
    "TLO-YAMAGUCHI": (6, 5, 3.8),
    "TLO-KUMAMOTO": (6, 3, 3.2),  # under five answers: no index
    "TLO-OITA": (4, 1, 2.9),  # under five answers: no index
}

# FY2011's survey: tlo-utokyo's list, entered by that account.
OPEN_FISCAL_YEAR = 2011
OPEN_DAYS = 30
OPEN_INSTITUTION, OPEN_STAFF = "TLO-UTTLO", "tlo-utokyo"
OPEN_CONTACTS = (
    ("株式会社みらい精機", "佐藤 一郎", "sato@mirai-seiki.example.co.jp", Relation.LICENSEE),
    ("東和バイオ株式会社", "鈴木 花子", "suzuki@towa-bio.example.co.jp", Relation.JOINT_RESEARCH),
    ("株式会社ひかりソフト", "高橋 健", "takahashi@hikari-soft.example.co.jp", Relation.LICENSEE),
)

COMPANIES = (
    "株式会社あおば製作所",
    "大和化成株式会社",
    "株式会社北斗メディカル",
    "さくら電子工業株式会社",
    "株式会社いずみ食品",
    "東洋マテリアル株式会社",
    "株式会社ことぶき機械",
    "みなと情報システム株式会社",
    "株式会社つばさバイオ",
    "はやて環境技術株式会社",
    "株式会社やまと光学",
    "しらかば製薬株式会社",
    "株式会社あさひエネルギー",
    "ひびき通信株式会社",
)
PEOPLE = ("田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤", "吉田", "山田", "松本")
COMMENTS = (
    "契約書の雛形が分かりやすく、社内の決裁が早く進みました。",
    "問い合わせへの返答がもう少し早いと助かります。",
    "発明者の先生との面談を設定していただき、技術の理解が深まりました。",
    "特許の出願状況の説明が丁寧でした。",
    "実施料の交渉に時間がかかりました。",
)


def _score(rng: random.Random, tendency: float) -> int | None:
    """A 1–5 rating around the TLO's tendency; now and then 「該当しない」 (None)."""
    if rng.random() < 0.08:
        return None
    return min(5, max(1, round(rng.gauss(tendency, 0.8))))


def _past_rows(
    survey: Survey, institution: Institution, invited: int, answered: int, tendency: float
) -> tuple[list[Contact], list[Answer]]:
    """One TLO's FY2010 contacts and answers, the same on every machine."""
    rng = random.Random(f"{DEMO_SEED}:{institution.code}")
    invited_at = timezone.make_aware(datetime.datetime.combine(PAST_OPENS, datetime.time(9)))
    domain = institution.code.lower().removeprefix("tlo-")
    contact_rows, answer_rows = [], []
    for number in range(invited):
        answers = number < answered
        answered_on = PAST_OPENS + datetime.timedelta(days=rng.randint(1, 30))
        contact_rows.append(
            Contact(
                survey=survey,
                institution=institution,
                company=COMPANIES[number % len(COMPANIES)],
                person=PEOPLE[number % len(PEOPLE)],
                email=f"customer{number + 1}@{domain}.example.co.jp",
                relation=rng.choice(
                    (Relation.LICENSEE, Relation.LICENSEE, Relation.JOINT_RESEARCH)
                ),
                invited_at=invited_at,
                answered_at=(
                    timezone.make_aware(datetime.datetime.combine(answered_on, datetime.time(10)))
                    if answers
                    else None
                ),
            )
        )
        if not answers:
            continue
        scores = [_score(rng, tendency) for _ in range(3)]
        rated = [s for s in scores if s is not None]
        level = sum(rated) / len(rated) if rated else 3
        again = (
            WorkAgain.YES if level >= 3.7 else WorkAgain.PERHAPS if level >= 2.5 else WorkAgain.NO
        )
        answer_rows.append(
            Answer(
                survey=survey,
                institution=institution,
                desk=scores[0],
                contracting=scores[1],
                ip_handling=scores[2],
                work_again=again,
                comment=rng.choice(COMMENTS) if rng.random() < 0.4 else "",
                answered_on=answered_on,
            )
        )
    return contact_rows, answer_rows


def _load_past_survey(official: User) -> bool:
    if Survey.objects.filter(fiscal_year=PAST_FISCAL_YEAR).exists():
        return False
    institutions = Institution.objects.in_bulk(list(PAST_SURVEY), field_name="code")
    survey = rounds.create_survey(
        actor=official, fiscal_year=PAST_FISCAL_YEAR, opens_on=PAST_OPENS, closes_on=PAST_CLOSES
    )
    contact_rows, answer_rows = [], []
    for code, (invited, answered, tendency) in PAST_SURVEY.items():
        if code in institutions:
            more_contacts, more_answers = _past_rows(
                survey, institutions[code], invited, answered, tendency
            )
            contact_rows += more_contacts
            answer_rows += more_answers
    bulk_create_with_history(contact_rows, Contact)
    Answer.objects.bulk_create(answer_rows)
    rounds.close_survey(actor=official, survey=survey)
    # Closed when the daily task would have closed it, not today.
    Survey.objects.filter(pk=survey.pk).update(closed_at=timezone.make_aware(PAST_CLOSED_AT))
    survey.refresh_from_db()
    erasure.erase_survey_contacts(survey=survey)
    return True


def _load_open_survey(official: User) -> int | None:
    """The running survey; returns how many invitations were staged (None: left alone)."""
    staff = User.objects.filter(username=OPEN_STAFF, role=Role.TLO_STAFF).first()
    institution = Institution.objects.filter(code=OPEN_INSTITUTION).first()
    if (
        staff is None
        or institution is None
        or Survey.objects.filter(fiscal_year=OPEN_FISCAL_YEAR).exists()
    ):
        return None
    today = timezone.localdate()
    survey = rounds.create_survey(
        actor=official,
        fiscal_year=OPEN_FISCAL_YEAR,
        opens_on=today + datetime.timedelta(days=1),
        closes_on=today + datetime.timedelta(days=OPEN_DAYS),
    )
    for company, person, email, relation in OPEN_CONTACTS:
        contacts.save_contact(
            actor=staff,
            survey=survey,
            institution=institution,
            company=company,
            person=person,
            email=email,
            relation=relation,
        )
    survey = rounds.start_survey(actor=official, survey=survey)
    return invitations.stage_invitations(actor=official, survey=survey)


@transaction.atomic
def load_demo_surveys() -> str:
    """Add the demo surveys that do not exist yet; returns a line for the command's output.

    Side effects, in order: the FY2010 survey with its contacts and answers, closed (its
    results stored in metrics, a recompute of satisfaction_index queued on commit) and
    its contacts erased; the FY2011 survey, tlo-utokyo's customers entered, the survey
    opened today and their invitations staged in the outbox.
    """
    official = User.objects.filter(username=DEMO_OFFICIAL, role=Role.OFFICIAL).first()
    if official is None:
        return "Demo customer surveys: skipped (demo accounts missing)."
    added = []
    if _load_past_survey(official):
        added.append(f"FY{PAST_FISCAL_YEAR} (closed)")
    staged = _load_open_survey(official)
    if staged is not None:
        added.append(f"FY{OPEN_FISCAL_YEAR} (open, {staged} invitations staged in the outbox)")
    return f"Demo customer surveys: {', '.join(added) if added else 'nothing to add'}."
