"""Types shared by the views and forms: every page of the app sits behind login_required or LoginRequiredMixin, so a
view's ``request.user`` is a real ``User``, never ``AnonymousUser``."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.forms import BaseForm, ModelChoiceField
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class AuthenticatedRequest(HttpRequest):
    """The request a view receives once the login check has passed."""

    user: User
    htmx: HtmxDetails  # set on every request by django_htmx's HtmxMiddleware


def model_choice_field(form: BaseForm, name: str) -> ModelChoiceField[Any]:
    """The form's field `name`, declared (or generated from a foreign key) as a ModelChoiceField or
    ModelMultipleChoiceField: typed so that its queryset can be narrowed in the form's __init__."""
    field = form.fields[name]
    assert isinstance(field, ModelChoiceField), f"{name} is not a model choice field"
    return field
