"""The back office's reports: sales and payments, members, passes. Each is a
`Report` (base.py); backoffice.services.report_export audits and streams one."""

from backoffice.reports.base import Report
from backoffice.reports.members import MembersReport
from backoffice.reports.passes import PassesReport
from backoffice.reports.sales import SalesReport

__all__ = ["MembersReport", "PassesReport", "Report", "SalesReport"]
