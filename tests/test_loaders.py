"""Loaders over the real demo data and crafted bad inputs: every span exact, every error one line."""

from __future__ import annotations

import io
import json
import pickle
import re
import zipfile
from collections.abc import Iterable
from pathlib import Path

import pytest

from ingest.chunking import chunk_trial
from ingest.loaders import LoadedFile, LoadError, count_inputs, iter_inputs, load_bytes, load_file
from ingest.records import Trial

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "data" / "demo"
SEED = DEMO / "NCT06839066.txt"
CTGOV = DEMO / "ctgov"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
XML_FIXTURE = FIXTURES / "NCT00195091.xml"
FULL_JSON_FIXTURE = FIXTURES / "NCT00195091-full.json"
NCT = re.compile(r"^NCT\d{8}$")
LIMITS = {"max_file_bytes": 20_000_000, "max_zip_members": 1000}


def assert_spans_exact(trial: Trial) -> None:
    text = trial.source_text
    assert NCT.match(trial.trial_id)
    for section in trial.sections:
        assert section.text and text[section.start : section.start + len(section.text)] == section.text, section.heading
    for fact in trial.facts:
        assert fact.value and text[fact.start : fact.start + len(fact.value)] == fact.value, fact.name
    for site in trial.sites:
        assert text[site.start : site.start + len(site.text)] == site.text, site.name


def facts(trial: Trial) -> dict[str, str]:
    return {f.name: f.value for f in trial.facts}


def load_all(paths: Iterable[Path], **limits: int) -> list[LoadedFile]:
    return list(iter_inputs(list(paths), **{**LIMITS, **limits}))


def ids(loaded: Iterable[LoadedFile]) -> list[str]:
    return [t.trial_id for item in loaded for t in item.trials]


def study(nct: str, **modules: object) -> dict[str, object]:
    protocol = {"identificationModule": {"nctId": nct, "briefTitle": f"Study {nct}"}, **modules}
    return {"protocolSection": protocol}


