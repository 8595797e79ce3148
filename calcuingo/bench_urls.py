"""The product's URLs plus the framework floor, for `make bench` only (`bench/settings.py`).

The floor is the least an authenticated write can cost in this stack: the same DRF view
machinery, token authentication, permission and throttles as every API view, then one row
inserted and one counter updated in one transaction. `make bench` compares the answer
endpoint with it. The product's URL conf does not carry it.
"""

from __future__ import annotations

from django.db import connection, transaction
from django.urls import path
from django.utils import timezone
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from calcuingo.api.auth import current_user
from calcuingo.urls import urlpatterns as product_urlpatterns

# Created by the bench (bench/run.py) before the server starts.
FLOOR_EVENTS = "bench_floor_event"
FLOOR_COUNTERS = "bench_floor_counter"


class FloorInputSerializer(serializers.Serializer[dict[str, int]]):
    value = serializers.IntegerField(min_value=0, max_value=10**6)


class FrameworkFloorApi(APIView):
    """One row and one counter in one transaction, behind the API's authentication."""

    schema = None  # not part of the product's API

    def post(self, request: Request) -> Response:
        user = current_user(request)
        serializer = FloorInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        value = serializer.validated_data["value"]
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {FLOOR_EVENTS} (user_id, value, created_at) VALUES (%s, %s, %s)",  # noqa: S608 - constant table name
                [user.pk, value, timezone.now()],
            )
            cursor.execute(
                f"UPDATE {FLOOR_COUNTERS} SET total = total + %s WHERE user_id = %s",  # noqa: S608 - constant table name
                [value, user.pk],
            )
        return Response({"value": value}, status=201)


urlpatterns = [
    path("bench/floor", FrameworkFloorApi.as_view(), name="bench-floor"),
    *product_urlpatterns,
]
