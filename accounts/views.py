"""Site pages of the accounts app: home, settings, and the family page (parent links).

The family page works with and without JavaScript: a form posted by htmx is answered with the
fragment it swaps, a plain form post with the whole page (or a redirect back to it).
"""

from __future__ import annotations

import json
from typing import Any, NoReturn

from axes.helpers import get_client_ip_address
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.middleware import HtmxDetails

from calcuingo.exceptions import ApplicationError

from . import data_rights, selectors, services
from .forms import InviteRedeemForm, ProfileForm, time_zone_names
from .models import User


class AuthenticatedRequest(HttpRequest):
    """What `login_required` views receive: a signed-in user, and htmx details."""

    user: User
    htmx: HtmxDetails


def home(request: HttpRequest) -> HttpResponse:
    """The landing page for visitors; a signed-in user belongs on the learning path."""
    if request.user.is_authenticated:
        return redirect("practice:path")
    return render(request, "home.html")


def _refuse(error: ApplicationError) -> NoReturn:
    """A broken rule that no form field explains becomes the error page of its status."""
    if error.status == 404:
        raise Http404(error.message) from error
    raise PermissionDenied(error.message) from error


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    form = ProfileForm(
        request.POST if request.method == "POST" else None,
        instance=services.profile_ensure(user=user),
        initial={"timezone": user.timezone},
    )
    if form.is_valid():
        services.user_update(
            user=user, user_fields=form.user_fields(), profile_fields=form.profile_fields()
        )
        messages.success(request, "Your settings are saved.")
        return redirect("accounts:profile")
    context = {"form": form, "time_zone_names": time_zone_names()}
    return render(request, "accounts/profile.html", context)


def _family_context(user: User, **extra: Any) -> dict[str, Any]:
    return {
        "is_learner": user.role == User.Role.LEARNER,
        "is_parent": user.role == User.Role.PARENT,
        "links": selectors.parent_links_for_user(user=user),
        **extra,
    }


@login_required
@require_http_methods(["GET"])
def family(request: AuthenticatedRequest) -> HttpResponse:
    context = _family_context(request.user, redeem_form=InviteRedeemForm())
    return render(request, "accounts/family.html", context)


@login_required
@require_POST
def family_invite_create(request: AuthenticatedRequest) -> HttpResponse:
    try:
        invite = services.parent_invite_create(learner=request.user)
    except ApplicationError as error:
        _refuse(error)
    context = _family_context(request.user, invite=invite)
    # No redirect without JavaScript either: the code is shown once, on the answer to this post.
    template = "accounts/_invite.html" if request.htmx else "accounts/family.html"
    return render(request, template, context)


@login_required
@require_POST
def family_invite_redeem(request: AuthenticatedRequest) -> HttpResponse:
    form = InviteRedeemForm(request.POST)
    if form.is_valid():
        try:
            link = services.parent_invite_redeem(
                parent=request.user, code=form.cleaned_data["code"]
            )
        except ApplicationError as error:
            if error.field is None:
                _refuse(error)
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            if request.htmx:
                context = _family_context(
                    request.user, redeem_form=InviteRedeemForm(), linked=link.learner
                )
                return render(request, "accounts/_redeem_done.html", context)
            messages.success(request, f"You are now linked to {link.learner.username}.")
            return redirect("accounts:family")
    template = "accounts/_redeem.html" if request.htmx else "accounts/family.html"
    return render(request, template, _family_context(request.user, redeem_form=form))


@login_required
@require_POST
def family_link_delete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    # Only the user's own links are found: anyone else's is a 404, so its existence is not revealed.
    link = get_object_or_404(selectors.parent_links_for_user(user=user), pk=pk)
    other = link.learner if link.parent_id == user.pk else link.parent
    services.parent_link_delete(link=link, by=user)
    if request.htmx:
        context = _family_context(user, unlinked=other)
        return render(request, "accounts/_family_links.html", context)
    messages.success(request, f"{other.username} is no longer linked to you.")
    return redirect("accounts:family")


# --- Data rights: download everything, delete the account -------------------------------------
class PasswordConfirmForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


def _data_rights_page(
    request: AuthenticatedRequest, *, form: PasswordConfirmForm | None = None, target: int = 0
) -> HttpResponse:
    user = request.user
    children = selectors.linked_learners(parent=user) if user.role == User.Role.PARENT else []
    context = {
        "children": children,
        "delete_form": form or PasswordConfirmForm(),
        "target": target,  # whose deletion the bound form was for: 0 for me, else a learner's id
    }
    return render(request, "accounts/data_rights.html", context, status=400 if form else 200)


@login_required
@require_http_methods(["GET"])
def data_rights_page(request: AuthenticatedRequest) -> HttpResponse:
    return _data_rights_page(request)


@login_required
@require_POST
def data_export_download(request: AuthenticatedRequest, pk: int | None = None) -> HttpResponse:
    """The archive as a file: a POST from a button, since it leaves a trail in the audit log."""
    user = request.user
    learner = user if pk is None else selectors.linked_learner_get(parent=user, learner_id=pk)
    archive = data_rights.data_export(
        learner=learner, by=user, ip_address=get_client_ip_address(request)
    )
    response = HttpResponse(
        json.dumps(archive, cls=DjangoJSONEncoder, indent=2), content_type="application/json"
    )
    name = f"calcuingo-learner-{learner.pk}-{timezone.localdate().isoformat()}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_POST
def account_delete(request: AuthenticatedRequest, pk: int | None = None) -> HttpResponse:
    user = request.user
    learner = user if pk is None else selectors.linked_learner_get(parent=user, learner_id=pk)
    form = PasswordConfirmForm(request.POST)
    if form.is_valid() and not user.check_password(form.cleaned_data["password"]):
        form.add_error("password", "The password is not correct.")
    if not form.is_valid():
        return _data_rights_page(request, form=form, target=pk or 0)
    deleting_self, name = learner.pk == user.pk, learner.username
    try:
        data_rights.account_delete(
            learner=learner, by=user, ip_address=get_client_ip_address(request)
        )
    except ApplicationError as error:
        _refuse(error)
    if deleting_self:
        request.session.flush()
        request.user = AnonymousUser()  # type: ignore[assignment]
        messages.success(request, "Your account and your personal data are deleted.")
        return redirect("home")
    messages.success(request, f"The account of {name} and their personal data are deleted.")
    return redirect("accounts:data-rights")
