"""Medical vocabulary: concept mentions, synonyms and broader/narrower relations.

The data are derived at build time (``python -m assistant.vocabulary_build``) from MeSH 2024, the Disease
Ontology 2016, DrugBank's open vocabulary and Drugs@FDA; HPO layperson synonyms ship verbatim and are joined to
MeSH here at load time (the HPO licence forbids shipping an altered file). See ``data/vocab/NOTICE.md``.

Matching works on normalised token keys: lower case, possessive "'s" dropped, hyphens and apostrophes split
words, light plural folding. Abbreviations only match where the text has them in the same (upper) case.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import logging
import marshal
import os
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from assistant.resources import user_cache_dir

log = logging.getLogger(__name__)

Relation = Literal["same", "narrower", "broader"]

DATA_PACKAGE = "assistant.data"
DATA_DIR = "vocab"
TERMS_FILE = "terms.tsv.gz"
CONCEPTS_FILE = "concepts.tsv.gz"
HPO_FILE = "hpo-layperson-synonyms.tsv"
MAX_SYNONYMS = 5

# Term kinds, in the order expansions() prefers them (lay words first: they are what users type).
KIND_LAY = "L"
KIND_PREFERRED = "P"
KIND_ENTRY = "E"
KIND_DISEASE_ONTOLOGY = "O"
KIND_DRUGBANK = "D"
KIND_TRADE = "T"
KIND_BRAND = "B"
KIND_ORDER = {
    KIND_LAY: 0,
    KIND_PREFERRED: 1,
    KIND_ENTRY: 2,
    KIND_DISEASE_ONTOLOGY: 3,
    KIND_DRUGBANK: 4,
    KIND_TRADE: 5,
    KIND_BRAND: 6,
}


# Prefixes registries write with or without a hyphen ("anti-coagulant" / "anticoagulant").
_JOINING_PREFIXES = frozenset({"anti", "non", "pre", "post", "peri", "co", "re", "hyper", "hypo", "intra", "inter"})


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Single words that are terms in some source but far more often plain English in a trial record. The
# build drops them as whole terms; names stay (name() still answers for "Lead").
STOPWORDS = _words("""
a about above after again against all am an and any are as at be because been before being below between both
but by can could did do does doing down during each few for from further had has have having he her here hers
him his how i if in into is it its itself just me more most my no nor not now of off on once only or other our
out over own same she should so some such than that the their them then there these they this those through to
too under until up very was we were what when where which while who whom why will with would you your yes
per via within without also may must might shall upon etc ie eg vs versus
""")

COMMON_WORDS = _words("""
ability able access accident acid action active activity advance advanced age agent agents aged aid
air alert alpha amp anger arm arms art assay attack attention average awareness bag balance bar base
basic battery beam bed behavior belief beta binding birth bit black blind block blood blue board body bond bone
brain break bridge brief brown burn burns calm camp capsule car care case cast cell cells center chain change
channel charge check chest choice circle clear climate clip clock close cloud club coat
code cold color combination comfort common complex compliance condition conditions confusion consent contact
content control cool copper core cost count counts course cover crack craving cross crown crystal cup cure
current cut cycle daily damage dark data day death decision defect defects delay delivery density
design detection development device devices diet direction discharge distance
dose double drink drive drop drug drugs dry duration dust ear early earth ease edge education effect effects
egg eggs element emergency end energy enhancement entry environment equipment error event events evidence
exam examination exercise exposure eye face factor factors failure fall family fast fat fear feeding
field film fine finger fire fish fit fitness flow fluid focus food foot force form formula frame free
friction front fruit fuel function gain game gap gas gate gel gene genes general giant glass glue goal gold
grade grain graft grant grass gravity green grip group groups growth guard guide gum habit hair hand hands
happiness harm head health heart heat height help high history hold home hope host hot house human
humans hunger ice identity image impact implant index influence ink input insight
intake intelligence interest interview  item joint key kit knowledge label labor lack language laser law
lead leader learning leave length lens level life light limb limit line lines link liquid list load loss
love low lung lungs machine magnet maintenance male man management map marker mask mass match meal measure
meat memory method methods milk mind mineral mirror mode model monitor mood motion motor mouth movement
music name need needle nerve net network nickel night noise normal note number nurse nursing object
observation oil operation order orientation origin outcome output paint pair paper part pattern patient
patients peace period person personality phase physician pilot pitch plan plant plants plaque
plate play point poison policy pool population position positive potential powder power practice
pressure prevention primary probe procedure process product production program progress protection
protein pulse pump quality race radiation range rate ratio reading reality record recovery recruitment
reduction reference regulation rehabilitation release reliability repair report research
resistance response rest reward rhythm ring risk role room root rubber rule safety salt sample sand scale
scan school science score screen screening sea seal season seed selection self sensation sense series
service sex shape shell shock short side sight signal silver size skill skin sleep smell smoke snow soap
social society soil solution sound source space speech speed spine spring stage standard starch state
status steam steel stem step stimulation stone stones storage stress stretch structure student study
subject substance success sugar sun supply support surface surgery survey survival swallowing
system systems table target taste tea team technique temperature tension term test testing tests therapy
thinking thought time tin tissue tone tool tooth touch toxin trace training transfer transition
transport travel treatment trial trust tube type unit use user value valve variation vision visit
voice volume walk walking wall warm waste water wave weight white wind wine wire work world wound
yield young
lower upper left right total single multiple new old current prior previous history known other same
disease syndrome disorder
""")

# A class adjective before a head noun for drugs that MeSH does not use for the class ("psychotropic medications").
_DRUG_CLASS_HEAD = re.compile(
    r"\b([A-Za-z][A-Za-z0-9-]{2,})\s+(?:medications?|medicines?|meds|pills|drugs|tablets)\b", re.IGNORECASE
)
# A capitalised name in the possessive on its own ("Parkinson's", "Graves'"): in lay speech the disease named after
# someone, its head noun dropped.
_EPONYM = re.compile(r"\b([A-Z][a-z]{2,}(?:-[A-Z][a-z]+)?)(?:['’]s\b|(?<=s)['’](?!\w))")
_EPONYM_HEADS = ("disease", "syndrome")
# Characters that end a phrase: a term never spans them.
HARD_BREAK = re.compile(r"[.;:()\[\]{}!?/|]")
TOKEN = re.compile(r"[^\W_]+")
POSSESSIVE = re.compile(r"(?<=[^\W_])['’]s\b")


def fold_plural(token: str) -> str:
    """Light plural folding of a lower-case token, applied alike to terms and text (so it need not be right)."""
    folded = _FOLDED.get(token)
    if folded is None:
        folded = _FOLDED[token] = _fold_plural(token)
    return folded


_FOLDED: dict[str, str] = {}  # memo: the same few thousand words recur in every term and criterion


def _fold_plural(token: str) -> str:
    if len(token) <= 3 or not token.isalpha():
        return token
    if token.endswith("ies") and len(token) > 4:
        return token[:-3] + "y"
    if token.endswith("sses"):
        return token[:-2]
    if token.endswith("uses") and len(token) > 5:
        return token[:-2]
    if token.endswith("s") and not token.endswith(("ss", "us", "is")):
        return token[:-1]
    if len(token) > 5 and token.endswith("sis") and not token.endswith("ssis"):
        return token[:-2] + "e"  # Greek "-sis" / "-ses" ("metastasis", "metastases"), folded alike to "-se"
    return token


# Adjective -> noun endings of medical English (allergic/allergy, anemic/anemia, diabetic/diabetes, psychotic/
# psychosis, epileptic/epilepsy, metastatic/metastasis, septic/sepsis, arthritic/arthritis, hypertensive/hypertension,
# pregnant/pregnancy, intolerant/intolerance, deficient/deficiency, incontinent/incontinence,
# infertile/infertility).
_ADJECTIVE_TO_NOUN = (
    ("ant", "ancy"),
    ("ant", "ance"),
    ("ent", "ency"),
    ("ent", "ence"),
    ("ile", "ility"),
    ("otic", "osis"),
    ("etic", "etes"),
    ("ptic", "psy"),
    ("atic", "asis"),
    ("ptic", "psis"),
    ("ic", "y"),
    ("ic", "ia"),
    ("ic", "ism"),
    ("ic", "is"),
    ("tic", ""),
    ("ive", "ion"),
    ("e", "ity"),  # obese -> obesity
)
_MIN_DERIVED_STEM = 4


# Nouns after an adjective that do not change what it names ("thromboembolic EVENTS", "allergic REACTION"), and
# function words after which the adjective stands alone ("allergic TO penicillin"). Closed-class English.
_GENERIC_HEADS = frozenset(
    {"event", "disease", "disorder", "reaction", "condition", "illness", "episode", "complication", "history"}
)


_ADVERB_END = re.compile(r"(?<=[a-z]{4})ly $")
_GOVERNING_LINK = re.compile(r"\s+(?:to|on)\s+", re.IGNORECASE)


def derived_forms(word: str, adjectives: bool = True) -> list[str]:
    """Other derivational forms of a folded word to look up when it is no term itself."""
    forms = [
        fold_plural(word[: len(word) - len(ending)] + noun)
        for ending, noun in _ADJECTIVE_TO_NOUN
        if adjectives and word.endswith(ending) and len(word) - len(ending) >= _MIN_DERIVED_STEM
    ]
    if len(word) >= 5 and word.endswith("t"):
        forms += [word + "ation", word + "ion"]  # transplant -> transplantation, resect -> resection
    if len(word) >= 6 and word.endswith("ed") and word[-3] not in "aeiou":
        forms.append(word[:-2] + "ing")  # what was done, told in the past: fainted -> fainting, vomited -> vomiting
    return forms


def fold_case_form(token: str) -> str:
    """Token as abbreviation checks see it: upper-case words kept ("NSAIDs" -> "NSAID", "AIDS" stays), others
    lower-cased, so "Childhood ALL" needs "ALL" in capitals but not "Childhood"."""
    if len(token) > 2 and token.endswith("s") and token[:-1].isupper():
        return token[:-1]
    return token if token.isupper() else token.lower()


@dataclass(frozen=True, slots=True)
class Token:
    start: int
    end: int
    key: str
    surface: str
    breaks_before: bool


def tokenize(text: str) -> list[Token]:
    """Word tokens with spans; possessive "'s" is blanked out so "Crohn's disease" keys as "crohn disease"."""
    cleaned = POSSESSIVE.sub("  ", text)
    tokens: list[Token] = []
    previous_end = 0
    for match in TOKEN.finditer(cleaned):
        start, end = match.span()
        surface = text[start:end]
        breaks = bool(HARD_BREAK.search(cleaned, previous_end, start))
        tokens.append(Token(start, end, fold_plural(surface.lower()), surface, breaks))
        previous_end = end
    return tokens


def term_key(term: str) -> str:
    """Normalised lookup key of a term (space-joined folded tokens); the same keys as tokenize() gives."""
    return " ".join(fold_plural(word) for word in TOKEN.findall(POSSESSIVE.sub("  ", term).lower()))


def case_form(surfaces: Iterable[str]) -> str:
    return " ".join(fold_case_form(surface) for surface in surfaces)


# An abbreviation with a number joined on that the vocabulary does not know as a whole ("CLL-1", a target antigen,
# not chronic lymphocytic leukaemia) names a gene, protein or antigen: the abbreviation alone would misread it.
_NAMES_ANOTHER_ENTITY = re.compile(r"-?\d")
# Single words coordinated right before a mention: "heart, pulmonary, or " / "renal or " / "kidney and/or ".
_COORDINATED_BEFORE = re.compile(
    r"(?:\b[A-Za-z][a-z-]+,\s+)*\b[A-Za-z][a-z-]+,?\s+(?:or|and|and/or|nor)\s+$", re.IGNORECASE
)
_SLASHED_PREFIX = re.compile(r"\b([A-Za-z]{2,6})/([A-Za-z]{5,})\b")
_CONJUNCT_WORD = re.compile(r"\b[A-Za-z][a-z-]+\b")
_CONJUNCTIONS = frozenset({"or", "and", "nor"})
_COMPOSED = "+"  # joins the parts of a concept made of two ("D001932+D009362": metastases in the brain)

# MeSH files some groups by a facet rather than by kind: the ways a drug is given (Drug Administration Routes,
# E02.319.267: injections, infusions, oral administration) sit under Drug Therapy, but a route is how a treatment is
# given, not a kind of treatment ("Corynebacterium injections" are no "chemotherapy"). Ancestry inside such a group
# skips the kind it is filed under (Drug Therapy), keeping the group and what is above that kind (Therapeutics).
_FACET_TREES = ("E02.319.267",)
_METASTASIS_WORD = re.compile(r"\b(?:metasta|mets\b|spread)", re.IGNORECASE)
# "CNS metastases", "bone mets" (the site's words before), "metastases to the liver", "metastatic to bone" (after)
_SITE_BEFORE = re.compile(r"((?:[A-Za-z][\w-]*[ \t]+){1,4}?)(?:metastas[ie]s|mets)\b", re.IGNORECASE)
_SITE_AFTER = re.compile(
    r"\b(?:metastas[ie]s|mets|metastatic)[ \t]+to[ \t]+(?:the[ \t]+)?((?:[A-Za-z][\w-]*[ \t]+){0,2}[A-Za-z][\w-]*)",
    re.IGNORECASE,
)


# How people say it: "the breast cancer spread to my brain", "my melanoma has spread into the liver". A cancer said
# before it in the sentence makes the spread a metastasis ("the rash spread to my arms" is none).
_SPREAD_TO = re.compile(
    r"\b(?:spread|spreads|spreading)[ \t]+(?:in)?to[ \t]+(?:(?:my|his|her|their|the|both)[ \t]+)?"
    r"((?:[A-Za-z][\w-]*[ \t]+){0,2}[A-Za-z][\w-]*)",
    re.IGNORECASE,
)
_CANCER_BEFORE = re.compile(
    r"\b(?:cancer|tumou?rs?|carcinoma|melanoma|lymphoma|sarcoma|malignan\w*|neoplasm\w*|[a-z]+oma)\b[^.!?;]*$",
    re.IGNORECASE,
)


def _metastasis_sites(text: str) -> Iterator[list[tuple[str, tuple[int, int]]]]:
    """For each metastasis said with a site, the site phrasings to try, longest first, each with the span of the
    whole mention it would make."""
    for found in _SITE_BEFORE.finditer(text):
        words = [(m.group(), found.start(1) + m.start()) for m in re.finditer(r"\S+", found.group(1))]
        yield [(" ".join(w for w, _ in words[cut:]), (words[cut][1], found.end())) for cut in range(len(words))]
    spreads = [f for f in _SPREAD_TO.finditer(text) if _CANCER_BEFORE.search(text, 0, f.start())]
    for found in [*_SITE_AFTER.finditer(text), *spreads]:
        after = found.group(1).split()
        yield [
            (" ".join(after[:n]), (found.start(), found.start(1) + len(" ".join(after[:n]))))
            for n in range(len(after), 0, -1)
        ]


def is_abbreviation(term: str) -> bool:
    """All-caps terms ("HIV", "COPD", "COVID-19") only match upper-case text."""
    return term.isupper() and sum(map(str.isalpha, term)) >= 2


# Upper-case words inside longer terms that are plain English in lower case ("Childhood ALL", "PET Scan").
AMBIGUOUS_ABBREVIATIONS = _words("aid aids all am as at cat do ms pet us was who it is or on no")


def needs_case_match(term: str) -> bool:
    """Abbreviations, and terms holding an upper-case word that is an English word in lower case."""
    if is_abbreviation(term):
        return True
    for word in TOKEN.findall(term):
        if len(word) >= 2 and word.isupper():
            lower = word.lower()
            if lower in AMBIGUOUS_ABBREVIATIONS or lower in STOPWORDS or lower in COMMON_WORDS:
                return True
    return False


def is_short_code(term: str) -> bool:
    """A drug database's three-letter code in title case ("Met" methionine, "Ser" serine): in text it is the English
    word ("met") or another abbreviation ("brain mets" are metastases), so a synonym like it is never matched."""
    return 2 <= len(term) <= 3 and term[:1].isupper() and term[1:].islower()


MAX_MATCHED_TOKENS = 8
SYSTEMATIC_NAME = re.compile(r"\d,\d|[(\[][^)\]]*\d")  # "2,3-dichloro...", "(1H)": IUPAC names nobody writes


def is_systematic_name(term: str) -> bool:
    return bool(SYSTEMATIC_NAME.search(term))


def is_droppable_term(term: str, key: str) -> bool:
    """Terms too short, too common or too long to match safely (see STOPWORDS / COMMON_WORDS)."""
    if len(key.replace(" ", "")) <= 2 or not any(char.isalpha() for char in key):
        return True
    words = key.split(" ")
    if len(words) > MAX_MATCHED_TOKENS or is_systematic_name(term):
        return True
    if all(word in STOPWORDS for word in words):
        return True
    if len(words) == 1 and not is_abbreviation(term):
        return term.lower() in COMMON_WORDS or key in COMMON_WORDS
    return False


@dataclass(frozen=True, slots=True)
class Mention:
    """A concept mention: text[start:end] == surface."""

    start: int
    end: int
    surface: str
    concept_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Term:
    text: str
    kind: str


MATCH_NEVER = "-"  # terms column 5: kept for terms()/expansions(), never matched in text
NEVER_SUFFIX = "\t" + MATCH_NEVER
MATCH_ANY_CASE = "*"  # any other value is the exact case form the text must have (abbreviations)


def match_rule(term: str, key: str, case_sensitive: bool) -> str:
    """The terms-file match column for a term (computed at build time so loading stays fast)."""
    if is_droppable_term(term, key):
        return MATCH_NEVER
    if case_sensitive:
        return case_form(token.surface for token in tokenize(term))
    return MATCH_ANY_CASE


_CLASS_SUFFIX = " Compounds"
_ADJECTIVE_HEAD = re.compile(r"(?:ic|al|ous|yl|ed|ene|ated)$")


class Vocabulary:
    """Loaded once via Vocabulary.load(); all lookups are in-memory dict/set operations."""

    def __init__(self) -> None:
        # Concept ids are kept comma-joined (one str per key, split on a hit): loads faster, takes less memory.
        self._index: dict[str, str] = {}
        self._abbreviations: dict[str, dict[str, str]] = {}  # key -> {case form the text must have: ids}
        self._prefixes: set[str] = set()
        self._names: dict[str, str] = {}
        self._links: dict[str, tuple[str, str]] = {}  # id -> raw (tree numbers, parents); parsed on demand
        self._term_lines: list[str] = []  # raw "term, key, ids, kind, rule" lines, parsed only by terms()

    @staticmethod
    @cache
    def load() -> Vocabulary:
        """The shipped vocabulary. Parsing its files takes most of a second, which every fresh process (each
        `trialqa ask`) would pay; the parsed structures are kept in a cache file keyed by the files' digest."""
        path = _cache_path()
        vocabulary = Vocabulary._from_cache(path) if path else None
        if vocabulary is None:
            vocabulary = Vocabulary._parsed()
            if path:
                vocabulary._save_cache(path)
        return vocabulary

    @staticmethod
    def _parsed() -> Vocabulary:
        vocabulary = Vocabulary()
        vocabulary._load_concepts(_read_lines(CONCEPTS_FILE))
        vocabulary._load_terms(_read_lines(TERMS_FILE))
        vocabulary._load_hpo(_read_lines(HPO_FILE))
        vocabulary._add_class_plurals()
        return vocabulary

    def _add_class_plurals(self) -> None:
        """MeSH names chemical classes "X Compounds" ("Sulfonylurea Compounds", "Nitrosourea Compounds") while
        criteria say "sulfonylureas", "nitrosoureas": the plural of the head is a name of the class, where no other
        concept has it. Heads that are adjectives ("Heterocyclic Compounds") name nothing alone."""
        for concept_id, name in list(self._names.items()):
            if not name.endswith(_CLASS_SUFFIX) or not any(t.startswith("D") for t in self._trees(concept_id)):
                continue
            head = name[: -len(_CLASS_SUFFIX)]
            if _ADJECTIVE_HEAD.search(head.lower()) or term_key(head) in self._index:
                continue
            self._add_term(f"{head}s", (concept_id,), "E")

    _CACHED = ("_index", "_abbreviations", "_prefixes", "_names", "_links", "_term_lines", "_lines_of")

    @staticmethod
    def _from_cache(path: Path) -> Vocabulary | None:
        try:
            state = marshal.loads(path.read_bytes())
        except (OSError, EOFError, ValueError, TypeError):
            return None
        if not isinstance(state, dict) or set(state) != set(Vocabulary._CACHED):
            return None
        vocabulary = Vocabulary()
        vocabulary.__dict__.update(state)
        return vocabulary

    def _save_cache(self, path: Path) -> None:
        """Written beside and renamed into place, so a reader never sees half a file; a read-only home only
        costs the parse again next time."""
        state: dict[str, Any] = {name: getattr(self, name) for name in self._CACHED}
        partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            partial.write_bytes(marshal.dumps(state))
            partial.replace(path)
        except OSError as error:
            log.debug("vocabulary cache not written to %s: %s", path, error)
            with contextlib.suppress(OSError):
                partial.unlink()

    # -- loading ---------------------------------------------------------------------------------------

    def _load_concepts(self, lines: Iterator[str]) -> None:
        for line in lines:
            concept_id, name, trees, parents = line.split("\t")
            self._names[concept_id] = name
            if trees or parents:
                self._links[concept_id] = (trees, parents)

    def _trees(self, concept_id: str) -> list[str]:
        trees = self._links.get(concept_id, ("", ""))[0]
        return trees.split(",") if trees else []

    def tree_numbers(self, concept_id: str) -> list[str]:
        """MeSH tree numbers of a concept ("C08.381.483"); empty for concepts outside MeSH's trees. A concept made
        of two (metastases in a site) is where its first part is: what kind of thing it is (a disease) is its."""
        if _COMPOSED in concept_id:
            return self._trees(concept_id.split(_COMPOSED, 1)[0])
        return self._trees(concept_id)

    def _parents(self, concept_id: str) -> list[str]:
        """Pharmacological actions (MeSH) and parents of non-MeSH concepts (DO is_a, MeSH xref)."""
        parents = self._links.get(concept_id, ("", ""))[1]
        return parents.split(",") if parents else []

    @cached_property
    def _tree_owner(self) -> dict[str, str]:
        return {tree: concept_id for concept_id in self._links for tree in self._trees(concept_id)}

    def _load_terms(self, lines: Iterator[str]) -> None:
        keep, index = self._term_lines.append, self._index
        for line in lines:
            keep(line)
            if line.endswith(NEVER_SUFFIX):
                continue
            _term, key, concept_ids, _kind, rule = line.split("\t")
            if rule == MATCH_ANY_CASE and key not in index:
                index[key] = concept_ids  # the common case, inlined: this loop is most of the load time
                if " " in key:
                    self._add_prefixes(key)
            else:
                self._index_key(key, concept_ids, rule)

    def _index_key(self, key: str, concept_ids: str, rule: str) -> None:
        if rule == MATCH_ANY_CASE:
            known = self._index.get(key)
            self._index[key] = concept_ids if known is None else _merge(known, concept_ids)
        else:
            forms = self._abbreviations.setdefault(key, {})
            known = forms.get(rule)
            forms[rule] = concept_ids if known is None else _merge(known, concept_ids)
        self._add_prefixes(key)

    def _add_prefixes(self, key: str) -> None:
        cut = key.rfind(" ")
        while cut > 0:
            prefix = key[:cut]
            if prefix in self._prefixes:
                break  # its own prefixes are in already
            self._prefixes.add(prefix)
            cut = key.rfind(" ", 0, cut)

    def _add_term(self, term: str, concept_ids: tuple[str, ...], kind: str) -> None:
        key = term_key(term)
        rule = match_rule(term, key, needs_case_match(term))
        joined = ",".join(concept_ids)
        self._term_lines.append("\t".join((term, key, joined, kind, rule)))
        if rule != MATCH_NEVER:
            self._index_key(key, joined, rule)

    def _load_hpo(self, lines: Iterator[str]) -> None:
        """Join HPO layperson synonyms to MeSH by label; unmatched HPO terms become concepts of their own."""
        next(lines)  # header
        concepts_of_label: dict[str, tuple[str, ...]] = {}
        for line in lines:
            iri, label, lay = (field.strip().strip('<>"') for field in line.split("\t"))
            concept_ids = concepts_of_label.get(label)
            if concept_ids is None:
                matched = self._exact_ids(term_key(label), label)
                concept_ids = concepts_of_label[label] = tuple(c for c in matched if c.startswith("D"))
            if not concept_ids:
                concept_ids = ("HP:" + iri.rsplit("_", 1)[-1],)
                if concept_ids[0] not in self._names:
                    self._names[concept_ids[0]] = label
                    self._add_term(label, concept_ids, KIND_PREFERRED)
            self._add_term(lay, concept_ids, KIND_LAY)

    @cached_property
    def _lines_of(self) -> dict[str, list[int]]:
        """Concept id -> positions of its term lines (parsed by terms() when the concept is asked about)."""
        by_concept: dict[str, list[int]] = {}
        for position, line in enumerate(self._term_lines):
            concept_ids = line.split("\t", 3)[2]
            for concept_id in concept_ids.split(","):
                by_concept.setdefault(concept_id, []).append(position)
        return by_concept

    def _terms_of(self, concept_id: str) -> list[_Term]:
        terms = []
        for position in self._lines_of.get(concept_id, ()):
            term, _key, _ids, kind, _rule = self._term_lines[position].split("\t")
            terms.append(_Term(term, kind))
        return terms

    # -- lookups ---------------------------------------------------------------------------------------

    def _exact_ids(self, key: str, surface: str) -> tuple[str, ...]:
        if key not in self._abbreviations:
            ids = self._index.get(key)  # skips tokenising: HPO loading calls this 7,000 times
            return tuple(ids.split(",")) if ids else ()
        return self._ids_for(key, tokenize(surface))

    def _ids_for(self, key: str, tokens: list[Token]) -> tuple[str, ...]:
        """Concept ids of a key; abbreviation entries count only if the text has their exact case."""
        ids = self._index.get(key, "")
        forms = self._abbreviations.get(key)
        if forms:
            abbreviation_ids = forms.get(case_form(token.surface for token in tokens))
            if abbreviation_ids:
                ids = _merge(ids, abbreviation_ids) if ids else abbreviation_ids
        return tuple(ids.split(",")) if ids else ()

    def mentions(self, text: str) -> list[Mention]:
        """Longest-match, non-overlapping concept mentions, left to right; with the conjuncts of a shared head
        ("heart, pulmonary, or musculoskeletal disease": heart disease and lung disease too)."""
        found = self._site_metastases(text, self._governing_adjectives(text, self._plain_mentions(text)))
        found = self._drug_class_heads(text, found)
        found += self._eponyms(text, found)
        found += self._slashed_prefixes(text, found)
        return sorted(found + self._elided(text, found), key=lambda m: m.start)

    def _drug_class_heads(self, text: str, found: list[Mention]) -> list[Mention]:
        """ "psychotropic medications", "immunosuppressive medicines": a class of drugs named with another head noun
        than MeSH's ("Psychotropic Drugs", "Immunosuppressive Agents") is that class; and "HIV meds", "anxiety
        pills": the drugs against what they name, where MeSH has such a class ("Anti-HIV Agents", "Anti-Anxiety
        Agents"). Where no mention covers both words already."""
        added: list[Mention] = []
        for named in _DRUG_CLASS_HEAD.finditer(text):
            start, end = named.span()
            if any(m.start <= start and end <= m.end and m.end - m.start > len(named.group(1)) for m in found):
                continue
            word = named.group(1)
            names = (f"{word} drugs", f"{word} agents", f"anti-{word} agents", f"anti{word} agents")
            ids = self._first_whole_mention(names)
            if ids:
                added.append(Mention(start, end, named.group(), ids))
        if not added:
            return found
        kept = [m for m in found if not any(a.start <= m.start and m.end <= a.end for a in added)]
        return sorted(kept + added, key=lambda m: m.start)

    def _eponyms(self, text: str, found: list[Mention]) -> list[Mention]:
        """ "I have Parkinson's", "since my Crohn's flared": a name in the possessive that no mention covers is the
        disease or syndrome the vocabulary names after it ("Parkinson's disease", "Graves disease"), where it has one
        of those terms."""
        added: list[Mention] = []
        for named in _EPONYM.finditer(text):
            start, end = named.span()
            if any(m.start < end and start < m.end for m in found):
                continue
            surface, name = named.group(0), named.group(1)
            ids = self._first_whole_mention(f"{form} {head}" for head in _EPONYM_HEADS for form in (surface, name))
            if ids:
                added.append(Mention(start, end, surface, ids))
        return added

    def _site_metastases(self, text: str, found: list[Mention]) -> list[Mention]:
        """ "CNS metastases", "bone mets", "metastases to the liver": a metastasis in a site is a kind of both the
        site's neoplasms (as MeSH files "Brain Metastases" under Brain Neoplasms) and of neoplasm metastasis, so "a
        brain metastasis" is a kind of what "central nervous system metastases" names, and "metastatic disease"
        is broader than either. Where the vocabulary has no term for the whole (it has "brain metastases")."""
        metastasis = self._metastasis_ids
        if not metastasis or not _METASTASIS_WORD.search(text):
            return found
        composed: list[Mention] = []
        for candidates in _metastasis_sites(text):
            named = ((self._whole_mention(f"{words} neoplasms"), span) for words, span in candidates)
            site, span = next(((ids, span) for ids, span in named if ids), ((), (0, 0)))
            covering = [m for m in found if m.start <= span[0] and span[1] <= m.end]
            if len(site) != 1 or any(m.concept_ids != site for m in covering):
                continue  # none, several, or another term names the whole ("lymph node metastases")
            concept = self._site_concept(site[0], metastasis[0])
            composed.append(Mention(span[0], span[1], text[span[0] : span[1]], (concept,)))
        if not composed:
            return found
        kept = [m for m in found if not any(c.start <= m.start and m.end <= c.end for c in composed)]
        return sorted(kept + composed, key=lambda m: m.start)

    @cached_property
    def _metastasis_ids(self) -> tuple[str, ...]:
        """MeSH's Neoplasm Metastasis, looked up once (mentions() runs on every question and criterion)."""
        return self._exact_ids(term_key("Neoplasm Metastasis"), "Neoplasm Metastasis")

    def _site_concept(self, site: str, metastasis: str) -> str:
        """A concept for metastases in a site, under the site's neoplasms and neoplasm metastasis (made on first use;
        the ids are stable, so two processes make the same one)."""
        concept_id = f"{site}{_COMPOSED}{metastasis}"
        if concept_id not in self._names:
            self._names[concept_id] = f"{self._names[site]}, metastatic"
            self._links[concept_id] = ("", f"{site},{metastasis}")
        return concept_id

    def _governing_adjectives(self, text: str, found: list[Mention]) -> list[Mention]:
        """An adjective that governs the next mention names what the vocabulary knows as that mention before the
        adjective's noun: "allergic to penicillin" is a penicillin allergy, "intolerant to lactose" a lactose
        intolerance. The two become one mention when the vocabulary has that term; otherwise both stay."""
        joined: list[Mention] = []
        index = 0
        while index < len(found):
            first = found[index]
            second = found[index + 1] if index + 1 < len(found) else None
            ids = self._governed_term(first, second, text) if second is not None else ()
            if second is not None and ids:
                joined.append(Mention(first.start, second.end, text[first.start : second.end], ids))
                index += 2
            else:
                joined.append(first)
                index += 1
        return joined

    def _governed_term(self, adjective: Mention, noun: Mention, text: str) -> tuple[str, ...]:
        if " " in adjective.surface or not _GOVERNING_LINK.fullmatch(text, adjective.end, noun.start):
            return ()
        for form in derived_forms(fold_plural(adjective.surface.lower())):
            ids = self._whole_mention(f"{noun.surface} {form}")
            if ids:
                return ids
        return ()

    def _slashed_prefixes(self, text: str, found: list[Mention]) -> list[Mention]:
        """A prefix written before a slash shares the rest of the word after it ("hyper/hypotension",
        "pre/postmenopausal", "hypo/hyperthyroidism"): the prefix is a mention when the word it makes is one."""
        added: list[Mention] = []
        for slashed in _SLASHED_PREFIX.finditer(text):
            prefix, word = slashed.group(1), slashed.group(2)
            if any(m.start <= slashed.start(1) < m.end for m in found):
                continue
            for cut in range(2, min(7, len(word) - 2)):
                concept_ids = self._whole_mention(prefix + word[cut:])
                if concept_ids:
                    added.append(Mention(slashed.start(1), slashed.end(1), prefix, concept_ids))
                    break
        return added

    def _first_whole_mention(self, texts: Iterable[str]) -> tuple[str, ...]:
        """The concepts of the first of `texts` the vocabulary reads whole (names tried in order of preference)."""
        return next((ids for text in texts if (ids := self._whole_mention(text))), ())

    def _whole_mention(self, text: str) -> tuple[str, ...]:
        """The concepts of `text` when the vocabulary reads all of it as one mention, else ()."""
        found = self._plain_mentions(text)
        if len(found) == 1 and found[0].start == 0 and found[0].end == len(text):
            return found[0].concept_ids
        return ()

    def _elided(self, text: str, found: list[Mention]) -> list[Mention]:
        """Words coordinated before a mention of two or more words share its last word ("renal or hepatic failure",
        "heart, pulmonary, or musculoskeletal disease"): each is a mention when the vocabulary knows it with that
        word ("heart disease"). Only where no mention is already."""
        elided: list[Mention] = []
        taken = [(m.start, m.end) for m in found]
        for mention in found:
            words = mention.surface.split()
            if len(words) < 2:
                continue
            head = words[-1]
            coordinated = _COORDINATED_BEFORE.search(text, max(0, mention.start - 80), mention.start)
            if coordinated is None:
                continue
            for word in _CONJUNCT_WORD.finditer(text, coordinated.start(), coordinated.end()):
                if word.group().lower() in _CONJUNCTIONS or any(a <= word.start() < b for a, b in taken):
                    continue
                concept_ids = self._whole_mention(f"{word.group()} {head}")
                if concept_ids:
                    elided.append(Mention(word.start(), word.end(), word.group(), concept_ids))
        return elided

    def _plain_mentions(self, text: str) -> list[Mention]:
        tokens = tokenize(text)
        found: list[Mention] = []
        position = 0
        while position < len(tokens):
            joined = self._hyphen_joined(text, tokens, position)
            if joined is not None:
                found.append(joined)
                position += 2
                continue
            match = self._longest_match(tokens, position)
            if match is None:
                position += 1
                continue
            last, concept_ids = match
            start, end = tokens[position].start, tokens[last].end
            if not _NAMES_ANOTHER_ENTITY.match(text, end) or not is_abbreviation(text[start:end]):
                found.append(Mention(start, end, text[start:end], concept_ids))
            position = last + 1
        return found

    def _hyphen_joined(self, text: str, tokens: list[Token], first: int) -> Mention | None:
        """ "anti-coagulant", "non-steroidal": a word written with a hyphen after a prefix is the joined word, never
        its second half alone (which would read "anti-coagulant" as coagulants)."""
        if first + 1 >= len(tokens) or tokens[first].key not in _JOINING_PREFIXES:
            return None
        left, right = tokens[first], tokens[first + 1]
        if text[left.end : right.start] != "-":
            return None
        concept_ids = self._index.get(left.key + right.key)
        if concept_ids is None:
            return None
        return Mention(left.start, right.end, text[left.start : right.end], tuple(concept_ids.split(",")))

    def _longest_match(self, tokens: list[Token], first: int) -> tuple[int, tuple[str, ...]] | None:
        best: tuple[int, tuple[str, ...]] | None = None
        key = tokens[first].key
        last = first
        while True:
            if key in self._index or key in self._abbreviations:
                concept_ids = self._ids_for(key, tokens[first : last + 1])
                if concept_ids:
                    best = (last, concept_ids)
            else:
                following = (
                    tokens[last + 1].key if last + 1 < len(tokens) and not tokens[last + 1].breaks_before else ""
                )
                derived = self._derived_ids(key, tokens[last].key, following) or self._american_ids(key)
                if derived:
                    best = (last, derived)
            last += 1
            if last >= len(tokens) or tokens[last].breaks_before or key not in self._prefixes:
                return best
            key = key + " " + tokens[last].key

    def _american_ids(self, key: str) -> tuple[str, ...]:
        """The phrase in American spelling, where the vocabulary (MeSH) has only that: "leukaemia" -> leukemia,
        "tumour" -> tumor, "haemorrhage" -> hemorrhage. Tried only where the written form is no term."""
        american = american_spelling(key)
        ids = self._index.get(american) if american != key else None
        return tuple(ids.split(",")) if ids else ()

    def _derived_ids(self, key: str, word: str, following: str = "") -> tuple[str, ...]:
        """The phrase with its last word in another derivational form that the vocabulary has: "allergic" ->
        allergy, "thromboembolic" -> thromboembolism, "hypertensive" -> hypertension, "kidney transplant" ->
        kidney transplantation. Tried only where the written form is no term, so a term always wins. An adjective
        names its condition only when no other noun follows it ("allergic to", "thromboembolic events"):
        "leukemic involvement" is about the involvement, not a leukemia."""
        head = key[: len(key) - len(word)]
        # "morbidly obese" -> morbid obesity: an adverb before the adjective is the noun's adjective
        heads = [head, *([_ADVERB_END.sub(" ", head)] if _ADVERB_END.search(head) else [])]
        # "pregnant, but ...", "diabetic and ...": a function word after it is no noun the adjective could modify
        adjective_ok = not following or following in STOPWORDS or following in _GENERIC_HEADS
        for form in derived_forms(word, adjectives=adjective_ok):
            for lead in heads:
                ids = self._index.get(lead + form)
                if ids:
                    return tuple(ids.split(","))
        return ()

    def name(self, concept_id: str) -> str:
        return self._names[concept_id]

    def terms(self, concept_id: str) -> list[str]:
        """Synonyms, lay terms and brand names of a concept, most useful first, without duplicates."""
        ranked = sorted(self._terms_of(concept_id), key=lambda term: KIND_ORDER.get(term.kind, 9))
        return _unique_ignoring_case(term.text for term in ranked)

    def resolve(self, text_or_id: str) -> tuple[str, ...]:
        """Concept ids for a concept id, an exact term, or else the longest mention in the text."""
        if text_or_id in self._names:
            return (text_or_id,)
        exact = self._exact_ids(term_key(text_or_id), text_or_id)
        if exact:
            return exact
        found = self.mentions(text_or_id)
        if not found:
            return ()
        return max(found, key=lambda mention: mention.end - mention.start).concept_ids

    def ancestors(self, concept_id: str) -> set[str]:
        """All broader concepts: MeSH tree ancestors, pharmacological actions and their ancestors, other parents."""
        return set(self._ancestors(concept_id))

    @cache  # noqa: B019 - the Vocabulary is a process-wide singleton, so caching on self never leaks
    def _ancestors(self, concept_id: str) -> frozenset[str]:
        found: set[str] = set()
        for tree in self._trees(concept_id):
            parts = tree.split(".")
            facet = next((f for f in _FACET_TREES if tree.startswith(f + ".")), None)
            skipped = len(facet.split(".")) - 1 if facet else None  # the kind the facet is filed under
            for length in range(1, len(parts)):
                if length == skipped:
                    continue
                owner = self._tree_owner.get(".".join(parts[:length]))
                if owner is not None:
                    found.add(owner)
        for parent in self._parents(concept_id):
            if parent != concept_id:
                found.add(parent)
                found |= self._ancestors(parent)
        found.discard(concept_id)
        return frozenset(found)

    def relation(self, a: str, b: str) -> Relation | None:
        """How a relates to b (concept ids or texts): same, narrower (a is a kind of b), broader, or None."""
        ids_a, ids_b = self._with_infection(self.resolve(a)), self._with_infection(self.resolve(b))
        if set(ids_a) & set(ids_b):
            return "same"
        if any(y in self._ancestors(x) or self._composed_under(x, y) for x in ids_a for y in ids_b):
            return "narrower"
        if any(x in self._ancestors(y) or self._composed_under(y, x) for x in ids_a for y in ids_b):
            return "broader"
        return None

    def _composed_under(self, narrow: str, broad: str) -> bool:
        """Metastases in a site under metastases in a broader site ("brain metastasis", "CNS metastases")."""
        if _COMPOSED not in narrow or _COMPOSED not in broad:
            return False
        site, kind = narrow.split(_COMPOSED, 1)
        broad_site, broad_kind = broad.split(_COMPOSED, 1)
        return kind == broad_kind and broad_site in self._ancestors(site)

    @cached_property
    def _infection_of(self) -> dict[str, str]:
        """Organism -> the infection MeSH names after it ("HIV" -> "HIV Infections", "Hepatitis B virus" ->
        "Hepatitis B"): someone who says they have HIV has the infection. Derived from MeSH's own names."""
        by_name = {name.lower(): cid for cid, name in self._names.items() if self._trees(cid)}
        found: dict[str, str] = {}
        for cid, name in self._names.items():
            if not any(t.startswith("B") for t in self._trees(cid)):
                continue
            lowered = name.lower()
            for disease in (lowered + " infections", lowered.removesuffix(" virus")):
                target = by_name.get(disease)
                if target is not None and target != cid and any(t.startswith("C") for t in self._trees(target)):
                    found[cid] = target
                    break
        return found

    def _with_infection(self, ids: tuple[str, ...]) -> tuple[str, ...]:
        return ids + tuple(self._infection_of[c] for c in ids if c in self._infection_of)

    def parents(self, concept_id: str) -> list[str]:
        """Direct parents: the MeSH tree parent of each tree number, then other listed parents.

        A drug with pharmacological actions gets those instead of its chemical-structure parents: "Diuretics"
        helps a search for furosemide, "Sulfanilamides" does not.
        """
        found: list[str] = []
        listed = [p for p in self._parents(concept_id) if p in self._names]
        for tree in self._trees(concept_id):
            if listed and tree.startswith("D"):
                continue
            owner = self._tree_owner.get(tree.rsplit(".", 1)[0]) if "." in tree else None
            if owner is not None and owner not in found:
                found.append(owner)
        found.extend(p for p in listed if p not in found)
        return found

    def expansions(self, text: str) -> list[str]:
        """Query expansion: per mention its name, up to MAX_SYNONYMS synonyms, and its direct parents' names."""
        expanded: list[str] = []
        for mention in self.mentions(text):
            for concept_id in mention.concept_ids:
                expanded.append(self.name(concept_id))
                expanded.extend([t for t in self.terms(concept_id) if is_useful_synonym(t)][:MAX_SYNONYMS])
                expanded.extend(self.name(parent) for parent in self.parents(concept_id))
        return _unique_ignoring_case(expanded)

    @property
    def concept_count(self) -> int:
        return len(self._names)

    @property
    def term_count(self) -> int:
        return len(self._term_lines)


