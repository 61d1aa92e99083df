from django.urls import re_path

from backoffice.api import views

urlpatterns = [
    re_path(r"^reports/sales\.csv$", views.SalesCSV.as_view(), name="report-sales-csv"),
    re_path(
        r"^reports/sales\.xlsx$", views.SalesXLSX.as_view(), name="report-sales-xlsx"
    ),
    re_path(
        r"^reports/passes\.csv$", views.PassesCSV.as_view(), name="report-passes-csv"
    ),
    re_path(
        r"^reports/passes\.xlsx$",
        views.PassesXLSX.as_view(),
        name="report-passes-xlsx",
    ),
    re_path(
        r"^reports/members\.csv$",
        views.MembersCSV.as_view(),
        name="report-members-csv",
    ),
    re_path(
        r"^reports/members\.xlsx$",
        views.MembersXLSX.as_view(),
        name="report-members-xlsx",
    ),
]
