"""Mappers, the history-period cutter and config checks (pure functions)."""

from __future__ import annotations

import logging
from datetime import date, timedelta

import pytest
from airbyte_cdk.utils.traced_exception import AirbyteTracedException
from source_sage_hr import mappings
from source_sage_hr.components.extractors import periods
from source_sage_hr.components.terminations import TerminationMemo
from source_sage_hr.config import normalise_config, normalise_subdomain, validate
from unified_hris.mapping import MappingContext

CTX = MappingContext("sage_hr", "acme", {}, {})


def request(**fields: object) -> dict[str, object]:
    return {
        "id": 1,
        "status_code": "approved",
        "employee_id": 5,
        "policy_id": 2,
        "start_date": "2024-05-24",
        "end_date": "2024-05-24",
        **fields,
    }


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (
            {"is_part_of_day": True, "first_part_of_day": True, "hours": 3.5},
            ("MORNING", "first_part_of_day", True, "3.5"),
        ),
        (
            {"is_part_of_day": True, "second_part_of_day": True, "hours": 3.75},
            ("AFTERNOON", "second_part_of_day", True, "3.75"),
        ),
        (
            {"is_part_of_day": True, "specific_time": True, "hours": 2},
            ("CUSTOM", "specific_time", False, "2"),
        ),
        ({"is_part_of_day": False, "hours": 37.5}, (None, None, False, "37.5")),
    ],
)
def test_half_days_and_hours(fields, expected):
    out = mappings.time_off_request(request(**fields), CTX)
    assert (out["day_part"], out["day_part_raw"], out["start_half_day"], out["amount"]) == expected
    assert (
        out["end_half_day"] == expected[2] and out["unit"] == "HOURS" and out["amount_hours"] == expected[3]
    )


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"end_date": "2024-05-30", "hours": 37.5}, ("5", "DAYS", "37.5")),  # Friday to Thursday: 5 days
        ({"end_date": "2024-05-24", "hours": 7.5}, ("1", "DAYS", "7.5")),
        ({"is_part_of_day": True, "second_part_of_day": True, "hours": 3.75}, ("0.5", "DAYS", "3.75")),
        ({"is_part_of_day": True, "specific_time": True, "hours": 2}, ("2", "HOURS", "2")),  # by the hour
    ],
)
def test_a_policy_counted_in_days_gives_days_and_keeps_the_hours(fields, expected):
    days_policy = {mappings.POLICY_KEY: {"name": "Holiday", "unit": "days"}}
    out = mappings.time_off_request(request(**days_policy, **fields), CTX)
    assert (out["amount"], out["unit"], out["amount_hours"]) == expected
    hours_policy = {mappings.POLICY_KEY: {"name": "Time in lieu", "unit": "hours"}}
    by_hours = mappings.time_off_request(request(**hours_policy, **fields), CTX)
    assert (by_hours["amount"], by_hours["unit"]) == (expected[2], "HOURS")


@pytest.mark.parametrize(
    ("raw", "unified"),
    [
        ("approved", "APPROVED"),
        ("pending", "REQUESTED"),
        ("declined", "DECLINED"),
        ("cancelled", "CANCELLED"),
        ("canceled", "CANCELLED"),
        ("on_hold", "OTHER"),
    ],
)
def test_request_statuses_keep_their_raw_value(raw, unified):
    out = mappings.time_off_request(request(status_code=raw, status=raw.title()), CTX)
    assert (out["status"], out["status_raw"]) == (unified, raw)


def test_request_dates_answers_and_foreign_keys():
    out = mappings.time_off_request(
        request(
            request_date="2024-05-22",
            approval_date=None,
            details="Birthday lunch",
            fields=[{"title": "Approved?", "answer": True}],
        ),
        CTX,
    )
    assert out["requested_at"] == "2024-05-22T00:00:00.000000Z" and out["decided_at"] is None
    assert (
        out["employee_id"] == "sage_hr:acme:employee:5" and out["type_id"] == "sage_hr:acme:time_off_type:2"
    )
    assert out["custom_fields"] == {"Approved?": True} and out["employee_note"] == "Birthday lunch"
    covered = mappings.time_off_request(request(replacement={"id": 12, "full_name": "Ada Lee"}), CTX)
    assert covered["custom_fields"] == {"replacement_employee_id": "sage_hr:acme:employee:12"}


