from django.conf import settings
from rest_framework import serializers
from rest_framework_simplejwt.serializers import TokenObtainPairSerializer

from community.models import User


class UserSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "email", "name", "phone", "role", "language"]
        read_only_fields = fields


class RegisterSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(write_only=True, style={"input_type": "password"})
    name = serializers.CharField(max_length=150)
    language = serializers.ChoiceField(
        choices=[code for code, _ in settings.LANGUAGES], required=False
    )


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
