"""PeopleHR's value shapes: ``DisplayValue`` wrappers, and saved-query rows keyed by column names.

A saved query (PeopleHR Query Builder, read with ``GetQueryResultByQueryName``) returns flat rows keyed
by the columns' display names, all values strings and dates as ``yyyy/MM/dd`` [V]. The column names a
tenant's query offers are not documented [U]: `QUERY_COLUMNS` lists the names this connector reads for
each area, with aliases; `translate` turns a row into the shape of the matching per-employee action.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from unified_hris.mapping import RECORD_CONTEXT
from unified_hris.parsing import clean_str, parse_date, parse_datetime

#: The key under which extractors hand mappers what a raw row alone does not say (never in remote_data).
CONTEXT = RECORD_CONTEXT

#: Per area: action field -> accepted column names (first found wins). Fields marked required in
#: `REQUIRED_COLUMNS` must be present, the others may be left out of the query.
QUERY_COLUMNS: Mapping[str, Mapping[str, tuple[str, ...]]] = {
    "holiday": {
        "AnnualLeaveTxnId": ("Annual Leave Txn Id", "Holiday Id", "AnnualLeaveTxnId"),
        "EmployeeId": ("Employee Id", "EmployeeId"),
        "StartDate": ("Holiday Start Date", "Start Date"),
        "EndDate": ("Holiday End Date", "End Date"),
        "DurationType": ("Duration Type",),
        "DurationInDays": ("Duration (Days)", "Duration In Days"),
        "DurationInMinutes": ("Duration (Minutes)", "Duration In Minutes"),
        "PartOfDay": ("Part Of Day",),
        "StartDatePartOfTheDay": ("Start Part Of Day", "Start Date Part Of The Day"),
        "EndDatePartOfTheDay": ("End Part Of Day", "End Date Part Of The Day"),
        "Status": ("Status", "Holiday Status"),
        "RequesterComments": ("Requester Comments",),
        "ApproverComments": ("Approver Comments",),
        "Approver": ("Approver",),
        "LastActionDateTime": ("Last Action Date", "Last Action Date Time"),
        "IsToilHoliday": ("TOIL", "Is TOIL"),
    },
    "absence": {
        "AbsenceLeaveTxnId": ("Absence Leave Txn Id", "Absence Id", "AbsenceLeaveTxnId"),
        "EmployeeId": ("Employee Id", "EmployeeId"),
        "StartDate": ("Absence Start Date", "Start Date"),
        "EndDate": ("Absence End Date", "End Date"),
        "DurationDays": ("Duration (Days)", "Duration Days"),
        "PartOfDay": ("Part Of Day",),
        "Reason": ("Reason", "Absence Reason"),
        "AbsencePaidStatus": ("Paid Status",),
    },
    "salary": {
        "EmployeeId": ("Employee Id", "EmployeeId"),
        "EffectiveFrom": ("Effective From", "Salary Effective Date"),
        "SalaryType": ("Salary Type",),
        "PaymentFrequency": ("Payment Frequency",),
        "SalaryAmount": ("Salary Amount",),
        "TotalSalaryAmount": ("Total Salary Amount",),
        "Currency": ("Currency",),
        "ChangeReason": ("Change Reason",),
        "Comments": ("Comments",),
    },
}
REQUIRED_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "holiday": ("EmployeeId", "StartDate", "EndDate"),
    "absence": ("EmployeeId", "StartDate", "EndDate"),
    "salary": ("EmployeeId", "EffectiveFrom", "SalaryAmount"),
}
_DATES = {"StartDate", "EndDate", "EffectiveFrom"}
_QUERY_DATE_FORMATS = ("YYYY/MM/DD", "DD/MM/YYYY")


def display(record: Mapping[str, Any], *path: str) -> str | None:
    """The cleaned ``DisplayValue`` at `path` (plain strings are accepted too), or None."""
    value: Any = record
    for name in path:
        value = value.get(name) if isinstance(value, Mapping) else None
    if isinstance(value, Mapping):
        value = value.get("DisplayValue")
    return clean_str(value)


def missing_columns(area: str, row: Mapping[str, Any]) -> list[str]:
    """The required columns `row` lacks (their first accepted name)."""
    columns = QUERY_COLUMNS[area]
    return [columns[f][0] for f in REQUIRED_COLUMNS[area] if not any(c in row for c in columns[f])]


def translate(area: str, row: Mapping[str, Any]) -> dict[str, Any]:
    """A saved-query row in the shape of the area's per-employee action (dates as ISO)."""
    out: dict[str, Any] = {}
    for field, names in QUERY_COLUMNS[area].items():
        value = next((row[name] for name in names if name in row), None)
        if field in _DATES:
            value = parse_date(value, _QUERY_DATE_FORMATS)
        elif field == "LastActionDateTime":
            value = _query_timestamp(value)
        elif field == "IsToilHoliday":
            value = None if value is None else str(value).strip().casefold() in ("yes", "true", "1")
        out[field] = value
    return out


def _query_timestamp(value: Any) -> str | None:
    """``yyyy/MM/dd HH:mm:ss`` back to the per-employee shape ``yyyy-MM-dd HH:mm:ss`` (same local time)."""
    text = clean_str(value)
    if text is None:
        return None
    moment = parse_datetime(text, tz="UTC", formats=("YYYY/MM/DD HH:mm:ss",))
    return None if moment is None else f"{moment[:10]} {moment[11:19]}"


def norm_name(value: str | None) -> str | None:
    """The synthetic id of a department or location named `value`: case folded, words joined by '-'."""
    text = clean_str(value)
    return "-".join(text.casefold().split()) if text else None
