"""Metric definitions (as data, so that anyone can read how a figure is made) and values."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from institutions.models import Institution

from ..calculations import TERMS, Formula, Operand
from ..enums import Combination, MetricUnit, ValueStatus, Window


class MetricDefinition(models.Model):
    """One indicator of SPEC §4: what it sums, over which window, and how it is shown."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name_ja = models.CharField(_("Japanese name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100)
    nickname = models.CharField(
        _("nickname"), max_length=32, blank=True, help_text=_("The seed's nickname, e.g. 打率.")
    )
    combination = models.CharField(
        _("combination"), max_length=12, choices=Combination.choices, default=Combination.RATIO
    )
    # Lists of terms (report field codes or licence-row counts) summed into each operand.
    numerator_terms = models.JSONField(_("numerator"), default=list)
    numerator_window = models.CharField(
        _("numerator window"), max_length=12, choices=Window.choices, default=Window.YEAR
    )
    denominator_terms = models.JSONField(_("denominator"), default=list, blank=True)
    denominator_window = models.CharField(
        _("denominator window"), max_length=12, choices=Window.choices, default=Window.YEAR
    )
    follows_lineage = models.BooleanField(
        _("includes predecessors"),
        default=False,
        help_text=_(
            "Multi-year windows of an institution that absorbed others also sum the reports "
            "of those predecessors."
        ),
    )
    home_run_threshold = models.PositiveBigIntegerField(
        _("home-run threshold (yen)"),
        null=True,
        blank=True,
        help_text=_("Licence income in the year from which a licence counts as a home run."),
    )
    unit = models.CharField(_("unit"), max_length=8, choices=MetricUnit.choices)
    higher_is_better = models.BooleanField(_("higher is better"), default=True)
    description_ja = models.TextField(_("description (Japanese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    seed_source = models.CharField(_("source in the seed"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("display order"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("metric definition")
        verbose_name_plural = _("metric definitions")
        constraints = [
            models.CheckConstraint(
                condition=Q(combination__in=Combination.values),
                name="metric_definition_combination_valid",
            ),
            models.CheckConstraint(
                condition=Q(numerator_window__in=Window.values)
                & Q(denominator_window__in=Window.values),
                name="metric_definition_windows_valid",
            ),
            models.CheckConstraint(
                condition=Q(unit__in=MetricUnit.values), name="metric_definition_unit_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        language = get_language() or "ja"
        return self.name_en if language.startswith("en") and self.name_en else self.name_ja

    @property
    def description(self) -> str:
        language = get_language() or "ja"
        if language.startswith("en") and self.description_en:
            return self.description_en
        return self.description_ja

    @property
    def has_denominator(self) -> bool:
        return self.combination in (Combination.RATIO, Combination.DIFFERENCE)

    def formula(self) -> Formula:
        """The definition as the pure calculations read it."""
        return Formula(
            combination=self.combination,
            numerator=Operand(tuple(self.numerator_terms), self.numerator_window),
            denominator=(
                Operand(tuple(self.denominator_terms), self.denominator_window)
                if self.has_denominator
                else None
            ),
            follows_lineage=self.follows_lineage,
            home_run_threshold=self.home_run_threshold,
        )

    def clean(self) -> None:
        errors = {}
        for name in ("numerator_terms", "denominator_terms"):
            terms = getattr(self, name)
            if not isinstance(terms, list) or any(term not in TERMS for term in terms):
                errors[name] = _("Use a list of report field codes or licence-row counts.")
        if not self.numerator_terms:
            errors.setdefault("numerator_terms", _("The numerator needs at least one figure."))
        if self.has_denominator and not self.denominator_terms:
            errors.setdefault("denominator_terms", _("This combination needs a denominator."))
        if not self.has_denominator and self.denominator_terms:
            errors.setdefault("denominator_terms", _("This combination takes no denominator."))
        uses_home_runs = "licence_rows_home_run" in [
            *self.numerator_terms,
            *self.denominator_terms,
        ]
        if uses_home_runs and self.home_run_threshold is None:
            errors["home_run_threshold"] = _("A home-run count needs a threshold.")
        if errors:
            raise ValidationError(errors)


class MetricValueQuerySet(models.QuerySet):
    def defined(self) -> MetricValueQuerySet:
        return self.filter(status=ValueStatus.DEFINED)

    def for_fiscal_year(self, fiscal_year: int) -> MetricValueQuerySet:
        return self.filter(fiscal_year=fiscal_year)


class MetricValue(models.Model):
    """A definition's value for one institution and fiscal year, with its operands.

    A row exists for every fiscal year in which the institution has an accepted report.
    A value that is not defined is stored as NULL with the reason in `status`.

    Derived data, written only by the recompute, in bulk (340,000 rows for 1,000
    institutions × 20 years × 17 metrics). So that a full recompute stays within
    seconds, the table has one index, its natural key, which is also what rankings read
    (definition, fiscal year); and its foreign keys are not checked by the database:
    the recompute takes the ids from the rows it read in the same transaction, and
    deleting an institution or a definition deletes its values through Django's
    on_delete.
    """

    pk = models.CompositePrimaryKey("definition", "fiscal_year", "institution")
    definition = models.ForeignKey(
        MetricDefinition,
        on_delete=models.CASCADE,
        related_name="values",
        verbose_name=_("metric"),
        db_constraint=False,
        db_index=False,
    )
    institution = models.ForeignKey(
        Institution,
        on_delete=models.CASCADE,
        related_name="metric_values",
        verbose_name=_("institution"),
        db_constraint=False,
        db_index=False,
    )
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    status = models.CharField(
        _("status"), max_length=16, choices=ValueStatus.choices, default=ValueStatus.DEFINED
    )
    value = models.FloatField(_("value"), null=True, blank=True)
    numerator = models.FloatField(_("numerator"), null=True, blank=True)
    denominator = models.FloatField(_("denominator"), null=True, blank=True)

    objects = MetricValueQuerySet.as_manager()

    class Meta:
        ordering = ["definition__order", "institution__code", "fiscal_year"]
        verbose_name = _("metric value")
        verbose_name_plural = _("metric values")
        constraints = [
            models.CheckConstraint(
                condition=(Q(status=ValueStatus.DEFINED) & Q(value__isnull=False))
                | (~Q(status=ValueStatus.DEFINED) & Q(value__isnull=True)),
                name="metric_value_null_iff_not_defined",
            ),
            models.CheckConstraint(
                condition=Q(status__in=ValueStatus.values), name="metric_value_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.definition_id} {self.institution_id} {self.fiscal_year}"

    @property
    def is_defined(self) -> bool:
        return self.status == ValueStatus.DEFINED
