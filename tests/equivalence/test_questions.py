"""The comparison of the equivalence test catches what it must: a differing answer, a missing key, a
provider left out beyond what its listed difference covers, and a listed difference nobody needs."""

from __future__ import annotations

from pathlib import Path

import pytest
from equivalence.questions import (
    BY_ID,
    DIFFERENCES_FILE,
    MISSING,
    Difference,
    compare,
    load_differences,
)

GENDER = BY_ID["person_gender"]
HEADCOUNT = BY_ID["headcount_by_department"]
LEAVER, STAYER = "ida@acme.example", "oskar@acme.example"
POPULATIONS = {"leavers": {LEAVER}}


def gap(provider: str, question: str, population: str = "everyone") -> Difference:
    return Difference(provider, question, "employees", "gender", population, "reason", "evidence")


def test_equal_answers_agree_and_a_different_one_is_reported_with_every_providers_value() -> None:
    same = {(STAYER,): ("MALE",)}
    assert compare(GENDER, {"sage_hr": same, "peoplehr": same, "sesame_hr": same}, [], POPULATIONS).agrees
    outcome = compare(
        GENDER,
        {"sage_hr": same, "peoplehr": same, "sesame_hr": {(STAYER,): ("NOT_SPECIFIED",)}},
        [],
        POPULATIONS,
    )
    assert not outcome.agrees
    assert outcome.mismatches == [
        ((STAYER,), {"sage_hr": ("MALE",), "peoplehr": ("MALE",), "sesame_hr": ("NOT_SPECIFIED",)})
    ]


def test_a_key_one_provider_lacks_is_a_difference() -> None:
    answers = {"sage_hr": {("Sales",): (3,)}, "peoplehr": {("Sales",): (3,)}, "sesame_hr": {}}
    [(key, values)] = compare(HEADCOUNT, answers, [], POPULATIONS).mismatches
    assert key == ("Sales",) and values["sesame_hr"] == MISSING


def test_a_listed_difference_excuses_its_population_only() -> None:
    answers = {
        "sage_hr": {(LEAVER,): (None,), (STAYER,): ("MALE",)},
        "peoplehr": {(LEAVER,): ("FEMALE",), (STAYER,): ("MALE",)},
        "sesame_hr": {(LEAVER,): ("FEMALE",), (STAYER,): ("MALE",)},
    }
    leavers_only = [gap("sage_hr", "person_gender", "leavers")]
    assert compare(GENDER, answers, leavers_only, POPULATIONS).agrees
    answers["sage_hr"][(STAYER,)] = (None,)  # beyond the listed population: still a difference
    assert compare(GENDER, answers, leavers_only, POPULATIONS).mismatches


def test_a_listed_difference_that_is_not_needed_is_stale() -> None:
    same = {(LEAVER,): ("FEMALE",), (STAYER,): ("MALE",)}
    entry = gap("sage_hr", "person_gender", "leavers")
    outcome = compare(GENDER, {"sage_hr": same, "peoplehr": same, "sesame_hr": same}, [entry], POPULATIONS)
    assert outcome.stale == [entry] and not outcome.agrees
    whole = gap("sesame_hr", "headcount_by_department")
    counts = {("Sales",): (3,)}
    stale = compare(
        HEADCOUNT, dict.fromkeys(("sage_hr", "peoplehr", "sesame_hr"), counts), [whole], POPULATIONS
    )
    assert stale.stale == [whole] and stale.offering == ["sage_hr", "peoplehr"]


def test_the_differences_file_names_known_questions_and_gives_every_entry_its_evidence(
    tmp_path: Path,
) -> None:
    entries = load_differences()
    assert entries and all(e.reason and e.evidence for e in entries)
    assert len({(e.provider, e.question, e.population) for e in entries}) == len(entries), "duplicates"
    broken = tmp_path / "differences.yaml"
    broken.write_text(DIFFERENCES_FILE.read_text("utf-8").replace("person_hire_date", "person_hire_day", 1))
    with pytest.raises(ValueError, match="unknown provider or question"):
        load_differences(broken)