# British spellings of medical words and their American forms (the ones MeSH uses): "ae"/"oe" in Greek and Latin
# stems (haemoglobin, oedema, oesophagus), "-our" (tumour), "-isation"/"-ise" (hospitalisation), "-tre" (centre).
_BRITISH_TO_AMERICAN = (
    (re.compile(r"ae(?=m|d|sth|c)"), "e"),  # haem-, -aemia, paed-, anaesth-, gynaec-
    # oedema, oesophagus, diarrhoea, coeliac, foetal
    (re.compile(r"\boe(?=[ds])|oe(?=a\b)|(?<=\bc)oe(?=l)|(?<=\bf)oe(?=t)"), "e"),
    (re.compile(r"(?<=[a-z]{2})our(?=s?\b)"), "or"),
    (re.compile(r"isation"), "ization"),
    (re.compile(r"(?<=[a-z]{3})ise(?=[sd]?\b)"), "ize"),
    (re.compile(r"(?<=[a-z]{2})tre(?=s?\b)"), "ter"),
)


def american_spelling(text: str) -> str:
    """Lower-case text with British spellings in their American form."""
    for pattern, american in _BRITISH_TO_AMERICAN:
        text = pattern.sub(american, text)
    return text


def is_useful_synonym(term: str) -> bool:
    """Short, readable synonyms only: no IUPAC names, no long "Atorvastatin Calcium Hydrate" style variants."""
    return len(term) <= 40 and not is_systematic_name(term) and len(term.split()) <= 5