def test_employee_mapping_of_contract_type_nationality_and_address():
    raw = {
        "id": 2107,
        "first_name": "Oskar",
        "last_name": "Berg",
        "employment_start_date": "2022-09-12",
        "employment_status": "Part-time",
        "nationality": "Norwegian",
        "gender": "Male",
        "marital_status": "Married",
        "street_first": "8 Mill Lane",
        "street_second": "",
        "city": "Leeds",
        "post_code": "LS1 4DY",
        "country": "GB",
        "team_id": 14,
        "home_phone": "+44 113 555 0199",
        "personal_identification_number": "38702030123",
        "tax_number": "NO-TX-4471",
    }
    out = mappings.employee(raw, MappingContext("sage_hr", "acme", {}, {"listing": "employees"}))
    assert (out["home_phone_number"], out["national_id"], out["tax_id"]) == (
        "+44 113 555 0199",
        "38702030123",
        "NO-TX-4471",
    )
    assert (out["time_type"], out["worker_type"], out["employment_type"]) == (
        "PART_TIME",
        "EMPLOYEE",
        "PART_TIME",
    )
    assert (out["nationality"], out["nationality_raw"]) == ("NO", "Norwegian")
    assert out["home_address"] == {
        "street_1": "8 Mill Lane",
        "street_2": None,
        "city": "Leeds",
        "postal_code": "LS1 4DY",
        "country": "GB",
    }
    assert out["group_ids"] == ["sage_hr:acme:department:14"] and out["custom_fields"] is None
    contractor = mappings.employee({**raw, "employment_status": "Contractor"}, CTX)
    assert (contractor["time_type"], contractor["worker_type"], contractor["employment_type"]) == (
        None,
        "CONTRACTOR",
        "CONTRACTOR",
    )
    future = mappings.employee(
        {**raw, "employment_start_date": (date.today() + timedelta(days=9)).isoformat()}, CTX
    )
    assert future["employment_status"] == "PENDING"


def test_policy_categories_from_rules_and_config():
    assert mappings.time_off_type({"id": 1, "name": "Sickday", "unit": "days"}, CTX)["category"] == "SICK"
    assert mappings.time_off_type({"id": 2, "name": "Duvet day", "unit": "days"}, CTX)["category"] == "OTHER"
    ctx = MappingContext("sage_hr", "acme", {"policy_categories": {"duvet DAY": "PERSONAL"}}, {})
    assert (
        mappings.time_off_type({"id": 2, "name": "Duvet day", "unit": "hours"}, ctx)["category"] == "PERSONAL"
    )


def test_compensation_and_balance_ids_are_synthetic_and_money_is_decimal():
    ctx = MappingContext("sage_hr", "acme", {}, {"employee_id": 7})
    comp = mappings.compensation(
        {
            "start_date": "2024-02-01",
            "end_date": None,
            "currency": "GBP",
            "amount": 3500,
            "period": "monthly",
            "comment": "Promotion",
            "category": "Salary",
        },
        ctx,
    )
    assert (comp["remote_id"], comp["remote_id_is_synthetic"]) == ("7:Salary:2024-02-01", True)
    assert (comp["amount"], comp["annualized_amount"], comp["pay_period"], comp["type"]) == (
        "3500.00",
        "42000.00",
        "MONTH",
        "BASE_SALARY",
    )
    assert comp["is_current"] is True
    untracked = {
        "employee_id": 7,
        "policy": {"id": 2, "name": "Sickday"},
        "quantity": "0.0",
        "unit": "days",
        "carryover": "0.0",
        "balance": {"policy_id": 2, "used": 3, "available": None},
    }
    balance = mappings.time_off_balance(untracked, CTX)
    assert (balance["remote_id"], balance["used"], balance["balance"], balance["entitlement"]) == (
        "7:2",
        "3",
        None,
        "0",
    )
    tracked = untracked | {
        "policy": {"id": 1, "name": "Holiday"},
        "quantity": "25.0",
        "carryover": "2.0",
        "balance": {"policy_id": 1, "used": 6.5, "available": 20.5},
    }
    balance = mappings.time_off_balance(tracked, CTX)
    assert (balance["entitlement"], balance["used"], balance["balance"], balance["unit"]) == (
        "25",
        "6.5",
        "20.5",
        "DAYS",
    )
    assert balance["custom_fields"] == {"carryover": "2"}
    # include_balance_usage off: the report's facts only
    report_only = mappings.time_off_balance({k: v for k, v in tracked.items() if k != "balance"}, CTX)
    assert (report_only["entitlement"], report_only["used"], report_only["balance"]) == ("25", None, None)