def make_zip(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def seed() -> Trial:
    (trial,) = load_file(SEED)
    return trial


@pytest.fixture(scope="module")
def demo() -> list[LoadedFile]:
    return load_all([DEMO])


# ---- the seed page text ----------------------------------------------------------------------------
def test_seed_page_identity_and_facts(seed: Trial) -> None:
    assert seed.trial_id == "NCT06839066"
    assert seed.title.startswith("A Phase II Study to Evaluate HLX43 in Subjects With Recurrent/Metastatic")
    assert seed.title.endswith("Failed or Intolerance to Second-line Therapy")
    assert seed.record_date == "2025-11-24"
    assert seed.source_format == "ctgov-page" and seed.source_path == str(SEED)
    assert seed.source_text == SEED.read_text(encoding="utf-8")
    assert facts(seed) == {
        "status": "RECRUITING",
        "phase": "PHASE2",
        "enrollment": "70 participants",
        "study_type": "INTERVENTIONAL",
        "start_date": "2025-04-02",
        "completion_date": "2027-11-22",
        "allocation": "RANDOMIZED",
        "intervention_model": "PARALLEL",
        "primary_purpose": "TREATMENT",
        "masking": "NONE",
        "minimum_age": "18 Years",
        "sex": "ALL",
        "healthy_volunteers": "No",
        "sponsor": "Shanghai Henlius Biotech",
        "sponsor_class": "INDUSTRY",
        "org_study_id": "HLX43-NPC201",
    }
    assert {f.name: f.section for f in seed.facts}["healthy_volunteers"] == "Eligibility Summary"
    assert_spans_exact(seed)


def test_seed_sites(seed: Trial) -> None:
    assert len(seed.sites) == 15
    assert [s.city for s in seed.sites].count("Chengdu") == 2
    first = seed.sites[0]
    assert (first.name, first.city, first.state, first.country) == (
        "Fujian Cancer Hospital",
        "Fuzhou",
        "Fujian",
        "China",
    )
    assert first.text == "Fujian Cancer Hospital\nFuzhou, Fujian, China"
    comma_name = next(s for s in seed.sites if s.city == "Shenzhen")
    assert comma_name.name == "Cancer Hospital Chinese Academy of Medical Sciences, Shenzhen"
    locations = seed.section("Locations")
    assert locations is not None and locations.text.startswith("Fujian Cancer Hospital\n")
    assert locations.text.endswith("Zhejiang Cancer Hospital\nHangzhou, Zhejiang, China")


def test_seed_eligibility_section_exact_and_without_summary_values(seed: Trial) -> None:
    section = seed.section("Eligibility Criteria")
    assert section is not None
    assert section.text.startswith("Inclusion Criteria\n2. Age ≥ 18 years")
    assert section.text.endswith(
        "20. Investigators' judgment of clinical/lab abnormalities or other factors making participation inappropriate."
    )
    assert "\nExclusion Criteria\n2. Imaging showing" in section.text
    assert "18 Years" not in section.text and "\nALL" not in section.text and not section.text.endswith("No")
    # kept exactly as printed: the page has no criterion 1 and exclusion 8 stops mid-sentence
    assert not re.search(r"^1\. ", section.text, re.MULTILINE)
    assert "8. Poorly controlled cardiovascular/cerebrovascular conditions including.\n9." in section.text
    summary = seed.section("Eligibility Summary")
    assert summary is not None and summary.text == "18 Years\nALL\nNo"


def test_seed_boilerplate_and_other_trials_are_dropped(seed: Trial) -> None:
    headings = [s.heading for s in seed.sections]
    assert headings == [
        "Basic Information",
        "Detailed Description",
        "Study Design",
        "Study Groups",
        "Interventions",
        "Eligibility Criteria",
        "Eligibility Summary",
        "Sponsors",
        "Locations",
        "Other Identifiers",
    ]  # Brief Summary, Conditions, Responsible Party, Countries, Central Contacts are empty on this page
    everything = "\n".join(s.text for s in seed.sections)
    dropped = ("NCT06115642", "HLX07(Anti-EGFR mAb)", "Review the sponsor-provided synopsis", "Get a concise snapshot",
               "has not published outcome measurements", "similarity analysis")  # fmt: skip
    for gone in dropped:
        assert gone not in everything
    detailed = seed.section("Detailed Description")
    assert detailed is not None and detailed.text.startswith("In this study, eligible subjects will be randomized")


def test_page_text_with_bom_and_crlf_is_normalised_and_exact(tmp_path: Path) -> None:
    raw = SEED.read_bytes()
    path = tmp_path / "seed-crlf.txt"
    path.write_bytes(b"\xef\xbb\xbf" + raw.replace(b"\n", b"\r\n"))
    (trial,) = load_file(path)
    assert trial.source_text == raw.decode("utf-8")
    assert facts(trial)["sponsor"] == "Shanghai Henlius Biotech"
    assert_spans_exact(trial)


def test_page_text_whose_title_starts_with_a_bracket_is_still_page_text(tmp_path: Path) -> None:
    text = SEED.read_text(encoding="utf-8")
    path = tmp_path / "bracket.txt"
    path.write_text("[18F] " + text, encoding="utf-8")
    (trial,) = load_file(path)
    assert trial.title.startswith("[18F] A Phase II Study") and trial.source_format == "ctgov-page"


# ---- all demo records --------------------------------------------------------------------------------
def test_every_demo_record_loads_with_exact_spans(demo: list[LoadedFile]) -> None:
    assert [item.error for item in demo if item.error] == []
    trials = [t for item in demo for t in item.trials]
    assert len(trials) == 101 and len({t.trial_id for t in trials}) == 101
    assert sum(1 for t in trials if t.source_format == "ctgov-json") == 100
    for trial in trials:
        assert_spans_exact(trial)
        assert trial.section("Eligibility Criteria") is not None, trial.trial_id
    assert count_inputs([DEMO]) == len(demo) == 101


def test_json_rendering_keeps_criteria_verbatim(demo: list[LoadedFile]) -> None:
    for item in demo:
        if not item.path.endswith(".json"):
            continue
        (trial,) = item.trials
        raw = json.loads(Path(item.path).read_text(encoding="utf-8"))["protocolSection"]
        criteria = trial.section("Eligibility Criteria")
        assert criteria is not None
        # verbatim but for CommonMark's backslash escapes of punctuation ("\\>" is ">")
        unescaped = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", raw["eligibilityModule"]["eligibilityCriteria"])
        assert criteria.text == unescaped.strip("\n")
        assert trial.source_text.startswith(f"{raw['identificationModule']['briefTitle']}\nNCT ID: {trial.trial_id}\n")
        assert trial.source_path == item.path and trial.source_format == "ctgov-json"


def test_markdown_escapes_of_api_v2_text_are_read_as_the_characters() -> None:
    criteria = (
        "Exclusion Criteria:\n\n* QTcF \\> 470 msec\n* ANC \\>= 1.5 x 10\\^9/L \\[local lab\\]\n* path C:\\\\temp"
    )
    escaped = study(
        "NCT00000003",
        eligibilityModule={"eligibilityCriteria": criteria},
        descriptionModule={"briefSummary": "Dose 1\\-2 mg \\*daily\\*."},
    )
    (trial,) = load_bytes(json.dumps(escaped).encode(), "escaped.json")
    section = trial.section("Eligibility Criteria")
    assert section is not None
    assert "QTcF > 470 msec" in section.text and "ANC >= 1.5 x 10^9/L [local lab]" in section.text
    assert "C:\\temp" in section.text  # an escaped backslash is one backslash
    summary = trial.section("Brief Summary")
    assert summary is not None and summary.text == "Dose 1-2 mg *daily*."
    assert_spans_exact(trial)


def test_json_facts_are_values_located_in_labelled_lines() -> None:
    (trial,) = load_file(CTGOV / "NCT00195091.json")
    values = facts(trial)
    assert values["enrollment"] == "16" and "\nEnrollment: 16\nEnrollment Type: ACTUAL\n" in trial.source_text
    assert values["phase"] == "PHASE2" and values["study_type"] == "INTERVENTIONAL"
    assert values["allocation"] == "NA" and values["intervention_model"] == "SINGLE_GROUP"
    assert values["minimum_age"] == "18 Years" and values["sex"] == "FEMALE" and values["healthy_volunteers"] == "No"
    assert values["org_study_id"] == "18-023"
    assert {f.name: f.section for f in trial.facts}["minimum_age"] == "Eligibility Summary"
    assert "\nMinimum Age: 18 Years\nSex: FEMALE\nHealthy Volunteers: No\n" in trial.source_text
    groups = trial.section("Study Groups")
    assert groups is not None and groups.text.startswith(
        "Tetrathiomolybdate (TM) (EXPERIMENTAL)\nInduction period - TM 40 mg"
    )
    interventions = trial.section("Interventions")
    assert interventions is not None and interventions.text.startswith("DRUG: Tetrathiomolybdate\nInduction with")
    assert "Other names: TM" in interventions.text
    assert facts(load_file(CTGOV / "NCT01781637.json")[0])["phase"] == "PHASE1, PHASE2"
    observational = facts(load_file(CTGOV / "NCT04234984.json")[0])
    assert "phase" not in observational and observational["observational_model"] == "COHORT"
    assert facts(load_file(CTGOV / "NCT00977431.json")[0])["maximum_age"]


def test_full_api_v2_record_gives_status_sponsor_sites_contacts_version() -> None:
    (trial,) = load_file(FULL_JSON_FIXTURE)
    values = facts(trial)
    assert values["status"] == "ACTIVE_NOT_RECRUITING" and values["sponsor"] == "Memorial Sloan Kettering Cancer Center"
    assert values["start_date"] == "2003-01" and values["completion_date"] == "2027-12"
    assert values["collaborators"] == "Weill Medical College of Cornell University"
    assert trial.record_date == "2024-03-15" and trial.record_version == "2025-11-21"
    assert trial.contacts == ("Study Coordinator, CONTACT, 212-555-0100, tm-study@example.org",)
    ridge = trial.sites[2]
    assert ridge.name == "Memorial Sloan Kettering Basking Ridge" and ridge.status == "ACTIVE_NOT_RECRUITING"
    assert (ridge.city, ridge.state, ridge.country) == ("Basking Ridge", "New Jersey", "United States")
    assert trial.sites[0].text == (
        "Memorial Sloan Kettering Cancer Center\nNew York, New York, United States\nStatus: ACTIVE_NOT_RECRUITING"
    )
    assert trial.source_text.startswith(f"{trial.title}\nNCT ID: NCT00195091\nBasic Information\n")
    assert_spans_exact(trial)


def test_missing_and_mistyped_modules_are_tolerated() -> None:
    bare = json.dumps(study("NCT00000001")).encode()
    (trial,) = load_bytes(bare, "bare.json")
    assert trial.title == "Study NCT00000001" and trial.sections == () and trial.facts == ()
    odd = study(
        "NCT00000002",
        conditionsModule=[1, 2],
        designModule={"phases": "PHASE2", "enrollmentInfo": {"count": {"x": 1}}, "designInfo": None},
        eligibilityModule={"sex": ["ALL"], "healthyVolunteers": True},  # criteria of a wrong type: refused
        contactsLocationsModule={"locations": ["Paris", {"city": "Lyon", "country": "France"}]},
        descriptionModule={"briefSummary": "Line one.\r\n\r\nLine two."},
        somethingNew={"ignored": True},
    )
    (trial,) = load_bytes(json.dumps(odd).encode(), "odd.json")
    assert facts(trial) == {"phase": "PHASE2", "healthy_volunteers": "Yes"}
    summary = trial.section("Brief Summary")
    assert summary is not None and summary.text == "Line one.\n\nLine two."
    assert [(s.name, s.city, s.country) for s in trial.sites] == [("Unnamed site", "Lyon", "France")]
    assert_spans_exact(trial)


# ---- input shapes ------------------------------------------------------------------------------------
def test_page_array_ndjson_zip_and_folder_yield_the_right_ids(tmp_path: Path) -> None:
    records = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(CTGOV.glob("*.json"))[:4]}
    names = list(records)
    page = tmp_path / "page.json"
    page.write_text(json.dumps({"studies": [records[n] for n in names[:3]], "nextPageToken": "abc"}))
    array = tmp_path / "array.json"
    array.write_text(json.dumps([records[n] for n in names[1:3]], indent=2))
    ndjson = tmp_path / "studies.ndjson"
    ndjson.write_text("\n".join(json.dumps(records[n]) for n in names) + "\n\n")
    as_txt = tmp_path / "really-json.txt"
    as_txt.write_bytes(b"\xef\xbb\xbf \n\t" + json.dumps(records[names[0]]).encode())
    archive = tmp_path / "batch.zip"
    archive.write_bytes(
        make_zip(
            {
                "batch/a.json": json.dumps(records[names[0]]).encode(),
                "batch/more/b.ndjson": ndjson.read_bytes(),
                "seed.txt": SEED.read_bytes(),
                "README.md": b"not a record",
                "__MACOSX/batch/._a.json": b"\x00\x05\x16\x07",
            }
        )
    )

    assert ids(load_all([page])) == names[:3]
    assert ids(load_all([array])) == names[1:3]
    assert ids(load_all([ndjson])) == names
    assert ids(load_all([as_txt])) == names[:1]
    zipped = load_all([archive])
    assert [item.path for item in zipped] == [
        f"{archive}!batch/a.json",
        f"{archive}!batch/more/b.ndjson",
        f"{archive}!seed.txt",
    ]
    assert ids(zipped) == [names[0], *names, "NCT06839066"]
    assert all(item.error is None for item in zipped)

    folder = tmp_path / "folder"
    (folder / "sub").mkdir(parents=True)
    (folder / ".hidden").mkdir()
    (folder / "b.json").write_text(json.dumps(records[names[1]]))
    (folder / "sub" / "a.json").write_text(json.dumps(records[names[0]]))
    (folder / "sub" / "seed.txt").write_bytes(SEED.read_bytes())
    (folder / ".hidden" / "c.json").write_text(json.dumps(records[names[2]]))
    (folder / ".d.json").write_text(json.dumps(records[names[3]]))
    (folder / "notes.md").write_text("ignored")
    walked = load_all([folder])
    assert [Path(item.path).relative_to(folder).as_posix() for item in walked] == [
        "b.json",
        "sub/a.json",
        "sub/seed.txt",
    ]
    assert ids(walked) == [names[1], names[0], "NCT06839066"]
    for trial in (t for item in [*zipped, *walked] for t in item.trials):
        assert_spans_exact(trial)
    assert count_inputs([page, archive, folder]) == 1 + 3 + 3


