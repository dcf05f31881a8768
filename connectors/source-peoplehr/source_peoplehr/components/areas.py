"""The PeopleHR areas read per employee: endpoint, action, permission name and saved-query setting."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Area:
    name: str  # what PeopleHR calls the permission area, and the value in the `read_areas` setting
    endpoint: str
    action: str
    windowed: bool = False  # takes the time-off window's dates, in `window_fields`
    params: Mapping[str, str] = field(default_factory=dict)
    query_setting: str | None = None  # config field naming a saved query that replaces the fan-out
    window_fields: tuple[str, str] = ("StartDate", "EndDate")
    optional: bool = True  # False: not subject to `read_areas` (the Employee area every stream needs)


AREAS: Mapping[str, Area] = {
    "holiday": Area("Holiday", "Holiday", "GetHolidayDetail", windowed=True, query_setting="holiday_query"),
    "absence": Area("Absence", "Absence", "GetAbsenceDetail", windowed=True, query_setting="absence_query"),
    "other_event": Area("OtherEvent", "OtherEvent", "getothereventdetail", windowed=True),
    "maternity": Area(
        "MaternityPaternity",
        "MaternityPaternity",
        "GetMaternityPaternityByEmployeeId",
        windowed=True,
        window_fields=("ActualStartDate", "ActualEndDate"),
    ),
    "detail": Area("Employee", "Employee", "GetEmployeeDetailById", optional=False),
    "salary": Area(
        "Salary",
        "Salary",
        "GetSalaryDetail",
        params={"IsIncludeHistory": "true"},
        query_setting="salary_query",
    ),
    "benefit": Area("Benefit", "Benefit", "GetBenefitByEmployeeId"),
    "timesheet": Area("Timesheet", "Timesheet", "GetTimesheetDetail", windowed=True),
    # no dates: the current leave year [I]
    "entitlement": Area("HolidayEntitlement", "HolidayEntitlements", "GetHolidayEntitlement"),
}
AREA_BY_ACTION: Mapping[str, str] = {a.action.casefold(): key for key, a in AREAS.items()}
QUERY_ACTION = "GetQueryResultByQueryName"


def enabled(config: Mapping[str, Any], area: str) -> bool:
    """Whether the config lets the connector read `area` (`read_areas`, default: all)."""
    names = config.get("read_areas")
    return names is None or not AREAS[area].optional or AREAS[area].name in names


def query_name(config: Mapping[str, Any], area: str) -> str | None:
    setting = AREAS[area].query_setting
    value = config.get(setting) if setting else None
    return str(value).strip() if value and str(value).strip() else None


def area_of_query(config: Mapping[str, Any], name: str) -> str | None:
    return next((key for key in AREAS if query_name(config, key) == name), None)
