from dataclasses import asdict

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from door import selectors, services
from door.api.serializers import (
    ManifestSerializer,
    SyncResultSerializer,
    SyncSerializer,
)
from events.models import Event
from spanglish.api.permissions import IsDoorStaff
from tickets.selectors import checkin_counts


class DoorManifestView(APIView):
    permission_classes = [IsDoorStaff]

    @extend_schema(
        tags=["door"],
        summary="The event's ticket list for offline check-in",
        description="Door staff (volunteers, organizers, admins). Every ticket of the "
        "event with its code, name, status and cash to collect, so a phone can keep "
        "checking people in when the venue's connection drops.",
        responses={200: ManifestSerializer},
    )
    def get(self, request, pk):
        event = get_object_or_404(Event, pk=pk)
        data = selectors.door_manifest(event=event)
        data["generated_at"] = timezone.now()
        return Response(ManifestSerializer(data).data)


class DoorSyncView(APIView):
    permission_classes = [IsDoorStaff]

    @extend_schema(
        tags=["door"],
        summary="Send check-ins a phone made offline",
        description="Door staff (volunteers, organizers, admins). Applies a batch of "
        "queued check-ins, oldest first. Idempotent by `client_id`: replaying a batch "
        "changes nothing and returns the first answers (`replayed`: true). The server "
        "is the authority: the first check-in of a ticket admits it; any later one "
        "gets `already_checked_in` with who checked it in and when.",
        request=SyncSerializer,
        responses={200: SyncResultSerializer},
    )
    def post(self, request):
        serializer = SyncSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        event = get_object_or_404(Event, pk=data["event"])
        answers = services.checkins_sync(
            event=event, items=data["checkins"], actor=request.user
        )
        payload = {
            "results": [asdict(answer) for answer in answers],
            **checkin_counts(event=event),
        }
        return Response(SyncResultSerializer(payload).data)