def test_xml_fixture_gives_the_same_criteria_and_sites_as_the_json_record() -> None:
    (xml,) = load_file(XML_FIXTURE)
    (same,) = load_file(FULL_JSON_FIXTURE)
    assert xml.trial_id == "NCT00195091" and xml.source_format == "ctgov-xml" and xml.title == same.title
    assert [s.heading for s in xml.sections] == [s.heading for s in same.sections]
    criteria, json_criteria = xml.section("Eligibility Criteria"), same.section("Eligibility Criteria")
    assert criteria is not None and json_criteria is not None and criteria.text == json_criteria.text
    # the indentation of sub-bullets survives, so they stay with their parent criterion
    assert "\n   * Stage III breast cancer, including inflammatory breast cancer\n" in criteria.text
    numbered = [(c.kind, c.criterion, c.text) for c in chunk_trial(xml) if c.kind == "criterion"]
    assert numbered == [(c.kind, c.criterion, c.text) for c in chunk_trial(same) if c.kind == "criterion"]
    assert [(s.name, s.city, s.country) for s in xml.sites] == [(s.name, s.city, s.country) for s in same.sites]
    assert facts(xml)["enrollment"] == "16" and facts(xml)["sponsor"] == "Memorial Sloan Kettering Cancer Center"
    assert_spans_exact(xml)


