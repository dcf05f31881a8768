from datetime import date, timedelta

from hris_sandbox.company import Company

AS_OF = date(2026, 6, 15)


def fingerprint(company: Company) -> list[tuple]:
    return [
        (
            e.key,
            e.uid,
            e.first_name,
            e.last_name,
            e.start_date,
            e.termination_date,
            len(e.requests),
            len(e.compensations),
            tuple((r.start, r.status, r.part_of_day) for r in e.requests),
        )
        for e in company.employee_list()
    ]


def test_same_seed_size_and_date_give_the_same_company():
    assert fingerprint(Company.generate(80, seed=5, as_of=AS_OF)) == fingerprint(
        Company.generate(80, seed=5, as_of=AS_OF)
    )


def test_other_seed_gives_another_company():
    assert fingerprint(Company.generate(80, seed=5, as_of=AS_OF)) != fingerprint(
        Company.generate(80, seed=6, as_of=AS_OF)
    )


def test_adding_an_employee_keeps_the_others():
    company = Company.generate(50, seed=2, as_of=AS_OF)
    before = fingerprint(company)
    added = company.add_employee()
    assert fingerprint(company)[:50] == before and added.key == 51


def test_variety_a_real_tenant_has():
    company = Company.generate(400, seed=1, as_of=AS_OF)
    employees = company.employee_list()
    statuses = {e.status(AS_OF) for e in employees}
    assert statuses == {"active", "inactive", "pending"}
    assert any(e.time_type == "part_time" for e in employees)
    assert {e.worker_type for e in employees} >= {"employee", "contractor"}
    assert len({c.currency for e in employees for c in e.compensations}) >= 3
    assert {c.payments_per_year for e in employees for c in e.compensations} >= {12, 14}
    requests = company.all_requests()
    assert {r.status for r in requests} == {"approved", "pending", "declined", "cancelled"}
    assert {r.part_of_day for r in requests} >= {None, "morning", "afternoon", "hours"}
    assert any(not e.first_name.isascii() or not e.last_name.isascii() for e in employees)
    assert any(e.personal_email is None for e in employees) and any(
        e.date_of_birth is None for e in employees
    )
    assert any(len(e.history) > 1 for e in employees)
    span = max(r.end for r in requests) - min(r.start for r in requests)
    assert span > timedelta(days=365 * 3)


def test_history_and_requests_stay_inside_employment():
    company = Company.generate(200, seed=4, as_of=AS_OF)
    for e in company.employee_list():
        assert e.history[0].start == e.start_date
        for before, after in zip(e.history, e.history[1:], strict=False):
            assert before.end is not None and before.end < after.start
        for r in e.requests:
            assert r.start <= r.end and r.start >= e.start_date
            if e.termination_date:
                assert r.end <= e.termination_date


def test_mutations_bump_the_version_and_change_counts():
    company = Company.generate(30, seed=3, as_of=AS_OF)
    counts, version = company.counts(), company.version
    company.edit_employee(7, last_name="Renamed", job_title="Chief Tester")
    assert company.employees[7].last_name == "Renamed" and company.employees[7].job_title == "Chief Tester"
    removed = company.delete_employee(8)
    request = company.add_time_off_request(9, start=AS_OF + timedelta(days=3), status="pending")
    assert company.version == version + 3
    after = company.counts()
    assert after["employees"] == counts["employees"] - 1
    assert after["time_off_requests"] == counts["time_off_requests"] - len(removed.requests) + 1
    assert request in company.employees[9].requests
    entry = next(e for e in company.employee_list() if e.work_entries).work_entries[0]
    company.delete_work_entry(entry.employee_key, entry.key)
    assert entry.deleted_at is not None and company.counts()["work_entries"] == after["work_entries"] - 1
