"""factory_boy factories for accounts; users are made through the real service."""

from __future__ import annotations

from typing import Any

import factory

from accounts import services
from accounts.models import User

DEFAULT_PASSWORD = "correct horse battery staple"


class UserFactory(factory.Factory):  # type: ignore[misc]
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    role = User.Role.LEARNER
    password = DEFAULT_PASSWORD
    time_zone = "UTC"
    is_verified = True

    @classmethod
    def _create(cls, model_class: type[User], *args: Any, **kwargs: Any) -> User:
        return services.user_create(send_verification=False, **kwargs)

    _build = _create