# ---- errors ----------------------------------------------------------------------------------------
GOOD = (CTGOV / "NCT00195091.json").read_text(encoding="utf-8")
BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">'.encode() for i in range(1, 10)).replace(b"&lol0;", b"&lol;")
    + b"]><clinical_study>&lol9;</clinical_study>"
)
BAD_FILES: dict[str, tuple[bytes, str]] = {
    "empty.json": (b"", "empty file"),
    "blank.txt": (b" \n\r\n\t\n", "empty file"),
    "image.json": (b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe", "not UTF-8 text (byte 0x89 at offset 0)"),
    "latin1.txt": ("NCT ID: NCT00000001\nCritères".encode("latin-1"), "not UTF-8 text (byte 0xe8 at offset 24)"),
    "nul.txt": (b"NCT ID: NCT00000001\x00\x00", "binary file"),
    "truncated.json": (GOOD[:500].encode(), "invalid JSON at line 19 column 21: Unterminated string"),
    "wrong-shape.json": (b'{"hello": "world"}', "no protocolSection: not a ClinicalTrials.gov API v2 study"),
    "scalar.json": (b'"just a string"', "no protocolSection: not a ClinicalTrials.gov API v2 study"),
    "page-not-list.json": (b'{"studies": {"a": 1}}', '"studies" is not a list'),
    "empty-page.json": (b'{"studies": []}', "no studies"),
    "no-id.json": (b'{"protocolSection": {"identificationModule": {}}}', "study has no valid NCT id (got 'none')"),
    "bad-id.json": (json.dumps(study("NCT123")).encode(), "study has no valid NCT id (got 'NCT123')"),
    "second-bad.json": (json.dumps([study("NCT00000001"), {"x": 1}]).encode(), "study 2: no protocolSection"),
    "ndjson-bad.ndjson": (json.dumps(study("NCT00000001")).encode() + b"\n{oops}\n", "invalid JSON on line 2 column 2"),
    "no-nct.txt": (b"Title\nBrief Summary\nSome text about a study.\n", "no 'NCT ID: NCT########' line"),
    "nct-malformed.txt": (b"Title\nNCT ID: NCT12\nBrief Summary\nText.\n", "no 'NCT ID: NCT########' line"),
    "no-sections.txt": (b"Title\nNCT ID: NCT00000001\nJust prose.\n", "no recognisable ClinicalTrials.gov sections"),
    "plain.txt": (b"Just some notes\nwith nothing in them\n", "not a ClinicalTrials.gov page text"),
    "broken.xml": (b"<clinical_study><id_info><nct_id>NCT01234567</nct_id>", "malformed XML (no element found: line 1"),
    "wrong-root.xml": (b"<html><body>hi</body></html>", "root element <html> is not <clinical_study>"),
    "no-id.xml": (b"<clinical_study><brief_title>T</brief_title></clinical_study>", "study has no valid NCT id"),
    "bomb.xml": (BILLION_LAUGHS, "XML with a DTD or entities is refused"),
    "external.xml": (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><clinical_study>&e;</clinical_study>',
        "XML with a DTD or entities is refused",
    ),
}


def test_each_bad_file_gives_one_line_naming_it_and_the_batch_goes_on(tmp_path: Path) -> None:
    folder = tmp_path / "bad"
    folder.mkdir()
    for name, (data, _) in BAD_FILES.items():
        (folder / name).write_bytes(data)
    (folder / "zz-good.json").write_text(GOOD, encoding="utf-8")

    loaded = {Path(item.path).name: item for item in load_all([folder])}

    assert loaded.pop("zz-good.json").error is None
    assert set(loaded) == set(BAD_FILES)
    for name, (_, expected) in BAD_FILES.items():
        item = loaded[name]
        assert item.error is not None and item.trials == (), name
        line = str(item.error)
        assert "\n" not in line and line.startswith(f"{folder / name}: "), line
        assert expected in line, line
        assert item.error.path == str(folder / name) and item.error.problem in line
        with pytest.raises(LoadError) as raised:
            load_file(folder / name)
        assert str(raised.value) == line


def test_size_limit_and_missing_file(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    big.write_text(GOOD, encoding="utf-8")
    (item,) = load_all([big], max_file_bytes=1000)
    assert item.error is not None and "over the limit of 1000" in str(item.error) and str(big) in str(item.error)
    with pytest.raises(LoadError, match="No such file"):
        load_file(tmp_path / "missing.json")
    (missing,) = load_all([tmp_path / "missing.json"])
    assert missing.error is not None and "No such file" in str(missing.error)


def test_load_error_is_one_line_and_pickles() -> None:
    error = LoadError("odd\nname.json", "bad\n  thing\there")
    assert str(error) == "odd\\nname.json: bad thing here"
    again = pickle.loads(pickle.dumps(error))
    assert (again.path, again.problem, str(again)) == (error.path, error.problem, str(error))


# ---- zip archives ------------------------------------------------------------------------------------
def test_zip_members_escaping_the_archive_are_refused_and_the_rest_loaded(tmp_path: Path) -> None:
    archive = tmp_path / "mixed.zip"
    archive.write_bytes(
        make_zip(
            {
                "../../escape.json": GOOD.encode(),
                "/etc/evil.json": GOOD.encode(),
                "ok/good.json": GOOD.encode(),
                "inner.zip": make_zip({"x.json": GOOD.encode()}),
            }
        )
    )
    loaded = load_all([archive])
    by_member = {item.path.split("!", 1)[1]: item for item in loaded}
    assert ids(loaded) == ["NCT00195091"] and by_member["ok/good.json"].error is None
    for member in ("../../escape.json", "/etc/evil.json"):
        error = by_member[member].error
        assert error is not None and str(error).startswith(
            f"{archive}!{member}: member path escapes the archive folder"
        )
    assert "zip archive inside a zip" in str(by_member["inner.zip"].error)
    assert count_inputs([archive]) == len(loaded) == 4
    assert not (tmp_path / "escape.json").exists()


def test_zip_bombs_and_oversized_archives_are_refused_fast(tmp_path: Path) -> None:
    cases: dict[str, tuple[bytes, dict[str, int], str, *tuple[str, ...]]] = {
        "ratio.zip": (make_zip({"big.json": b"0" * 5_000_000}), {}, "compression ratio", "over 100:1"),
        "member.zip": (
            make_zip({"a.json": GOOD.encode()}, zipfile.ZIP_STORED),
            {"max_file_bytes": 1000},
            "zip!a.json: file is",
        ),
        "total.zip": (
            make_zip({f"{i}.json": GOOD.encode() for i in range(12)}, zipfile.ZIP_STORED),
            {"max_file_bytes": len(GOOD.encode()) + 1},
            "unpacks to",
            "over the limit",
        ),
        "members.zip": (make_zip({f"{i}.json": b"{}" for i in range(30)}), {"max_zip_members": 20}, "30 members"),
        "not-a-zip.zip": (b"PK\x03\x04 this is not really a zip", {}, "not a readable zip archive"),
    }
    for name, (data, limits, *expected) in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        loaded = load_all([path], **limits)
        assert len(loaded) == 1 and loaded[0].trials == (), name
        line = str(loaded[0].error)
        assert "\n" not in line and line.startswith(str(path)), line
        for piece in expected:
            assert piece in line, line
        if not limits:  # count_inputs sizes a progress bar; it does not apply the limits
            assert count_inputs([path]) == 1


def test_zip_member_lying_about_its_size_is_a_clean_error(tmp_path: Path) -> None:
    data = bytearray(make_zip({"a.json": GOOD.encode()}, zipfile.ZIP_STORED))
    real = len(GOOD.encode()).to_bytes(4, "little")
    central = data.rfind(b"PK\x01\x02")
    assert data[central + 24 : central + 28] == real
    data[central + 24 : central + 28] = (100).to_bytes(4, "little")  # declares 100 bytes, holds more
    path = tmp_path / "liar.zip"
    path.write_bytes(bytes(data))
    (item,) = load_all([path])
    assert item.error is not None and str(item.error).startswith(f"{path}!a.json: ")


# ---- structured fields from real records: contacts, officials, arms, results ----------------------
RESULTS_JSON = FIXTURES / "NCT00353704.json"  # API v2, two arms, posted results
CONTACTS_JSON = FIXTURES / "NCT05885022.json"  # API v2, site contacts and investigators, an overall official
RESULTS_XML = FIXTURES / "NCT00501228.xml"  # classic XML, overall official, posted results
CONTACTS_XML = FIXTURES / "NCT00501475.xml"  # classic XML, site contacts and investigator, overall contact
REAL = Path("/work/shared/data/ctgov-more")
BULK = Path("/work/shared/data/bulk-xml")


def test_api_results_render_counts_per_group_with_total_facts() -> None:
    (trial,) = load_file(RESULTS_JSON)
    results = trial.section("Results")
    assert results is not None and results.text == (
        "Participants started: Pregabalin 25, Placebo 25 (total 50)\n"
        "Participants completed: Pregabalin 22, Placebo 24 (total 46)\n"
        "Baseline participants: Pregabalin 25, Placebo 25, Total 50\n"
        "Serious adverse events: Pregabalin 0 of 22, Placebo 0 of 24\n"
        "Other adverse events: Pregabalin 0 of 22, Placebo 0 of 24\n"
        "Outcome (primary): Mean VAS Pain (Visual Analogue Scale)at Rest (0-100 mm) — mean, Units on a scale "
        "(time frame: 120 minutes after surgery): Pregabalin 11.7 (SD 9.6); Placebo 22.5 (SD 14.4)\n"
        "Outcome (secondary): Morphine (Opioid) Consumption Cumulated — mean, mg (time frame: 240 minutes): "
        "Pregabalin 7.3 (SD 6.3); Placebo 16.0 (SD 13.2)"
    )
    values = facts(trial)
    assert (values["participants_started"], values["participants_completed"]) == ("50", "46")
    assert values["baseline_participants"] == "50" and values["enrollment_type"] == "ACTUAL"
    started = trial.fact("participants_started")
    assert started is not None and started.section == "Results"
    assert trial.source_text[started.start - 7 : started.start + 3] == "(total 50)"
    chunks = chunk_trial(trial)
    assert any(c.section == "Results" and c.kind == "text" and "Serious adverse events" in c.text for c in chunks)
    assert_spans_exact(trial)


def test_api_arms_list_the_interventions_they_receive_and_officials_are_a_section() -> None:
    (trial,) = load_file(RESULTS_JSON)
    groups = trial.section("Study Groups")
    assert groups is not None
    assert "Pregabalin (ACTIVE_COMPARATOR)\n150 mg Pregabalin per orally about one hour before surgery\n" in groups.text
    assert "\nInterventions: Drug: pregabalin; Drug: morphine\nPlacebo (PLACEBO_COMPARATOR)\n" in groups.text
    assert groups.text.endswith("Interventions: Drug: Placebo; Drug: morphine")
    assert trial.officials == (
        "Ulrich J Spreng, Dr. med., PRINCIPAL_INVESTIGATOR, Asker and Baerum Hospital, Norway",
        "Vegard Dahl, Dr. med., STUDY_DIRECTOR, Asker and Baerum Hospital, Norway",
    )
    officials = trial.section("Overall Officials")
    assert officials is not None and officials.text == "\n".join(trial.officials)


def test_api_site_contacts_and_status_are_fields_and_part_of_the_site_span() -> None:
    (trial,) = load_file(CONTACTS_JSON)
    first, second = trial.sites[0], trial.sites[1]
    assert first.text == "Dr. Agarwal's Eye Hospital Ltd.\nChennai, India\nStatus: ACTIVE_NOT_RECRUITING"
    assert (first.contact_name, first.contact_phone, first.contact_email) == ("", "", "")
    assert (second.name, second.status) == ("Centro Oftalmologico de Chihuahua", "RECRUITING")
    assert (second.contact_name, second.contact_phone, second.contact_email) == (
        "Mayra Salinas",
        "52 61 4364 7898",
        "mayra_dj@hotmail.com",
    )
    assert second.text == (
        "Centro Oftalmologico de Chihuahua\nChihuahua, Mexico\nStatus: RECRUITING\n"
        "Contact: Mayra Salinas, 52 61 4364 7898, mayra_dj@hotmail.com\n"
        "Principal Investigator: Ana Cristina Luna, MD"
    )
    site_chunks = [c for c in chunk_trial(trial) if c.kind == "site"]
    assert [c.text for c in site_chunks] == [s.text for s in trial.sites]
    assert trial.officials == ("Keith Barton, MD, STUDY_CHAIR, Moorfields Eye Hospital NHS Foundation Trust",)
    assert facts(trial)["enrollment_type"] == "ESTIMATED"
    assert_spans_exact(trial)


def test_xml_results_officials_arms_and_basic_facts() -> None:
    (trial,) = load_file(RESULTS_XML)
    values = facts(trial)
    assert values["status"] == "TERMINATED" and values["study_type"] == "INTERVENTIONAL"
    assert (values["enrollment"], values["enrollment_type"]) == ("2", "ACTUAL")
    assert values["sex"] == "ALL" and values["healthy_volunteers"] == "No"
    assert (values["participants_started"], values["participants_completed"]) == ("2", "1")
    results = trial.section("Results")
    assert results is not None and results.text == (
        "Participants started: Filgrastim Injections 2\nParticipants completed: Filgrastim Injections 1\n"
        "Baseline participants: Filgrastim Injections 2\nSerious adverse events: Filgrastim Injections 0 of 2\n"
        "Other adverse events: Filgrastim Injections 0 of 2"
    )
    groups = trial.section("Study Groups")
    assert groups is not None and groups.text == "Filgrastim Injections (EXPERIMENTAL)\nInterventions: Drug: Filgrastim"
    assert trial.officials == ("Martin J. Korbling, MD, PRINCIPAL_INVESTIGATOR, M.D. Anderson Cancer Center",)
    assert_spans_exact(trial)


def test_xml_site_contacts_investigators_and_central_contact() -> None:
    (trial,) = load_file(CONTACTS_XML)
    values = facts(trial)
    assert values["phase"] == "PHASE4" and values["status"] == "UNKNOWN" and values["study_type"] == "INTERVENTIONAL"
    assert trial.contacts == ("Kyuseok Kim, M.D, 82-31-787-3049, dremkks@snubh.org",)
    bundang = trial.sites[1]
    assert (bundang.status, bundang.contact_name, bundang.contact_phone, bundang.contact_email) == (
        "RECRUITING",
        "Joong Eui Rhee, MD",
        "82-31-787-3049",
        "rheeje@snubh.org",
    )
    assert bundang.text.endswith(
        "Status: RECRUITING\nContact: Joong Eui Rhee, MD, 82-31-787-3049, rheeje@snubh.org\n"
        "Principal Investigator: Kyuseok Kim, MD"
    )
    assert trial.officials == ("Kyuseok Kim, MD, PRINCIPAL_INVESTIGATOR, Seoul National University Bundang Hospital",)
    assert_spans_exact(trial)


CRAFTED_XML = """<clinical_study>
  <id_info><nct_id>NCT00000009</nct_id></id_info>
  <brief_title>Crafted</brief_title>
  <overall_status>Active, not recruiting</overall_status>
  <phase>Early Phase 1</phase>
  <study_type>Interventional</study_type>
  <enrollment type="Anticipated">30</enrollment>
  <arm_group><arm_group_label>Low dose</arm_group_label><arm_group_type>Active Comparator</arm_group_type></arm_group>
  <arm_group><arm_group_label>Placebo</arm_group_label><arm_group_type>Placebo Comparator</arm_group_type></arm_group>
  <intervention><intervention_type>Dietary Supplement</intervention_type><intervention_name>Zinc</intervention_name>
    <arm_group_label>Low dose</arm_group_label></intervention>
  <intervention><intervention_type>Other</intervention_type><intervention_name>Sugar pill</intervention_name>
    <arm_group_label>Placebo</arm_group_label></intervention>
  <eligibility><criteria><textblock>Inclusion Criteria:&#xD;
  - Adults&#xD;
Exclusion Criteria:&#xD;
  - Pregnancy</textblock></criteria>
    <gender>Female</gender><healthy_volunteers>Accepts Healthy Volunteers</healthy_volunteers></eligibility>
  <overall_official><last_name>Ann Lee, MD</last_name><role>Study Chair</role><affiliation>Uni</affiliation>
  </overall_official>
  <location><facility><name>Site A</name><address><city>Lyon</city><country>France</country></address></facility>
    <status>Recruiting</status>
    <contact><first_name>Jo</first_name><last_name>Ng</last_name><phone>555-0100</phone><phone_ext>12</phone_ext></contact>
    <contact_backup><last_name>Al Bo</last_name><email>al@example.org</email></contact_backup>
  </location>
  <clinical_results>
    <participant_flow><group_list><group group_id="P1"><title>Low dose</title></group>
      <group group_id="P2"><title>Placebo</title></group></group_list>
      <period_list><period><title>Overall Study</title><milestone_list>
        <milestone><title>STARTED</title><participants_list><participants group_id="P1" count="15"/>
          <participants group_id="P2" count="14"/></participants_list></milestone>
        <milestone><title>COMPLETED</title><participants_list><participants group_id="P1" count="12"/>
          <participants group_id="P2" count="13"/></participants_list></milestone>
      </milestone_list></period></period_list></participant_flow>
    <baseline><group_list><group group_id="B1"><title>Low dose</title></group>
      <group group_id="B2"><title>Placebo</title></group><group group_id="B3"><title>Total</title></group></group_list>
      <analyzed_list><analyzed><count_list><count group_id="B1" value="15"/><count group_id="B2" value="14"/>
        <count group_id="B3" value="29"/></count_list></analyzed></analyzed_list></baseline>
    <reported_events><group_list><group group_id="E1"><title>Low dose</title></group>
      <group group_id="E2"><title>Placebo</title></group></group_list>
      <serious_events><category_list><category><title>Total</title><event_list><event>
        <sub_title>Total, serious adverse events</sub_title>
        <counts group_id="E1" subjects_affected="2" subjects_at_risk="15"/>
        <counts group_id="E2" subjects_affected="1" subjects_at_risk="14"/></event></event_list></category>
      </category_list></serious_events></reported_events>
  </clinical_results>
</clinical_study>
"""


def test_crafted_xml_maps_enumerations_arms_contacts_and_multi_group_results() -> None:
    (trial,) = load_bytes(CRAFTED_XML.encode(), "crafted.xml")
    values = facts(trial)
    assert (values["status"], values["phase"], values["enrollment_type"]) == (
        "ACTIVE_NOT_RECRUITING",
        "EARLY_PHASE1",
        "ESTIMATED",
    )
    assert (values["sex"], values["healthy_volunteers"]) == ("FEMALE", "Yes")
    groups = trial.section("Study Groups")
    assert groups is not None and groups.text == (
        "Low dose (ACTIVE_COMPARATOR)\nInterventions: Dietary Supplement: Zinc\n"
        "Placebo (PLACEBO_COMPARATOR)\nInterventions: Other: Sugar pill"
    )
    (site,) = trial.sites
    assert (site.contact_name, site.contact_phone, site.contact_email) == ("Jo Ng", "555-0100 ext 12", "")
    assert site.text.endswith("Contact: Jo Ng, 555-0100 ext 12\nBackup contact: Al Bo, al@example.org")
    results = trial.section("Results")
    assert results is not None and results.text == (
        "Participants started: Low dose 15, Placebo 14 (total 29)\n"
        "Participants completed: Low dose 12, Placebo 13 (total 25)\n"
        "Baseline participants: Low dose 15, Placebo 14, Total 29\n"
        "Serious adverse events: Low dose 2 of 15, Placebo 1 of 14"
    )
    assert (values["participants_started"], values["participants_completed"], values["baseline_participants"]) == (
        "29",
        "25",
        "29",
    )
    criteria = [(c.section, c.criterion, c.text) for c in chunk_trial(trial) if c.kind == "criterion"]
    assert criteria == [("Inclusion Criteria", "1", "Adults"), ("Exclusion Criteria", "1", "Pregnancy")]
    assert_spans_exact(trial)


@pytest.mark.skipif(not (REAL.is_dir() and BULK.is_dir()), reason="shared real records not present")
def test_every_real_record_loads_with_exact_spans() -> None:
    bulk = sorted(BULK.glob("*.xml"))[:500]
    loaded = load_all([REAL]) + load_all(bulk)
    assert [str(item.error) for item in loaded if item.error] == []
    trials = [t for item in loaded for t in item.trials]
    assert len(trials) == 361 + 500
    for trial in trials:
        assert_spans_exact(trial)
    more = trials[:361]
    assert sum(1 for t in more if t.section("Results") is not None) == 71
    assert all(t.fact("participants_started") for t in more if t.section("Results") is not None)


def test_why_a_study_stopped_is_a_record_field_in_json_and_xml() -> None:
    stopped = study("NCT00000003", statusModule={"overallStatus": "TERMINATED", "whyStopped": "Slow accrual"})
    (trial,) = load_bytes(json.dumps(stopped).encode(), "stopped.json")
    assert facts(trial) == {"status": "TERMINATED", "why_stopped": "Slow accrual"}
    assert_spans_exact(trial)
    xml = CRAFTED_XML.replace(
        "<overall_status>Active, not recruiting</overall_status>",
        "<overall_status>Terminated</overall_status>\n  <why_stopped>Sponsor decision</why_stopped>",
    )
    (trial,) = load_bytes(xml.encode(), "stopped.xml")
    assert (facts(trial)["status"], facts(trial)["why_stopped"]) == ("TERMINATED", "Sponsor decision")
    assert_spans_exact(trial)


# ---- outcome-measure results: one renderer for API v2 JSON and classic XML -------------------------
OUTCOME_XML = """<clinical_study>
  <id_info><nct_id>NCT00000010</nct_id></id_info>
  <brief_title>Outcome results</brief_title>
  <clinical_results>
    <outcome_list>
      <outcome>
        <type>Primary</type>
        <title>Progression-Free Survival</title>
        <description>A long description that is not rendered.</description>
        <time_frame>2 years</time_frame>
        <group_list>
          <group group_id="O1"><title>Erlotinib, Placebo</title><description>Not rendered</description></group>
          <group group_id="O2"><title>Erlotinib, Celecoxib</title></group>
        </group_list>
        <measure>
          <title>Progression-Free Survival</title>
          <units>months</units>
          <param>Median</param>
          <dispersion>95% Confidence Interval</dispersion>
          <analyzed_list><analyzed><units>Participants</units><scope>Measure</scope>
            <count_list><count group_id="O1" value="52"/><count group_id="O2" value="55"/></count_list>
          </analyzed></analyzed_list>
          <class_list><class><category_list><category><measurement_list>
            <measurement group_id="O1" value="3.9" lower_limit="2.1" upper_limit="5.0"/>
            <measurement group_id="O2" value="NA" lower_limit="4.4" upper_limit="NA">Median not reached.</measurement>
          </measurement_list></category></category_list></class></class_list>
        </measure>
        <analysis_list><analysis>
          <group_id_list><group_id>O1</group_id><group_id>O2</group_id></group_id_list>
          <non_inferiority_type>Superiority or Other</non_inferiority_type>
          <p_value>0.03</p_value>
          <method>Log Rank</method>
          <param_type>Hazard Ratio (HR)</param_type>
          <param_value>0.62</param_value>
          <ci_percent>95</ci_percent>
          <ci_n_sides>2-Sided</ci_n_sides>
          <ci_lower_limit>0.40</ci_lower_limit>
          <ci_upper_limit>0.95</ci_upper_limit>
        </analysis></analysis_list>
      </outcome>
      <outcome>
        <type>Secondary</type>
        <title>Response Rate</title>
        <time_frame>8 weeks</time_frame>
        <group_list>
          <group group_id="O1"><title>Erlotinib, Placebo</title></group>
          <group group_id="O2"><title>Erlotinib, Celecoxib</title></group>
        </group_list>
        <measure>
          <title>Response Rate</title>
          <units>Participants</units>
          <param>Count of Participants</param>
          <analyzed_list><analyzed><units>Participants</units><scope>Measure</scope>
            <count_list><count group_id="O1" value="40"/><count group_id="O2" value="41"/></count_list>
          </analyzed></analyzed_list>
          <class_list><class><category_list>
            <category><title>Complete response</title><measurement_list>
              <measurement group_id="O1" value="12"/><measurement group_id="O2" value="8"/>
            </measurement_list></category>
            <category><title>Partial response</title><measurement_list>
              <measurement group_id="O1" value="10"/><measurement group_id="O2" value="15"/>
            </measurement_list></category>
          </category_list></class></class_list>
        </measure>
      </outcome>
      <outcome>
        <type>Other Pre-specified</type>
        <title>Announced, results not posted</title>
        <time_frame>1 year</time_frame>
      </outcome>
    </outcome_list>
  </clinical_results>
</clinical_study>
"""

_GROUPS = [{"id": "OG000", "title": "Erlotinib, Placebo"}, {"id": "OG001", "title": "Erlotinib, Celecoxib"}]
OUTCOME_JSON = {
    "protocolSection": {"identificationModule": {"nctId": "NCT00000010", "briefTitle": "Outcome results"}},
    "resultsSection": {
        "outcomeMeasuresModule": {
            "outcomeMeasures": [
                {
                    "type": "PRIMARY",
                    "title": "Progression-Free Survival",
                    "description": "A long description that is not rendered.",
                    "reportingStatus": "POSTED",
                    "paramType": "MEDIAN",
                    "dispersionType": "95% Confidence Interval",
                    "unitOfMeasure": "months",
                    "timeFrame": "2 years",
                    "groups": _GROUPS,
                    "denoms": [{"units": "Participants", "counts": [{"groupId": "OG000", "value": "52"}]}],
                    "classes": [
                        {
                            "categories": [
                                {
                                    "measurements": [
                                        {"groupId": "OG000", "value": "3.9", "lowerLimit": "2.1", "upperLimit": "5.0"},
                                        {
                                            "groupId": "OG001",
                                            "value": "NA",
                                            "lowerLimit": "4.4",
                                            "upperLimit": "NA",
                                            "comment": "Median not reached.",
                                        },
                                    ]
                                }
                            ]
                        }
                    ],
                    "analyses": [
                        {
                            "groupIds": ["OG000", "OG001"],
                            "pValue": "0.03",
                            "statisticalMethod": "Log Rank",
                            "paramType": "Hazard Ratio (HR)",
                            "paramValue": "0.62",
                            "ciPctValue": "95",
                            "ciNumSides": "TWO_SIDED",
                            "ciLowerLimit": "0.40",
                            "ciUpperLimit": "0.95",
                        }
                    ],
                },
                {
                    "type": "SECONDARY",
                    "title": "Response Rate",
                    "reportingStatus": "POSTED",
                    "paramType": "COUNT_OF_PARTICIPANTS",
                    "unitOfMeasure": "Participants",
                    "timeFrame": "8 weeks",
                    "groups": _GROUPS,
                    "denoms": [
                        {
                            "units": "Participants",
                            "counts": [{"groupId": "OG000", "value": "40"}, {"groupId": "OG001", "value": "41"}],
                        }
                    ],
                    "classes": [
                        {
                            "categories": [
                                {
                                    "title": "Complete response",
                                    "measurements": [
                                        {"groupId": "OG000", "value": "12"},
                                        {"groupId": "OG001", "value": "8"},
                                    ],
                                },
                                {
                                    "title": "Partial response",
                                    "measurements": [
                                        {"groupId": "OG000", "value": "10"},
                                        {"groupId": "OG001", "value": "15"},
                                    ],
                                },
                            ]
                        }
                    ],
                },
                {
                    "type": "OTHER_PRE_SPECIFIED",
                    "title": "Announced, results not posted",
                    "reportingStatus": "NOT_POSTED",
                },
            ]
        }
    },
}
OUTCOME_LINES = [
    "Outcome (primary): Progression-Free Survival — median, months (time frame: 2 years): "
    "Erlotinib, Placebo 3.9 (95% CI 2.1 to 5.0); "
    "Erlotinib, Celecoxib not available (95% CI 4.4 to not available; Median not reached); "
    "Hazard Ratio (HR) 0.62 (95% CI 0.40 to 0.95), p = 0.03 (Log Rank)",
    "Outcome (secondary): Response Rate — count of participants (time frame: 8 weeks) — Complete response: "
    "Erlotinib, Placebo 12 of 40; Erlotinib, Celecoxib 8 of 41",
    "Outcome (secondary): Response Rate — count of participants (time frame: 8 weeks) — Partial response: "
    "Erlotinib, Placebo 10 of 40; Erlotinib, Celecoxib 15 of 41",
]


def outcome_lines(trial: Trial) -> list[str]:
    results = trial.section("Results")
    assert results is not None
    return [line for line in results.text.split("\n") if line.startswith("Outcome")]


def test_xml_outcome_results_render_values_groups_units_p_values_and_categories() -> None:
    (trial,) = load_bytes(OUTCOME_XML.encode(), "outcomes.xml")
    assert outcome_lines(trial) == OUTCOME_LINES
    results = trial.section("Results")
    assert results is not None and "not rendered" not in results.text.lower()
    assert not any(f.section == "Results" for f in trial.facts)  # outcome lines are quoted text, not record fields
    assert any(c.section == "Results" and "p = 0.03" in c.text for c in chunk_trial(trial))
    assert_spans_exact(trial)


def test_json_outcome_results_render_the_same_lines_as_xml() -> None:
    (from_json,) = load_bytes(json.dumps(OUTCOME_JSON).encode(), "outcomes.json")
    (from_xml,) = load_bytes(OUTCOME_XML.encode(), "outcomes.xml")
    assert outcome_lines(from_json) == outcome_lines(from_xml) == OUTCOME_LINES
    assert_spans_exact(from_json)


def test_outcome_lines_follow_the_counts_and_keep_their_format() -> None:
    # The crafted record's flow, baseline and adverse-event lines stay first and unchanged.
    outcomes = CRAFTED_XML.replace(
        "</reported_events>",
        "</reported_events>" + OUTCOME_XML.split("<clinical_results>")[1].split("</clinical_results>")[0],
    )
    (trial,) = load_bytes(outcomes.encode(), "crafted.xml")
    results = trial.section("Results")
    assert results is not None and results.text.split("\n") == [
        "Participants started: Low dose 15, Placebo 14 (total 29)",
        "Participants completed: Low dose 12, Placebo 13 (total 25)",
        "Baseline participants: Low dose 15, Placebo 14, Total 29",
        "Serious adverse events: Low dose 2 of 15, Placebo 1 of 14",
        *OUTCOME_LINES,
    ]
    assert facts(trial)["participants_started"] == "29"
    assert_spans_exact(trial)


def test_outcome_lines_cap_groups_and_categories_aloud_and_survive_missing_fields() -> None:
    groups = [{"id": f"G{i}", "title": f"Cohort {i}, {i * 10} mg"} for i in range(9)]
    categories = [
        {"title": f"Visit {v}", "measurements": [{"groupId": f"G{i}", "value": f"{v}.{i}"} for i in range(9)]}
        for v in range(13)
    ]
    record = {
        "protocolSection": {"identificationModule": {"nctId": "NCT00000011"}},
        "resultsSection": {
            "outcomeMeasuresModule": {
                "outcomeMeasures": [
                    {
                        "type": "SECONDARY",
                        "title": "Score",
                        "paramType": "MEAN",
                        "groups": groups,
                        "classes": [{"categories": categories}],
                    },
                    # Every field missing or of the wrong type: no line, no crash.
                    {"classes": [{"categories": [{"measurements": [{"groupId": "X"}]}]}]},
                    {"title": None, "groups": "drift", "classes": [None, {"categories": [{"measurements": None}]}]},
                    "not an object",
                ]
            }
        },
    }
    (trial,) = load_bytes(json.dumps(record).encode(), "capped.json")
    lines = outcome_lines(trial)
    assert lines[0].startswith("Outcome (secondary): Score — mean — Visit 0: Cohort 0, 0 mg 0.0; Cohort 1, 10 mg 0.1;")
    assert lines[0].endswith("; and 3 more groups") and "Cohort 5, 50 mg 0.5" in lines[0]
    assert lines[10] == "Outcome (secondary): Score — mean: and 3 more categories not shown here"
    assert lines[11] == "Outcome: untitled outcome: X not available"
    assert len(lines) == 12 and all(len(line) <= 520 for line in lines)
    assert_spans_exact(trial)


@pytest.mark.skipif(not (REAL.is_dir() and BULK.is_dir()), reason="shared real records not present")
def test_real_outcome_results_render_in_both_formats() -> None:
    (api,) = load_file(REAL / "NCT02397473.json")
    assert (
        "Outcome (primary): Overall Mean Change From Baseline in Number of Weekly Cluster Headache Attacks — "
        "least squares mean, Cluster Headache Attacks per Week (time frame: Baseline, Week 1 through Week 3): "
        "Placebo -5.22 (SE 1.33); Galcanezumab 300mg -8.69 (SE 1.42); "
        "LSMean Difference -3.47 (95% CI -6.72 to -0.23), p = 0.036 (Mixed Models Analysis)"
    ) in outcome_lines(api)
    (classic,) = load_file(BULK / "NCT00460109.xml")
    assert (
        "Outcome (secondary): Survival Time — median (time frame: Up to 5 years): "
        "Rituximab + Denileukin Diftitox not available (The median overall survival was not reached)"
    ) in outcome_lines(classic)


def _criteria_xml(textblock: str) -> bytes:
    return (
        "<clinical_study><id_info><nct_id>NCT00000010</nct_id></id_info><brief_title>T</brief_title>"
        f"<eligibility><criteria><textblock>{textblock}</textblock></criteria></eligibility></clinical_study>"
    ).encode()


def _criteria_items(textblock: str) -> list[str]:
    from ingest.chunking import ELIGIBILITY, split_criteria

    section = load_bytes(_criteria_xml(textblock), "t.xml")[0].section(ELIGIBILITY)
    assert section is not None
    return [" ".join(section.text[item.start : item.end].split()) for item in split_criteria(section.text)]


def test_a_list_whose_first_item_lost_its_indent_in_the_xml_keeps_its_items_apart() -> None:
    # As the registry prints it: the first line at the block's indent, the items after it two columns deeper.
    textblock = (
        "\n        1. Patients with untreated carcinoma of the esophagus\n"
        "             eligible for C9781.\n\n"
        "          2. No evidence of distant metastatic disease.\n\n"
        "          3. Tumors resectable (T1-3, NX).\n      "
    )
    assert _criteria_items(textblock) == [
        "Patients with untreated carcinoma of the esophagus eligible for C9781.",
        "No evidence of distant metastatic disease.",
        "Tumors resectable (T1-3, NX).",
    ]


def test_a_first_item_that_leads_in_to_deeper_bullets_keeps_them_as_its_own() -> None:
    textblock = (
        "\n        -  Hereditary telangiectasia with 2 of the following:\n\n"
        "          -  First-degree relative with HHT\n\n"
        "          -  Recurrent epistaxis\n      "
    )
    items = _criteria_items(textblock)
    assert len(items) == 1 and "Recurrent epistaxis" in items[0]
