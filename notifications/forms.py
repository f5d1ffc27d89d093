from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import NoLabelSuffix

from .enums import NotificationAction, NotificationKind, NotificationState

ALL = [("", _("all"))]


class OutboxFilterForm(NoLabelSuffix, forms.Form):
    state = forms.ChoiceField(
        label=_("state"), choices=ALL + NotificationState.choices, required=False
    )
    kind = forms.ChoiceField(
        label=_("kind"), choices=ALL + NotificationKind.choices, required=False
    )


class OutboxActionForm(NoLabelSuffix, forms.Form):
    """The messages ticked in the outbox, and what to do with them."""

    action = forms.ChoiceField(
        choices=[
            (a.value, a.label) for a in (NotificationAction.RELEASE, NotificationAction.DISCARD)
        ]
    )
    ids = forms.TypedMultipleChoiceField(coerce=int, choices=())

    def __init__(self, *args, tickable_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ids"].choices = [(pk, pk) for pk in tickable_ids]
