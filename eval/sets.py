"""The registered evaluation sets: which items, which records they ask about, which floors CI holds them to.

`dev` is the set the answerer was developed on (the demo trials). `unseen-dev` and `unseen-test` were written
by reading real ClinicalTrials.gov records that nothing had been tuned on, split by trial; `unseen-test` was
committed before any change meant to pass it and is never tuned against.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
UNSEEN = DATA / "unseen"


@dataclass(frozen=True)
class EvalSet:
    name: str
    items: Path
    records: tuple[Path, ...] = field(default=(), metadata={"doc": "folders to ingest; empty: the demo data"})
    floors: dict[str, float] = field(default_factory=dict, metadata={"doc": "metric -> lowest value CI accepts"})
    ceilings: dict[str, float] = field(default_factory=dict, metadata={"doc": "metric -> highest value CI accepts"})
    targets: dict[str, tuple[str, float]] = field(
        default_factory=dict, metadata={"doc": "metric -> ('>=' or '<=', value) the project aims for; reported"}
    )
    about: str = ""


# Issue 14's acceptance on verdicts, the target every split written from unseen records is reported against.
_VERDICT_TARGETS: dict[str, tuple[str, float]] = {"wrong_verdict_share": ("<=", 0.02), "verdict_accuracy": (">=", 0.85)}


def _unseen_split(stem: str, about: str) -> EvalSet:
    """A split written from unseen records: `eval/data/unseen/<stem>.jsonl` over `records/<stem>/`."""
    return EvalSet(
        f"unseen-{stem}", UNSEEN / f"{stem}.jsonl", (UNSEEN / "records" / stem,), targets=_VERDICT_TARGETS, about=about
    )


SETS: dict[str, EvalSet] = {
    "dev": EvalSet(
        "dev",
        DATA / "dev.jsonl",
        # Regression floors at what the calibrated answerer measures (2026-12-02). Issue 4's floors were 0.90 verdict
        # accuracy and 1.0 abstention precision; 28 items of this set want "excluded" where the criterion only
        # excludes under a condition the question leaves open (a date, a grade, "active"), which is now no verdict.
        # 0.79 since 2026-12-02 (third session): "Are live virus vaccines exclusionary?" had been answered "excluded"
        # from "human immunodeficiency VIRUS positive"; the word inside another concept's name no longer decides.
        # 0.76 since the thirteenth session: a criterion found to name what a person told of themselves is quoted
        # with no verdict (eligibility.named_exclusions), 0.796 -> 0.769 here for 1 -> 1 wrong; on first readings of
        # blind splits those verdicts were wrong 35 times in 72 (docs/evaluation.md).
        # 0.75 since the twenty-seventh session, for the same caution where the question names the person only as the
        # verdict's object ("Do dentures exclude me?"): 0.774 -> 0.758 here, no wrong verdict more; on the first
        # readings of the blind splits both verdicts of that kind were wrong (dev32, dev37).
        floors={"verdict_accuracy": 0.75, "recall_at_5": 0.95, "abstention_precision": 0.82},
        ceilings={"wrong_verdicts": 2},
        targets={"verdict_accuracy": (">=", 0.90), "abstention_precision": (">=", 1.0)},
        about="development set over the demo trials (tuned on)",
    ),
    "unseen-dev": EvalSet(
        "unseen-dev",
        UNSEEN / "dev.jsonl",
        (UNSEEN / "records" / "dev",),
        about="real records nothing was tuned on; development half (may be tuned on)",
    ),
    "unseen-test": EvalSet(
        "unseen-test",
        UNSEEN / "test.jsonl",
        (UNSEEN / "records" / "test",),
        # Floors and ceilings: today's measured figures, so CI catches a regression. Targets: issue 14's acceptance
        # on this split, not yet met (docs/evaluation.md says by how much).
        # Raised 2026-12-03 (eighth session) to just under what it measures: accuracy 0.461, wrong share 0.137.
        # Lowered in the ninth session for a deliberate trade: exclusions through a broader class are no longer
        # verdicts by default (eligibility.class_exclusions), which here cost 0.457 -> 0.424 for 16 -> 15 wrong, and
        # across the three held-out readings 9 fewer wrong verdicts for about 10 fewer right (docs/evaluation.md).
        # Lowered again in the thirteenth session for the same kind of trade: a criterion found to name what a person
        # tells of themselves is quoted with no verdict (eligibility.named_exclusions): here 0.431 -> 0.349, 13 -> 8
        # wrong; on the first readings of the blind splits those verdicts were wrong 35 times in 72. At the session's
        # end it refuses 17 of 17 out-of-scope items and its wrong share is 0.103: those bounds tightened to match.
        # Fourteenth session's end: accuracy 0.359, wrong share 0.099 (8 of 81): floor and ceiling moved up to them.
        # Fifteenth session's end: 0.365, 0.107 (9 of 84; the one more wrong traced to 71ffbcb, docs/evaluation.md):
        # inside both bounds, which stay.
        # Nineteenth session: recall@1 0.809 and recall@5 0.953 (issue 20's acceptance, >= 0.80 and >= 0.95, met
        # after the eligibility answer put criteria first and every answer its cited passages first): floors at the
        # acceptance itself, so CI holds it.
        # Twenty-third session's end: accuracy 0.398, wrong share 0.075 (7 of 93): floor and ceiling moved up to them.
        floors={
            "verdict_accuracy": 0.39,
            "value_correct": 0.88,
            "out_of_scope_abstained": 0.94,
            "recall_at_1": 0.80,
            "recall_at_5": 0.95,
        },
        ceilings={"wrong_verdict_share": 0.08, "phantom_citations": 0},
        targets={
            **_VERDICT_TARGETS,
            "recall_at_1": (">=", 0.80),
            "recall_at_5": (">=", 0.95),
            "value_correct": (">=", 0.85),
            "out_of_scope_abstained": (">=", 1.0),
        },
        about="real records nothing was tuned on; held-out half (never tuned against)",
    ),
    "unseen-fresh": _unseen_split(
        "fresh",
        # Written 2026-12-02 (second session) from 25 more ctgov-more records, committed before the system was run
        # on it (eval/data/unseen/FRESH.md): a second held-out estimate, reported, never tuned against.
        about="25 further real records, written after the first tuning round; held out (never tuned against)",
    ),
    "unseen-dev2": _unseen_split(
        "dev2",
        # Written 2026-12-02 (third session) from 15 more ctgov-more and 10 bulk-xml records, committed before the
        # system was run on it (eval/data/unseen/DEV2.md). Its first run was a held-out reading; it is tuned on since.
        about="25 further real records (15 API v2, 10 classic XML); development split after its first reading",
    ),
    "unseen-dev3": _unseen_split(
        "dev3",
        # Written 2026-12-02 (fourth session) from 12 more ctgov-more and 8 bulk-xml records with balanced gold
        # verdicts, committed before the system was run on it (eval/data/unseen/DEV3.md). Its first run measured
        # precision per decision path on unseen records; it is a development split after that reading.
        about="20 further real records (12 API v2, 8 classic XML), balanced verdicts; development after first reading",
    ),
    "unseen-dev4": _unseen_split(
        "dev4",
        # Written 2026-12-02 (fifth session) from 12 more ctgov-more and 8 bulk-xml records, balanced verdicts with
        # many class relations, near misses and narrower criteria, committed before the system was run on it
        # (eval/data/unseen/DEV4.md). Its first run measures precision per decision path on unseen records.
        about="20 further real records (12 API v2, 8 classic XML), balanced verdicts; development after first reading",
    ),
    "unseen-dev5": _unseen_split(
        "dev5",
        # Written 2026-12-02 (sixth session) from 12 more ctgov-more and 8 bulk-xml records, balanced verdicts built
        # around lay wording, brand names, class relations, near misses, exceptions and negated facts, committed before
        # the system was run on it (eval/data/unseen/DEV5.md). Its first run is a held-out reading on unseen records.
        about="20 further real records (12 API v2, 8 classic XML), balanced verdicts; development after first reading",
    ),
    "unseen-dev6": _unseen_split(
        "dev6",
        # Written 2026-12-02 (sixth session) from 6 more ctgov-more and 14 bulk-xml records, balanced verdicts with
        # everyday questions alongside lay wording, brand names, class relations, near misses, windows and exceptions,
        # committed before the system was run on it (eval/data/unseen/DEV6.md). Its first run is a held-out reading.
        about="20 further real records (6 API v2, 14 classic XML), everyday questions and traps; "
        "development after first reading",
    ),
    "unseen-dev7": _unseen_split(
        "dev7",
        # Written 2026-12-02 from 8 more ctgov-more and 12 bulk-xml records in areas dev4-dev6 used little
        # (dermatology, hepatology, ophthalmology, HIV, COPD, kidney, bone, vaccines, rare disease, paediatrics),
        # balanced verdicts with about two thirds everyday questions and one third traps, committed before the system
        # was run on it (eval/data/unseen/DEV7.md). Its first run is a held-out reading.
        about="20 further real records (8 API v2, 12 classic XML), mostly everyday questions plus traps; "
        "development after first reading",
    ),
    "unseen-dev8": _unseen_split(
        "dev8",
        # Written 2026-12-03 from 10 more ctgov-more and 10 bulk-xml records by two writers who read only the records
        # (not the system's code or output), a realistic mix rather than traps, committed before the system was run on
        # it (eval/data/unseen/DEV8.md). Its first run is a held-out reading.
        about="20 further real records (2 API v2 JSON, 18 classic XML), everyday questions; development after first "
        "reading",
    ),
    "unseen-dev9": _unseen_split(
        "dev9",
        # Written 2026-12-03 the same way as dev8 (two writers who read only the records), committed before the
        # system was run on it (eval/data/unseen/DEV9.md): its first run measured the whole eighth session.
        about="20 further real records (7 API v2 JSON, 13 classic XML), everyday questions; development after first "
        "reading",
    ),
    "unseen-dev10": _unseen_split(
        "dev10",
        # Written 2026-12-03 (ninth session) the same way as dev8 and dev9, committed before the system was run on it
        # (eval/data/unseen/DEV10.md): its runs at the session's start and end are held-out readings.
        about="20 further real records (7 API v2 JSON, 13 classic XML), everyday questions; development after its "
        "held-out readings",
    ),
    "unseen-dev11": _unseen_split(
        "dev11",
        # Written 2026-12-03 (ninth session) like dev8-dev10, committed before the system was run on it
        # (eval/data/unseen/DEV11.md): its first run, at the session's end, is a held-out reading.
        about="20 further real records (4 API v2 JSON, 16 classic XML), everyday questions; development after its "
        "first reading",
    ),
    "unseen-dev12": _unseen_split(
        "dev12",
        # Written 2026-12-03 (tenth session) like dev8-dev11, committed before the system was run on it
        # (eval/data/unseen/DEV12.md): its first run, at the session's end, is a held-out reading.
        about="20 further real records (7 API v2 JSON, 13 classic XML), everyday questions; development after its "
        "first reading",
    ),
    "unseen-dev13": _unseen_split(
        "dev13",
        # Written 2026-12-03 (eleventh session) like dev8-dev12, committed before the system was run on it
        # (eval/data/unseen/DEV13.md): read at 7e17ddf as held out, tuned on since.
        about="20 further real records (7 API v2 JSON, 13 classic XML), everyday questions; development after its "
        "first reading",
    ),
    "unseen-dev14": _unseen_split(
        "dev14",
        # Written 2026-12-03 (twelfth session) like dev8-dev13, committed before the system was run on it
        # (eval/data/unseen/DEV14.md): its first runs (session-start code and session-end code) are held-out readings.
        about="20 further real records (7 API v2 JSON, 13 classic XML), everyday questions; development after its "
        "first reading",
    ),
    "unseen-dev15": _unseen_split(
        "dev15",
        # Written 2026-12-03 (twelfth session) like dev8-dev14, committed before the system was run on it
        # (eval/data/unseen/DEV15.md): read once with the session-start code and once at the session's end.
        about="20 further real records (4 API v2 JSON, 16 classic XML), everyday questions; development after its "
        "readings",
    ),
    "unseen-dev16": _unseen_split(
        "dev16",
        # Written 2026-12-03 (twelfth session) like dev8-dev15, committed before the system was run on it
        # (eval/data/unseen/DEV16.md): read once with the session-start code and once at the session's end.
        about="20 further real classic XML records, everyday questions; held out until its readings",
    ),
    "unseen-dev17": _unseen_split(
        "dev17",
        # Written 2026-12-04 (thirteenth session) like dev8-dev16, committed before the system was run on it
        # (eval/data/unseen/DEV17.md): read once, after the session's calibration, as a held-out reading.
        about="20 further real classic XML records, everyday questions; held out until its reading",
    ),
    "unseen-dev18": _unseen_split(
        "dev18",
        # Written 2026-12-04 (thirteenth session) like dev8-dev17, committed after every change of the session and
        # before the system was run on it (eval/data/unseen/DEV18.md). First read at 7c43f11; two items read since.
        about="20 further real classic XML records, everyday questions; development after its first reading",
    ),
    "unseen-dev19": _unseen_split(
        "dev19",
        # Written 2026-12-04 (fourteenth session) like dev8-dev18, committed before the system was run on it
        # (eval/data/unseen/DEV19.md). First read at f71feac; its five wrong verdicts read since.
        about="20 further real classic XML records, everyday questions; development after its first reading",
    ),
    "unseen-dev20": _unseen_split(
        "dev20",
        # Written 2026-12-04 (fifteenth session) like dev8-dev19, committed before the system was run on it and before
        # the session's changes (eval/data/unseen/DEV20.md).
        about="20 further real classic XML records, everyday questions; held out until its first reading",
    ),
    "unseen-dev21": _unseen_split(
        "dev21",
        # Written 2026-12-05 (eighteenth session) like dev8-dev20, committed before the system was run on it; first read
        # with the session-start code (eval/data/unseen/DEV21.md).
        about="20 further real classic XML records, everyday questions; held out until its first reading",
    ),
    "unseen-dev22": _unseen_split(
        "dev22",
        # Written 2026-12-05 (eighteenth session) like dev21, committed before the system was run on it; first read with
        # the code of ae33728 (eval/data/unseen/DEV22.md).
        about="20 further real classic XML records, everyday questions; held out until its first reading",
    ),
    "unseen-dev23": _unseen_split(
        "dev23",
        # Written 2026-12-05 (eighteenth session) like dev21, committed before the system was run on it; first read with
        # the code of 66fb255, after the session's changes (eval/data/unseen/DEV23.md).
        about="20 further real classic XML records, everyday questions; held out until its first reading",
    ),
    "unseen-dev24": _unseen_split(
        "dev24",
        # Written 2026-12-05 (nineteenth session) like dev21, committed before the system was run on it; first read with
        # the code of that commit, after the session's changes (eval/data/unseen/DEV24.md).
        about="20 further real classic XML records, everyday questions; held out until its first reading",
    ),
    "unseen-dev25": _unseen_split(
        "dev25",
        # Written 2026-12-05 (twentieth session) like dev24, committed before the system was run on it; first read with
        # the code of that commit (eval/data/unseen/DEV25.md).
        about="20 further real classic XML records, everyday questions; held out until its first reading",
    ),
    "unseen-dev26": _unseen_split(
        "dev26",
        # Written 2026-12-05 (twenty-first session) like dev25, committed before the system was run on it; first read
        # with the code of that commit (eval/data/unseen/DEV26.md).
        about="20 further real classic XML records, everyday questions; held out until its first reading",
    ),
    "unseen-dev27": _unseen_split(
        "dev27",
        # Written 2026-12-06 (twenty-second session) like dev26, half from the 2007 registrations, committed before
        # the system was run on it; first read with the code of that commit (eval/data/unseen/DEV27.md).
        about="20 further real classic XML records, 10 of them 2007 registrations; held out until its first reading",
    ),
    "unseen-dev28": _unseen_split(
        "dev28",
        # Written 2026-12-06 (twenty-third session): new questions over 20 modern API v2 records of dev3-dev13,
        # committed before the system was run on it (eval/data/unseen/DEV28.md).
        about="new questions over 20 API v2 records earlier splits used; held out until its first reading",
    ),
    "unseen-dev29": _unseen_split(
        "dev29",
        # Written 2026-12-06 (twenty-third session) like dev28 over 20 other API v2 records, after the session's
        # changes, committed before the system was run on it (eval/data/unseen/DEV29.md).
        about="new questions over 20 more API v2 records earlier splits used; held out until its first reading",
    ),
    "unseen-dev30": _unseen_split(
        "dev30",
        # Written 2026-12-06 (twenty-fourth session) like dev29 over the 13 API v2 records of dev3-dev15 left and 7 of
        # unseen-dev/dev2, committed before the system was run on it (eval/data/unseen/DEV30.md).
        about="new questions over 20 more API v2 records earlier splits used; held out until its first reading",
    ),
    "unseen-dev31": _unseen_split(
        "dev31",
        # Written 2026-12-06 (twenty-fourth session) like dev30 over 20 API v2 records of unseen-dev/dev2, after the
        # session's changes, committed before the system was run on it (eval/data/unseen/DEV31.md).
        about="new questions over 20 more API v2 records earlier splits used; held out until its first reading",
    ),
    "unseen-dev32": _unseen_split(
        "dev32",
        # Written 2026-12-06 (twenty-fifth session) like dev26/dev27 over 20 classic XML records of bulk-xml that no
        # earlier split used, committed before the system was run on it (eval/data/unseen/DEV32.md).
        about="new questions over 20 unseen classic XML records; held out until its first reading",
    ),
    "unseen-dev33": _unseen_split(
        "dev33",
        # Written 2026-12-06 (twenty-fifth session) like dev32 over 20 more unseen classic XML records, after the
        # session's changes, committed before the system was run on it (eval/data/unseen/DEV33.md).
        about="new questions over 20 more unseen classic XML records; held out until its first reading",
    ),
    "unseen-dev34": _unseen_split(
        "dev34",
        # Written 2026-12-06 (twenty-sixth session) like dev33 over 20 more unseen classic XML records, committed
        # before the system was run on it (eval/data/unseen/DEV34.md).
        about="new questions over 20 more unseen classic XML records; held out until its first reading",
    ),
    "unseen-dev35": _unseen_split(
        "dev35",
        # Written 2026-12-06 at the end of the twenty-sixth session like dev34 over 20 more unseen classic XML records
        # (criteria from 1,500 characters), committed before the system was run on it (eval/data/unseen/DEV35.md).
        about="new questions over 20 more unseen classic XML records; held out until its first reading",
    ),
    "unseen-dev36": _unseen_split(
        "dev36",
        # Written 2026-12-06 early in the twenty-seventh session like dev35 over 20 more unseen classic XML records,
        # committed before the system was run on it and before the session's first change (eval/data/unseen/DEV36.md).
        about="new questions over 20 more unseen classic XML records; held out until its first reading",
    ),
    "unseen-dev37": _unseen_split(
        "dev37",
        # Written 2026-12-06 at the end of the twenty-seventh session, after all of its changes, like dev36 over 20 more
        # unseen classic XML records; committed before the system was run on it (eval/data/unseen/DEV37.md).
        about="new questions over 20 more unseen classic XML records; held out until its first reading",
    ),
    "unseen-dev38": _unseen_split(
        "dev38",
        # Written 2026-12-06 at the start of the twenty-eighth session like dev37 over 20 more unseen classic XML
        # records, by writers who saw no code; committed before the system was run on it (eval/data/unseen/DEV38.md).
        about="new questions over 20 more unseen classic XML records; held out until its first reading",
    ),
    "unseen-dev39": _unseen_split(
        "dev39",
        # Written 2026-12-06 late in the twenty-eighth session like dev38 over 20 more unseen classic XML records,
        # after the session's changes to the answers; committed before any run (eval/data/unseen/DEV39.md).
        about="new questions over 20 more unseen classic XML records; held out until its first reading",
    ),
    "unseen-dev40": _unseen_split(
        "dev40",
        # Written 2026-12-06 at the start of the twenty-ninth session like dev39 over 20 more unseen classic XML
        # records (criteria from 1,200 characters: fewer than 20 longer ones remain); committed before any run
        # (eval/data/unseen/DEV40.md).
        about="new questions over 20 more unseen classic XML records; held out until its first reading",
    ),
    "unseen-dev41": _unseen_split(
        "dev41",
        # Written 2026-12-06 late in the twenty-ninth session like dev40 over 20 more unseen classic XML records, after
        # the session's changes to the answers; committed before any run (eval/data/unseen/DEV41.md).
        about="new questions over 20 more unseen classic XML records; held out until its first reading",
    ),
    "unseen-dev42": _unseen_split(
        "dev42",
        # Written 2026-12-06 at the start of the thirtieth session like dev41 over 20 more unseen classic XML records,
        # before the session's first change; committed before any run (eval/data/unseen/DEV42.md).
        about="new questions over 20 more unseen classic XML records; held out until its first reading",
    ),
    "unseen-dev43": _unseen_split(
        "dev43",
        # Written 2026-12-07 during the thirty-first session over 20 more unseen classic XML records (criteria from
        # 900 characters); committed before any run (eval/data/unseen/DEV43.md).
        about="new questions over 20 more unseen classic XML records; held out until its first reading",
    ),
    "unseen-dev44": _unseen_split(
        "dev44",
        # Written 2026-12-07 at the start of the thirty-second session over 20 more unseen classic XML records
        # (criteria from 900 characters); committed before any run (eval/data/unseen/DEV44.md).
        about="new questions over 20 more unseen classic XML records; held out until its first reading",
    ),
    "unseen-dev45": _unseen_split(
        "dev45",
        # Written 2026-12-07 during the thirty-second session over 20 more unseen classic XML records (criteria from
        # 800 characters), after the session's changes; committed before any run (eval/data/unseen/DEV45.md).
        about="new questions over 20 more unseen classic XML records; held out until its first reading",
    ),
    "unseen-dev46": _unseen_split(
        "dev46",
        # Written 2026-12-07 during the thirty-third session over 20 more unseen classic XML records (criteria from
        # 700 characters), after the session's first changes; committed before any run (eval/data/unseen/DEV46.md).
        about="new questions over 20 more unseen classic XML records; held out until its first reading",
    ),
    "unseen-dev47": _unseen_split(
        "dev47",
        # Written 2026-12-07 during the thirty-third session over 20 more unseen classic XML records (criteria from
        # 700 characters), after the session's changes; committed before any run (eval/data/unseen/DEV47.md).
        about="new questions over 20 more unseen classic XML records; held out until its first reading",
    ),
    "unseen-dev48": _unseen_split(
        "dev48",
        # Written 2026-12-07 during the thirty-fourth session over 20 more unseen classic XML records (criteria from
        # 500 characters), after the session's first change; committed before any run (eval/data/unseen/DEV48.md).
        about="new questions over 20 more unseen classic XML records; held out until its first reading",
    ),
    "unseen-dev49": _unseen_split(
        "dev49",
        # Written 2026-12-07 during the thirty-fourth session over 20 more unseen classic XML records (criteria from
        # 500 characters), after the session's changes; committed before any run (eval/data/unseen/DEV49.md).
        about="new questions over 20 more unseen classic XML records; held out until its first reading",
    ),
    "unseen-dev50": _unseen_split(
        "dev50",
        # Written 2026-12-07 late in the thirty-fourth session over 20 more unseen classic XML records (criteria from
        # 500 characters), after all the session's changes; committed before any run (eval/data/unseen/DEV50.md).
        about="new questions over 20 more unseen classic XML records; held out until its first reading",
    ),
    "unseen-dev51": _unseen_split(
        "dev51",
        # Written 2026-12-07 in the thirty-fifth session over 20 unseen classic XML records of the formats earlier
        # splits left out: ten NCI PDQ block records and ten with no inclusion/exclusion headings; committed before
        # any run and before the session's first change (eval/data/unseen/DEV51.md).
        about="new questions over 20 unseen classic XML records without inclusion/exclusion headings (PDQ blocks, "
        "prose); held out until its first reading",
    ),
    "unseen-dev52": _unseen_split(
        "dev52",
        # Written 2026-12-07 during the thirty-fifth session over 20 more unseen classic XML records of the same
        # formats; committed after all the session's changes, before any run (eval/data/unseen/DEV52.md).
        about="new questions over 20 more unseen classic XML records without inclusion/exclusion headings; held "
        "out until its first reading",
    ),
    "unseen-dev53": _unseen_split(
        "dev53",
        # Written 2026-12-07 at the start of the thirty-sixth session over 20 unseen classic XML records drawn from
        # every format left (17 PDQ block records); committed before any run (eval/data/unseen/DEV53.md).
        about="new questions over 20 unseen classic XML records drawn from all formats left (mostly PDQ blocks); "
        "held out until its first reading",
    ),
    "unseen-dev54": _unseen_split(
        "dev54",
        # Written 2026-12-07 at the start of the thirty-seventh session over 20 unseen classic XML records (18 PDQ
        # block records, two prose); committed before any run and before the session's first change
        # (eval/data/unseen/DEV54.md).
        about="new questions over 20 more unseen classic XML records (mostly PDQ blocks); held out until its first "
        "reading",
    ),
    "unseen-dev55": _unseen_split(
        "dev55",
        # Written 2026-12-07 during the thirty-seventh session over 20 more unseen classic XML records; committed
        # after the session's changes, before any run (eval/data/unseen/DEV55.md).
        about="new questions over 20 more unseen classic XML records; held out until its first reading",
    ),
    "unseen-dev56": _unseen_split(
        "dev56",
        # Written 2026-12-07 during the thirty-eighth session over 20 more unseen classic XML records; committed
        # before any run (eval/data/unseen/DEV56.md).
        about="new questions over 20 more unseen classic XML records; held out until its first reading",
    ),
    "unseen-dev57": _unseen_split(
        "dev57",
        # Written 2026-12-07 at the start of the thirty-ninth session over 20 more unseen classic XML records;
        # committed before any run (eval/data/unseen/DEV57.md).
        about="new questions over 20 more unseen classic XML records; held out until its first reading",
    ),
    "unseen-dev58": _unseen_split(
        "dev58",
        # Written 2026-12-08 during the thirty-ninth session over 20 more unseen classic XML records; committed
        # after the session's changes and before any run (eval/data/unseen/DEV58.md).
        about="new questions over 20 more unseen classic XML records; held out until its first reading",
    ),
}


def resolve(name_or_path: str) -> EvalSet:
    """A registered set by name, or any JSONL file as an ad-hoc set over the demo data."""
    if name_or_path in SETS:
        return SETS[name_or_path]
    path = Path(name_or_path)
    return EvalSet(path.stem, path, about=f"items from {path}")
