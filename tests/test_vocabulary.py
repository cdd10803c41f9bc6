"""Medical vocabulary (assistant/vocabulary.py): mentions, lay terms, brands, relations. No model, no store."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from assistant.vocabulary import Mention, Vocabulary, fold_plural

MYOCARDIAL_INFARCTION = "D009203"
NEOPLASMS = "D009369"
HYPERTENSION = "D006973"
ACETAMINOPHEN = "D000082"
ATORVASTATIN = "D000069059"
ACQUIRED_IMMUNODEFICIENCY_SYNDROME = "D000163"
HIV = "D006678"
PRECURSOR_CELL_LYMPHOBLASTIC_LEUKEMIA = "D054198"
CROHN_DISEASE = "D003424"
NON_SMALL_CELL_LUNG_CARCINOMA = "D002289"

CRITERION = (
    "Adults with a history of heart attacks or high blood pressure, Crohn's disease, or non-small-cell lung "
    "cancer; all patients taking Lipitor must stop it 14 days before enrolment. Participants who use hearing aids "
    "or have known HIV infection are excluded, as are those with prior chemotherapy for lymphoma within 5 years, "
    "uncontrolled seizures, or a stroke in the last 6 months before the screening visit."
)


@pytest.fixture(scope="module")
def vocabulary() -> Vocabulary:
    return Vocabulary.load()


def concept_ids(vocabulary: Vocabulary, text: str) -> set[str]:
    return {concept_id for mention in vocabulary.mentions(text) for concept_id in mention.concept_ids}


def only_mention(vocabulary: Vocabulary, text: str) -> Mention:
    found = vocabulary.mentions(text)
    assert len(found) == 1, found
    return found[0]


def test_heart_attack_is_myocardial_infarction(vocabulary: Vocabulary) -> None:
    mention = only_mention(vocabulary, "history of heart attack")
    assert mention.concept_ids == (MYOCARDIAL_INFARCTION,)
    assert vocabulary.name(MYOCARDIAL_INFARCTION) == "Myocardial Infarction"
    assert "heart attack" in {term.lower() for term in vocabulary.terms(MYOCARDIAL_INFARCTION)}


def test_plural_folding_matches_plural_text(vocabulary: Vocabulary) -> None:
    assert only_mention(vocabulary, "two heart attacks").concept_ids == (MYOCARDIAL_INFARCTION,)


@pytest.mark.parametrize(
    ("text", "surface", "american"),
    [
        ("My son has leukaemia.", "leukaemia", "leukemia"),
        ("acute lymphoblastic leukaemia", "acute lymphoblastic leukaemia", "acute lymphoblastic leukemia"),
        ("a brain tumour", "brain tumour", "brain tumor"),
        ("oesophageal cancer", "oesophageal cancer", "esophageal cancer"),
        ("haemorrhage last year", "haemorrhage", "hemorrhage"),
    ],
)
def test_a_british_spelling_finds_the_american_term(
    vocabulary: Vocabulary, text: str, surface: str, american: str
) -> None:
    (found,) = [m for m in vocabulary.mentions(text) if m.surface == surface]
    assert set(found.concept_ids) == set(vocabulary.resolve(american))


def test_american_spelling_leaves_plain_words_alone() -> None:
    from assistant.vocabulary import american_spelling

    assert american_spelling("four hours in your study centre") == "four hours in your study center"
    assert american_spelling("paediatric haemoglobin") == "pediatric hemoglobin"


def test_a_route_of_giving_a_drug_is_no_kind_of_drug_therapy(vocabulary: Vocabulary) -> None:
    # MeSH files Injections under Drug Administration Routes under Drug Therapy ("chemotherapy")
    assert vocabulary.relation("injections", "chemotherapy") is None
    assert vocabulary.relation("injections", "therapeutics") == "narrower"  # still a therapeutic procedure
    assert vocabulary.relation("injections, intravenous", "injections") == "narrower"  # inside the group it holds
    assert vocabulary.relation("induction chemotherapy", "chemotherapy") == "narrower"  # kinds of therapy still are


def test_heart_attack_and_heart_failure_are_unrelated(vocabulary: Vocabulary) -> None:
    assert vocabulary.relation("heart attack", "heart failure") is None
    assert vocabulary.relation("heart attack", "Heart Diseases") == "narrower"
    assert vocabulary.relation("heart attack", "myocardial infarction") == "same"


@pytest.mark.parametrize("broad", ["cancer", "malignancy", "neoplasm", "Neoplasms"])
def test_lymphoma_is_narrower_than_cancer(vocabulary: Vocabulary, broad: str) -> None:
    assert vocabulary.resolve(broad) == (NEOPLASMS,)
    assert vocabulary.relation("lymphoma", broad) == "narrower"
    assert vocabulary.relation(broad, "lymphoma") == "broader"


def test_parkinson_disease_is_neurodegenerative(vocabulary: Vocabulary) -> None:
    assert vocabulary.relation("Parkinson's disease", "neurodegenerative disease") == "narrower"
    assert vocabulary.relation("Parkinson's disease", "Alzheimer's disease") is None


def test_drug_classes_come_from_pharmacological_action(vocabulary: Vocabulary) -> None:
    assert vocabulary.relation("furosemide", "Diuretics") == "narrower"
    assert vocabulary.relation("prednisone", "Glucocorticoids") == "narrower"
    assert vocabulary.relation("prednisone", "Adrenal Cortex Hormones") == "narrower"
    assert vocabulary.relation("furosemide", "Glucocorticoids") is None


@pytest.mark.parametrize(("brand", "ingredient"), [("Tylenol", ACETAMINOPHEN), ("Lipitor", ATORVASTATIN)])
def test_brand_names_map_to_their_ingredient(vocabulary: Vocabulary, brand: str, ingredient: str) -> None:
    assert only_mention(vocabulary, f"taking {brand} daily").concept_ids == (ingredient,)
    assert vocabulary.relation(brand, vocabulary.name(ingredient)) == "same"


def test_water_pill_is_in_no_source(vocabulary: Vocabulary) -> None:
    """No shipped source has the lay term "water pill"; if one is added, map it to Diuretics, not elsewhere."""
    found = concept_ids(vocabulary, "takes a water pill")
    assert found <= {vocabulary.resolve("Diuretics")[0]}


def test_high_blood_pressure_is_hypertension(vocabulary: Vocabulary) -> None:
    mention = only_mention(vocabulary, "high blood pressure")
    assert mention.concept_ids == (HYPERTENSION,)
    assert (mention.start, mention.end) == (0, len("high blood pressure"))


def test_spans_are_exact_substrings(vocabulary: Vocabulary) -> None:
    found = vocabulary.mentions(CRITERION)
    assert all(CRITERION[m.start : m.end] == m.surface for m in found)
    assert all(a.end <= b.start for a, b in itertools.pairwise(found))
    surfaces = [m.surface for m in found]
    for expected in [
        "heart attacks",
        "high blood pressure",
        "Crohn's disease",
        "non-small-cell lung cancer",
        "Lipitor",
        "hearing aids",
        "HIV infection",
        "chemotherapy",
        "lymphoma",
        "seizures",
        "stroke",
    ]:
        assert expected in surfaces, (expected, surfaces)


def test_hyphens_and_apostrophes(vocabulary: Vocabulary) -> None:
    assert only_mention(vocabulary, "Crohn's disease").concept_ids == (CROHN_DISEASE,)
    assert only_mention(vocabulary, "non-small-cell lung cancer").concept_ids == (NON_SMALL_CELL_LUNG_CARCINOMA,)


def test_all_patients_is_not_leukemia(vocabulary: Vocabulary) -> None:
    assert PRECURSOR_CELL_LYMPHOBLASTIC_LEUKEMIA not in concept_ids(vocabulary, "all patients")
    assert PRECURSOR_CELL_LYMPHOBLASTIC_LEUKEMIA not in concept_ids(vocabulary, CRITERION)
    assert PRECURSOR_CELL_LYMPHOBLASTIC_LEUKEMIA not in concept_ids(vocabulary, "in childhood all patients")
    assert PRECURSOR_CELL_LYMPHOBLASTIC_LEUKEMIA in concept_ids(vocabulary, "relapsed childhood ALL")


def test_lower_case_aids_is_not_hiv(vocabulary: Vocabulary) -> None:
    hiv_concepts = {ACQUIRED_IMMUNODEFICIENCY_SYNDROME, HIV}
    assert not hiv_concepts & concept_ids(vocabulary, "patients with hearing aids")
    assert not hiv_concepts & concept_ids(vocabulary, "walking aids are allowed")
    assert ACQUIRED_IMMUNODEFICIENCY_SYNDROME in concept_ids(vocabulary, "patients with AIDS")


@pytest.mark.parametrize("word", ["was", "cold", "lead", "ms"])
def test_common_words_are_not_concepts(vocabulary: Vocabulary, word: str) -> None:
    assert vocabulary.mentions(f"the patient {word} here") == []


def test_expansions_add_name_synonyms_and_parents(vocabulary: Vocabulary) -> None:
    expanded = vocabulary.expansions("heart attack")
    assert expanded[0] == "Myocardial Infarction"
    assert "Myocardial Ischemia" in expanded  # direct MeSH parent
    assert len(expanded) <= 1 + 5 + len(vocabulary.parents(MYOCARDIAL_INFARCTION))


def test_a_hyphenated_prefix_reads_as_the_joined_word(vocabulary: Vocabulary) -> None:
    found = vocabulary.mentions("Use of anti-aggregant or anti-coagulant drugs")
    names = [vocabulary.name(c) for m in found for c in m.concept_ids]
    assert "Anticoagulants" in names
    assert "Coagulants" not in names  # the second half alone means the opposite


@pytest.mark.parametrize(
    ("derived", "base"),
    [
        ("she is allergic", "allergy"),
        ("allergic to penicillin", "penicillin allergy"),
        ("thromboembolic events", "thromboembolism"),
        ("epileptic", "epilepsy"),
        ("hypertensive", "hypertension"),
        ("kidney transplant", "kidney transplantation"),
        ("I am pregnant", "pregnancy"),
        ("she is lactose intolerant", "lactose intolerance"),
        ("iron deficient", "iron deficiency"),
        ("infertile", "infertility"),
    ],
)
def test_other_derivational_forms_find_the_concept(vocabulary: Vocabulary, derived: str, base: str) -> None:
    assert concept_ids(vocabulary, derived) & concept_ids(vocabulary, base)


def test_an_adjective_before_another_noun_is_not_its_condition(vocabulary: Vocabulary) -> None:
    # "leukemic involvement" is about the involvement; the written term always wins over a derived one
    assert not concept_ids(vocabulary, "leukemic involvement") & concept_ids(vocabulary, "leukemia")
    assert concept_ids(vocabulary, "diabetic neuropathy") == concept_ids(vocabulary, "diabetic neuropathies")


def test_a_three_letter_database_code_is_not_matched_as_a_word() -> None:
    """DrugBank lists "Met" for methionine: in a question "met" is a verb and "brain mets" are metastases."""
    from assistant.vocabulary import Vocabulary, is_short_code

    vocabulary = Vocabulary.load()
    assert is_short_code("Met") and not is_short_code("MET") and not is_short_code("Insulin")
    for text in ("I met my doctor", "He has brain mets", "Met"):
        assert not any("D008715" in m.concept_ids for m in vocabulary.mentions(text)), text
    assert any("D008715" in m.concept_ids for m in vocabulary.mentions("methionine"))


def test_psychotherapies_are_in_the_vocabulary() -> None:
    """MeSH F04.754 (psychotherapy) is kept: criteria exclude 'concomitant structured therapy (e.g., CBT)'."""
    from assistant.vocabulary import Vocabulary

    vocabulary = Vocabulary.load()
    found = [c for m in vocabulary.mentions("Cognitive Behavioral Therapy or group therapy") for c in m.concept_ids]
    assert "D015928" in found


@pytest.mark.parametrize(
    ("phrase", "name"),
    [
        ("history of suicidal ideation", "Suicidal Ideation"),  # F01.145.126: behavioural symptoms
        ("a prior suicide attempt", "Suicide, Attempted"),
        ("any self-harm in the past year", "Self-Injurious Behavior"),
        ("unprotected sex with a partner", "Unsafe Sex"),  # F01.145.802: criteria of HIV prevention trials
        ("current marijuana use", "Marijuana Use"),  # F01.145.610
    ],
)
def test_behaviours_criteria_exclude_on_are_in_the_vocabulary(phrase: str, name: str) -> None:
    """Suicidality, self-injury, sexual behaviour and drug use are MeSH behaviours (F01.145), not diseases; criteria of
    psychiatric, CNS and HIV trials exclude on them, so their subtrees are kept."""
    from assistant.vocabulary import Vocabulary

    vocabulary = Vocabulary.load()
    assert name in {vocabulary.name(c) for m in vocabulary.mentions(phrase) for c in m.concept_ids}


@pytest.mark.parametrize(
    ("term", "adjective"),
    [
        ("Antiplatelet Agents", "Antiplatelet"),
        ("Anti-Retroviral Agents", "Anti-Retroviral"),
        ("antithrombotic drugs", "antithrombotic"),
        ("Anti-HIV Agents", None),  # "anti-HIV" is as often the antibody test
        ("Anti-IL-6 Agents", None),
        ("Nerve Agents", None),  # only "anti-" adjectives name a class by themselves
        ("Anti-Inflammatory Agents, Non-Steroidal", None),  # inverted forms are never used
    ],
)
def test_a_drug_class_is_named_by_its_anti_adjective(term: str, adjective: str | None) -> None:
    from assistant.vocabulary_build import class_adjective

    assert class_adjective(term) == adjective


def test_antiplatelet_therapy_is_the_class_aspirin_belongs_to(vocabulary: Vocabulary) -> None:
    """'long-term antiplatelet therapy' must reach aspirin through its pharmacological action."""
    platelet_inhibitors = concept_ids(vocabulary, "long-term antiplatelet therapy")
    assert platelet_inhibitors, "the bare adjective names the class"
    aspirin = concept_ids(vocabulary, "aspirin")
    assert any(vocabulary.relation(a, p) == "narrower" for a in aspirin for p in platelet_inhibitors)
    assert concept_ids(vocabulary, "antiretrovirals") == concept_ids(vocabulary, "antiretroviral drugs")


def test_the_cached_vocabulary_answers_as_the_parsed_one_and_a_damaged_cache_is_parsed_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assistant import vocabulary as module

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    path = module._cache_path()
    assert path is not None and path.parent == tmp_path / "trialqa"
    parsed = Vocabulary._parsed()
    parsed._save_cache(path)
    cached = Vocabulary._from_cache(path)

    assert cached is not None and cached.term_count == parsed.term_count > 100_000
    for concept_id in (MYOCARDIAL_INFARCTION, ATORVASTATIN, HIV, CROHN_DISEASE):
        assert cached.terms(concept_id) == parsed.terms(concept_id) != []
    assert cached.mentions(CRITERION) == parsed.mentions(CRITERION) != []
    assert cached.expansions("I had a mini-stroke") == parsed.expansions("I had a mini-stroke") != []
    assert not list(tmp_path.glob("trialqa/*.tmp"))  # written beside and renamed into place

    path.write_bytes(path.read_bytes()[:1000])  # cut short, as a full disk or a killed writer leaves it
    assert Vocabulary._from_cache(path) is None
    path.write_bytes(b"\x00not marshal")
    assert Vocabulary._from_cache(path) is None


def test_an_organism_is_the_infection_mesh_names_after_it() -> None:
    """ "I have HIV" against "HIV infection": MeSH keeps the virus (B tree) and the infection (C tree) apart; the
    infection named after the organism counts as the same concept."""
    vocabulary = Vocabulary.load()
    assert vocabulary.relation("HIV", "HIV infection") == "same"
    assert vocabulary.relation("hepatitis B virus", "hepatitis B") == "same"
    assert vocabulary.relation("HIV", "hepatitis B") is None


@pytest.mark.parametrize(
    ("text", "name"),
    [
        # MeSH names the class "Sulfonylurea Compounds"; criteria say "sulfonylureas" ("except metformin and
        # sulfonylureas"), "nitrosoureas" ("6 weeks since prior nitrosoureas")
        ("with the exception of metformin and sulfonylureas", "Sulfonylurea Compounds"),
        ("at least 6 weeks since prior nitrosoureas", "Nitrosourea Compounds"),
    ],
)
def test_the_plural_of_a_chemical_class_head_names_the_class(vocabulary: Vocabulary, text: str, name: str) -> None:
    assert name in [vocabulary.name(c) for m in vocabulary.mentions(text) for c in m.concept_ids]


def test_an_adjective_head_of_a_chemical_class_names_nothing(vocabulary: Vocabulary) -> None:
    assert vocabulary.mentions("heterocyclic") == []


@pytest.mark.parametrize("text", ["a CLL-1 CAR-T infusion", "CLL1 expression"])
def test_an_abbreviation_with_a_number_joined_on_names_another_entity(vocabulary: Vocabulary, text: str) -> None:
    assert vocabulary.mentions(text) == []


@pytest.mark.parametrize("text", ["I have CLL", "COVID-19", "HIV-1 infection"])
def test_known_names_with_numbers_still_match(vocabulary: Vocabulary, text: str) -> None:
    assert vocabulary.mentions(text)


@pytest.mark.parametrize(
    ("text", "surface", "name"),
    [
        ("history of heart, pulmonary, or musculoskeletal disease", "heart", "Heart Diseases"),
        ("history of heart, pulmonary, or musculoskeletal disease", "pulmonary", "Lung Diseases"),
        ("kidney or liver failure", "kidney", "Renal Insufficiency"),
    ],
)
def test_words_coordinated_before_a_shared_head_are_mentions(
    vocabulary: Vocabulary, text: str, surface: str, name: str
) -> None:
    found = {m.surface: [vocabulary.name(c) for c in m.concept_ids] for m in vocabulary.mentions(text)}
    assert found[surface] == [name]


def test_a_coordinated_word_that_is_a_mention_itself_stays_itself(vocabulary: Vocabulary) -> None:
    found = {
        m.surface: [vocabulary.name(c) for c in m.concept_ids] for m in vocabulary.mentions("lymphoma or breast cancer")
    }
    assert found == {"lymphoma": ["Lymphoma"], "breast cancer": ["Breast Neoplasms"]}
    assert [m.surface for m in vocabulary.mentions("prior surgery or radiation therapy")] == ["radiation therapy"]


@pytest.mark.parametrize(
    ("text", "prefix", "name"),
    [("history of hyper/hypotension", "hyper", "Hypertension"), ("hypo/hyperthyroidism", "hypo", "Hypothyroidism")],
)
def test_a_prefix_before_a_slash_shares_the_rest_of_the_word(
    vocabulary: Vocabulary, text: str, prefix: str, name: str
) -> None:
    found = {m.surface: [vocabulary.name(c) for c in m.concept_ids] for m in vocabulary.mentions(text)}
    assert found[prefix] == [name]
    assert [m.surface for m in vocabulary.mentions("dose in mg/kg")] == []


def test_a_disease_ontology_parent_joins_the_mesh_concept(vocabulary: Vocabulary) -> None:
    # MeSH files basal cell carcinoma under neoplasms by histologic type only; the Disease Ontology says it is a skin
    # cancer, which is what "except superficial skin cancers" relies on.
    assert vocabulary.relation("basal cell carcinoma", "skin cancer") == "narrower"
    assert vocabulary.relation("skin cancer", "basal cell carcinoma") == "broader"


def test_joining_ontology_parents_makes_no_cycle() -> None:
    from assistant.vocabulary_build import Concept, VocabularyData, join_do_parents

    data = VocabularyData()
    data.add_concept(Concept("D1", "Neoplasms", trees=["C04"]))
    data.add_concept(Concept("D2", "Skin Neoplasms", trees=["C04.588"]))
    data.add_concept(Concept("D3", "Carcinoma, Basal Cell", trees=["C04.557"]))
    # two DO links that disagree (D2 under D3 and D3 under D2), and one MeSH already implies (D3 under D1)
    join_do_parents(data, {"D3": ["D2", "D1"], "D2": ["D3"]})
    links = {(c.concept_id, p) for c in data.concepts.values() for p in c.parents}
    assert len(links & {("D2", "D3"), ("D3", "D2")}) == 1  # the first one joined, the reverse would be a cycle
    assert ("D3", "D1") not in links


def test_a_narrower_concept_filed_under_a_descriptor_does_not_bring_its_parents() -> None:
    from assistant.vocabulary_build import Concept, OboTerm, VocabularyData, names_a_narrower_concept

    data = VocabularyData()
    # MeSH's Adenocarcinoma: its preferred concept, and "Cribriform Carcinoma", a narrower concept filed under it
    data.add_concept(Concept("D000230", "Adenocarcinoma"))
    data.mesh_keys["D000230"] = {"adenocarcinoma", "cribriform carcinoma"}
    data.preferred_keys["D000230"] = {"adenocarcinoma"}
    cribriform = OboTerm(doid="DOID:5675", name="cribriform carcinoma")  # a breast carcinoma in DO
    assert names_a_narrower_concept(data, "D000230", cribriform)
    assert not names_a_narrower_concept(data, "D000230", OboTerm(doid="DOID:299", name="adenocarcinoma"))
    # mapped by a unique cross-reference, not by a name: the same disease as before
    assert not names_a_narrower_concept(data, "D000230", OboTerm(doid="DOID:1", name="glandular cancer"))
    # "Tongue Cancer", a concept of its own under Tongue Neoplasms, only says the tumour is a cancer: the same site
    data.add_concept(Concept("D014062", "Tongue Neoplasms"))
    data.mesh_keys["D014062"] = {"tongue neoplasm", "tongue cancer"}
    data.preferred_keys["D014062"] = {"tongue neoplasm"}
    assert not names_a_narrower_concept(data, "D014062", OboTerm(doid="DOID:8649", name="tongue cancer"))


def test_a_lone_cross_reference_is_not_trusted_over_the_names() -> None:
    from collections import Counter

    from assistant.vocabulary_build import OboTerm, VocabularyData, map_do_term

    data = VocabularyData()
    for concept_id in ("D001102", "D014777"):
        data.concepts[concept_id] = object()  # type: ignore[assignment]  # only membership is read
    index = {"viral infection": {"D014777"}}
    viral = OboTerm(
        doid="DOID:934", name="viral infectious disease", synonyms=["Viral Infection"], mesh_ids=["D001102"]
    )
    # DO cross-refers "viral infectious disease" only to Arbovirus Infections; its names say Virus Diseases: it is
    # neither the same as nor under Arbovirus Infections
    assert map_do_term(data, index, Counter({"D001102": 1}), viral) == ("DOID:934", [])
    alone = OboTerm(doid="DOID:1", name="some fever", mesh_ids=["D001102"])
    assert map_do_term(data, index, Counter({"D001102": 1}), alone) == ("D001102", [])


def test_the_shipped_term_keys_are_what_the_code_folds_today() -> None:
    # the runtime reads the keys written at build time; a folding rule changed without rebuilding the data would make
    # the text's words and the terms' keys disagree ("thrombosis" against a stored "thrombosis" folded otherwise)
    import gzip
    from importlib import resources

    from assistant.vocabulary import term_key

    data = resources.files("assistant").joinpath("data/vocab/terms.tsv.gz").read_bytes()
    lines = gzip.decompress(data).decode("utf-8").splitlines()
    stale = [line for line in lines[::50] if line.split("\t")[1] != term_key(line.split("\t")[0])]
    assert not stale, stale[:5]


def test_no_adenocarcinoma_is_a_breast_cancer(vocabulary: Vocabulary) -> None:
    # joined from DO's "cribriform carcinoma", Breast Neoplasms had become a parent of Adenocarcinoma, so a gastric
    # adenocarcinoma trial was listed among breast cancer trials
    assert vocabulary.relation("gastric adenocarcinoma", "breast cancer") is None
    assert vocabulary.relation("gastric adenocarcinoma", "stomach cancer") == "narrower"


def test_an_adjective_before_a_function_word_names_its_condition() -> None:
    vocabulary = Vocabulary.load()
    for text in ("I could get pregnant, but I use an IUD.", "I could get pregnant but I use an IUD."):
        assert [m.surface for m in vocabulary.mentions(text)][:1] == ["pregnant"], text
    # before a noun it modifies, it does not ("leukemic involvement" is about the involvement)
    assert not [m for m in vocabulary.mentions("leukemic involvement") if m.surface == "leukemic"]


def test_an_adjective_and_an_adverb_before_it_name_the_condition() -> None:
    vocabulary = Vocabulary.load()
    assert [m.concept_ids for m in vocabulary.mentions("He is obese.")] == [("D009765",)]  # Obesity
    assert [m.concept_ids for m in vocabulary.mentions("morbidly obese;")] == [("D009767",)]  # Obesity, Morbid


@pytest.mark.parametrize(
    ("told", "concept"),
    [
        ("My son fainted once last year.", "D013575"),
        ("I vomited twice.", "D014839"),
        ("He wheezed all night.", "D012135"),
    ],
)
def test_what_was_done_told_in_the_past_names_its_condition(vocabulary: Vocabulary, told: str, concept: str) -> None:
    # "fainted" had named nothing, so a fainting no criterion could read left an "allowed" on the age alone
    assert [m.concept_ids for m in vocabulary.mentions(told)] == [(concept,)]
    assert vocabulary.mentions("I was diagnosed in May.") == []


def test_greek_plurals_in_sis_and_ses_are_one_term() -> None:
    # MeSH writes "Brain Metastases"; "one brain metastasis" found nothing (the English "-s" plural rule missed it)
    vocabulary = Vocabulary.load()
    (mention,) = vocabulary.mentions("I had one brain metastasis treated with radiation")
    assert mention.surface == "brain metastasis"
    assert vocabulary.relation(mention.concept_ids[0], "Brain Neoplasms") == "narrower"
    assert fold_plural("thrombosis") == fold_plural("thromboses")
    assert fold_plural("pertussis") == "pertussis"  # a "-ssis" word is no such plural


def test_metastases_in_a_site_are_a_kind_of_the_sites_neoplasms_and_of_metastasis(vocabulary: Vocabulary) -> None:
    def concept(text: str) -> str:
        (mention,) = vocabulary.mentions(text)
        return mention.concept_ids[0]

    brain, cns = concept("one brain metastasis"), concept("central nervous system metastases")
    liver = concept("metastases to the liver")
    assert vocabulary.relation(brain, cns) == "narrower"  # was no relation: "metastases" alone was read
    assert vocabulary.relation(cns, brain) == "broader"
    assert vocabulary.relation(liver, cns) is None
    assert vocabulary.relation(concept("bone mets"), "D009362") == "narrower"  # Neoplasm Metastasis
    assert vocabulary.relation("D009362", cns) == "broader"  # "metastatic disease" does not say where
    # a term of its own for the whole stays what it is
    assert vocabulary.name(concept("lymph node metastases")) == "Lymphatic Metastasis"


def test_a_cancer_said_to_have_spread_to_a_site_is_a_metastasis_there(vocabulary: Vocabulary) -> None:
    def named(text: str) -> list[str]:
        return [vocabulary.name(c) for m in vocabulary.mentions(text) for c in m.concept_ids]

    cns = next(c for m in vocabulary.mentions("CNS metastasis") for c in m.concept_ids)
    spread = vocabulary.mentions("last year the breast cancer spread to my brain")[-1].concept_ids[0]
    assert vocabulary.relation(spread, cns) == "narrower"
    assert named("my melanoma has spread into the liver")[-1] == "Liver Neoplasms, metastatic"
    # no cancer before it: a spread of something else names no metastasis
    assert named("the rash spread to my arms") == ["Exanthema"]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        # a class of drugs named with "medications" where MeSH says "Drugs" or "Agents"
        ("Current treatment with psychotropic medications.", "Psychotropic Drugs"),
        ("on immunosuppressive medications", "Immunosuppressive Agents"),
        # the drugs against what a word names, where MeSH has that class: "HIV meds" are anti-HIV agents
        ("I took HIV meds for 2 weeks", "Anti-HIV Agents"),
        ("she is on anxiety pills", "Anti-Anxiety Agents"),
    ],
)
def test_a_drug_class_named_with_another_head_noun_is_that_class(vocabulary: Vocabulary, text: str, name: str) -> None:
    names = [vocabulary.name(c) for m in vocabulary.mentions(text) for c in m.concept_ids]
    assert name in names
    sertraline = vocabulary.mentions("Zoloft")[0].concept_ids[0]
    assert vocabulary.relation(sertraline, "psychotropic medications") == "narrower"


def test_cancer_said_of_a_histology_is_its_carcinoma() -> None:
    # MeSH gives "Basal Cell Cancer" to its grouping Neoplasms, Basal Cell, DO to Carcinoma, Basal Cell filed under
    # it: the term names both, so a basal cell cancer is a skin cancer ("except nonmelanoma skin cancer")
    vocabulary = Vocabulary.load()
    assert vocabulary.relation("basal cell cancer", "nonmelanoma skin cancer") == "narrower"
    assert vocabulary.relation("basal cell cancer", "basal cell carcinoma") == "same"
    # DO names that say more than the narrower concept stay MeSH's alone
    assert vocabulary.relation("hepatitis", "chronic hepatitis") != "same"
    assert vocabulary.relation("gestational hypertension", "pre-eclampsia") != "same"


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("my dad has Parkinson's", "Parkinson Disease"),
        ("since my Crohn's flared", "Crohn Disease"),
        ("I have Graves' and take methimazole", "Graves Disease"),
        ("Sjogren's", "Sjogren's Syndrome"),
    ],
)
def test_a_name_in_the_possessive_alone_is_the_disease_named_after_it(
    vocabulary: Vocabulary, text: str, name: str
) -> None:
    assert name in [vocabulary.name(c) for m in vocabulary.mentions(text) for c in m.concept_ids]


def test_a_possessive_that_names_no_disease_stays_unread(vocabulary: Vocabulary) -> None:
    assert vocabulary.mentions("my doctor's office at the Women's clinic") == []