@pytest.mark.parametrize(
    ("name", "category"),
    [
        ("Vacaciones", "VACATION"),
        ("Baja médica", "SICK"),
        ("Asuntos propios", "PERSONAL"),
        ("Congés payés", "VACATION"),
        ("Arrêt maladie", "SICK"),
        ("Congé sans solde", "UNPAID"),
        ("Urlaub", "VACATION"),
        ("Elternzeit", "PARENTAL"),
        ("Überstundenausgleich", "TIME_IN_LIEU"),
        ("Férias", "VACATION"),
        ("Licença de maternidade", "PARENTAL"),
        ("Feriado", "PUBLIC_HOLIDAY"),
    ],
)
def test_policy_names_in_other_languages(name, category):
    assert mappings.time_off_type({"id": 1, "name": name, "unit": "days"}, CTX)["category"] == category


def test_a_users_override_wins_over_the_language_tables():
    ctx = MappingContext("sage_hr", "acme", {"policy_categories": {"Vacaciones": "PERSONAL"}}, {})
    assert mappings.time_off_type({"id": 1, "name": "vacaciones", "unit": "days"}, ctx)["category"] == "PERSONAL"


def test_policy_switches_and_accrual_settings():
    policy = {
        "id": 1,
        "name": "Holiday",
        "color": "#2E86C1",
        "do_not_accrue": False,
        "unit": "days",
        "default_allowance": "25",
        "max_carryover": "5.0",
        "accrue_type": "yearly",
        "only_full_days": False,
        "auto_approves": True,
        "enable_replacement": True,
    }
    out = mappings.time_off_type(policy, CTX)
    assert (out["half_days_supported"], out["requires_approval"]) == (True, False)
    assert out["custom_fields"] == {
        "default_allowance": "25",
        "max_carryover": "5.0",
        "accrue_type": "yearly",
        "do_not_accrue": False,
        "enable_replacement": True,
    }
    listed_only = mappings.time_off_type({k: policy[k] for k in ("id", "name", "unit")}, CTX)
    assert (listed_only["half_days_supported"], listed_only["requires_approval"]) == (None, None)


def test_periods_cut_three_histories_at_every_change():
    employee = {
        "id": 9,
        "position_history": [
            {
                "position_id": 1,
                "start_date": "2020-01-01",
                "end_date": "2021-12-31",
                "position_name": "Developer",
            },
            {"position_id": 2, "start_date": "2022-01-01", "end_date": None, "position_name": "Lead"},
        ],
        "team_history": [
            {"team_id": 1, "start_date": "2020-01-01", "end_date": "2022-06-30", "team_name": "A"},
            {
                "team_id": 2,
                "start_date": "2022-07-01",
                "end_date": "201-01-01",
                "team_name": "B",
            },  # S1's typo
        ],
        "employment_status_history": [
            {
                "employment_status_id": 1,
                "start_date": "2020-01-01",
                "end_date": None,
                "employment_statu_name": "Full-time",
            }
        ],
    }
    cut = periods(employee)
    assert [(p["effective_date"], p["end_date"]) for p in cut] == [
        ("2020-01-01", "2021-12-31"),
        ("2022-01-01", "2022-06-30"),
        ("2022-07-01", None),
    ]
    assert [(p["position"]["position_name"], p["team"]["team_id"]) for p in cut] == [
        ("Developer", 1),
        ("Lead", 1),
        ("Lead", 2),
    ]
    mapped = mappings.employment(cut[-1], CTX)
    assert mapped["remote_id"] == "9:2022-07-01" and mapped["contract_type_raw"] == "Full-time"
    assert (mapped["time_type"], mapped["is_current"]) == ("FULL_TIME", True)


def test_periods_skip_gaps_and_close_at_the_last_end():
    employee = {
        "id": 3,
        "position_history": [
            {"start_date": "2020-01-01", "end_date": "2020-03-31", "position_name": "Temp"},
            {"start_date": "2020-06-01", "end_date": "2020-12-31", "position_name": "Back"},
        ],
    }
    assert [(p["effective_date"], p["end_date"]) for p in periods(employee)] == [
        ("2020-01-01", "2020-03-31"),
        ("2020-06-01", "2020-12-31"),
    ]
    assert periods({"id": 4}) == []


@pytest.mark.parametrize(
    ("given", "label"),
    [
        ("acme", "acme"),
        ("ACME ", "acme"),
        ("acme.sage.hr", "acme"),
        ("https://acme.sage.hr/", "acme"),
        ("http://my-co.sage.hr", "my-co"),
    ],
)
def test_subdomain_forms_that_normalise(given, label):
    assert normalise_subdomain(given) == label


