"""The queries behind the survey's pages and downloads."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from institutions.models import Institution, User

from .calculations import distribution, mean_score, response_rate, satisfaction_index
from .enums import Dimension, WorkAgain
from .models import Answer, Contact, ContactUpload, Survey

DIMENSIONS = tuple(Dimension)


@dataclass
class TloResult:
    """One TLO's figures in one survey (officials see all of it)."""

    institution: Institution
    invited: int = 0
    answered: int = 0
    means: dict[str, float | None] = field(default_factory=dict)
    distributions: dict[str, dict[int | None, int]] = field(default_factory=dict)
    work_again: dict[str, int] = field(default_factory=dict)
    comments: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float | None:
        return response_rate(answered=self.answered, invited=self.invited)

    @property
    def index(self) -> float | None:
        return satisfaction_index([self.means.get(d) for d in DIMENSIONS], answered=self.answered)


def _fill(result: TloResult, answers: list[Answer]) -> TloResult:
    for dimension in DIMENSIONS:
        scores = [getattr(a, dimension) for a in answers]
        result.means[dimension] = mean_score(scores)
        result.distributions[dimension] = distribution(scores)
    result.work_again = {choice: 0 for choice in WorkAgain.values}
    for answer in answers:
        result.work_again[answer.work_again] = result.work_again.get(answer.work_again, 0) + 1
    result.comments = [a.comment for a in answers if a.comment]
    return result


def tlo_results(survey: Survey, *, institution: Institution | None = None) -> list[TloResult]:
    """Every TLO with contacts in the survey (or the one given), in 読み順. Three queries."""
    contacts = Contact.objects.filter(survey=survey)
    answers = Answer.objects.filter(survey=survey).order_by("pk")
    if institution is not None:
        contacts = contacts.filter(institution=institution)
        answers = answers.filter(institution=institution)
    counts = {
        row["institution_id"]: row
        for row in contacts.values("institution_id").annotate(
            invited=Count("pk", filter=Q(invited_at__isnull=False)),
            answered=Count("pk", filter=Q(answered_at__isnull=False)),
        )
    }
    by_institution: dict[int, list[Answer]] = defaultdict(list)
    for answer in answers:
        by_institution[answer.institution_id].append(answer)
    ids = set(counts) | set(by_institution)
    if institution is not None:
        ids.add(institution.pk)
    institutions = (
        Institution.objects.filter(pk__in=ids).select_related("region").in_reading_order()
    )
    results = []
    for one in institutions:
        row = counts.get(one.pk, {})
        result = TloResult(one, invited=row.get("invited", 0))
        result.answered = len(by_institution.get(one.pk, []))
        results.append(_fill(result, by_institution.get(one.pk, [])))
    return results


def tlo_result(survey: Survey, institution: Institution) -> TloResult:
    return tlo_results(survey, institution=institution)[0]


def group_results(results: list[TloResult], key) -> list[tuple[str, TloResult, int]]:
    """Results pooled by a key of the institution (region, type): (label, pooled result,
    number of TLOs), from the per-TLO results without more queries."""
    groups: dict[str, list[TloResult]] = defaultdict(list)
    for result in results:
        groups[key(result.institution)].append(result)
    return [(label, pooled(members), len(members)) for label, members in sorted(groups.items())]


def pooled(results: list[TloResult]) -> TloResult:
    """Several TLOs' answers as one (national, a region), weighted by answers."""
    total = TloResult(institution=None)  # type: ignore[arg-type]
    total.invited = sum(r.invited for r in results)
    total.answered = sum(r.answered for r in results)
    for dimension in DIMENSIONS:
        points: dict[int | None, int] = defaultdict(int)
        for result in results:
            for point, count in result.distributions.get(dimension, {}).items():
                points[point] += count
        total.distributions[dimension] = dict(points)
        rated = sum(count for point, count in points.items() if point is not None)
        total.means[dimension] = (
            sum(point * count for point, count in points.items() if point is not None) / rated
            if rated
            else None
        )
    total.work_again = {
        choice: sum(r.work_again.get(choice, 0) for r in results) for choice in WorkAgain.values
    }
    return total


def contacts_of(survey: Survey, institution: Institution) -> QuerySet[Contact]:
    return Contact.objects.filter(survey=survey, institution=institution).order_by(
        "company", "email", "pk"
    )


def contact_upload_of(
    *, user: User, survey: Survey, institution: Institution, pk: int
) -> ContactUpload:
    """One of this person's own uploads of this TLO's list; anyone else's is a 404."""
    return get_object_or_404(
        ContactUpload, pk=pk, survey=survey, institution=institution, uploaded_by=user
    )


def current_survey() -> Survey | None:
    """The newest survey that is not closed, else the newest."""
    return Survey.objects.filter(closed_at__isnull=True).first() or Survey.objects.first()
