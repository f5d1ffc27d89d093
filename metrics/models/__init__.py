"""Models of the metrics app, one module per kind of thing."""

from .collection import CollectionRound, SentReminder
from .definitions import MetricDefinition, MetricValue
from .imports import ImportJob, ImportPreviewRow
from .reports import AnnualReport, LicenceAgreement
from .surveys import SurveyResult

__all__ = [
    "AnnualReport",
    "CollectionRound",
    "ImportJob",
    "ImportPreviewRow",
    "LicenceAgreement",
    "MetricDefinition",
    "MetricValue",
    "SentReminder",
    "SurveyResult",
]