def _merge(known: str, more: str) -> str:
    """Comma-joined concept ids of both, without duplicates, known ones first."""
    present = known.split(",")
    return ",".join(present + [c for c in more.split(",") if c not in present])


def _unique_ignoring_case(items: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    unique: list[str] = []
    for item in items:
        if item.lower() not in seen:
            seen.add(item.lower())
            unique.append(item)
    return unique


# Bump when the structures Vocabulary._CACHED names change shape, so old cache files are not read.
_CACHE_FORMAT = 1


def _cache_path() -> Path | None:
    """The cache file for the shipped data and this module's code, this Python (marshal's format is per version) and
    _CACHE_FORMAT; None when the data cannot be read."""
    digest = hashlib.sha256()
    try:
        digest.update(Path(__file__).read_bytes())  # the parsing code too: a change to it parses again
        for name in (CONCEPTS_FILE, TERMS_FILE, HPO_FILE):
            digest.update(resources.files(DATA_PACKAGE).joinpath(DATA_DIR).joinpath(name).read_bytes())
    except OSError:
        return None
    version = f"py{sys.version_info[0]}{sys.version_info[1]}-m{marshal.version}-f{_CACHE_FORMAT}"
    return user_cache_dir() / f"vocabulary-{digest.hexdigest()[:16]}-{version}.marshal"


def _read_lines(file_name: str) -> Iterator[str]:
    resource = resources.files(DATA_PACKAGE).joinpath(DATA_DIR).joinpath(file_name)
    raw = resource.read_bytes()
    if file_name.endswith(".gz"):
        raw = gzip.decompress(raw)
    yield from raw.decode("utf-8").splitlines()
