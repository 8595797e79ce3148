"""Account endpoints under /api/v1/: auth, `me`, invite codes, parent links, linked learners."""

from __future__ import annotations

from typing import Any

from allauth.account.forms import ResetPasswordForm
from allauth.account.models import EmailAddress
from allauth.account.signals import password_changed
from axes.helpers import get_client_ip_address
from django.contrib.auth import authenticate, logout, update_session_auth_hash
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db import transaction
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from drf_standardized_errors.openapi_serializers import (
    ErrorResponse401Serializer,
    ErrorResponse403Serializer,
    ErrorResponse404Serializer,
    ValidationErrorResponseSerializer,
)
from knox.models import AuthToken
from knox.settings import knox_settings
from rest_framework import exceptions, generics, permissions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from calcuingo.api.auth import current_user

from . import data_rights, selectors, services
from .lockout import lockout_message
from .models import ParentLink, User
from .serializers import (
    EmailSerializer,
    InviteSerializer,
    LinkedLearnerSerializer,
    LoginSerializer,
    MeUpdateSerializer,
    ParentLinkSerializer,
    PasswordChangeSerializer,
    RedeemSerializer,
    RegisterSerializer,
    TokenSerializer,
    UserSerializer,
)


class LockedOut(exceptions.APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "locked_out"


def _me(user: User) -> User:
    """The user with her profile loaded in the same query."""
    return User.objects.select_related("profile").get(pk=user.pk)


class RegisterApi(APIView):
    permission_classes = [permissions.AllowAny]
    authentication_classes: list[Any] = []
    throttle_scope = "auth"

    @extend_schema(
        tags=["auth"],
        summary="Create an account",
        request=RegisterSerializer,
        responses={201: UserSerializer},
    )
    def post(self, request: Request) -> Response:
        serializer = RegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        profile = {"grade_level": data["grade_level"]} if "grade_level" in data else {}
        user = services.user_create(
            email=data["email"],
            username=data["username"],
            password=data["password"],
            role=data["role"],
            time_zone=data["timezone"],
            request=request._request,
            **profile,
        )
        return Response(UserSerializer(_me(user)).data, status=status.HTTP_201_CREATED)


class LoginApi(APIView):
    permission_classes = [permissions.AllowAny]
    authentication_classes: list[Any] = []
    throttle_scope = "auth"

    def get_authenticate_header(self, request: Request) -> str:
        # Wrong credentials are a 401 (DRF would say 403 for a view without authenticators).
        return "Token"

    @extend_schema(
        tags=["auth"],
        summary="Log in and receive an expiring API token",
        request=LoginSerializer,
        responses={200: TokenSerializer, 401: ErrorResponse401Serializer},
    )
    def post(self, request: Request) -> Response:
        serializer = LoginSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        identifier = serializer.validated_data["email"].strip()
        key = "email" if "@" in identifier else "username"
        http_request = request._request
        user = authenticate(
            http_request, **{key: identifier, "password": serializer.validated_data["password"]}
        )
        if getattr(http_request, "axes_locked_out", False):
            raise LockedOut(lockout_message())
        if user is None or not user.is_active:
            raise exceptions.AuthenticationFailed("The e-mail address or password is not correct.")
        with transaction.atomic():
            limit = knox_settings.TOKEN_LIMIT_PER_USER
            if limit:
                # The oldest tokens make room: a learner with many devices is never locked out.
                stale = AuthToken.objects.filter(user=user).order_by("-created")[limit - 1 :]
                AuthToken.objects.filter(pk__in=[token.pk for token in stale]).delete()
            instance, token = AuthToken.objects.create(user=user, expiry=knox_settings.TOKEN_TTL)
        user_logged_in.send(sender=user.__class__, request=http_request, user=user)
        body = {"token": token, "expiry": instance.expiry, "user": _me(user)}
        return Response(TokenSerializer(body).data)


class LogoutApi(APIView):
    @extend_schema(
        tags=["auth"],
        summary="Log out: revoke this token (or end this session)",
        request=None,
        responses={204: None},
    )
    def post(self, request: Request) -> Response:
        if isinstance(request.auth, AuthToken):
            request.auth.delete()
            user_logged_out.send(sender=User, request=request, user=current_user(request))
        else:
            logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class LogoutAllApi(APIView):
    @extend_schema(
        tags=["auth"],
        summary="Revoke every API token of this account",
        request=None,
        responses={204: None},
    )
    def post(self, request: Request) -> Response:
        AuthToken.objects.filter(user=current_user(request)).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class PasswordChangeApi(APIView):
    @extend_schema(
        tags=["auth"],
        summary="Change the password",
        request=PasswordChangeSerializer,
        responses={204: None},
    )
    def post(self, request: Request) -> Response:
        serializer = PasswordChangeSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        user = current_user(request)
        user.set_password(serializer.validated_data["new_password"])
        user.save(update_fields=["password"])
        password_changed.send(sender=User, request=request._request, user=user)
        # Other sessions and tokens of a changed password stop working; this one continues.
        update_session_auth_hash(request._request, user)
        current = request.auth.pk if isinstance(request.auth, AuthToken) else None
        AuthToken.objects.filter(user=user).exclude(pk=current).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class PasswordResetApi(APIView):
    permission_classes = [permissions.AllowAny]
    authentication_classes: list[Any] = []
    throttle_scope = "auth"

    @extend_schema(
        tags=["auth"],
        summary="E-mail a password reset link",
        description="Answers 202 whether or not the address has an account (not revealing it).",
        request=EmailSerializer,
        responses={202: None},
    )
    def post(self, request: Request) -> Response:
        serializer = EmailSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        form = ResetPasswordForm(data={"email": serializer.validated_data["email"]})
        if form.is_valid():
            form.save(request._request)
        return Response(status=status.HTTP_202_ACCEPTED)


class VerificationResendApi(APIView):
    @extend_schema(
        tags=["auth"],
        summary="E-mail the verification link again",
        request=None,
        responses={202: None, 400: ValidationErrorResponseSerializer},
    )
    def post(self, request: Request) -> Response:
        user = current_user(request)
        if user.is_verified:
            raise exceptions.ValidationError(
                {"email": ["This e-mail address is already verified."]}
            )
        address, _ = EmailAddress.objects.get_or_create(
            user=user, email=user.email, defaults={"primary": True}
        )
        address.send_confirmation(request._request)
        return Response(status=status.HTTP_202_ACCEPTED)


class MeApi(APIView):
    @extend_schema(
        tags=["me"], summary="Who am I, and my settings", responses={200: UserSerializer}
    )
    def get(self, request: Request) -> Response:
        return Response(UserSerializer(_me(current_user(request))).data)

    @extend_schema(
        tags=["me"],
        summary="Change my details and settings",
        request=MeUpdateSerializer,
        responses={200: UserSerializer},
    )
    def patch(self, request: Request) -> Response:
        user = _me(current_user(request))
        serializer = MeUpdateSerializer(user, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        profile_fields = data.pop("profile", {})
        user = services.user_update(user=user, user_fields=data, profile_fields=profile_fields)
        return Response(UserSerializer(user).data)


class ParentInviteCreateApi(APIView):
    @extend_schema(
        tags=["parents"],
        summary="Create an invite code for a parent (learners only)",
        request=None,
        responses={201: InviteSerializer, 403: ErrorResponse403Serializer},
    )
    def post(self, request: Request) -> Response:
        invite = services.parent_invite_create(learner=current_user(request))
        return Response(InviteSerializer(invite).data, status=status.HTTP_201_CREATED)


class ParentInviteRedeemApi(APIView):
    @extend_schema(
        tags=["parents"],
        summary="Redeem a learner's invite code (parents only)",
        request=RedeemSerializer,
        responses={201: ParentLinkSerializer, 403: ErrorResponse403Serializer},
    )
    def post(self, request: Request) -> Response:
        serializer = RedeemSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        link = services.parent_invite_redeem(
            parent=current_user(request), code=serializer.validated_data["code"]
        )
        return Response(ParentLinkSerializer(link).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["parents"])
class ParentLinkListApi(generics.ListAPIView[ParentLink]):
    """Links where I am the parent or the learner."""

    serializer_class = ParentLinkSerializer

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return ParentLink.objects.none()
        return selectors.parent_links_for_user(user=current_user(self.request))


@extend_schema(tags=["parents"])
class ParentLinkDeleteApi(APIView):
    @extend_schema(summary="Unlink (either side may)", responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        link = generics.get_object_or_404(
            selectors.parent_links_for_user(user=current_user(request)), pk=pk
        )
        services.parent_link_delete(link=link, by=current_user(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["parents"], summary="The learners linked to me (parents)")
class LinkedLearnerListApi(generics.ListAPIView[User]):
    serializer_class = LinkedLearnerSerializer

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return User.objects.none()
        return selectors.linked_learners(parent=current_user(self.request))


@extend_schema(tags=["parents"])
class LinkedLearnerDetailApi(APIView):
    @extend_schema(
        summary="One linked learner; 404 for a learner not linked to me",
        responses={200: LinkedLearnerSerializer},
    )
    def get(self, request: Request, pk: int) -> Response:
        learner = selectors.linked_learner_get(parent=current_user(request), learner_id=pk)
        return Response(LinkedLearnerSerializer(learner).data)


# --- Data rights ----------------------------------------------------------------------------
def _archive_response(request: Request, learner: User) -> Response:
    archive = data_rights.data_export(
        learner=learner, by=current_user(request), ip_address=get_client_ip_address(request)
    )
    day = timezone.localdate().isoformat()
    name = f"calcuingo-learner-{learner.pk}-{day}.json"
    return Response(archive, headers={"Content-Disposition": f'attachment; filename="{name}"'})


class DataExportApi(APIView):
    @extend_schema(
        tags=["data rights"],
        summary="Download all of my data as one JSON archive",
        responses={200: OpenApiTypes.OBJECT, 401: ErrorResponse401Serializer},
    )
    def get(self, request: Request) -> Response:
        return _archive_response(request, current_user(request))


class LearnerDataExportApi(APIView):
    @extend_schema(
        tags=["data rights"],
        summary="Download all of a linked learner's data (parents); 404 if not linked",
        responses={200: OpenApiTypes.OBJECT, 404: ErrorResponse404Serializer},
    )
    def get(self, request: Request, pk: int) -> Response:
        learner = selectors.linked_learner_get(parent=current_user(request), learner_id=pk)
        return _archive_response(request, learner)


class AccountDeleteInputSerializer(serializers.Serializer[Any]):
    password = serializers.CharField(
        write_only=True, style={"input_type": "password"}, help_text="Your own password."
    )


def _delete(request: Request, learner: User) -> Response:
    serializer = AccountDeleteInputSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    by = current_user(request)
    if not by.check_password(serializer.validated_data["password"]):
        raise exceptions.ValidationError({"password": ["The password is not correct."]})
    deleting_self = learner.pk == by.pk
    data_rights.account_delete(learner=learner, by=by, ip_address=get_client_ip_address(request))
    if deleting_self and not isinstance(request.auth, AuthToken):
        request._request.session.flush()  # her tokens went with the account; end this session
    return Response(status=status.HTTP_204_NO_CONTENT)


class AccountDeleteApi(APIView):
    throttle_scope = "auth"

    @extend_schema(
        tags=["data rights"],
        summary="Delete my account: personal data erased, answers kept anonymised",
        request=AccountDeleteInputSerializer,
        responses={204: None, 400: ValidationErrorResponseSerializer},
    )
    def post(self, request: Request) -> Response:
        return _delete(request, current_user(request))


class LearnerAccountDeleteApi(APIView):
    throttle_scope = "auth"

    @extend_schema(
        tags=["data rights"],
        summary="Delete a linked learner's account (parents, with their own password)",
        request=AccountDeleteInputSerializer,
        responses={
            204: None,
            400: ValidationErrorResponseSerializer,
            404: ErrorResponse404Serializer,
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        learner = selectors.linked_learner_get(parent=current_user(request), learner_id=pk)
        return _delete(request, learner)
