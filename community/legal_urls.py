"""The legal pages, mounted by spanglish/urls.py under the language prefix with the
calendar-button privacy notice beside them (calendars)."""

from django.urls import path

from community import legal_views

urlpatterns = [
    path("privacy/", legal_views.privacy_policy, name="privacy"),
    path("terms/", legal_views.terms, name="terms"),
]
