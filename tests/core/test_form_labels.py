"""Form labels carry no ASCII colon (「名称:」): the product's forms, as Japanese
government forms do, write the label alone, set apart by the layout."""

import importlib
import inspect
import re

import pytest
from django import forms
from django.utils import translation

from core.forms import NoLabelSuffix

FORM_MODULES = [
    "institutions.forms",
    "metrics.forms",
    "metrics.admin",
    "reviews.forms",
    "notifications.forms",
    "dashboards.forms",
    "surveys.forms",
    "core.versions",
]

LABEL_WITH_COLON = re.compile(r"[:：]\s*</label>")


def _project_forms():
    for name in FORM_MODULES:
        module = importlib.import_module(name)
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == name:
                yield cls


def test_every_project_form_has_no_label_suffix():
    found = list(_project_forms())
    assert len(found) > 30
    missing = [cls.__qualname__ for cls in found if not issubclass(cls, NoLabelSuffix)]
    assert missing == []


def test_a_form_renders_its_labels_without_a_colon():
    from metrics.forms import ReasonForm

    with translation.override("ja"):
        html = ReasonForm().as_p()
    assert "<label" in html
    assert LABEL_WITH_COLON.search(html) is None


def test_the_suffix_may_still_be_asked_for():
    from metrics.forms import ReasonForm

    assert ":</label>" in ReasonForm(label_suffix=":").as_p()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "path"),
    [
        ("staff_a", "/metrics/reports/new/"),
        ("mext_official", "/metrics/imports/"),
        ("mext_official", "/metrics/rounds/new/"),
        ("mext_official", "/reviews/new/"),
    ],
)
def test_pages_in_japanese_show_labels_without_a_colon(who, path, client_for, request):
    response = client_for(request.getfixturevalue(who)).get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<label" in html
    assert LABEL_WITH_COLON.findall(html) == []
