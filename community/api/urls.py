from django.urls import re_path

from community.api import views
from spanglish.api.paths import UUID

# Each path answers with and without a trailing slash.
urlpatterns = [
    re_path(r"^auth/login/?$", views.LoginView.as_view(), name="auth-login"),
    re_path(r"^auth/refresh/?$", views.RefreshView.as_view(), name="auth-refresh"),
    re_path(r"^auth/logout/?$", views.LogoutView.as_view(), name="auth-logout"),
    re_path(r"^auth/register/?$", views.RegisterView.as_view(), name="auth-register"),
    re_path(r"^auth/me/?$", views.MeView.as_view(), name="auth-me"),
    re_path(
        r"^auth/password/reset/?$",
        views.PasswordResetView.as_view(),
        name="auth-password-reset",
    ),
    re_path(
        r"^auth/verify/resend/?$",
        views.VerificationResendView.as_view(),
        name="auth-verify-resend",
    ),
    re_path(
        r"^auth/login/link/?$", views.LoginLinkView.as_view(), name="auth-login-link"
    ),
    re_path(r"^users/?$", views.UserListView.as_view(), name="user-list"),
    re_path(
        rf"^users/(?P<pk>{UUID})/?$",
        views.UserDetailView.as_view(),
        name="user-detail",
    ),
    re_path(
        rf"^users/(?P<pk>{UUID})/history/?$",
        views.UserHistoryView.as_view(),
        name="user-history",
    ),
]
