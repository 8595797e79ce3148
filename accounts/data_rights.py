"""A learner's data rights: take all of it away as a file, or have the account erased.

Both walk the model registry for every foreign key to the user instead of listing models by
hand, so a model added later is exported and erased without anyone remembering to add it here.
Accounts imports no app above it: what of theirs must outlive an account, each app keeps in its
own receiver of the `account_deleted` signal, sent in the same transaction with the one shared
inactive "anonymised learner":

* practice moves her sessions and answers there, so that item statistics (how hard is this
  exercise?) stay true (`practice.receivers`);
* rows of other apps that merely mention her (the audit trail, learning events) are anonymised
  by their own app;
* logs that know her only by the name she typed (django-axes), deleted with her.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any, TypedDict

from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from calcuingo.exceptions import ApplicationError

from . import signals
from .audit import audit_forget, audit_record
from .models import AuditEvent, User

logger = logging.getLogger(__name__)

ARCHIVE_FORMAT = "calcuingo-export/1"
ANONYMISED_USERNAME = "anonymised-learner"
ANONYMISED_EMAIL = "anonymised-learner@calcuingo.invalid"
DELETED_LABEL = "deleted user"

# Secrets are never exported, whichever model holds them (passwords, API token digests...).
SECRET_FIELDS = frozenset(
    {"password", "digest", "token_key", "salt", "secret", "token", "token_secret"}
)

# Logs that hold the typed username or e-mail address, not a foreign key.
IDENTIFIER_LOGS: dict[str, str] = {
    "axes.AccessAttempt": "username",
    "axes.AccessLog": "username",
    "axes.AccessFailureLog": "username",
}


class Archive(TypedDict):
    format: str
    exported_at: str
    learner: dict[str, Any]
    data: dict[str, list[dict[str, Any]]]


def user_foreign_keys() -> dict[type[models.Model], list[str]]:
    """Every model with a foreign key (or one-to-one) to the user, and those fields' names."""
    found: dict[type[models.Model], list[str]] = {}
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if (
                field.concrete
                and (field.many_to_one or field.one_to_one)
                and field.related_model is User
            ):
                found.setdefault(model, []).append(field.name)
    return found


def _model(label: str) -> type[models.Model] | None:
    try:
        return apps.get_model(label)
    except LookupError:  # the app is not installed here
        return None


def _identifiers(user: User) -> list[str]:
    return [value for value in (user.username, user.email) if value]


def _rows(queryset: models.QuerySet[Any]) -> Iterator[dict[str, Any]]:
    names = [f.name for f in queryset.model._meta.concrete_fields if f.name not in SECRET_FIELDS]
    yield from queryset.order_by("pk").values(*names).iterator(chunk_size=2000)


def archive_build(*, learner: User) -> Archive:
    """Every row the learner owns, by model label; secrets left out.

    The label of each model with a foreign key to the user is present, with an empty list when
    she has no row there: the archive also says what was looked at.
    """
    data: dict[str, list[dict[str, Any]]] = {
        User._meta.label_lower: list(_rows(User.objects.filter(pk=learner.pk)))
    }
    for model, fields in sorted(user_foreign_keys().items(), key=lambda x: x[0]._meta.label):
        mine = Q()
        for name in fields:
            mine |= Q(**{name: learner})
        data[model._meta.label_lower] = list(_rows(model._default_manager.filter(mine)))
    for label, column in IDENTIFIER_LOGS.items():
        log = _model(label)
        if log is not None:
            rows = log._default_manager.filter(**{f"{column}__in": _identifiers(learner)})
            data[log._meta.label_lower] = list(_rows(rows))
    return {
        "format": ARCHIVE_FORMAT,
        "exported_at": timezone.now().isoformat(),
        "learner": {"id": learner.pk, "username": learner.username, "email": learner.email},
        "data": data,
    }


@transaction.atomic
def data_export(*, learner: User, by: User, ip_address: str | None = None) -> Archive:
    """The learner's archive, for herself or a linked parent (the caller checked which).

    The export is recorded first, so the archive's audit trail includes this very export.
    """
    audit_record(
        action=AuditEvent.Action.DATA_EXPORTED, actor=by, subject=learner, ip_address=ip_address
    )
    return archive_build(learner=learner)


def anonymised_learner_get() -> User:
    """The one inactive account that keeps the answers of deleted learners; made on first use."""
    user, created = User.objects.get_or_create(
        username=ANONYMISED_USERNAME,
        defaults={
            "email": ANONYMISED_EMAIL,
            "role": User.Role.LEARNER,
            "is_active": False,
            "password": "",
        },
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _scrub_admin_log(user: User) -> None:
    """The admin's history keeps what staff did, but no longer says to whom.

    Entries about her account or any row she owns lose the object's id and name (a row's name
    may be hers: "Profile of ada"). Her own entries go with her account.
    """
    about_her = Q(content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk))
    for model, fields in user_foreign_keys().items():
        mine = Q()
        for name in fields:
            mine |= Q(**{name: user})
        ids = [str(pk) for pk in model._default_manager.filter(mine).values_list("pk", flat=True)]
        if ids:
            about_her |= Q(content_type=ContentType.objects.get_for_model(model), object_id__in=ids)
    LogEntry.objects.filter(about_her).exclude(user=user).update(
        object_id=None, object_repr=DELETED_LABEL, change_message=""
    )


@transaction.atomic
def account_delete(*, learner: User, by: User, ip_address: str | None = None) -> None:
    """Erase the account: personal rows deleted, answers kept anonymised, mentions scrubbed.

    `by` is the learner herself, a linked parent (the caller checked the password), or staff in
    the admin. Everything happens in one transaction: a failure leaves the account whole.
    """
    if learner.is_staff and (by.pk == learner.pk or not by.is_staff):
        # Their authoring history (the admin log) would go with them: an administrator decides.
        raise ApplicationError(
            "Author and staff accounts are closed by an administrator.",
            status=403,
            code="staff_account",
        )
    placeholder = anonymised_learner_get()
    if learner.pk == placeholder.pk:
        raise ApplicationError("This account cannot be deleted.", status=403, code="protected")
    _scrub_admin_log(learner)
    audit_forget(learner)
    audit_record(
        action=AuditEvent.Action.ACCOUNT_DELETED,
        actor=None if by.pk == learner.pk else by,
        actor_label=DELETED_LABEL if by.pk == learner.pk else by.username,
        ip_address=ip_address,
        details={"role": learner.role, "by": "self" if by.pk == learner.pk else by.role},
    )
    signals.account_deleted.send(
        sender=User,
        user=learner,
        anonymised=placeholder,
        by=None if by.pk == learner.pk else by,
        ip_address=ip_address,
    )
    for label, column in IDENTIFIER_LOGS.items():
        log = _model(label)
        if log is not None:
            log._default_manager.filter(**{f"{column}__in": _identifiers(learner)}).delete()
    learner_id = learner.pk
    learner.delete()
    logger.info("account %s deleted by %s", learner_id, "herself" if by.pk == learner_id else by.pk)
