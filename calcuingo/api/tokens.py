"""Token authentication in one query.

knox's `TokenAuthentication` reads the token, then its user, then every other token of that user
(to delete expired ones): three statements before the view runs, on every request. Here the token
and its user come in one statement; an expired token is deleted when it is presented (and
refused, as knox does). Other expired tokens of the user are left to expire where they are: they
can never authenticate, and login trims a user's tokens to `TOKEN_LIMIT_PER_USER`.
"""

from __future__ import annotations

import binascii
from hmac import compare_digest
from typing import Any

from django.utils import timezone
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.crypto import hash_token
from knox.models import get_token_model
from knox.settings import CONSTANTS
from knox.signals import token_expired
from rest_framework import exceptions


class TokenAuthentication(KnoxTokenAuthentication):
    def authenticate_credentials(self, token: bytes) -> tuple[Any, Any]:
        message = "Invalid token."
        text = token.decode("utf-8")
        candidates = get_token_model().objects.select_related("user")
        for auth_token in candidates.filter(token_key=text[: CONSTANTS.TOKEN_KEY_LENGTH]):
            if auth_token.expiry is not None and auth_token.expiry < timezone.now():
                username = auth_token.user.get_username()
                auth_token.delete()
                token_expired.send(sender=self.__class__, username=username, source="auth_token")
                continue
            try:
                digest = hash_token(text)
            except (TypeError, binascii.Error):
                raise exceptions.AuthenticationFailed(message) from None
            if compare_digest(digest, auth_token.digest):
                return self.validate_user(auth_token)  # type: ignore[no-any-return]
        raise exceptions.AuthenticationFailed(message)


class OneQueryTokenScheme(KnoxTokenScheme):  # type: ignore[no-untyped-call]
    """The OpenAPI security scheme of these tokens: knox's, under the same name."""

    target_class = "calcuingo.api.tokens.TokenAuthentication"
