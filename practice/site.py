"""What the learner site's views share: the signed-in request. The lesson player's forms are in
`practice.forms`, what it shows in `practice.presenters`; the path, review and grid pages' reads
and view models are in `practice.path`.
"""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from accounts.models import User


class LearnerRequest(HttpRequest):
    """What `login_required` views receive: a signed-in user, and htmx details."""

    user: User
    htmx: HtmxDetails
