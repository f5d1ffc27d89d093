"""Models of the metrics app, one module per kind of thing."""

from .imports import ImportJob
from .reports import AnnualReport, LicenceAgreement

__all__ = ["AnnualReport", "ImportJob", "LicenceAgreement"]
