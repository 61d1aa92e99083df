from django.urls import re_path

from community.api import views

# Each path answers with and without a trailing slash.
urlpatterns = [
    re_path(r"^auth/login/?$", views.LoginView.as_view(), name="auth-login"),
    re_path(r"^auth/refresh/?$", views.RefreshView.as_view(), name="auth-refresh"),
    re_path(r"^auth/logout/?$", views.LogoutView.as_view(), name="auth-logout"),
    re_path(r"^auth/register/?$", views.RegisterView.as_view(), name="auth-register"),
    re_path(r"^auth/me/?$", views.MeView.as_view(), name="auth-me"),
    re_path(r"^users/?$", views.UserListView.as_view(), name="user-list"),
    re_path(
        r"^users/(?P<pk>[0-9a-f-]{36})/?$",
        views.UserDetailView.as_view(),
        name="user-detail",
    ),
    re_path(
        r"^users/(?P<pk>[0-9a-f-]{36})/history/?$",
        views.UserHistoryView.as_view(),
        name="user-history",
    ),
]
