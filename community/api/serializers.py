from django.conf import settings
from rest_framework import serializers
from rest_framework_simplejwt.serializers import TokenObtainPairSerializer

from community.models import Role, User


class UserSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "email", "name", "phone", "role", "language"]
        read_only_fields = fields


class UserDetailSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = [
            "id",
            "email",
            "name",
            "phone",
            "role",
            "language",
            "is_active",
            "email_verified_at",
            "marketing_consent",
            "marketing_consent_at",
            "date_joined",
            "last_login",
        ]
        read_only_fields = fields


class UserUpdateSerializer(serializers.Serializer):
    """PUT body; fields left out stay as they are. Only admins may send `role`."""

    name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True)
    language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False)
    marketing_consent = serializers.BooleanField(required=False)
    role = serializers.ChoiceField(choices=Role.choices, required=False)


class HistoryPaymentSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    provider = serializers.CharField()
    amount = serializers.DecimalField(max_digits=10, decimal_places=2)
    currency = serializers.CharField()
    status = serializers.CharField()
    refunded_amount = serializers.DecimalField(max_digits=10, decimal_places=2)
    created_at = serializers.DateTimeField()


class HistoryTicketSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    event_id = serializers.UUIDField(source="event.pk")
    event_title = serializers.CharField(source="event.title")
    event_starts_at = serializers.DateTimeField(source="event.starts_at")
    status = serializers.CharField()
    payment_method = serializers.CharField()
    attended = serializers.SerializerMethodField()
    checked_in_at = serializers.DateTimeField(source="checkin_at", allow_null=True)
    booked_at = serializers.DateTimeField(source="created_at")
    payments = HistoryPaymentSerializer(many=True, source="payments.all")

    def get_attended(self, ticket) -> bool:
        return ticket.checkin_at is not None


class HistorySerializer(serializers.Serializer):
    user = UserSerializer()
    attendance = serializers.DictField(child=serializers.IntegerField())
    tickets = HistoryTicketSerializer(many=True)


class RegisterSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(write_only=True, style={"input_type": "password"})
    name = serializers.CharField(max_length=150)
    language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False)


class RegisterResponseSerializer(serializers.Serializer):
    detail = serializers.CharField()


class LogoutSerializer(serializers.Serializer):
    refresh = serializers.CharField()


class LoginSerializer(TokenObtainPairSerializer):
    """simplejwt's login, with django-axes seeing the real HttpRequest.

    Axes marks a locked-out request on the object it is given; its middleware reads
    the Django request, not DRF's wrapper, so hand it the underlying one.
    """

    def validate(self, attrs):
        request = self.context.get("request")
        if request is not None and hasattr(request, "_request"):
            self.context["request"] = request._request
        return super().validate(attrs)
