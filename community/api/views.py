from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, status
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView
from rest_framework_simplejwt import views as jwt_views

from community import services
from community.api.serializers import RegisterSerializer, UserSerializer


class AuthThrottleMixin:
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"


@extend_schema(
    tags=["auth"],
    summary="Sign in with email and password",
    description="Public. Returns an `access` token (minutes) and a `refresh` token. "
    "Repeated failures lock the account and IP out (429).",
)
class LoginView(AuthThrottleMixin, jwt_views.TokenObtainPairView):
    permission_classes = [permissions.AllowAny]


@extend_schema(
    tags=["auth"],
    summary="Exchange a refresh token for new tokens",
    description="Public. Refresh tokens rotate: the one sent is blacklisted and stops working.",
)
class RefreshView(AuthThrottleMixin, jwt_views.TokenRefreshView):
    permission_classes = [permissions.AllowAny]


@extend_schema(
    tags=["auth"],
    summary="Sign out",
    description="Public (the refresh token is the credential). Blacklists it.",
    responses={200: OpenApiResponse(description="Signed out")},
)
class LogoutView(AuthThrottleMixin, jwt_views.TokenBlacklistView):
    permission_classes = [permissions.AllowAny]


@extend_schema(
    tags=["auth"],
    summary="Create a member account",
    description="Public, rate-limited. Password validators apply.",
    request=RegisterSerializer,
    responses={201: UserSerializer},
)
class RegisterView(AuthThrottleMixin, APIView):
    permission_classes = [permissions.AllowAny]

    def post(self, request):
        serializer = RegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.user_register(**serializer.validated_data)
        return Response(UserSerializer(user).data, status=status.HTTP_201_CREATED)


@extend_schema(
    tags=["auth"], summary="The signed-in user", description="Authenticated users."
)
class MeView(APIView):
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = UserSerializer

    def get(self, request):
        return Response(UserSerializer(request.user).data)
