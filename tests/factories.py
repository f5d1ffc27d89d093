"""factory_boy factories shared by every test package."""

import factory
from django.utils import timezone

from institutions.enums import InstitutionKind, LegalForm, Ministry, Role, TloType
from institutions.models import Institution, Membership, Region, User
from metrics.enums import ReportState
from metrics.models import AnnualReport


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = "kanto"
    name_ja = "関東地区"
    name_en = "Kanto"


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution

    code = factory.Sequence(lambda n: f"TLO-TEST{n:03d}")
    name_ja = factory.Sequence(lambda n: f"テストTLO{n}")
    name_en = factory.Sequence(lambda n: f"Test TLO {n}")
    kind = InstitutionKind.APPROVED_TLO
    tlo_type = TloType.EXTERNAL_WIDE_AREA
    legal_form = LegalForm.KABUSHIKI_KAISHA
    region = factory.SubFactory(RegionFactory)
    approval_fy = 1998  # the first year of approvals: reports may be for any year since


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person{n}")
    role = Role.VIEWER
    ministry = ""
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def institutions(self, create, extracted, **kwargs):
        if create and extracted:
            for institution in extracted:
                Membership.objects.create(user=self, institution=institution)
        if create:
            self.save()


def staff_of(*institutions, **kwargs) -> User:
    return UserFactory(role=Role.TLO_STAFF, institutions=list(institutions), **kwargs)


def reviewer_of(ministry: str = Ministry.MEXT, **kwargs) -> User:
    return UserFactory(role=Role.REVIEWER, ministry=ministry, **kwargs)


def official_of(ministry: str = Ministry.MEXT, **kwargs) -> User:
    return UserFactory(role=Role.OFFICIAL, ministry=ministry, **kwargs)


class AnnualReportFactory(factory.django.DjangoModelFactory):
    """A report written straight to the database in any state (the workflow has its own
    tests), with the times the database requires of that state: a submitted report was
    submitted now, an accepted one accepted now (as by an import "as accepted": no
    submission). Pass the times to choose them."""

    class Meta:
        model = AnnualReport

    institution = factory.SubFactory(InstitutionFactory)
    fiscal_year = 2010
    state = ReportState.DRAFT
    submitted_at = factory.LazyAttribute(
        lambda report: timezone.now() if report.state == ReportState.SUBMITTED else None
    )
    accepted_at = factory.LazyAttribute(
        lambda report: timezone.now() if report.state == ReportState.ACCEPTED else None
    )