@pytest.mark.parametrize(
    "given",
    [
        "acme.example.com",
        "https://acme.sage.hr/api",
        "acme/x",
        "https://evil.com/acme.sage.hr",
        "a b",
        "-acme",
        "",
        "acme.sage.hr.evil.com",
        None,
    ],
)
def test_subdomains_that_are_refused_with_what_to_enter(given):
    config = normalise_config({"subdomain": given, "api_key": "k", "start_date": "2024-01-01"})
    with pytest.raises(AirbyteTracedException, match=r"part before \.sage\.hr") as caught:
        validate(config)
    assert caught.value.failure_type.value == "config_error"


@pytest.mark.parametrize(
    ("base_url", "ok"),
    [
        ("https://proxy.example.com/sage/api", True),
        ("http://127.0.0.1:8080/api", True),
        ("http://localhost:9/api", True),
        ("http://[::1]:9/api", True),
        ("http://proxy.example.com/api", False),
        ("ftp://acme.sage.hr/api", False),
        ("not a url", False),
        ("https://user:secret@proxy.example.com/api", False),
    ],
)
def test_base_url_must_be_https_except_loopback(base_url, ok):
    config = normalise_config(
        {"subdomain": "acme", "api_key": "k", "start_date": "2024-01-01", "base_url": base_url}
    )
    if ok:
        validate(config)
    else:
        with pytest.raises(AirbyteTracedException, match=r"Invalid 'base_url'.*leave it empty"):
            validate(config)


def test_other_fields_are_checked():
    base = {"subdomain": "acme", "api_key": "k", "start_date": "2024-01-01"}
    for field, value in (
        ("start_date", "01/02/2024"),
        ("api_key", " "),
        ("future_horizon_days", -1),
        ("requests_per_minute", 0),
        ("policy_categories", {"Duvet day": "NAPPING"}),
        ("policy_categories", ["Duvet day"]),
    ):
        with pytest.raises(AirbyteTracedException, match=f"Invalid '{field}'"):
            validate({**base, field: value})


def test_memo_keeps_what_a_completed_sync_saw():
    memo = TerminationMemo(
        {"1": ["d1", "New job", "voluntary"], "2": ["d2", "Redundancy", "involuntary"], "bad": "x"}
    )
    assert memo.get("1", "d1") == ("New job", "voluntary")
    assert memo.get("2", "changed") is None
    memo.put("2", "changed", "Dismissal", "involuntary")
    assert memo.dump(complete=False) == {
        "1": ["d1", "New job", "voluntary"],
        "2": ["changed", "Dismissal", "involuntary"],
    }
    memo2 = TerminationMemo(memo.dump(complete=True))
    assert memo2.get("1", "d1") and memo2.get("2", "changed")
    assert TerminationMemo({"3": ["d3", "x", None]}).dump(complete=True) == {}, "leavers not seen are dropped"


def test_enum_tables_hold_only_unified_values():
    from unified_hris.schemas import enum_fields

    fields = {
        "request_status": ("time_off_requests", "status"),
        "time_type": ("employees", "time_type"),
        "worker_type": ("employees", "worker_type"),
        "gender": ("employees", "gender"),
        "marital_status": ("employees", "marital_status"),
        "termination_type": ("employees", "termination_type"),
        "compensation_type": ("compensations", "type"),
        "pay_period": ("compensations", "pay_period"),
        "time_unit": ("time_off_types", "unit"),
        "policy_category": ("time_off_types", "category"),
    }
    for name, (stream, field) in fields.items():
        allowed = set(enum_fields(stream)[field])
        table = mappings.TABLES[name]
        values = {table(raw) for raw in table._table}
        assert values <= allowed | {None}, f"{name}: {values - allowed}"
    nationality = mappings.TABLES["nationality"]
    assert all(isinstance(nationality(raw), str) and len(nationality(raw)) == 2 for raw in nationality._table)


def test_spec_category_choices_are_the_unified_ones():
    from source_sage_hr.source import SourceSageHR
    from unified_hris.schemas import enum_fields

    spec = SourceSageHR(config={}).spec(logging.getLogger("test")).connectionSpecification
    choices = spec["properties"]["policy_categories"]["additionalProperties"]["enum"]
    assert choices == enum_fields("time_off_types")["category"]


def test_a_refused_base_url_is_not_echoed():
    config = {"subdomain": "acme", "api_key": "k", "start_date": "2024-01-01"}
    with pytest.raises(AirbyteTracedException) as caught:
        validate({**config, "base_url": "https://user:hunter2-secret@proxy.example.com/api"})
    assert "hunter2-secret" not in caught.value.message and "credentials" in caught.value.message
