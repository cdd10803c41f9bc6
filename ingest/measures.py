"""Shared vocabulary of quantities: units, comparators and measure names in eligibility text and patient questions.

Pure functions over strings; no models, no I/O. Everything is offset-preserving so callers can quote the exact span:
`clean_text` only swaps characters one-for-one, it never inserts or deletes.

Canonical units (what `Quantity.unit` holds after normalisation):
    day (all durations and ages), mm, xULN, mg/dL, umol/L, g/dL, mL/min (also eGFR's mL/min/1.73m2, see
    `_COMPATIBLE_UNITS`), /uL (cell counts; x10^9/L and /mm3 convert), %, Gy, kg, kg/m2, mmHg, ng/mL, mg/m2, score.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import cache

Span = tuple[int, int]
UNKNOWN_MEASURE = "head:value"

DAYS_PER_UNIT: dict[str, float] = {
    "minute": 1 / 1440,
    "hour": 1 / 24,
    "day": 1.0,
    "week": 7.0,
    "month": 30.4375,
    "year": 365.25,
}


class Comparator(StrEnum):
    """How a constraint bounds a value. RANGE is inclusive on both ends (`value.value`..`value.upper`)."""

    GE = ">="
    GT = ">"
    LE = "<="
    LT = "<"
    EQ = "="
    RANGE = "range"


@dataclass(frozen=True)
class Quantity:
    """A number in its canonical unit; `upper` is set for ranges ("0-1", "between 18 and 75")."""

    value: float
    unit: str
    upper: float | None = None


@dataclass(frozen=True)
class Comparison:
    """`measure <comparator> value`, e.g. ("ecog", RANGE, 0..1 score)."""

    measure: str
    comparator: Comparator
    value: Quantity


@dataclass(frozen=True)
class QuantityMention:
    """One number (or range) found in text with its unit, comparator and the measure it is about."""

    measure: str
    measure_span: Span | None
    comparator: Comparator
    quantity: Quantity
    number_span: Span
    span: Span
    unit_given: bool

    @property
    def noun_end(self) -> int:
        """End of the thing the number is about when it is named first ("chemo was 3 weeks ago" -> after "chemo")."""
        if self.measure_span is not None and self.measure_span[1] <= self.number_span[0]:
            return self.measure_span[1]
        return self.span[0]


# --- measure lexicon --------------------------------------------------------------------------------------------------
# Documented lexicon of measure names, not grown per question. Sources for the spellings: CTCAE v5 lab names
# (ALT/AST/bilirubin/creatinine/neutrophil/platelet/hemoglobin/INR), ECOG/Karnofsky/Lansky performance scales,
# NYHA functional classes, ClinicalTrials.gov registry usage seen in /work/shared/data/ctgov-more (SGOT/SGPT,
# "creatinine clearance", "left ventricular ejection fraction", "prior lines of therapy") and the disease scores
# trials use as entry thresholds (PASI, EASI, BASDAI, DAS28, HAM-D, MMSE, MoCA). Order matters: longer first.
MEASURE_ALIASES: tuple[tuple[str, str], ...] = (
    # Performance scales: ECOG/Zubrod/WHO (Oken 1982), Karnofsky (KPS), Lansky (paediatric), as registries write them.
    (
        "ecog",
        r"ecog(?:\s*/?\s*who)?(?:\s+performance\s+(?:status|score))?(?:\s*\(\s*ps\s*\))?|zubrod|who\s+performance",
    ),
    ("karnofsky", r"karnofsky(?:\s+performance\s+(?:status|score|scale))?(?:\s*\(\s*kps\s*\))?|kps"),
    ("lansky", r"lansky(?:\s+(?:play\s+)?performance\s+(?:status|score|scale))?|lps"),
    ("ecog", r"performance\s+status(?:\s*\(\s*ps\s*\))?|\bps\b"),
    # Cardiac: NYHA functional class (I-IV handled by _ROMAN_RE).
    ("nyha", r"nyha(?:\s+(?:functional\s+)?class(?:ification)?)?|new\s+york\s+heart\s+association(?:\s+class)?"),
    # Anthropometrics and renal function (registry/KDIGO spellings: CrCl, eGFR, Cockcroft-Gault clearance).
    ("bmi", r"body\s+mass\s+index(?:\s*\(\s*bmi\s*\))?|bmi"),
    # ("Creatinine CL": CL, the pharmacokinetic symbol for clearance)
    ("crcl", r"(?:calculated\s+|measured\s+)?creatinine\s+(?:clearance|cl(?![a-z]))(?:\s*\(\s*crcl\s*\))?|cr\s?cl"),
    # EGFR the gene ("EGFR mutation", "EGFR-TKI") is not eGFR the kidney function.
    (
        "egfr",
        r"(?:estimated\s+)?glomerular\s+filtration\s+rate(?:\s*\(\s*e?gfr\s*\))?"
        r"|e?gfr(?![\s-]*(?:mutat|sensiti|tki|inhibit|positiv|negativ|exon|amplif|express|variant|alter|wild|status))",
    ),
    # Labs: CTCAE v5 investigation terms; SGOT/SGPT are the older registry names for AST/ALT.
    # "Creatinin", as registries abroad spell it; "Cr 1.8 mg/dL", "SCr 110 umol/L", as clinicians write it (only with
    # a creatinine unit: "CR" is mostly a complete remission, "first CR", "CR 1"; `_refine_measure`)
    ("creatinine", r"(?:serum\s+)?creatinine?|creat|s?cr"),
    ("bilirubin", r"(?:total\s+|serum\s+|direct\s+)?(?:bilirubin|bili)"),
    (
        "alt_ast",
        r"alt\s*(?:/|and|or|,)\s*ast|ast\s*(?:/|and|or|,)\s*alt|sgot\s*(?:/|and|or|,)\s*sgpt|"
        r"sgpt\s*(?:/|and|or|,)\s*sgot|transaminases?|aminotransferases?",
    ),
    ("alt", r"alanine\s+aminotransferase(?:\s*\(\s*alt\s*\))?|alt|sgpt"),
    ("ast", r"aspartate\s+aminotransferase(?:\s*\(\s*ast\s*\))?|ast|sgot"),
    (
        "anc",
        r"absolute\s+neutrophil\s+count(?:\s*\(\s*anc\s*\))?|neutrophils?(?:\s+count)?|anc|granulocytes?"
        r"(?:\s+count)?",
    ),
    ("platelets", r"platelets?(?:\s+count)?|plt|thrombocytes?(?:\s+count)?"),
    ("wbc", r"white\s+blood\s+cells?(?:\s+count)?(?:\s*\(\s*wbc\s*\))?|wbc|leukocytes?(?:\s+count)?"),
    ("inr", r"international\s+normali[sz]ed\s+ratio(?:\s*\(\s*inr\s*\))?|inr"),
    # Pain intensity on the 0-10 numeric rating scale (NRS), as registries and people write it; a VAS in mm keeps
    # its unit and is never compared with a bare 0-10 number.
    (
        "pain_score",
        r"(?:(?:nrs|vas)\s+)?pain(?:\s+(?:intensity|score|severity|level|rating))?"
        r"(?:\s+(?:on\s+)?(?:the\s+|a\s+)?(?:nrs|vas|numeric(?:al)?\s+rating\s+(?:scale|score)"
        r"|visual\s+analog(?:ue)?\s+scale(?:\s*\(\s*vas\s*\))?))?"
        r"|numeric(?:al)?\s+(?:pain\s+)?rating\s+(?:scale|score)(?:\s*\(\s*nrs\s*\))?"
        r"|visual\s+analog(?:ue)?\s+(?:pain\s+)?scale(?:\s*\(\s*vas\s*\))?|nrs|vas",
    ),
    # How long a person is expected to live: the registries' "life expectancy" / "anticipated survival", and after the
    # number the plain-English "(left) to live" and "left" closing a clause ("may only have about 2 months left").
    (
        "life_expectancy",
        r"life\s+expectancy|(?:expected|anticipated|estimated|predicted|projected)\s+(?:survival|life\s+span)"
        r"|survival\s+expectancy|(?:left\s+)?to\s+live\b|left(?=\s*(?:[.?!,;]|$))",
    ),
    ("hba1c", r"hba1c|a1c|glycated\s+ha?emoglobin|glycosylated\s+ha?emoglobin|ha?emoglobin\s+a1c"),
    # CTCAE "Glucose" (hyper-/hypoglycemia); registries write FBG/FPG/FBS, patients "blood sugar".
    (
        "glucose",
        r"(?:fasting\s+)?(?:plasma\s+|blood\s+|serum\s+)?glucose(?:\s*\\?\(\s*f[bp]g\s*\\?\))?"
        r"|(?:fasting\s+)?blood\s+sugars?|fasting\s+sugars?|sugar\s+levels?|fbg|fpg|fbs",
    ),
    ("hemoglobin", r"ha?emoglobin|hgb|hb(?!a1c)"),
    # Hematocrit, the packed-cell volume (a CTCAE-graded lab: "Hct < 35% for men"; "my hematocrit was 33%").
    ("hematocrit", r"ha?ematocrit|hct|packed\s+cell\s+volume|pcv"),
    # Body temperature, the CTCAE "Fever" threshold as registries write it ("fever > 38.5 degrees C", "temperature of
    # >= 100.4 F") and people ("my temp was 39.5 C"); in degrees Celsius or Fahrenheit (see `_AFFINE_UNITS`).
    ("temperature", r"(?:body\s+)?temperatures?|temps?|fevers?|a?febrile"),
    ("psa", r"prostate[\s-]specific\s+antigen(?:\s*\(\s*psa\s*\))?|psa"),
    # Viral load: LOINC 25836-8 "HIV 1 RNA [#/volume] (viral load)"; registries write "plasma HIV-1 RNA", "HIV RNA
    # copy number", "HIV level", patients "viral load". Counted in copies/mL (see `same_measure`).
    (
        "viral_load",
        r"(?:plasma\s+)?(?:hiv(?:-?1)?[\s-]*rna|viral\s+loads?)(?:\s+(?:levels?|copy\s+numbers?|titers?|titres?))?"
        r"|hiv(?:-?1)?\s+(?:levels?|titers?|titres?)",
    ),
    # Cardiac function: LVEF by echo/MUGA, QTc/QTcF (CTCAE "QT corrected interval prolonged"), blood pressure.
    ("lvef", r"left\s+ventricular\s+(?:ejection\s+)?fraction(?:\s*\(\s*lvef\s*\))?|lvef|ejection\s+fraction|\bef\b"),
    ("qtc", r"qtcf?|qt\s+interval|corrected\s+qt"),
    # "systolic blood pressure \[BP\]" (markdown-escaped brackets in API v2 text), "diastolic BP".
    ("systolic_bp", r"systolic(?:\s+blood)?(?:\s+pressure)?(?:\s*\\?[(\[]\s*s?bp\s*\\?[)\]])?(?:\s+bp)?|sbp"),
    ("diastolic_bp", r"diastolic(?:\s+blood)?(?:\s+pressure)?(?:\s*\\?[(\[]\s*d?bp\s*\\?[)\]])?(?:\s+bp)?|dbp"),
    ("blood_pressure", r"blood\s+pressure|\bbp\b"),
    # CTCAE "Weight loss": an amount lost, not the body weight ("lost 4 kg", "weight loss of more than 10%").
    ("weight_loss", r"(?:unintentional\s+|unexplained\s+|involuntary\s+)?weight\s+loss|lost|losing"),
    ("weight", r"(?:body\s+)?weight|weighs?|weighing"),
    ("height", r"height|tall"),
    # PD-L1 expression on tumour cells, the tumour proportion score in % (TPS), and the combined positive score
    # (CPS, a number, not a %): two scales, never compared with each other. Before tumour size ("tumor proportion").
    (
        "pd_l1_cps",
        r"(?:(?:pd-?l1|programmed\s+death-?\s*ligand\s*1)\s+(?:\(\s*pd-?l1\s*\)\s*)?)?"
        r"(?:combined\s+positive\s+score(?:\s*\(\s*cps\s*\))?|cps)",
    ),
    (
        "pd_l1",
        r"(?:pd-?l1|programmed\s+death-?\s*ligand\s*1(?:\s*\(\s*pd-?l1\s*\))?)"
        r"(?:\s+(?:expression|staining|level|score))?(?:\s*\(?\s*(?:tps|tumou?r\s+proportion\s+score))?"
        r"|tumou?r\s+proportion\s+score(?:\s*\(\s*tps\s*\))?|tps",
    ),
    # Tumour size: RECIST 1.1 wording ("measurable lesion >= 10 mm", "longest diameter").
    (
        "lesion_size",
        r"(?:measurable\s+)?(?:lesions?|tumou?rs?|nodules?|masses|mass|nodes?|metastas[ie]s)"
        r"(?:\s+(?:size|diameter))?|longest\s+diameter|diameter",
    ),
    # Treatment history: registry "prior lines/regimens of therapy", radiation dose in Gy.
    (
        "prior_lines",
        r"(?:prior|previous|preceding)?\s*(?:lines?|regimens?)(?:\s+of\s+(?:systemic\s+)?"
        r"(?:therapy|treatment|chemotherapy|chemo))?",
    ),
    ("radiation_dose", r"radiation(?:\s+therapy)?|radiotherapy|irradiation|rt\b"),
    # Gestational age (weeks of pregnancy), before "age": "≥ 24 weeks gestational age", "at 30 weeks' gestation", and
    # the plain "20 weeks pregnant" (only right after a number of weeks: "pregnant within 6 months" is no such value).
    # Not "pregnant for 32 weeks" nor "33 weeks along" yet: read, they decided "allowed" on the weeks alone where the
    # question told more that nothing reads ("conceived through IVF", "haven't had the sugar test yet"): 2 more wrong
    # verdicts on the development sets for 2 more right on unseen-dev40.
    # "born at 35 weeks", "delivered at 39 weeks": the weeks of pregnancy at birth.
    (
        "gestational_age",
        r"gestational\s+ages?(?:\s*\(\s*ga\s*\))?|gestation|(?<=weeks )pregnant|(?<=wks )pregnant"
        # (only right before the number: the measure is looked up in the words before it)
        r"|(?:born|delivered)\s+at(?=\s*[<>≤≥=]*\s*$)"
        # "Have been pregnant for at least 28 weeks": with a bound only, as criteria write it ("pregnant for 32
        # weeks" in a question stays unread, above)
        r"|pregnant\s+for(?=\s+(?:at\s+least|more\s+than|less\s+than|no\s+more\s+than|no\s+less\s+than|up\s+to"
        r"|over|under|a\s+minimum\s+of|a\s+maximum\s+of|[<>≤≥=]+)\s*$)",
    ),
    # Bone density against the young-adult mean (WHO: osteopenia -1.0 to -2.5, osteoporosis -2.5 or lower).
    ("t_score", r"(?:(?:bmd|dexa|dxa)\s+)?t[\s-]?scores?"),
    ("age", r"(?<!bearing\s)(?<!bearing-)(?<!reproductive\s)(?<!fertile\s)ages?|aged"),
    # Disease scores used as entry thresholds: MMSE, MoCA (cognition), PASI, EASI (skin), BASDAI, DAS28 (rheumatology),
    # HAM-D (depression), ASA physical status (anaesthesia).
    ("mmse", r"mini[\s-]mental(?:\s+state)?(?:\s+exam(?:ination)?)?(?:\s*\(\s*mmse\s*\))?|mmse"),
    ("moca", r"montreal\s+cognitive\s+assessment(?:\s*\(\s*moca\s*\))?|moca"),
    ("pasi", r"psoriasis\s+area\s+(?:and\s+)?severity\s+index(?:\s*\(\s*pasi\s*\))?|pasi"),
    ("easi", r"eczema\s+area\s+(?:and\s+)?severity\s+index(?:\s*\(\s*easi\s*\))?|easi"),
    ("basdai", r"basdai"),
    ("das28", r"das\s?-?28(?:-?(?:crp|esr))?|disease\s+activity\s+score"),
    ("hamd", r"ham-?d(?:-?17)?|hamilton\s+(?:rating\s+scale\s+for\s+)?depression(?:\s+rating\s+scale)?|hdrs"),
    ("asa", r"asa(?:\s+(?:physical\s+status|class|score))?"),
    # Adverse-event severity on the CTCAE scale ("Grade >= 3 immune-related adverse events").
    ("grade", r"(?:ctcae\s+)?grade"),
)

# Measures whose value is a length of time, not the time since an event: "20 weeks pregnant" is no event 20 weeks ago.
MEASURES_IN_DAYS = frozenset({"age", "life_expectancy", "gestational_age"})

# One leading \\b for the whole alternation (not one per alias) keeps scanning fast: only word starts are tried.
_MEASURE_RE = re.compile(
    r"\b(?:" + "|".join(f"(?P<m{i}>{pattern})(?!\\w)" for i, (_, pattern) in enumerate(MEASURE_ALIASES)) + ")",
    re.IGNORECASE,
)
_MEASURE_KEYS = tuple(key for key, _ in MEASURE_ALIASES)
# Every word an alias above can begin with (lowercase, as `_WORD_RE` tokenises it). A test checks this stays in step
# with MEASURE_ALIASES by matching aliases over real registry text.
MEASURE_FIRST_WORDS = frozenset(
    re.findall(
        r"\w+",
        "grade ctcae ecog zubrod who karnofsky kps lansky lps performance ps nyha new body bmi calculated measured "
        "creatinine creatinin creat cr "
        "crcl estimated glomerular egfr gfr serum total direct bilirubin alt ast sgot sgpt transaminase transaminases "
        "aminotransferase aminotransferases alanine aspartate absolute neutrophil neutrophils anc granulocyte "
        "fasting plasma glucose sugar fbg fpg fbs unintentional unexplained involuntary lost losing "
        "granulocytes platelet platelets plt "
        "thrombocyte thrombocytes hba1c a1c glycated glycosylated haemoglobin hemoglobin hgb hb white wbc "
        "hematocrit haematocrit hct packed pcv "
        "leukocyte leukocytes international inr prostate psa hiv viral life expected anticipated estimated predicted "
        "projected survival to pain numeric numerical nrs vas visual gestational gestation pregnant born delivered "
        "t tscore dexa "
        "dxa "
        "pd programmed combined cps tps "
        "left lvef ejection ef qtc qtcf qt corrected systolic sbp "
        "diastolic dbp blood bp weight weigh weighs weighing height tall measurable lesion lesions tumor tumors tumour "
        "tumours nodule nodules masses mass node nodes metastases metastasis longest diameter prior previous "
        "preceding line lines regimen regimens radiation radiotherapy irradiation rt age ages aged mini mmse montreal "
        "moca psoriasis pasi eczema easi basdai das das28 ham hamilton hdrs asa temperature temperatures temp temps "
        "fever fevers febrile afebrile",
    )
)

# Measures whose values are dimensionless scales: a bare number is a score.
SCORE_MEASURES = frozenset(
    {"ecog", "lansky", "nyha", "mmse", "moca", "pasi", "easi", "basdai", "das28", "hamd", "asa", "prior_lines", "inr"}
)
# Measures conventionally written with an implied unit when people omit it.
DEFAULT_UNIT = {
    "karnofsky": "%",
    "lansky": "%",
    "lvef": "%",
    "hba1c": "%",
    "hematocrit": "%",
    "psa": "ng/mL",
    "bmi": "kg/m2",
    "egfr": "mL/min",
    "crcl": "mL/min",
    "systolic_bp": "mmHg",
    "diastolic_bp": "mmHg",
    "blood_pressure": "mmHg",
    "qtc": "ms",
}
# A value given without a unit ("my creatinine was 1.2") is read in the unit of a number within this factor of it:
# people leave out the unit their report uses. Units that differ in scale give numbers apart by a larger factor
# (haemoglobin 95 g/L against 9 g/dL, creatinine 106 umol/L against 1.5 mg/dL, HbA1c 53 mmol/mol against 7%).
SAME_MAGNITUDE = 3.0
# Lansky/Karnofsky are percentages but are written as plain scores just as often.
_SCORE_OR_PERCENT = frozenset({"karnofsky", "lansky"})

# --- units ------------------------------------------------------------------------------------------------------------
# (regex, canonical unit, factor to canonical). Longest spellings first so "mL/min/1.73m2" beats "mL/min".
# Units of concentration as modern records also spell them out ("48 - 91 millimoles per mole (mmol/mol)", "1.5
# milligrams per deciliter"): each SI prefix and unit word beside its symbol, joined by "/" or "per".
_PER = r"\s*(?:/|per)\s*"
_LITRE = r"(?:lit(?:er|re)s?|l)"
_DL = r"(?:decilit(?:er|re)s?|dl)"
_ML = r"(?:millilit(?:er|re)s?|ml)"
_MG = r"(?:milligrams?|mg)"
_UG = r"(?:micrograms?|µg|ug|mcg)"
_NG = r"(?:nanograms?|ng)"
_MMOL = r"(?:millimol(?:e|es)?|mmol)"
_UMOL = r"(?:micromol(?:e|es)?|µmol|umol)"
_UNIT_TABLE: tuple[tuple[str, str, float], ...] = (
    (
        # "1.25 times of the upper limit of normal value", as registries abroad write it
        r"(?:x|×|times)\s*(?:(?:greater|higher)\s+than\s+|of\s+)?(?:the\s+)?(?:institutional\s+)?(?:upper\s+limits?\s+of\s+(?:the\s+)?normal(?:\s+range)?"
        r"|upper\s+limits?|uln|normal(?:\s+values?)?)(?:\s*\(\s*uln\s*\))?",
        "xULN",
        1.0,
    ),
    (r"uln", "xULN", 1.0),
    (r"ml\s*/\s*min(?:ute)?\s*(?:/|per)\s*1\.73\s*m(?:2|²|\^2)", "mL/min", 1.0),
    (rf"{_ML}{_PER}min(?:ute)?", "mL/min", 1.0),
    (r"(?:x|×|\*)\s*10\s*(?:\^|e|\*\*)?\s*9\s*/\s*l|(?:x|×)\s*10⁹\s*/\s*l|g/l(?=\s*(?:neutro|plate))", "/uL", 1000.0),
    (r"(?:x|×|\*)\s*10\s*(?:\^|e|\*\*)?\s*3\s*/\s*(?:µl|ul|mcl|mm\s*(?:3|\^3|³))", "/uL", 1000.0),
    (r"(?:cells\s*)?(?:/|per\s)\s*(?:mm\s*(?:3|\^3|³|\(3\))|cu\.?\s*mm|µl|ul|mcl|microliters?)", "/uL", 1.0),
    (rf"{_MG}{_PER}{_DL}", "mg/dL", 1.0),
    # milligrams per cent, the older spelling of mg/dL ("Bilirubin =< 1.5mg %")
    (r"mg\s*%|mg\s*per\s*cent", "mg/dL", 1.0),
    # Other concentrations as lab reports give them, each in one canonical unit per quantity kind (mass per volume
    # in ng/mL or mg/dL, substance in nmol/L, enzyme or hormone activity in U/L): "testosterone 210 ng/dL" can then
    # be compared with "Testosterone >= 150 ng/dL", and 2.1 ng/mL with it.
    (rf"{_MG}{_PER}{_LITRE}", "mg/dL", 0.1),
    (r"ng\s*/\s*dl", "ng/mL", 0.01),
    (r"pg\s*/\s*ml", "ng/mL", 0.001),
    (r"(?:µ|u|mc)g\s*/\s*dl", "ng/mL", 10.0),
    (r"(?:µ|u|mc)g\s*/\s*l", "ng/mL", 1.0),
    (rf"{_UG}{_PER}{_ML}", "ng/mL", 1000.0),
    (r"nmol\s*/\s*l", "nmol/L", 1.0),
    (r"pmol\s*/\s*l", "nmol/L", 0.001),
    (r"meq\s*/\s*l", "mEq/L", 1.0),
    (r"(?:µ|u|micro)\s*i\.?u\.?\s*/\s*ml", "U/L", 0.001),
    (r"mi\.?u\.?\s*/\s*ml", "U/L", 1.0),
    (r"i\.?u\.?\s*/\s*ml", "U/L", 1000.0),
    (rf"{_UMOL}{_PER}{_LITRE}", "umol/L", 1.0),
    (r"g(?:m|ms|rams?)?\s*/\s*dl|gm?\s*%", "g/dL", 1.0),  # "Hgb > 10 gm%": grams per cent
    (r"g\s*/\s*l", "g/dL", 0.1),
    (rf"{_NG}{_PER}{_ML}", "ng/mL", 1.0),
    (rf"(?:i\.?u\.?|units?|u){_PER}{_LITRE}", "U/L", 1.0),
    (rf"{_MMOL}{_PER}mol(?:es?)?", "mmol/mol", 1.0),
    (rf"{_MMOL}{_PER}{_LITRE}", "mmol/L", 1.0),
    (r"mg\s*/\s*m(?:2|²|\^2)", "mg/m2", 1.0),
    (r"kg\s*/\s*m(?:2|²|\^2)|kilograms?\s+per\s+(?:square\s+met(?:er|re)|met(?:er|re)\s+squared)", "kg/m2", 1.0),
    (r"mm\s*hg", "mmHg", 1.0),
    # A viral load on the log scale ("> 3.0 log10 copies/mL") is not a number of copies.
    (r"log\s*(?:10|₁₀)?(?:\s*copies(?:\s*/\s*ml)?)?", "log10", 1.0),
    # Copies of viral RNA or DNA per millilitre of plasma, the unit of a viral load.
    (r"copies(?:\s*(?:/|per)\s*m[l]|\s*/\s*cc)?", "copies/mL", 1.0),
    (r"msec|ms", "ms", 1.0),
    (r"cgy", "Gy", 0.01),
    (r"rads?", "Gy", 0.01),  # the older unit of absorbed dose: 1 rad = 1 cGy ("3000 rads to any one lesion group")
    (r"gy|gray", "Gy", 1.0),
    (r"kgs?|kilograms?", "kg", 1.0),
    (r"mg|milligrams?", "mg", 1.0),
    (r"(?:µ|mc|u)g|micrograms?", "mg", 0.001),
    # grams after every "g/..." unit and Gy: a dose in grams is 1000 mg; a body weight in grams is read in kg below
    (r"g(?:rams?|ms?)?", "mg", 1000.0),
    (r"lbs?|pounds?", "kg", 0.45359237),
    # An area ("greater than 10 cm2 total body surface area") is not a length.
    (r"(?:cm|centimet(?:er|re)s?)\s*(?:2|²|\^2)(?!\d)|(?:sq\.?|square)\s*(?:cm|centimet(?:er|re)s?)", "cm2", 1.0),
    (r"mm\s*(?:2|²|\^2)(?!\d)|(?:sq\.?|square)\s*(?:mm|millimet(?:er|re)s?)", "cm2", 0.01),
    (r"mm|millimet(?:er|re)s?", "mm", 1.0),
    (r"cm|centimet(?:er|re)s?", "mm", 10.0),
    # How far someone lives from a site ("reside within 15 km of the hospital", "about 20 miles away").
    (r"km|kilomet(?:er|re)s?", "km", 1.0),
    (r"miles?", "km", 1.609344),
    (r"%|percent(?:age)?|per\s*cent", "%", 1.0),
    # Degrees of body temperature; a bare letter only in capitals ("38.5 C", "102 F"), as lower case "c" and "f" name
    # other things.
    (r"(?:°|º|degrees?)\s*(?:c(?:elsius)?|centigrade)|celsius|centigrade|(?<!-)(?-i:C)(?![\w-])", "C", 1.0),
    (r"(?:°|º|degrees?)\s*f(?:ahrenheit)?|fahrenheit|(?<!-)(?-i:F)(?![\w-])", "F", 1.0),
    (r"min(?:ute)?s?", "day", DAYS_PER_UNIT["minute"]),
    (r"h(?:ou)?rs?|hours?", "day", DAYS_PER_UNIT["hour"]),
    (r"days?|d", "day", 1.0),
    (r"weeks?|wks?|w", "day", 7.0),
    (r"months?|mos?|m(?:o?n)?ths?", "day", DAYS_PER_UNIT["month"]),
    # a smoking history: packs a day times years smoked ("> 10 pack year", "20 pack-years", "30 pack yrs")
    (r"packs?[\s-]*y(?:ea)?rs?|py", "pack-year", 1.0),
    (r"years?|yrs?|y", "day", DAYS_PER_UNIT["year"]),
)
_UNIT_RE = re.compile(
    r"\s*(?:-\s*)?(?:"
    + "|".join(f"(?P<u{i}>{pattern})" for i, (pattern, _, _) in enumerate(_UNIT_TABLE))
    + r")(?![a-z])",
    re.IGNORECASE,
)

# A bare number is only read in the constraint's unit when that unit has one conventional spelling; for these a
# missing unit is ambiguous (platelets "150" is 150 x10^9/L, not 150/µL; "2 weeks" vs "2"), so compare says None.
_UNIT_REQUIRED = frozenset(
    {
        "day",
        "mm",
        "km",
        "cm2",
        "xULN",
        "mg/dL",
        "umol/L",
        "g/dL",
        "/uL",
        "Gy",
        "kg",
        "mg/m2",
        "mg",
        "U/L",
        "mmol/L",
        "mmol/mol",
        "ng/mL",
        "nmol/L",
        "mEq/L",
        "log10",
        "C",
        "F",
    }
)

# Bare cell counts are written both in thousands per µL ("platelets 150", "ANC 1.5") and per µL ("ANC > 500",
# "platelets 150000"). A bare number is read in thousands only below the largest count that reading allows in a person
# (platelets: about 1,000 x10^9/L; white cells: about 100; neutrophils: about 50): "ANC >= 750" is 750/µL, since
# 750,000 neutrophils per µL do not occur.
_THOUSANDS_BELOW: dict[str, float] = {"platelets": 1000.0, "wbc": 100.0, "anc": 50.0}
_CELL_COUNTS = frozenset(_THOUSANDS_BELOW)
_BODY_MASSES = frozenset({"weight", "weight_loss"})
# Lab values people and registries write both as mg/dL and µmol/L (or as U/L and x ULN) without a unit.
_AMBIGUOUS_WITHOUT_UNIT = frozenset({"creatinine", "bilirubin", "alt", "ast", "alt_ast"})

# mg/dL -> µmol/L for analytes whose conversion is fixed (SI conversion factors, CTCAE tables).
# SI unit and how many of it one mg/dL is (glucose: 1 mmol/L = 18.0 mg/dL).
_SI_FACTORS = {"bilirubin": ("umol/L", 17.1), "creatinine": ("umol/L", 88.4), "glucose": ("mmol/L", 1 / 18.0)}
# HbA1c in NGSP/DCCT percent from IFCC mmol/mol, by the IFCC-NGSP master equation (NGSP = 0.09148 x IFCC + 2.152;
# Hoelzel et al., Clin Chem 2004): (percent unit, mmol/mol unit, slope, intercept).
# Body temperature in Fahrenheit from Celsius (F = 1.8 x C + 32).
_AFFINE_UNITS = {"hba1c": ("%", "mmol/mol", 0.09148, 2.152), "temperature": ("F", "C", 1.8, 32.0)}

# --- numbers ----------------------------------------------------------------------------------------------------------
NUMBER_WORDS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "a single": 1,
    "single": 1,
}
ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
ORDINAL_WORDS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")

_DIGITS = r"(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+(?:\.\d+)?|\.\d+)"
_NUMBER_WORDS_ALT = r"(?:" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")\b"
_NUM = rf"(?:{_DIGITS}|{_NUMBER_WORDS_ALT})"
_RANGE_SEP = r"\s*(?:-|–|—|to|through)\s*"
# Units may be glued to the number ("35Kg", "40years"); ordinals ("1st line") and cut decimals are not numbers, nor
# is a number hyphenated onto a name ("PHQ-8", "GAD-7", "IL-6", "COVID-19").
_NUMBER_END = r"(?!\.\d)(?!\d)(?!(?:st|nd|rd|th)\b)"
_HIGH_SIGN = r"(?:(?<=\s)[-−](?=\d))?"  # "−2.5 to −1.0": the upper end may be negative too
_PERCENT_BEFORE_DASH = r"(?P<unit1>\s*(?:%|percent(?:age)?\b))?"  # "6.5% - 10.5%", "6.5 percentage -10.5 percentage"
_NUMBER_RE = re.compile(
    rf"(?<![\w.])(?<![A-Za-z]-)(?P<lo>{_NUM})(?:{_PERCENT_BEFORE_DASH}(?P<sep>{_RANGE_SEP}){_HIGH_SIGN}(?P<hi>{_NUM}))?{_NUMBER_END}",
    re.IGNORECASE,
)
# Same without number words, for the common text that has none (word alternation at every word start is slow).
_DIGIT_NUMBER_RE = re.compile(
    rf"(?<![\w.])(?<![A-Za-z]-)(?P<lo>{_DIGITS})(?:{_PERCENT_BEFORE_DASH}(?P<sep>{_RANGE_SEP}){_HIGH_SIGN}(?P<hi>{_DIGITS}))?{_NUMBER_END}",
    re.IGNORECASE,
)
_BETWEEN_RE = re.compile(
    rf"\bbetween\s+(?:the\s+ages?\s+of\s+)?(?P<lo>{_NUM})(?P<unit>[^\d]{{0,12}}?)"
    # the low bound restated in brackets ("between 1 year (≥ 12 months) and 18 years") is the same bound
    r"(?:\s*\([^()\n]{0,30}\))?"
    rf"\s+and\s+(?P<hi>{_NUM})",
    re.IGNORECASE,
)
# "70 kg + or - 15 kg", "40 ± 5 years", "25 plus or minus 3": a value and how far either side of it is allowed.
_PLUS_MINUS = r"(?:±|\+\s*/\s*[-−]|\+\s*or\s*[-−]|\+[-−]|plus\s+or\s+minus)"
_PLUS_MINUS_RE = re.compile(
    rf"(?P<mid>{_DIGITS})(?P<unit>[^\d±+]{{0,12}}?)\s*{_PLUS_MINUS}\s*(?P<spread>{_DIGITS})", re.IGNORECASE
)
_PLUS_MINUS_HINTS = ("±", "+/-", "+ /", "+ or", "+or", "+-", "plus or minus")
# Roman class numbers only count after a class-like measure word, never on their own ("I" is a pronoun).
_ROMAN_RE = re.compile(
    r"\b(?P<lead>(?:nyha|new\s+york\s+heart\s+association|asa)(?:\s+(?:functional\s+)?class(?:ification)?)?"
    r"|class)\s*(?P<lo>iv|iii|ii|i)\b(?:(?P<sep>\s*(?:-|–|to|or|through)\s*)(?P<hi>iv|iii|ii|i)\b)?",
    re.IGNORECASE,
)

# --- comparators ------------------------------------------------------------------------------------------------------
# Prefix comparators must end right before the number; checked on the last few words only.
_PREFIX_COMPARATORS: tuple[tuple[str, Comparator], ...] = (
    (
        r"≥|>\s*=|=\s*>|>\s*or\s*=|\bgreater\s+than\s+or\s+equal\s+(?:to\s+)?|\bmore\s+than\s+or\s+equal\s+(?:to\s+)?"
        r"|\bequal\s+to\s+or\s+(?:greater|more|higher)\s+than\s+|\bat\s+least\s+(?:the\s+)?(?:last\s+|past\s+|previous\s+|preceding\s+)?|\bno\s+less\s+than\s+|\bnot\s+less\s+than\s+"
        r"|\bno\s+fewer\s+than\s+|\bnot\s+fewer\s+than\s+|\bminimum\s+(?:of\s+)?|\ba\s+minimum\s+of\s+|\bmin\.?\s+"
        # "children as young as 10 years": the youngest age taken
        r"|\bas\s+young\s+as\s+"
        # "the hemoglobin does not fall below 6.4 g/dl", "never drops under 1000": a floor
        r"|\b(?:not|never)\s+(?:(?:fall|falls|fell|drop|drops|dropped|go|goes|went|be|get|gets)\s+)?"
        r"(?:below|under|lower\s+than)\s+",
        Comparator.GE,
    ),
    (
        r"≤|<\s*=|=\s*<|<\s*or\s*=|\bless\s+than\s+or\s+equal\s+(?:to\s+)?|\bequal\s+to\s+or\s+less\s+than\s+|\bat\s+most\s+"
        r"|\bno\s+more\s+than\s+|\bnot\s+more\s+than\s+|\bno\s+greater\s+than\s+|\bnot\s+greater\s+than\s+"
        r"|\bno\s+higher\s+than\s+|\bnot\s+(?:to\s+)?exceed(?:ing)?\s+|\bas\s+old\s+as\s+"
        # "ALT should not rise above 100 U/L": a ceiling
        r"|\b(?:not|never)\s+(?:(?:rise|rises|rose|go|goes|went|be|get|gets|climb|climbs)\s+)?(?:above|over|higher\s+than)\s+"
        # "up to 10 mg" bounds; "back up to 210", "went up to 9" tell a value reached
        r"|(?<!\bback\s)(?<!\bwent\s)(?<!\bgone\s)(?<!\bcame\s)(?<!\bcome\s)(?<!\bbeen\s)\bup\s+to\s+"
        r"(?:and\s+including\s+)?"
        r"|\bmaximum\s+(?:of\s+)?|\bmax\.?\s+|\bwithin\s+(?:the\s+)?(?:last\s+|past\s+|previous\s+|prior\s+)?"
        r"|\bin\s+the\s+(?:last|past|previous|prior|preceding)\s+|\bduring\s+the\s+(?:last\s+|past\s+|previous\s+|prior\s+)?",
        Comparator.LE,
    ),
    (
        r">|\bgreater\s+than\s+|\bmore\s+than\s+|\bhigher\s+than\s+|\bover\s+|\babove\s+|\bexceed(?:s|ing)?\s+"
        r"|\bolder\s+than\s+|\blonger\s+than\s+|\bin\s+excess\s+of\s+",
        Comparator.GT,
    ),
    (
        r"<|\bless\s+than\s+|\bfewer\s+than\s+|\blower\s+than\s+|\bunder\s+|\bbelow\s+|\byounger\s+than\s+"
        r"|\bshorter\s+than\s+",
        Comparator.LT,
    ),
    (r"=|\bequal\s+to\s+|\bexactly\s+", Comparator.EQ),
)
_PREFIX_RE = re.compile(
    "(?:"
    + "|".join(f"(?P<p{i}>(?:{p}))" for i, (p, _) in enumerate(_PREFIX_COMPARATORS))
    + r")\s*(?:of\s+)?(?:(?:the\s+)?ages?\s+(?:of\s+)?)?\s*$",
    re.IGNORECASE,
)
# Longest prefix phrase ("greater than or equal to of ") fits in this many characters.
_PREFIX_WINDOW = 34
_PREFIX_HINTS = (
    "<",
    ">",
    "≥",
    "≤",
    "=",
    "least",
    "less",
    "more",
    "great",
    "fewer",
    "min",
    "max",
    "most",
    "up to",
    "within",
    "over",
    "above",
    "below",
    "under",
    "exceed",
    "excess",
    "in the",
    "during",
    "higher",
    "lower",
    "older",
    "younger",
    "young as",
    "old as",
    "longer",
    "shorter",
    "equal",
    "exactly",
)
_SUFFIX_COMPARATORS: tuple[tuple[str, Comparator], ...] = (
    (
        r"or\s+(?:more|greater|higher|older|above|over|longer)|and\s+(?:over|above|older)|\+|or\s+>|and\s+up",
        Comparator.GE,
    ),
    (r"or\s+(?:less|fewer|lower|younger|below|under|shorter)|and\s+(?:under|below|younger)|or\s+<", Comparator.LE),
)
_SUFFIX_RE = re.compile(
    r"^\s*(?:of\s+age\s+|old\s+|years?\s+)?(?:"
    + "|".join(f"(?P<s{i}>{p})" for i, (p, _) in enumerate(_SUFFIX_COMPARATORS))
    # "less than 20 or greater than 50" is two bounds: a suffix followed by "than" starts the next one.
    + r")(?![\w])(?!\s+than\b)",
    re.IGNORECASE,
)

# Words that never name a measure: skipped when taking the head noun before a number.
_STOP_HEAD = frozenset(
    re.findall(
        r"\w+",
        "of is was at my the a an be must should to and or with than are his her their level levels value "
        "values count counts score serum total baseline have has had patients patient subjects participants in on "
        "for by as it less more greater least no not equal over under above below within up i me im am about "
        "around only just current currently last recent latest minimum maximum fewer lower higher exceeding "
        "exceed but mean been got took get gets received receive stopped ago since were gave given did do "
        "does after who which that exactly he she they we you ve ll re "
        # verbs and range words between a measure and its value ("CD4 count came back 290", "EDSS was scored at 7",
        # "PHQ-8 score between 5-19")
        "between from range ranging scored scores rated measured measuring came come comes back showed shows "
        "reads read reading result results approximately roughly nearly almost like "
        # and how people say where a value usually is ("my sugar usually runs around 140", "it stays under 7")
        "runs run running usually normally typically generally mostly often always sometimes stays sits hovers "
        "averages averaged tends stayed staying sat sitting hovered hovering remained remains remaining "
        # and where a value has moved ("my potassium is still 3.1", "it's down to 3"). Not "now": "now it's 6.9%"
        # names no measure, which the patient facts read as a new value of the one named before.
        "still already even down dropped fell rose went "
        # the share of the measure named before ("CD4 percentage less than 15%"); "cell" before "count" or "percentage"
        # is passed over where it is met (`_CELL_WORDS`), not everywhere: "CAR-T cells 5 weeks ago" names the cells
        "percentage",
    )
)
# A line break ends a clause unless it is a hard wrap: registry text (classic XML above all) is wrapped at about 80
# characters, so "disease free for over\n     5 years" and "in situ\n     carcinoma" go on after the break. A
# line that goes on starts with a lower-case word, a number or a bracket that is not a list marker ("1.", "a)").
LINE_BREAK = r"[\n\r](?![ \t]*(?![-*•o]\s|\d{1,2}[.)]\s|[a-z][.)]\s|\(\w\)\s)[a-z0-9(])"
_LOOK_AHEAD = 8  # characters LINE_BREAK may need after the break: indentation and a list marker
_SENTENCE_BREAK_RE = re.compile(r"[.;!?]\s|[;•]|" + LINE_BREAK)
_WORD_RE = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
# "and"/"or" inside a comparator ("greater than or equal to", "18 or older") do not end a clause.
_CLAUSE_BREAK_RE = re.compile(
    # (a comma between digits is a thousands separator: "greater than 1,500 cGy" is one clause)
    r"[.;!?•*]\s|[;•]|" + LINE_BREAK + r"|\s-\s|\(|\b(?:but|if|with|while)\b|(?<!\d),|,(?!\d{3}(?!\d))"
    r"|(?<!than )\b(?:and|or)\b"
    r"(?!\s*=|\s+(?:equal|more|less|greater|lower|higher|fewer|older|younger|above|below|over|under)\b)"
)
_AGE_CONTEXT_RE = re.compile(
    r"\b(?:ages?d?|years?\s+old|years?\s+of\s+age|yrs?\s+old|yo|y/o|old|older|younger)\b", re.IGNORECASE
)
_OLDER_AFTER_RE = re.compile(r".*?\b(?:older|younger|years?\s+old|years?\s+of\s+age)\b", re.IGNORECASE)
_SIZE_CONTEXT_RE = re.compile(r"\b(?:lesions?|tumou?rs?|nodules?|mass|masses|nodes?|diameter|size)\b", re.IGNORECASE)
_LINES_AFTER_RE = re.compile(
    r"\s*(?:or\s+more\s+|or\s+fewer\s+|or\s+less\s+)?(?:prior\s+|previous\s+|preceding\s+|lines?\s+of\s+prior\s+"
    r"|different\s+|systemic\s+)*(?:lines?|regimens?)\b",
    re.IGNORECASE,
)
_AFTER_MEASURE_RE = re.compile(r"\s*(?:in\s+|on\s+|of\s+)?(?:the\s+|a\s+)?", re.IGNORECASE)


# "thirty (30) days", "three (3) months": legal-style numbers spelled twice; the digits are kept, the word and the
# parentheses become spaces, so "(30) days" reads as "30 days" with its unit.
_SPELLED_TWICE_RE = re.compile(r"\b[a-z]+(?:-[a-z]+)?\s*\((\d+(?:\.\d+)?)\)", re.IGNORECASE)


_SYMBOL_REPEATED_RE = re.compile(
    r"(?<=[a-z])\s*\((?:%|≥|≤|<|>|=|<=|>=|kg/m2|kg/m²|mg/dl|mg/dL|g/dL|mmol/mol|mmol/L|mL/min)\)", re.IGNORECASE
)


_CITATION_RE = re.compile(r"\([^()]{0,80}?\bet\s+al\.?,?\s*(?:\(?\d{4}[a-z]?\)?)?[^()]{0,20}\)", re.IGNORECASE)


# "1,2m", "< 1,5 mg/dL": a decimal comma (most of Europe writes one) before a unit. Not "1,500" (thousands) nor a
# list "grade 1,2 or 3" (no unit after it).
_DECIMAL_COMMA_RE = re.compile(r"(?<![\d,.])\d+(,)\d{1,2}(?![\d,])")


def _decimal_point(found: re.Match[str]) -> str:
    if match_unit(found.string, found.end()) is None:
        return found.group(0)
    comma = found.start(1) - found.start(0)
    return found.group(0)[:comma] + "." + found.group(0)[comma + 1 :]


def clean_text(text: str) -> str:
    """Same-length copy with registry escapes neutralised ("\\>=" in ctgov JSON) so offsets stay valid."""
    text = text.replace("\\", " ").replace("\u00a0", " ")
    # "</= 1.5 x ULN", ">/= 18 years": a registry's way of typing <= and >= (same length, offsets stay valid)
    text = text.replace("</=", " <=").replace(">/=", " >=")
    if "," in text:
        text = _DECIMAL_COMMA_RE.sub(_decimal_point, text)
    if "+" in text or "/7" in text:
        text = _WEEKS_AND_DAYS_RE.sub(_weeks_as_decimal, text)
    if "(" in text:
        text = _SPELLED_TWICE_RE.sub(_digits_only, text)
        # "6.5 percentage (%)-10.5 percentage (%)", "greater than or equal to (≥) 180 days": the symbol repeats
        # what the words say; blanked (same length) so ranges and comparators read as written.
        text = _SYMBOL_REPEATED_RE.sub(lambda found: " " * len(found.group(0)), text)
        # "ECOG performance status (Oken et al., 1982) score 0 to 2": a literature citation's year is not a value.
        text = _CITATION_RE.sub(lambda found: " " * len(found.group(0)), text)
    return text


# "34+0 wk", "34+2/7 weeks", "27 6/7 weeks": a gestation in weeks and days, as obstetrics writes it (20 to 49
# weeks: "age 18 + 5 weeks" is no such thing).
_WEEKS_AND_DAYS_RE = re.compile(
    r"(?<![\d.])(?P<weeks>[2-4]\d)(?:\s*\+\s*(?P<days>[0-6])(?:\s*/\s*7)?|\s+(?P<sevenths>[0-6])\s*/\s*7)"
    r"(?=\s*(?:weeks?|wks?|w)\b)",
    re.IGNORECASE,
)


def _weeks_as_decimal(found: re.Match[str]) -> str:
    """The weeks and days as decimal weeks written in the same number of characters ("34+2" -> "34.3")."""
    weeks = found.group("weeks")
    value = int(weeks) + int(found.group("days") or found.group("sevenths")) / 7
    decimals = len(found.group(0)) - len(weeks) - 1
    return f"{value:.{decimals}f}"


def _digits_only(found: re.Match[str]) -> str:
    words = found.group(0)[: found.start(1) - found.start(0)]
    if parse_number(words.strip(" (").split("-")[-1]) is None:
        return found.group(0)  # "Neutrophils (1500)" is a name and a value, not a number spelled twice
    return " " * (found.start(1) - found.start(0)) + found.group(1) + " "


def parse_number(token: str) -> float | None:
    """'1,500' -> 1500.0, 'two' -> 2.0, 'III' -> 3.0; None for anything else."""
    lowered = token.strip().lower()
    if lowered in NUMBER_WORDS:
        return float(NUMBER_WORDS[lowered])
    if lowered in ROMAN:
        return float(ROMAN[lowered])
    try:
        return float(lowered.replace(",", ""))
    except ValueError:
        return None


def match_unit(text: str, start: int) -> tuple[str, float, Span] | None:
    """The unit written at `start` (after optional spaces) as (canonical unit, factor, span), or None."""
    found = _UNIT_RE.match(text, start)
    if found is None or found.lastgroup is None:
        return _misspelt_time_unit(text, start)
    _, unit, factor = _UNIT_TABLE[int(found.lastgroup[1:])]
    group_start = found.start(found.lastgroup)
    return unit, factor, (group_start, found.end())


# Time units as registries misspell them ("within 6 monts", "6 monhts", "3 yaers"): one letter left out, added,
# changed or two swapped (Damerau's single errors) in a word of five letters or more, with the unit's first letter.
_TIME_UNIT_WORDS = {"minutes": "minute", "hours": "hour", "weeks": "week", "months": "month", "years": "year"}
_WORD_AT_RE = re.compile(r"\s*([a-z]{5,8})(?![a-z])", re.IGNORECASE)


def _misspelt_time_unit(text: str, start: int) -> tuple[str, float, Span] | None:
    found = _WORD_AT_RE.match(text, start)
    if found is None:
        return None
    word = found.group(1).lower()
    for plural, unit in _TIME_UNIT_WORDS.items():
        if word[0] == plural[0] and word not in _NOT_MISSPELT_UNITS and _one_edit_apart(word, plural):
            return "day", DAYS_PER_UNIT[unit], found.span(1)
    return None


# Words one edit from a unit that are words of their own ("6 moths", "a mouth" are left as written).
_NOT_MISSPELT_UNITS = frozenset({"moths", "mouth", "mouths", "weeds"})


def _one_edit_apart(word: str, target: str) -> bool:
    """One letter dropped, added or changed, or two neighbours swapped (and not the same word)."""
    if word == target or abs(len(word) - len(target)) > 1:
        return False
    if len(word) == len(target):
        diffs = [i for i, (a, b) in enumerate(zip(word, target, strict=True)) if a != b]
        swapped = len(diffs) == 2 and diffs[1] == diffs[0] + 1 and word[diffs[0]] == target[diffs[1]]
        return len(diffs) == 1 or (swapped and word[diffs[1]] == target[diffs[0]])
    short, long = (word, target) if len(word) < len(target) else (target, word)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


# Lab reports and clinicians clip analyte names ("bili 2.6", "creat 1.2", "neut 1.1", "gluc 110"): a clipping of four
# letters or more that opens exactly one analyte word of the lexicon, named by the endings chemistry and haematology
# give their analytes (bilirubin, creatinine, hemoglobin, neutrophil, granulocyte, hematocrit, glucose, platelet).
_ANALYTE_WORD_RE = re.compile(r"[a-z]+(?:in|ine|ytes?|phils?|crit|ose|lets?)")


@cache
def _clippings() -> dict[str, str]:
    """Clipping -> the one lexicon measure whose analyte words it opens ("neut": neutrophil, neutrophils -> anc)."""
    opened: dict[str, set[str]] = {}
    for word in MEASURE_FIRST_WORDS:
        found = _MEASURE_RE.fullmatch(word) if _ANALYTE_WORD_RE.fullmatch(word) else None
        if found is None or found.lastgroup is None:
            continue
        for size in range(4, len(word) - 2):
            opened.setdefault(word[:size], set()).add(_MEASURE_KEYS[int(found.lastgroup[1:])])
    return {clip: next(iter(keys)) for clip, keys in opened.items() if len(keys) == 1}


def _clipped_measure(word: str) -> str | None:
    """The lexicon measure a clipped analyte name stands for ("bili" -> bilirubin), or None."""
    return _clippings().get(word.lower())


def measure_key_at(text: str, start: int, end: int) -> tuple[str, Span] | None:
    """The lexicon measure named closest to `end` within text[start:end], or None.

    Tries the alias alternation only at words that can open an alias (`MEASURE_FIRST_WORDS`): scanning every
    character with ~40 aliases costs ~4 µs per character, too slow for the 0.2 ms budget.
    """
    best: tuple[str, Span] | None = None
    for word in _WORD_RE.finditer(text, start, end):
        if best is not None and word.start() < best[1][1]:
            continue  # words inside an alias already matched ("ECOG performance status") are part of it
        if word.group().lower() not in MEASURE_FIRST_WORDS:
            clipped = _clipped_measure(word.group())
            if clipped is not None:
                best = (clipped, word.span())
            continue
        found = _MEASURE_RE.match(text, word.start(), end)
        if found is not None and found.lastgroup is not None:
            best = (_MEASURE_KEYS[int(found.lastgroup[1:])], found.span())
    return best


def measures_named(text: str) -> set[str]:
    """Every lexicon measure `text` names, with or without a value ("my platelets are normal now")."""
    return {
        _MEASURE_KEYS[int(found.lastgroup[1:])] for found in _MEASURE_RE.finditer(text) if found.lastgroup is not None
    }


# A time said between a measure and its value ("CD4 two weeks ago was 410", "from 3 days ago"): not what is measured.
_TIME_BETWEEN_RE = re.compile(
    r"(?:\d+(?:\.\d+)?|" + "|".join(NUMBER_WORDS) + r"|a|an|few|several)\s+(?:hours?|days?|weeks?|months?|years?)"
    r"(?:\s+(?:ago|back|earlier|before))?\s*$",
    re.IGNORECASE,
)
_TIME_WORDS = frozenset({"ago", "back", "earlier", "hour", "hours", "day", "days", "week", "weeks", "month", "months"})


def head_noun_key(text: str, start: int, end: int, counts_cells: bool = False) -> tuple[str, Span] | None:
    """Fallback measure key: the last content word before the number ("FEV1 of 55%" -> "fev1"). `counts_cells`: the
    value is in cells per volume, so "cells" before it are what the lab named before them counts ("CD4+ T cells >
    350/mm3"); otherwise they are a thing of their own ("CAR-T cells 5 weeks ago")."""
    skip_until = end
    for found in reversed(list(_WORD_RE.finditer(text, start, end))):
        word = found.group().lower()
        if found.start() >= skip_until:
            continue
        if word in _TIME_WORDS:
            time = _TIME_BETWEEN_RE.search(text, start, found.end())
            if time is not None:
                skip_until = time.start()
                continue
        if word in _STOP_HEAD or len(word) < 2:
            continue
        if word in _CELL_WORDS and (counts_cells or _SHARE_AFTER_RE.match(text, found.end())):
            continue  # "CD4 cell percentage", "CD4+ cell count": the share or count of the lab named before it
        ratio = _RATIO_BEFORE_RE.search(text, max(start, found.start() - 16), found.start())
        if ratio is not None:
            # "FEV(1)/FVC greater than 80 percent": a ratio is a measure of its own, not its denominator
            name = re.sub(r"[^0-9a-z/]", "", text[ratio.start() : found.end()].lower())
            return "head:" + name, (ratio.start(), found.end())
        return "head:" + word.replace("_", ""), found.span()
    return None


_RATIO_BEFORE_RE = re.compile(r"\b[A-Za-z][\w()]*\s*/\s*$")
_CELL_WORDS = frozenset({"cell", "cells"})
_SHARE_AFTER_RE = re.compile(r"\s+(?:percentage|counts?)\b", re.IGNORECASE)


_OPENS_VALUE_RE = re.compile(r"[\s<>=≥≤\\]*")


def _gives_value_of_measure(text: str, parenthesis: int, number: int) -> bool:
    """The parenthesis opens on the number (a comparator at most between) right after a measure's name."""
    if not _OPENS_VALUE_RE.fullmatch(text, parenthesis + 1, number):
        return False
    named = measure_key_at(text, max(0, parenthesis - 40), parenthesis)
    return named is not None and not text[named[1][1] : parenthesis].strip()


def clause_start(text: str, position: int, limit: int = 80) -> int:
    """Start of the clause holding `position`: after the last sentence/clause break, at most `limit` chars back."""
    floor = max(0, position - limit)
    last = floor
    # The search runs a few characters past `position` so that a line break's look-ahead sees the next line.
    for found in _CLAUSE_BREAK_RE.finditer(text, floor, position + _LOOK_AHEAD):
        if found.end() > position:
            break
        if found.group() == "(" and text.find(")", found.end(), position) >= 0:
            continue  # a closed parenthesis ("(HbA1c)") is part of the clause, not a break
        if found.group() == "(" and _gives_value_of_measure(text, found.start(), position):
            continue  # "Impaired Fasting Glucose (100-125mg/dl)": the parenthesis gives the value of what precedes it
        last = found.end()
    return last


def sentence_start(text: str, position: int, limit: int = 120) -> int:
    """Start of the sentence/bullet holding `position` (only strong breaks, unlike `clause_start`)."""
    floor = max(0, position - limit)
    last = floor
    for found in _SENTENCE_BREAK_RE.finditer(text, floor, position + _LOOK_AHEAD):
        if found.end() > position:
            break
        last = found.end()
    return last


def same_measure(first: str, second: str) -> bool:
    """Whether two measure keys name the same thing (ALT/AST combined keys match either enzyme)."""
    if UNKNOWN_MEASURE in (first, second):
        return False
    if first == second:
        return True
    # A head noun that is itself a known measure ("greater than 50" after "BMI less than 20 or") is that measure.
    if _singular(first.removeprefix("head:")) == _singular(second.removeprefix("head:")):
        return True  # "head:tears" and "head:tear"
    # "greater than 400 copies/ml" with no name before it counts viral copies: a viral load.
    combined = {"alt_ast": {"alt", "ast"}, "viral_load": {"count:copy"}}
    return second in combined.get(first, set()) or first in combined.get(second, set())


def same_measure_named(
    first: str, first_text: str, first_span: Span | None, second: str, second_text: str, second_span: Span | None
) -> bool:
    """`same_measure`, or one side names by its acronym the measure the other spells out ("CRP 1.4" and "C-reactive
    protein level greater than 1.0"): the lexicon covers common labs, and the long tail is written both ways."""
    if same_measure(first, second):
        return True
    if (
        first_span is not None
        and second_span is not None
        and (
            _size_of_the_named(first, second, second_text, second_span)
            or _size_of_the_named(second, first, first_text, first_span)
        )
    ):
        return True
    if first_span is None or second_span is None or not (first.startswith("head:") or second.startswith("head:")):
        return False
    short_first = first_text[first_span[0] : first_span[1]]
    short_second = second_text[second_span[0] : second_span[1]]
    # An acronym the lexicon lacks against a measure either side spells out, the lexicon's own ("AGC 2000" and
    # "Absolute granulocyte count at least 1,500/mm3") or another head ("CRP 1.4", "C-reactive protein level").
    if (
        first.startswith("head:") and is_acronym(short_first) and spells_out(short_first, second_text, second_span[1])
    ) or (
        second.startswith("head:") and is_acronym(short_second) and spells_out(short_second, first_text, first_span[1])
    ):
        return True
    if not (first.startswith("head:") and second.startswith("head:")):
        return False
    return _named_before_generic(first, second, second_text, second_span) or _named_before_generic(
        second, first, first_text, first_span
    )


# Head nouns that say only that a value is a score, whose name is the words before them ("Barthel ADL-index").
_GENERIC_SCALE_HEADS = frozenset({"index", "score", "scale", "total", "rating"})


def _named_before_generic(head: str, generic: str, generic_text: str, generic_span: Span) -> bool:
    """ "her Barthel score is 14" and "Barthel ADL-index >14 of 20": a generic head ("index", "score") is the scale
    its words before name, so one named by the other's head ("Barthel") is that measure."""
    if generic.removeprefix("head:") not in _GENERIC_SCALE_HEADS or head.removeprefix("head:") in _GENERIC_SCALE_HEADS:
        return False
    lead = generic_text[max(0, generic_span[0] - 40) : generic_span[0]]
    before = [w.lower() for w in _LONG_FORM_WORD_RE.findall(lead)]
    return head.removeprefix("head:") in before[-3:]


_DIMENSION_WORDS = r"(?:diameters?|size|length|width|thickness|height)"


def _size_of_the_named(head: str, size: str, size_text: str, size_span: Span) -> bool:
    """ "The target vessel is about 4.0 mm" and "Target vessel diameter at the lesion site is >= 2.5mm": a thing's
    length in the question is the size the criterion names of that thing ("vessel diameter", "aneurysm size")."""
    if not head.startswith("head:") or size not in _SIZE_MEASURES:
        return False
    noun = re.escape(head.removeprefix("head:"))
    before = size_text[max(0, size_span[0] - 60) : size_span[1]]
    return re.search(rf"\b{noun}s?\s+{_DIMENSION_WORDS}\b", before, re.IGNORECASE) is not None


_LONG_FORM_WORD_RE = re.compile(r"[A-Za-z0-9]+")
# Words a long form may carry that give the acronym no letter ("forced expiratory volume in 1 second").
_LONG_FORM_GLUE = frozenset({"of", "in", "and", "the", "to"})


def spells_out(acronym: str, text: str, end: int) -> bool:
    """Whether some words ending at `end` are the long form of `acronym` (after Schwartz & Hearst 2003): each of them
    (glue words aside) gives the acronym its next letters, starting with its own first letter."""
    letters = "".join(char.lower() for char in acronym if char.isalnum())
    words = [w.group().lower() for w in _LONG_FORM_WORD_RE.finditer(text, max(0, end - 100), end)]
    if len(letters) < 2:
        return False
    return any(
        words[first] not in _LONG_FORM_GLUE and _letters_from(letters, words[first:])
        for first in range(max(0, len(words) - len(letters) - 2), len(words) - 1)
    )


def _letters_from(letters: str, words: list[str]) -> bool:
    if not words:
        return not letters
    word, rest = words[0], words[1:]
    if word in _LONG_FORM_GLUE and _letters_from(letters, rest):
        return True
    if not letters or letters[0] != word[0]:
        return False
    return any(
        _in_order(letters[1:taken], word[1:]) and _letters_from(letters[taken:], rest)
        for taken in range(1, len(letters) + 1)
    )


def _in_order(letters: str, word: str) -> bool:
    remaining = iter(word)
    return all(letter in remaining for letter in letters)


def _canonical(value: float, unit: str | None, factor: float, measure: str) -> tuple[float, str]:
    if unit == "mg" and measure in _BODY_MASSES:
        return value * factor / 1e6, "kg"  # "Weight greater than 2500 grams": a newborn's weight, not a dose
    if unit is None:
        if measure == "age":
            return value * DAYS_PER_UNIT["year"], "day"
        if measure in SCORE_MEASURES:
            return value, "score"
        if measure in _CELL_COUNTS:
            return (value * 1000.0 if value < _THOUSANDS_BELOW[measure] else value), "/uL"
        if measure == "hemoglobin":
            # Bare hemoglobin below 25 is g/dL ("9"); above, g/L ("90").
            return (value if value < 25 else value / 10), "g/dL"
        return value, DEFAULT_UNIT.get(measure, "")
    if unit == "/uL" and factor == 1000.0 and value >= 1000:
        # "1,500 x10^9/L" does not occur; "1500/mm3" written with a stray x10^9 label is read as cells/µL.
        factor = 1.0
    return value * factor, unit


def make_quantity(low: float, high: float | None, unit: str | None, factor: float, measure: str) -> Quantity:
    """Quantity in canonical units; a bare number gets the measure's conventional unit (or 'score')."""
    low_value, canonical = _canonical(low, unit, factor, measure)
    high_value = None if high is None else _canonical(high, unit, factor, measure)[0]
    return Quantity(low_value, canonical, high_value)


def _prefix_comparator(text: str, number_start: int, floor: int) -> tuple[Comparator, int] | None:
    window_start = max(floor, number_start - _PREFIX_WINDOW)
    window = text[window_start:number_start].lower()
    if not any(hint in window for hint in _PREFIX_HINTS):
        return None  # cheap substring test first: the anchored regex search is the slow part
    found = search_ending_at(_PREFIX_RE, text, window_start, number_start)
    if found is None or found.lastgroup is None:
        return None
    return _PREFIX_COMPARATORS[int(found.lastgroup[1:])][1], found.start()


_PHRASE_START_RE = re.compile(r"[≥≤<>=]|\b[A-Za-z]")


def search_ending_at(pattern: re.Pattern[str], text: str, start: int, end: int) -> re.Match[str] | None:
    """Leftmost match of a `$`-anchored pattern inside text[start:end], trying only word and symbol starts.

    Same result as `pattern.search(text, start, end)` for patterns whose matches begin at a word or a comparator
    symbol, at a fraction of the cost: sre would otherwise retry every alternative at every character.
    """
    for candidate in _PHRASE_START_RE.finditer(text, start, end):
        found = pattern.match(text, candidate.start(), end)
        if found is not None:
            return found
    return None


def _suffix_comparator(text: str, after: int) -> tuple[Comparator, int] | None:
    found = _SUFFIX_RE.match(text[after : after + 40])
    if found is None or found.lastgroup is None:
        return None
    return _SUFFIX_COMPARATORS[int(found.lastgroup[1:])][1], after + found.end()


def _measure_for(
    text: str,
    number_start: int,
    number_end: int,
    floor: int,
    head_end: int | None = None,
    has_unit: bool = False,
    unit: str | None = None,
) -> tuple[str, Span] | None:
    """Measure named before the number in the same clause, else right after it ("2 prior lines", "4 mm nodule").

    The head-noun fallback stops at `head_end` (the comparator's start) so "in the prior 6 months" yields the noun
    before the comparator, not "prior". A measure named earlier reaches across numbers that only count things when
    the value is in the measure's own unit ("QTcF ... obtained from 3 ECG examinations in the resting state > 470
    msec").
    """
    before = measure_key_at(text, floor, number_start) or _named_before_bracket(text, floor, number_start)
    if before is not None:
        before = _joined_pair(text, before)
    if before is not None and not _has_other_number(text, before[1][1], number_start):
        return before
    earlier = before if before is not None or unit is None else _measure_past_circumstance(text, number_start, head_end)
    if (
        earlier is not None
        and unit is not None
        and DEFAULT_UNIT.get(earlier[0]) == unit
        and _only_counts(text, earlier[1][1], number_start)
    ):
        return earlier
    after_text_end = min(len(text), number_end + 40)
    lines = _LINES_AFTER_RE.match(text, number_end, after_text_end)
    if lines is not None:
        return "prior_lines", (number_end, lines.end())
    lead = _AFTER_MEASURE_RE.match(text, number_end, after_text_end)
    after_start = lead.end() if lead else number_end
    after = _MEASURE_RE.match(text, after_start, after_text_end)
    if after is not None and after.lastgroup is not None:
        key = _MEASURE_KEYS[int(after.lastgroup[1:])]
        unit_follows = has_unit or match_unit(text, number_end) is not None
        # A bare number before a noun counts things ("at least one lesion"); it is not that measure's value.
        return (key if unit_follows or key in _COUNTED_BY_NUMBER else f"count:{key}"), after.span()
    named_after = _acronym_after(text, lead, number_end, after_text_end) or _long_name_after(text, lead, number_end)
    if named_after is not None and (before is None or before[0].startswith("head:")):
        return named_after  # "scored 21 on the PHQ-8", "=> 3 on the National Institute of Health Stroke Scale"
    # "Multiple Sclerosis who have had more than 1 relapse": the noun before a relative pronoun is who has the
    # value, not what it measures.
    relative = list(_RELATIVE_PRONOUN_RE.finditer(text, floor, number_start))
    head_floor = relative[-1].end() if relative else floor
    head = head_noun_key(text, head_floor, number_start if head_end is None else head_end, unit == "/uL")
    if has_unit:
        return head
    counted = _counted_after(text, number_end, after_text_end)  # "more than 1 relapse", "3 oral steroid bursts"
    # Things counted after a bare number are what it counts, not the last word before it: plural things after a
    # count's comparator ("defined by at least four swollen joints"), or the noun shared with a count after it
    # ("6 swollen and 5 tender joints"). Otherwise the word after may be a unit the lexicon lacks or part of a name
    # ("type 1 diabetes", "mean score over three readings was 22"), so it wins only over no head.
    bounded = (head_end is not None and head_end < number_start) or _OR_MORE_RE.match(text, number_end) is not None
    # A number spelled in words before a noun counts those things, not the lab named before it ("CD4 220 on his last
    # two tests"): a lab's value is written in digits. After a plain word ("write two poems") the reading stays the
    # head's, which names no lab and is no fact of the person.
    spelled = text[number_start:number_end].isalpha() and head is not None and is_acronym(text[head[1][0] : head[1][1]])
    if counted is not None and (head is None or spelled or _counts_things(text, counted, bounded)):
        return counted
    return head


def _named_before_bracket(text: str, floor: int, number_start: int) -> tuple[str, Span] | None:
    """ "Pain on Numerical Rating Score (Score 4 or higher)": a bracket whose words before the number only say
    "score", "value" or "level" restates the measure named just before it."""
    if floor == 0 or text[floor - 1 : floor] != "(" or head_noun_key(text, floor, number_start) is not None:
        return None
    return measure_key_at(text, clause_start(text, floor - 1), floor - 1)


_RELATIVE_PRONOUN_RE = re.compile(r"\b(?:who|whom|whose)\b", re.IGNORECASE)
# "AST and ALT <= 2.5 x ULN", "SGOT and SGPT < 2.5 times ULN": the clause split at "and" left the second name only.
_PAIR_BEFORE_RE = re.compile(r"\b[A-Za-z][\w-]*(?:\s+[a-z][\w-]*)?(?:\s*\(\s*[A-Za-z]+\s*\))?\s+(?:and|or|&)\s+$")


def _joined_pair(text: str, named: tuple[str, Span]) -> tuple[str, Span]:
    """The measure named together with the one before "and"/"or", when the lexicon has the pair as one measure."""
    pair = search_ending_at(_PAIR_BEFORE_RE, text, max(0, named[1][0] - 45), named[1][0])
    if pair is None:
        return named
    joined = _MEASURE_RE.match(text, pair.start(), named[1][1])
    if joined is None or joined.lastgroup is None or joined.end() != named[1][1]:
        return named
    return _MEASURE_KEYS[int(joined.lastgroup[1:])], joined.span()


# A bare number before a noun counts those things: "six or more steroid bursts in the past year", "exactly one
# relapse", "at least four swollen joints". The noun is the last word before a preposition, a time word or
# punctuation; words that are units or ranks of something else are not counted things.
_OR_MORE_RE = re.compile(r"\s*or\s+(?:more|fewer|less|greater)\s+", re.IGNORECASE)
_COUNT_LEAD_RE = re.compile(r"\s*(?:or\s+(?:more|fewer|less|greater)\s+)?", re.IGNORECASE)
_COUNT_WORD_RE = re.compile(r"[ \t]*([A-Za-z][A-Za-z-]*)")
_COUNT_STOP = frozenset(
    [
        "in",
        "within",
        "of",
        "during",
        "per",
        "over",
        "since",
        "before",
        "after",
        "prior",
        "preceding",
        "previous",
        "ago",
        "last",
        "past",
        "the",
        "a",
        "an",
        "and",
        "or",
        "to",
        "for",
        "at",
        "on",
        "by",
        "from",
        "with",
        "without",
        "than",
        "each",
        "every",
        "this",
        "that",
        "these",
        "those",
        "who",
        "which",
        "is",
        "are",
        "was",
        "were",
        "has",
        "have",
        "had",
        # adverbs of time: "it's 300 now" counts nothing
        "now",
        "today",
        "yesterday",
        "currently",
        "recently",
        "lately",
        "again",
        "still",
        "already",
        "instead",
    ]
)
_NOT_COUNTED = frozenset(
    [
        "points",
        "point",
        "times",
        "time",
        "fold",
        "percent",
        "percentage",
        "units",
        "unit",
        "items",
        "item",
        "dose",
        "doses",
        "mg",
        "kg",
        "ml",
        "years",
        "year",
        "months",
        "month",
        "weeks",
        "week",
        "days",
        "day",
        "hours",
        "hour",
        "minutes",
        "minute",
        "nights",
        "night",
        "cycles",
        "cycle",
        "x",
    ]
)
_COUNT_WORDS_MAX = 3
_PARTICIPLE_RE = re.compile(r"[a-z]{3,}ed", re.IGNORECASE)


def _counted_after(text: str, number_end: int, limit: int) -> tuple[str, Span] | None:
    position = _COUNT_LEAD_RE.match(text, number_end, limit)
    at = position.end() if position else number_end
    head: re.Match[str] | None = None
    for _ in range(_COUNT_WORDS_MAX):
        word = _COUNT_WORD_RE.match(text, at, limit)
        if word is None or (head is not None and word.start(1) == at) or word.group(1).lower() in _COUNT_STOP:
            break
        if head is not None and _PARTICIPLE_RE.fullmatch(word.group(1)):
            break  # "one brain metastasis treated with radiation": a participle after the noun says what was done
        head, at = word, word.end()
    if head is None or head.group(1).lower() in _NOT_COUNTED or len(head.group(1)) < 3:
        return None
    shared = _SHARED_NOUN_RE.match(text, at, limit)
    if shared is not None:  # "6 swollen and 5 tender joints": the first count's noun is the second's
        later = _counted_after(text, shared.end(), limit)
        if later is not None:
            return later[0], head.span(1)
    return "count:" + _singular(head.group(1).lower()), head.span(1)


_SHARED_NOUN_RE = re.compile(r"\s+(?:and|or)\s+(?:\d+|" + "|".join(NUMBER_WORDS) + r")\b", re.IGNORECASE)


def _counts_things(text: str, counted: tuple[str, Span], after_comparator: bool) -> bool:
    surface = text[slice(*counted[1])].lower()
    noun = counted[0].removeprefix("count:")
    shared = noun != _singular(surface)
    return shared or (after_comparator and noun != surface)


def _singular(word: str) -> str:
    """ "bursts" -> "burst", "relapses" -> "relapse" (ingest has no vocabulary; a light fold is enough here)."""
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
        return word[:-1]
    return word


def is_acronym(name: str) -> bool:
    """A name written with two or more capitals ("EDSS", "PHQ-8", "CD4", "NDI"): how scales and labs are named."""
    return sum(1 for char in name if char.isupper()) >= 2


_SCALE_LEAD_RE = re.compile(r"\b(?:on|of|in)\b", re.IGNORECASE)


def _names_a_scale_next(text: str, lead: re.Match[str], number_end: int) -> bool:
    """The words after a value lead to the scale it is read on ("21 on the PHQ-8", "23 out of 30 on the MMSE")."""
    return _SCALE_LEAD_RE.search(text[number_end : lead.end()]) is not None


def _acronym_after(text: str, lead: re.Match[str] | None, number_end: int, end: int) -> tuple[str, Span] | None:
    """A scale named by an acronym after "on/of the" ("21 on the PHQ-8", "7.0 on the EDSS") is the measure."""
    if lead is None or not _names_a_scale_next(text, lead, number_end):
        return None
    word = _WORD_RE.match(text, lead.end(), end)
    if word is None or not is_acronym(word.group()):
        return None
    return "head:" + word.group().lower().replace("_", ""), word.span()


# A scale spelled out after "on/of the": capitalised words ending in what names a scale ("National Institute of
# Health Stroke Scale", "Modified Rankin Scale", "Beck Depression Inventory").
_LONG_SCALE_NAME_RE = re.compile(
    r"(?:[A-Z][\w'-]*\s+(?:(?:of|in|and|the|for)\s+)*){1,7}(?:Scale|Score|Index|Inventory|Questionnaire)\b"
)


def _long_name_after(text: str, lead: re.Match[str] | None, number_end: int) -> tuple[str, Span] | None:
    """A scale spelled out after "on/of the" ("stroke severity => 3 on the National Institute of Health Stroke
    Scale") is the measure, keyed by its initials as its acronym is ("NIHSS 2" in a question): the long form and
    the acronym are one name (`spells_out` reads them alike)."""
    if lead is None or not _names_a_scale_next(text, lead, number_end):
        return None
    name = _LONG_SCALE_NAME_RE.match(text, lead.end())
    if name is None:
        return None
    initials = "".join(w[0] for w in name.group().lower().split() if w not in _LONG_FORM_GLUE and w != "for")
    return "head:" + initials, name.span()


_ANY_DIGIT_RE = re.compile(r"\d")


def _has_other_number(text: str, start: int, end: int) -> bool:
    return _ANY_DIGIT_RE.search(text, start, end) is not None


def _measure_past_circumstance(text: str, number_start: int, head_end: int | None) -> tuple[str, Span] | None:
    """The measure named closest before the number in its sentence, past the clause a long description fills; only
    when the words before the bound are a phrase of circumstance ("in the resting state > 470 msec"), not a noun that
    may name another measure ("PSA increase ... testosterone less than 0.5 ng/mL")."""
    bound_at = number_start if head_end is None else head_end
    if _CIRCUMSTANCE_BEFORE_RE.search(text, max(0, bound_at - 40), bound_at) is None:
        return None
    named = measure_key_at(text, sentence_start(text, number_start, _SENTENCE_REACH), number_start)
    return _joined_pair(text, named) if named is not None else None


_CIRCUMSTANCE_BEFORE_RE = re.compile(
    r"\b(?:in|at|during|on|over|under|after|before|from|with)\s+(?:the\s+|a\s+|an\s+|\d+\s+)?(?:[A-Za-z-]+\s+)?"
    r"[A-Za-z-]+\s*$",
    re.IGNORECASE,
)
_SENTENCE_REACH = 200  # characters: "The average QT interval (QTcF) corrected by Fridericia's formula obtained ..."
_COUNT_NUMBER_RE = re.compile(r"(?<![\d.,])(\d+)(?![\d.,])(?=\s+[A-Za-z])")
_ANY_NUMBER_RE = re.compile(r"\d+(?:[.,]\d+)?")
_BOUND_BEFORE_RE = re.compile(r"[<>=≤≥]|\b(?:than|least|most)\s*$")


def _only_counts(text: str, start: int, end: int) -> bool:
    """Every number between `start` and `end` is a whole number counting things ("from 3 ECG examinations"): no unit,
    no comparator, no decimal; so none of them is a value of the measure named before them."""
    for number in _ANY_NUMBER_RE.finditer(text, start, end):
        counted = _COUNT_NUMBER_RE.match(text, number.start())
        if counted is None or match_unit(text, counted.end()) is not None:
            return False
        if _BOUND_BEFORE_RE.search(text[max(start, number.start() - 12) : number.start()]):
            return False
    return True


_CREATININE_UNITS = frozenset({"mg/dL", "umol/L"})
_CREATININE_WORD_RE = re.compile(r"creat", re.IGNORECASE)


def _refine_measure(text: str, key: str, unit: str | None, clause: Span) -> str:
    """Measures the unit implies when no lexicon word was found (a year count in an age clause is an age)."""
    if unit == "pack-year":
        return "pack_years"
    if unit == "copies/mL" and key != "viral_load" and _copies_of_hiv(text, clause):
        return "viral_load"
    if unit == "km" and (key == UNKNOWN_MEASURE or key.startswith("head:")):
        return "distance"  # "reside within 15 km of Mulago Hospital", "I live 20 miles from it": how far, whatever noun
    if key == "gestational_age" and unit not in (None, "day"):
        # "born at 2,300 grams" is a birth weight, no weeks of pregnancy
        return "weight" if unit in ("mg", "kg") else UNKNOWN_MEASURE
    if key == "creatinine" and unit not in _CREATININE_UNITS and not _CREATININE_WORD_RE.search(text, *clause):
        return "head:cr"  # "Cr" with no creatinine unit: mostly a complete remission ("first CR", "CR 1")
    if key == "pain_score" and unit == "day":
        return "head:pain"  # "leg pain for at least 6 weeks": how long the pain has lasted, not how strong it is
    if key == UNKNOWN_MEASURE and unit is None and _OLDER_AFTER_RE.match(text, clause[1] - 12, clause[1] + 16):
        return "age"  # "Participants 18 and older"
    if unit in (None, "day") and key.startswith("head:") and _age_group_bound(text, key, clause):
        return "age"  # "Children < 12 years", "women 18 years or older"
    if unit in (None, "day") and key == UNKNOWN_MEASURE:
        bracketed = _GROUP_BEFORE_BRACKET_RE.search(text, max(0, clause[0] - 24), clause[1])
        since_event = _SINCE_EVENT_AFTER_RE.match(text, clause[1])
        if bracketed is not None and bracketed.group(1).lower() in _AGE_GROUP_NOUNS and since_event is None:
            return "age"  # "Adults (>18)", "Children (< 12 years)": the bracket opens its own clause
    if key == UNKNOWN_MEASURE and unit == "day":
        # Only an age word close by ("Age >18 and < 60 years", "18 years old") makes a bare duration an age; a
        # far-off "Age:" header in a run-on registry paragraph must not turn "at least 3 months" into an age.
        snippet = text[max(sentence_start(text, clause[0]), clause[0] - 24) : clause[1] + 16]
        return "age" if _AGE_CONTEXT_RE.search(snippet) else key
    if key in _SIZE_MEASURES and unit is None:
        return UNKNOWN_MEASURE  # "EGFR exon 19", "anti-tumor therapy >= 2": a size has a length unit
    if (key in _SIZE_MEASURES or key == UNKNOWN_MEASURE) and unit in _MEASURE_OF_UNIT:
        # "3000 rads to any one lesion group", "10 cm2 total body surface area": not a length, so not a size
        return _MEASURE_OF_UNIT[unit]
    if key.startswith("head:") or key in {"weight", "height"}:
        snippet = text[sentence_start(text, clause[0]) : clause[1] + 16]
        if unit == "mm" and _SIZE_CONTEXT_RE.search(snippet):
            return "lesion_size"
        if unit == "Gy":
            return "radiation_dose"
    return key


# Units that name what they measure, whatever noun stands next to the number.
def _copies_of_hiv(text: str, clause: Span) -> bool:
    """Copies of HIV are its viral load whatever the noun before ("a viral level less than 400 copies/ml", "an HIV
    blood level of at least 2,500 copies/ml", "an HIV count of 400 - 50,000 copies/ml"); not copies of another virus
    or of a gene ("HBV DNA >= 2000 copies/ml", "more than 10 copies of N-myc")."""
    sentence = (sentence_start(text, clause[0]), clause[1])
    return bool(_HIV_RE.search(text, *sentence)) and not _OTHER_VIRUS_RE.search(text, *sentence)


_HIV_RE = re.compile(r"\b(?:hiv|viral|virus|vl)\b", re.IGNORECASE)
# Viruses other than HIV whose copies registries count ("HBV DNA >= 2000 copies/ml").
_OTHER_VIRUS_RE = re.compile(
    r"\b(?:hbv|hcv|hepatitis|hbsag|hbeag|cmv|cytomegalovirus|ebv|epstein|hpv|papilloma|hsv|herpes|sars|covid)",
    re.IGNORECASE,
)
_MEASURE_OF_UNIT = {"Gy": "radiation_dose", "cm2": "head:area", "km": "distance"}


def _age_group_bound(text: str, key: str, clause: Span) -> bool:
    """A bound written right after a noun for people of an age ("Adults (>18)", "Children <12 years") bounds their
    age; after a noun for people in general ("Patients 18 years or older") only when the words after it say so.
    Not a time since an event ("women >= 6 months postpartum"), which the words after the unit name."""
    head = key.removeprefix("head:")
    if head not in _AGE_GROUP_NOUNS and head not in _PEOPLE_NOUNS:
        return False
    between = re.search(rf"\b{re.escape(head)}\b(?P<gap>[^0-9]*?)\d", text[clause[0] : clause[1]], re.IGNORECASE)
    if between is None or any(w.lower() not in _AGE_GAP_WORDS for w in re.findall(r"[A-Za-z]+", between["gap"])):
        return False  # the noun is not the bound's own head ("Children with asthma for >= 2 years")
    after = text[clause[1] : clause[1] + 16]
    if _SINCE_EVENT_AFTER_RE.match(after):
        return False
    return head in _AGE_GROUP_NOUNS or _OLDER_AFTER_RE.match(text, clause[1] - 12, clause[1] + 16) is not None


_AGE_GROUP_NOUNS = frozenset(
    [
        "adult",
        "adults",
        "child",
        "children",
        "adolescent",
        "adolescents",
        "minor",
        "minors",
        "infant",
        "infants",
        "boy",
        "boys",
        "girl",
        "girls",
        "man",
        "men",
        "woman",
        "women",
        "male",
        "males",
        "female",
        "females",
    ]
)
_AGE_GAP_WORDS = frozenset(
    [
        "patients",
        "subjects",
        "participants",
        "aged",
        "age",
        "over",
        "under",
        "above",
        "below",
        "at",
        "least",
        "most",
        "than",
        "older",
        "younger",
        "young",  # "children as young as 10 years", "adults as old as 85"
        "old",
        "as",
        "between",
        "from",
        "of",
        "is",
        "are",
    ]
)
_GROUP_BEFORE_BRACKET_RE = re.compile(r"\b([A-Za-z]+)\s*[(\[]\s*\\?[<>≤≥=]*\s*\\?[<>≤≥=]*\s*\d")
_PEOPLE_NOUNS = frozenset(
    ["patient", "patients", "subject", "subjects", "participant", "participants", "volunteers", "individuals"]
)
# Words naming people, which stand before a bound to say whom it is for, not what it measures.
_GROUP_HEADS = _AGE_GROUP_NOUNS | _PEOPLE_NOUNS | {"pediatric", "paediatric"}
_SINCE_EVENT_AFTER_RE = re.compile(
    r"\W*(?:post|after|since|from|before|prior|postpartum|post-?partum|of\b|duration)", re.IGNORECASE
)


_COUNTED_BY_NUMBER = frozenset({"prior_lines", "radiation_dose", "age"})
_SIZE_MEASURES = frozenset({"lesion_size"})
_OR_LIST_RE = re.compile(r"(?:\s*,\s*\d{1,3})*\s*,?\s*(?:or|and)\s+(?P<last>\d{1,3})(?!\d|\.\d|\s*%)", re.IGNORECASE)
_LISTABLE = SCORE_MEASURES | _SCORE_OR_PERCENT
_ROMAN_HINTS = ("class", "nyha", "asa", "new york")


def find_quantities(text: str) -> list[QuantityMention]:
    """Every number in `text` with unit, comparator and measure. Offsets index `text` itself."""
    cleaned = clean_text(text)
    lowered = cleaned.lower()
    mentions: list[QuantityMention] = []
    taken: list[Span] = []
    # Cheap substring tests gate each regex pass: most criteria have no "between", class numerals or number words.
    if "between" in lowered:
        for found in _BETWEEN_RE.finditer(cleaned):
            mention = _between_mention(cleaned, found)
            if mention is not None:
                mentions.append(mention)
                taken.append(found.span())
    if any(hint in lowered for hint in _PLUS_MINUS_HINTS):
        for found in _PLUS_MINUS_RE.finditer(cleaned):
            mention = _plus_minus_mention(cleaned, found)
            if mention is not None:
                mentions.append(mention)
                taken.append((found.start(), mention.span[1]))  # with the unit after it ("x 10^9/L")
    if any(hint in lowered for hint in _ROMAN_HINTS):
        for found in _ROMAN_RE.finditer(cleaned):
            mentions.append(_roman_mention(cleaned, found))
            taken.append(found.span())
    if "/" in lowered and _ACUITY_WORD_RE.search(lowered):
        for found in SNELLEN_RE.finditer(cleaned):
            mention = None if any(s <= found.start() < e for s, e in taken) else _snellen_mention(cleaned, found)
            if mention is not None:
                mentions.append(mention)
                taken.append(mention.span)
    number_re = _NUMBER_RE if any(word in lowered for word in NUMBER_WORDS) else _DIGIT_NUMBER_RE
    consumed_until = -1
    for found in number_re.finditer(cleaned):
        # Digits inside a unit ("mm^3", "10^9/L") or a range already read are not numbers of their own.
        if found.start() < consumed_until or any(s <= found.start() < e for s, e in taken):
            continue
        mention = _number_mention(cleaned, found)
        if mention is None:
            continue
        pair = _BP_PAIR_RE.match(cleaned, found.end()) if mention.measure == "blood_pressure" else None
        if pair is not None:
            mentions.extend(_blood_pressure_pair(mention, pair))
            consumed_until = pair.end()
            continue
        # Listed measures go first: a bound bracketed after this one ("(<= 5 x ULN if liver metastases)") belongs
        # to the measure named at it, which `_coordinated_measures` takes as the last one before.
        mentions.extend(_measures_listed_before(cleaned, mention))
        mention = _with_its_scale_maximum(cleaned, mention)
        mentions.append(mention)
        consumed_until = mention.span[1]
        members = _listed_members(cleaned, mention)
        mentions.extend(members)
        consumed_until = max([consumed_until, *(m.span[1] for m in members)])
    if "ice " in lowered or "once" in lowered:
        mentions.extend(_times_mentions(cleaned))
    if "normal" in lowered or "uln" in lowered or "wnl" in lowered:
        mentions.extend(_normal_limit_mentions(cleaned, taken + [m.span for m in mentions]))
    mentions.sort(key=lambda m: m.span[0])
    mentions = [_age_at_diagnosis(cleaned, m) if m.quantity.unit == "day" else m for m in mentions]
    mentions = [_age_before_or_after(cleaned, m) for m in mentions]
    mentions = _bounds_by_sex(cleaned, mentions)
    mentions = [_on_its_scale(m) for m in mentions]
    mentions = _age_labels(cleaned, mentions)
    return _coordinated_measures(cleaned, _unit_repeated_ranges(cleaned, mentions))


# "CD4 count of at least 750 (under 12 months of age), at least 500 (1 to 5 years of age) ...", "Shortening fraction
# > 29% (> 35% for children < 3 years)": an age in a bracket opened right after another measure's bound says whose
# limit that bound is; it is no age limit of the criterion (read as one, it contradicted the age fields for every age).
AGE_LABEL = "age_label"
_LABEL_BRACKET_GAP_RE = re.compile(r"[^\S\n]*(?:[^\s\d()]{1,12}[^\S\n]*)?\($")


def _age_labels(text: str, mentions: list[QuantityMention]) -> list[QuantityMention]:
    labelled: list[QuantityMention] = []
    brackets: list[Span] = []  # the label brackets read so far
    for mention in mentions:
        named = mention.measure_span
        if named is not None and any(start <= named[0] < end for start, end in brackets):
            mention = _unnamed(text, mention)  # ", or at least 200 (6 years ...)" took "age" from a label before it
        opening, closing = text.rfind("(", 0, mention.span[0]), text.find(")", mention.span[1])
        if mention.measure != "age" or opening < 0 or closing < 0 or ")" in text[opening : mention.span[0]]:
            labelled.append(mention)
            continue
        # the bound the bracket follows, ending right before it (a unit between them at most)
        bound = next((m for m in reversed(labelled) if m.span[1] <= opening and m.measure != AGE_LABEL), None)
        if (
            bound is not None
            and _labelled_by_bracket(bound, in_a_list=bool(brackets))
            and _LABEL_BRACKET_GAP_RE.fullmatch(text, bound.span[1], opening + 1)
        ):
            if bound.measure == "age":  # "or at least 200 (6 years of age or older)": "older" had made it an age
                labelled[labelled.index(bound)] = _unnamed(text, bound)
            mention = replace(mention, measure=AGE_LABEL)
            brackets.append((opening, closing + 1))
        labelled.append(mention)
    return labelled


def _labelled_by_bracket(bound: QuantityMention, in_a_list: bool) -> bool:
    """Whether an age bracket right after the bound labels it: after another named measure's bound, yes; after a
    bare number or an age read only from the words near it, only in a list of labelled bounds (else the bracket
    restates or widens that age: "18 and older (age 18 years or more)", "15 to 60 (... up to age 70 may be
    considered)")."""
    if bound.measure not in ("age", UNKNOWN_MEASURE):
        return True
    return in_a_list and (bound.measure == UNKNOWN_MEASURE or _age_by_its_neighbours(bound))


def _age_by_its_neighbours(mention: QuantityMention) -> bool:
    """An age read from the words near a bare number ("18 and older"), not named at it nor written in years."""
    return mention.measure == "age" and not mention.unit_given and mention.measure_span == mention.number_span


def _unnamed(text: str, mention: QuantityMention) -> QuantityMention:
    """The mention as a bare bound: no measure named, and no unit but one written at it."""
    if mention.unit_given:
        return replace(mention, measure=UNKNOWN_MEASURE, measure_span=None)
    written = parse_number(text[mention.number_span[0] : mention.number_span[1]])
    if written is None:
        return mention
    upper = mention.quantity.upper
    scale = written / mention.quantity.value if mention.quantity.value else 1.0
    quantity = make_quantity(written, None if upper is None else upper * scale, None, 1.0, UNKNOWN_MEASURE)
    return replace(mention, measure=UNKNOWN_MEASURE, measure_span=None, quantity=quantity)


# "7/10", "3 out of 10", "65/100": a rating written against the top of its scale; the top is no value of its own.
# "3 out of 10", "6/10", "MMS 26/30", "Barthel ADL-index >14 of 20": the top of the scale the value is read on, no
# value of its own (read as one, "MMS 26/30" told two values of the score, 26 and 30). A whole number from 5 up.
_OUT_OF_RE = re.compile(r"\s*(?:/|out\s+of|of)\s*(?P<top>[1-9]\d{0,2})\b(?!\s*(?:[.,/]\d|%))", re.IGNORECASE)
_MIN_SCALE_TOP = 5
_ACUITY_RE = re.compile(r"\b(?:acuity|vision|visual|snellen|logmar|etdrs)\b", re.IGNORECASE)
# A plural noun right after the top counts things ("6 of 28 swollen joints", "5 of 10 criteria"); "on the MMSE",
# "points", "most days", an end of sentence do not.
_COUNTED_AFTER_TOP_RE = re.compile(
    r"\s+(?!points\b|(?:most|some|many|all|the|these|those|on|in|at|for)\b)(?:[a-z]+\s+)?[a-z]{3,}s\b", re.IGNORECASE
)


def _with_its_scale_maximum(text: str, mention: QuantityMention) -> QuantityMention:
    found = _OUT_OF_RE.match(text, mention.number_span[1])
    if found is None or mention.unit_given or mention.quantity.upper is not None:
        return mention
    top = float(found.group("top"))
    if top < _MIN_SCALE_TOP or not 0 <= mention.quantity.value <= top or match_unit(text, found.end()) is not None:
        return mention  # "30 of 45 days": a time, no scale
    if _COUNTED_AFTER_TOP_RE.match(text, found.end()):
        return mention  # "2 of 6 swollen joints": things counted, no scale
    if _ACUITY_RE.search(text, max(0, mention.span[0] - 60), found.end()):
        return mention  # "visual acuity of 20/80": a Snellen fraction, no value and top
    mention = replace(mention, span=(mention.span[0], max(mention.span[1], found.end())))
    named = _scale_named_after(text, found.end()) if _names_nothing(mention.measure) else None
    return mention if named is None else replace(mention, measure=named[0], measure_span=named[1])


def _names_nothing(measure: str) -> bool:
    """A reading whose measure is the word before the number, or nothing ("I scored 23 out of 30 ...")."""
    return measure == UNKNOWN_MEASURE or measure.startswith(("head:", "count:"))


def _scale_named_after(text: str, end: int) -> tuple[str, Span] | None:
    """The scale named after a value's top ("23 out of 30 on the MMSE"): a lexicon measure, an acronym or a long
    name after "on/of/in the"."""
    lead = _AFTER_MEASURE_RE.match(text, end, min(len(text), end + 40))
    if lead is None or not _names_a_scale_next(text, lead, end):
        return None
    after = _MEASURE_RE.match(text, lead.end(), min(len(text), end + 60))
    if after is not None and after.lastgroup is not None:
        return _MEASURE_KEYS[int(after.lastgroup[1:])], after.span()
    return _acronym_after(text, lead, end, min(len(text), end + 60)) or _long_name_after(text, lead, end)


# The values each scale can take, from its definition: ECOG/Zubrod 0-5 (Oken 1982), Karnofsky and Lansky 0-100,
# NYHA I-IV, MMSE and MoCA 0-30, ASA I-VI, BASDAI 0-10, DAS28 0-10, PASI and EASI 0-72, HAM-D-17 0-52. A number
# outside them is no value of the scale ("ECOG performance status =< 52", a garbled record).
SCALE_RANGES: dict[str, tuple[float, float]] = {
    "ecog": (0, 5),
    "karnofsky": (0, 100),
    "lansky": (0, 100),
    "nyha": (1, 4),
    "mmse": (0, 30),
    "moca": (0, 30),
    "asa": (1, 6),
    "basdai": (0, 10),
    "das28": (0, 10),
    "pasi": (0, 72),
    "easi": (0, 72),
    "hamd": (0, 52),
}


def _on_its_scale(mention: QuantityMention) -> QuantityMention:
    scale = SCALE_RANGES.get(mention.measure)
    values = [mention.quantity.value] + ([] if mention.quantity.upper is None else [mention.quantity.upper])
    if scale is None or all(scale[0] <= v <= scale[1] for v in values):
        return mention
    return replace(mention, measure=UNKNOWN_MEASURE)


# "less than or equal to 30 years at the time of initial diagnosis", "age <= 21 at diagnosis": an age at an event of
# the past, not the participant's age now.
_AT_DIAGNOSIS_RE = re.compile(
    r"[^.;:\n\d]{0,25}?\bat\s+(?:the\s+)?(?:time\s+of\s+)?(?:(?:initial|first|original|primary)\s+)?"
    r"(?:diagnosis|onset|presentation)\b",
    re.IGNORECASE,
)
# The same said before the number: "onset of cluster headache at ≤50 years of age", "age at diagnosis < 18 years",
# "with onset prior to 50 years of age".
_DIAGNOSIS_BEFORE_RE = re.compile(
    r"\b(?:onset|diagnos(?:is|ed))\b[^.;:\n\d]{0,50}?\b(?:at|before|prior\s+to|after)\s+(?:the\s+age\s+of\s+|age\s+)?"
    r"[<>≤≥=]*\s*$"
    r"|\bages?\s+at\s+(?:the\s+time\s+of\s+)?(?:(?:initial|first|original|primary)\s+)?(?:diagnosis|onset)\b"
    # not past a conjunction: "age at ... diagnosis and less than 21 years at inclusion" is a second age, of now
    r"(?:(?!\b(?:and|or|but)\b)[^.;\n\d]){0,24}$",
    re.IGNORECASE,
)
AGE_AT_DIAGNOSIS = "age_at_diagnosis"


def _age_at_diagnosis(text: str, mention: QuantityMention) -> QuantityMention:
    # a bare "30 years" is an age here too ("Patients must be less than or equal to 30 years at the time of ...")
    ageless = mention.measure == UNKNOWN_MEASURE or mention.measure.startswith("head:")
    if not (mention.measure == "age" or ageless):
        return mention
    number_start = mention.number_span[0]
    before = search_ending_at(_DIAGNOSIS_BEFORE_RE, text, max(0, number_start - 90), number_start)
    if _AT_DIAGNOSIS_RE.match(text, mention.span[1]) is None and before is None:
        return mention
    if ageless and mention.quantity.value < DAYS_PER_UNIT["year"]:
        return mention  # "within 6 months at the time of diagnosis" is no age
    return replace(mention, measure=AGE_AT_DIAGNOSIS)


# "QTc interval ≥ 450(male)/470(female) msec": one bound for each sex, the second written with only its number.
_SEX_WORD = r"(?:males?|females?|men|women)"
_BOUNDS_BY_SEX_RE = re.compile(
    rf"(?P<first>\d+(?:\.\d+)?)\s*\(\s*{_SEX_WORD}\s*\)\s*/\s*(?P<second>\d+(?:\.\d+)?)\s*\(\s*{_SEX_WORD}\s*\)",
    re.IGNORECASE,
)


def _bounds_by_sex(text: str, mentions: list[QuantityMention]) -> list[QuantityMention]:
    """The second bound of "450(male)/470(female)" is of the first's measure, comparator and unit (it had been read
    as an age after "male"). Text without such a pair keeps its mentions as they are."""
    pairs = list(_BOUNDS_BY_SEX_RE.finditer(text))
    if not pairs:
        return mentions
    for found in pairs:
        first = next((m for m in mentions if m.number_span == found.span("first")), None)
        if first is None:
            continue
        value = parse_number(found.group("second"))
        if value is None:
            continue
        number = found.span("second")
        written = parse_number(text[first.number_span[0] : first.number_span[1]])
        scale = first.quantity.value / written if written else 1.0  # "10 weeks" is kept in days
        second = replace(first, quantity=replace(first.quantity, value=value * scale), number_span=number, span=number)
        mentions = [m for m in mentions if not (m.number_span[0] <= number[0] < m.number_span[1])] + [second]
    return sorted(mentions, key=lambda m: m.number_span[0])


# "before 40 years of age", "prior to age 50", "after the age of 65": an age bound by words of time order.
_AGE_ORDER_BEFORE_RE = re.compile(
    r"\b(?P<order>before|prior\s+to|after)\s+(?:the\s+age\s+of\s+|age\s+)?$", re.IGNORECASE
)


def _age_before_or_after(text: str, mention: QuantityMention) -> QuantityMention:
    """An age read with no comparator is bounded by "before"/"prior to" (under it) or "after" (over it)."""
    if mention.measure not in ("age", AGE_AT_DIAGNOSIS) or mention.comparator is not Comparator.EQ:
        return mention
    start = mention.number_span[0]
    found = search_ending_at(_AGE_ORDER_BEFORE_RE, text, max(0, start - 24), start)
    if found is None:
        return mention
    comparator = Comparator.GT if found.group("order").lower() == "after" else Comparator.LT
    return replace(mention, comparator=comparator, span=(min(found.start(), mention.span[0]), mention.span[1]))


# Labs CTCAE v5 grades as multiples of the upper limit of normal. For these, "bilirubin <= ULN", "creatinine within
# normal limits" and "my bilirubin is normal" are bounds or values of 1 x ULN; other labs have a lower limit too
# ("platelets within normal limits"), so "normal" is no one number for them.
ULN_GRADED_MEASURES = frozenset({"bilirubin", "alt", "ast", "alt_ast", "creatinine"})
_UPPER_NORMAL = (
    r"(?:the\s+)?(?:institutional\s+|laboratory\s+|local\s+|site\s+)?"
    r"(?:upper\s+limits?\s+(?:of\s+)?(?:the\s+)?normal(?:\s+range)?|uln)\b"
)
_AT_UPPER_NORMAL_RE = re.compile(_UPPER_NORMAL, re.IGNORECASE)
# "within normal limits", "WNL", "in the normal range", "(is) normal", "normal bilirubin"
_WITHIN_NORMAL_RE = re.compile(
    r"\b(?:within|in)\s+(?:the\s+)?(?:institutional\s+)?normal\s+(?:limits?|range|values?)\b|\bwnl\b"
    r"|(?<!\bnot\s)(?<!\bnon-)\bnormal\b(?!\s+(?:limits?|range|values?|for)\b)",
    re.IGNORECASE,
)
# Between the measure and "normal": only a verb or a level word ("bilirubin levels were normal").
_TO_NORMAL_RE = re.compile(
    r"\s*(?:levels?|values?|counts?)?\s*(?:is|are|was|were|has\s+been|have\s+been|:|-)?\s*$", re.IGNORECASE
)


def _normal_limit_mentions(text: str, taken: list[Span]) -> list[QuantityMention]:
    """Bounds and values at the upper limit of normal that carry no number, for the labs graded against it."""
    mentions: list[QuantityMention] = []
    for found in _AT_UPPER_NORMAL_RE.finditer(text):
        if any(s <= found.start() < e for s, e in taken):
            continue  # "1.5 x ULN" was read with its number
        floor = clause_start(text, found.start())
        prefix = _prefix_comparator(text, found.start(), floor)
        if prefix is None:
            continue
        comparator, start = prefix
        mention = _at_upper_normal(text, comparator, (start, found.end()), found.span(), floor)
        if mention is not None:
            mentions.append(mention)
    for found in _WITHIN_NORMAL_RE.finditer(text):
        if any(s <= found.start() < e for s, e in taken):
            continue
        floor = clause_start(text, found.start())
        mention = _at_upper_normal(text, Comparator.LE, found.span(), found.span(), floor)
        if mention is None and found.group().lower() == "normal":
            mention = _normal_named_after(text, found)
        if mention is not None:
            mentions.append(mention)
    return mentions


def _at_upper_normal(text: str, comparator: Comparator, span: Span, bound: Span, floor: int) -> QuantityMention | None:
    named = measure_key_at(text, floor, span[0])
    if named is None or named[0] not in ULN_GRADED_MEASURES or _has_other_number(text, named[1][1], span[0]):
        return None
    if bound == span and _TO_NORMAL_RE.fullmatch(text, named[1][1], span[0]) is None:
        return None  # "bilirubin ... normal" with other words between: "normal" is about something else
    quantity = Quantity(1.0, "xULN")
    return QuantityMention(named[0], named[1], comparator, quantity, bound, (named[1][0], span[1]), True)


_FOR_AGE_RE = re.compile(r"\s+for\s+(?:(?:his|her|their|the)\s+)?age\b", re.IGNORECASE)


def _normal_named_after(text: str, found: re.Match[str]) -> QuantityMention | None:
    """ "normal bilirubin", "a normal creatinine" """
    after = _MEASURE_RE.match(text, found.end() + len(text[found.end() :]) - len(text[found.end() :].lstrip()))
    if after is None or after.lastgroup is None:
        return None
    key = _MEASURE_KEYS[int(after.lastgroup[1:])]
    if key not in ULN_GRADED_MEASURES or _FOR_AGE_RE.match(text, after.end()):
        return None  # "normal creatinine for age": the limit for the child's age, not the lab's one ULN
    quantity = Quantity(1.0, "xULN")
    return QuantityMention(key, after.span(), Comparator.LE, quantity, found.span(), (found.start(), after.end()), True)


# "Creatinine and bilirubin < 1.5 x ULN", "Bilirubin, AST, and ALT no greater than 2.5 x normal": measures listed
# with nothing but "and", "or", commas or a slash before the one named at the bound share that bound.
_MEASURE_LIST_JOIN_RE = re.compile(r"(?:\s*,\s*(?:(?:and|or)\s+)?|\s+(?:and|or|&)\s+|\s*/\s*)$", re.IGNORECASE)
# "normal creatinine for age or GFR at least 70": a name after a preposition qualifies another; "1.60 m tall and
# weigh 118 kg": a name after a number is that number's; neither is a list member.
_QUALIFIED_BY_RE = re.compile(r"(?:\b(?:for|of|by|with|in|on|at|to|per|from)|\d\s*[a-zA-Z%/]{0,6})\s+$", re.IGNORECASE)
_LISTED_MEASURES_MAX = 4


def _measures_listed_before(text: str, mention: QuantityMention) -> list[QuantityMention]:
    """The same bound for each measure listed right before the one named at it."""
    if (
        mention.measure_span is None
        or mention.measure_span[1] > mention.number_span[0]
        or mention.measure == UNKNOWN_MEASURE
        or mention.measure.startswith(("head:", "count:"))
        or mention.quantity.unit == "day"
    ):
        return []
    members: list[QuantityMention] = []
    start = mention.measure_span[0]
    while len(members) < _LISTED_MEASURES_MAX:
        join = _MEASURE_LIST_JOIN_RE.search(text, max(0, start - 10), start)
        if join is None:
            break
        named = measure_key_at(text, max(0, join.start() - 45), join.start())
        if (
            named is None
            or named[1][1] != join.start()
            or named[0] in ("age", mention.measure)
            or _QUALIFIED_BY_RE.search(text, max(0, named[1][0] - 12), named[1][0]) is not None
        ):
            break
        members.append(replace(mention, measure=named[0], measure_span=named[1]))
        start = named[1][0]
    return members


# "ranging from 1cm to 4cm", "5 mg - 10 mg": a range whose unit is written after both numbers.
_UNIT_RANGE_JOIN_RE = re.compile(_RANGE_SEP)


def _unit_repeated_ranges(text: str, mentions: list[QuantityMention]) -> list[QuantityMention]:
    joined: list[QuantityMention] = []
    for mention in mentions:
        previous = joined[-1] if joined else None
        if (
            previous is not None
            and previous.comparator is Comparator.EQ
            and mention.comparator is Comparator.EQ
            and previous.unit_given
            # time windows are read on their own; an age's ends may each carry a unit ("age 3 months to 16 years")
            and previous.quantity.unit == mention.quantity.unit
            and (mention.quantity.unit != "day" or previous.measure == "age")
            and previous.quantity.upper is None
            and mention.quantity.upper is None
            and previous.quantity.value < mention.quantity.value
            and _UNIT_RANGE_JOIN_RE.fullmatch(text, previous.span[1], mention.number_span[0])
        ):
            quantity = replace(previous.quantity, upper=mention.quantity.value)
            joined[-1] = replace(
                previous, comparator=Comparator.RANGE, quantity=quantity, span=(previous.span[0], mention.span[1])
            )
            continue
        joined.append(mention)
    return joined


# "> 155 U/L for females and > 185 U/L for males", "< 20 or > 50": a bound joined to the previous one by and/or
# (with a "for ..." or "in ..." qualifier between at most) bounds the same measure. So does a range opened after
# the conjunction ("less than 4 ng/ml or in between 4-10 ng/ml"), and a bound after a longer "for <whom> ..." clause
# (">1000 mg/g for the patients without previous ACE inhibitor and ARB therapy and >500 mg/g for ...").
_COORDINATION_RE = re.compile(
    r"(?:[^.;:\n\d]{0,30}?|\S{0,4}\s+for\s+(?:the\s+)?(?:patients|subjects|participants|those|people|persons"
    # (classic XML wraps its lines: a line break inside the clause is a space)
    r"|individuals|women|men|males|females|children|adults)\b(?:[^.;:\n\d]|\n[ \t]+(?=[a-z])){0,90}?)"
    r"\b(?:and|or)\b(?:\s+(?:in\s+)?between|\s+from)?[^.;:\n\d]{0,6}$",
    re.IGNORECASE,
)


# "Body mass index above 25 and less than 40 kg/m2": the second bound's own words are only a comparator.
_COORDINATED_BOUND_RE = re.compile(r"[^.;:\n\d]{0,30}?\b(?:and|or)\b[^.;:\n\d]{0,25}$", re.IGNORECASE)


def _named_by_previous(text: str, previous: QuantityMention, mention: QuantityMention) -> bool:
    """The bound took its measure word from inside the previous mention ("index" of "Body mass index above 25",
    "m2" of its unit) and is joined to it by and/or and a comparator: it bounds the same measure."""
    if mention.measure_span is None or not previous.span[0] <= mention.measure_span[0] < previous.span[1]:
        return False
    return _COORDINATED_BOUND_RE.match(text, previous.span[1], mention.number_span[0]) is not None


# "ALT <= 2.5 x ULN (<= 5 x ULN if liver metastases are present)": a bound in brackets right after another, in the
# same unit, is another limit on that measure (for another case), not a number about nothing.
_BRACKETED_BOUND_RE = re.compile(r"\s*[(\[]\s*$")


def _coordinated_measures(text: str, mentions: list[QuantityMention]) -> list[QuantityMention]:
    joined: list[QuantityMention] = []
    for mention in mentions:
        if mention.measure.removeprefix("head:") in _GROUP_HEADS and not mention.unit_given:
            # "... a Hct of less than 30 or pediatric subjects less than 25": who the bound is for names no measure
            mention = replace(mention, measure=UNKNOWN_MEASURE)
        bounds = [m for m in joined if m.measure != AGE_LABEL]
        previous = bounds[-1] if bounds and mention.measure != AGE_LABEL else None
        since = previous.span[1] if previous is not None else 0
        if previous is not None and joined[-1].measure == AGE_LABEL and joined[-1].span[0] > since:
            # "at least 750 (under 12 months of age), at least 500 (...)": the second bound is coordinated with the
            # first past the age label between them
            since = max(since, text.find(")", joined[-1].span[1]) + 1)
        carried = _bare_bound_carried(text, previous, mention, since) if previous is not None else None
        if carried is not None:
            joined.append(carried)
            continue
        if (
            previous is not None
            and (mention.measure == UNKNOWN_MEASURE or mention.measure.startswith("head:"))
            and previous.measure != UNKNOWN_MEASURE
            and not previous.measure.startswith(("head:", "count:"))
            and mention.comparator is not Comparator.EQ
            and mention.quantity.unit == previous.quantity.unit
            and (
                _COORDINATION_RE.match(text, since, mention.span[0])
                or _named_by_previous(text, previous, mention)
                or _BRACKETED_BOUND_RE.match(text, since, mention.span[0])
            )
        ):
            mention = replace(mention, measure=previous.measure, measure_span=previous.measure_span)
        joined.append(mention)
    return joined


_COUNT_OF_LIST_RE = re.compile(r"\s+of\b", re.IGNORECASE)
_LIST_COMMA_RE = re.compile(r"\s*,\s*$")


def _bare_bound_carried(
    text: str, previous: QuantityMention, mention: QuantityMention, since: int
) -> QuantityMention | None:
    """ "BMI < 20 or > 50", "Oxygenation index of >= 5 and <= 30": a bound that is only a comparator and a bare number,
    joined to the bound before it by and/or, bounds that bound's measure in its unit (dropped, the second limit of a
    range was lost and a value past it read as meeting the first). `since` is where the words joining them start
    (past an age label after the first bound)."""
    if (
        mention.measure != UNKNOWN_MEASURE
        or mention.unit_given
        or mention.comparator in (Comparator.EQ, Comparator.RANGE)
        or previous.comparator is Comparator.EQ  # "prior to Day 1 (or > 1200 mL ...)": a name's number, no bound
        or previous.measure == UNKNOWN_MEASURE
        or previous.measure.startswith("count:")
        or (previous.quantity.unit == "day" and previous.measure != "age")  # times are read as windows
        or not (
            _COORDINATION_RE.match(text, since, mention.span[0])
            # "at least 750 (under 12 months of age), at least 500 (1 to 5 years of age), or ...": a list of labelled
            # bounds is joined by commas
            or (since > previous.span[1] and _LIST_COMMA_RE.match(text, since, mention.span[0]))
        )
        # "(ANC > 1800/mm3 required), or > 2 times ...": a bracket closed between them ends the bound's scope
        or any(mark in text[since : mention.span[0]] for mark in ")]")
        or _COUNT_OF_LIST_RE.match(text, mention.span[1])  # "and at least 2 of the following"
    ):
        return None
    unit: tuple[str | None, float] = (None, 1.0)
    if previous.unit_given:
        written = match_unit(text, previous.number_span[1])
        if written is None:
            return None
        unit = (written[0], written[1])
    low, high = mention.quantity.value, mention.quantity.upper
    quantity = make_quantity(low, high, unit[0], unit[1], previous.measure)
    if quantity.unit != previous.quantity.unit:
        return None
    return replace(mention, measure=previous.measure, measure_span=previous.measure_span, quantity=quantity)


# "blood pressure 150/95" or "BP > 140/90 mmHg": systolic over diastolic.
# "150/95", and as people say it, "150 over 95"
_BP_PAIR_RE = re.compile(r"\s*(?:/|\bover\b)\s*(?P<diastolic>\d{2,3})(?!\d)(?:\s*mm\s*hg)?", re.IGNORECASE)


def _blood_pressure_pair(mention: QuantityMention, pair: re.Match[str]) -> list[QuantityMention]:
    systolic = replace(mention, measure="systolic_bp", span=(mention.span[0], pair.end()))
    diastolic_value = float(pair.group("diastolic"))
    diastolic = replace(
        mention,
        measure="diastolic_bp",
        quantity=Quantity(diastolic_value, "mmHg"),
        number_span=pair.span("diastolic"),
        span=(mention.span[0], pair.end()),
    )
    return [systolic, diastolic]


def _between_mention(text: str, found: re.Match[str]) -> QuantityMention | None:
    low, high = parse_number(found.group("lo")), parse_number(found.group("hi"))
    if low is None or high is None:
        return None
    unit_info = match_unit(text, found.end())
    inner_unit = match_unit(text, found.end("lo"))
    unit_info = unit_info or inner_unit
    key, named, end = _range_measure(text, found, unit_info)
    unit = unit_info[0] if unit_info else None
    if "age" in found.group(0).lower():
        key = "age"
    quantity = make_quantity(low, high, unit, unit_info[1] if unit_info else 1.0, key)
    if (
        inner_unit is not None
        and inner_unit[2][1] <= found.start("hi")
        and unit_info is not None
        and inner_unit[0] == unit_info[0]
        and inner_unit[1] != unit_info[1]
    ):
        # "between the ages of 4 months and 21 years": each bound in its own unit
        floor_value = make_quantity(low, None, inner_unit[0], inner_unit[1], key)
        quantity = replace(quantity, value=floor_value.value)
    return QuantityMention(
        key,
        named,
        Comparator.RANGE,
        quantity,
        (found.start("lo"), found.end("hi")),
        (min(found.start(), named[0]), end),
        unit_info is not None,
    )


def _range_measure(text: str, found: re.Match[str], unit_info: tuple[str, float, Span] | None) -> tuple[str, Span, int]:
    """For a range read at `found` ("between 18 and 65", "70 kg + or - 15 kg"): the measure it bounds, where that is
    named, and where the range ends (with a unit written after it)."""
    end = unit_info[2][1] if unit_info and unit_info[2][0] >= found.end() else found.end()
    floor = clause_start(text, found.start())
    measure = _measure_for(text, found.start(), end, floor) or (UNKNOWN_MEASURE, found.span())
    unit = unit_info[0] if unit_info else None
    return _refine_measure(text, measure[0], unit, (floor, end)), measure[1], end


def _plus_minus_mention(text: str, found: re.Match[str]) -> QuantityMention | None:
    """ "Weigh 70 kg + or - 15 kg": the range from 55 to 85 kg, in the unit written after either number."""
    middle, spread = parse_number(found.group("mid")), parse_number(found.group("spread"))
    if middle is None or spread is None or spread > middle:
        return None
    unit_info = match_unit(text, found.end()) or match_unit(text, found.end("mid"))
    key, named, end = _range_measure(text, found, unit_info)
    unit = unit_info[0] if unit_info else None
    quantity = make_quantity(middle - spread, middle + spread, unit, unit_info[1] if unit_info else 1.0, key)
    return QuantityMention(
        key,
        named,
        Comparator.RANGE,
        quantity,
        (found.start("mid"), found.end("spread")),
        (min(found.start(), named[0]), end),
        unit_info is not None,
    )


# Visual acuity in Snellen notation: the test distance over the distance at which a normal eye reads the same line
# ("20/100" in feet, "6/30" in metres). Read as the decimal acuity it stands for (20/100 = 0.2), so that a larger number
# is better sight and "20/80" meets "20/100 or better"; said of sight only ("vision", "acuity", "VA", "Snellen", and
# people's "I see 20/200 with glasses"; over all criteria "see" never stood alone before a fraction, not even in PDQ
# records' "See Disease Characteristics").
_ACUITY_WORD_RE = re.compile(r"\b(?:acuity|vision|va|bcva|snellen|eyesight|sight|see)\b")
_SNELLEN_FRACTION = r"(?P<num>20|6)\s*/\s*(?P<den>\d{1,3})(?![\d/]|\.\d)"
SNELLEN_RE = re.compile(r"(?<![\d/.])" + _SNELLEN_FRACTION)
_ACUITY_BETTER_AFTER_RE = re.compile(r"\s*(?:or|and)\s+(?P<way>better|worse)\b", re.IGNORECASE)
_ACUITY_BETTER_BEFORE_RE = re.compile(
    r"\b(?P<equal>(?:equal\s+(?:to\s+)?or|at\s+least\s+as\s+good\s+as|no|not)\s+)?(?P<way>better|worse)\s+than\s*$",
    re.IGNORECASE,
)
_SNELLEN_TO_RE = re.compile(r"\s*(?:-|–|to|through)\s*" + _SNELLEN_FRACTION, re.IGNORECASE)
ACUITY = "visual_acuity"


def _snellen_mention(text: str, found: re.Match[str]) -> QuantityMention | None:
    """ "visual acuity of 20/100 or better" -> acuity >= 0.2; "worse than 20/40" -> < 0.5."""
    lead_start = max(sentence_start(text, found.start()), found.start() - 120)
    words = list(_ACUITY_WORD_RE.finditer(text[lead_start : found.start()].lower()))
    if not words or int(found["den"]) == 0:
        return None
    named = words[-1]  # the word of sight nearest the fraction
    value = int(found["num"]) / int(found["den"])
    comparator, start, end = Comparator.EQ, found.start(), found.end()
    upper = None
    ranged = _SNELLEN_TO_RE.match(text, found.end())
    if ranged is not None and int(ranged["den"]) > 0:  # "20/80 - 20/200": from one line to the other
        other = int(ranged["num"]) / int(ranged["den"])
        value, upper, comparator, end = min(value, other), max(value, other), Comparator.RANGE, ranged.end()
    after = _ACUITY_BETTER_AFTER_RE.match(text, found.end()) if upper is None else None
    before = _ACUITY_BETTER_BEFORE_RE.search(text, max(0, found.start() - 40), found.start())
    if after is not None:
        comparator = Comparator.GE if after["way"].lower() == "better" else Comparator.LE
        end = after.end()
    elif before is not None and upper is None:
        better = before["way"].lower() == "better"
        if before["equal"] and before["equal"].split()[0].lower() in ("no", "not"):
            comparator = Comparator.LE if better else Comparator.GE  # "no better than 20/40": at most 0.5
        elif before["equal"]:
            comparator = Comparator.GE if better else Comparator.LE
        else:
            comparator = Comparator.GT if better else Comparator.LT
        start = before.start()
    elif upper is None:
        prefix = _prefix_comparator(text, found.start(), clause_start(text, found.start()))
        if prefix is not None:  # "Fellow eye visual acuity <20/200": the fraction's order is the decimal's
            comparator, start = prefix
    measure_start = lead_start + named.start()
    return QuantityMention(
        ACUITY,
        (measure_start, measure_start + len(named.group())),
        comparator,
        Quantity(value, "decimal acuity", upper),
        found.span(),
        (start, end),
        True,
    )


def _roman_mention(text: str, found: re.Match[str]) -> QuantityMention:
    lead = found.group("lead").lower()
    key = "asa" if lead.startswith("asa") else "nyha"
    if lead.startswith("class"):
        before = measure_key_at(text, clause_start(text, found.start()), found.start())
        key = before[0] if before else "nyha"
    low = float(ROMAN[found.group("lo").lower()])
    high_token = found.group("hi")
    high = float(ROMAN[high_token.lower()]) if high_token else None
    start = found.start()
    comparator = Comparator.RANGE if high is not None else Comparator.EQ
    prefix = _prefix_comparator(text, found.start("lo"), clause_start(text, found.start()))
    if prefix is None:
        prefix = _prefix_comparator(text, found.start(), clause_start(text, found.start()))
    if high is None and prefix is not None:
        comparator, start = prefix[0], min(start, prefix[1])
    end = found.end()
    suffix = _suffix_comparator(text, end)
    if suffix is not None and high is None:
        comparator, end = suffix
    quantity = Quantity(low, "score", high)
    return QuantityMention(
        key,
        (found.start("lead"), found.end("lead")),
        comparator,
        quantity,
        (found.start("lo"), found.end()),
        (start, end),
        False,
    )


_SYMBOL_BEFORE_RE = re.compile(r"(≥|≤|>=|<=|>|<)\s*$")
_SYMBOLS = {
    "≥": Comparator.GE,
    ">=": Comparator.GE,
    ">": Comparator.GT,
    "≤": Comparator.LE,
    "<=": Comparator.LE,
    "<": Comparator.LT,
}


# "15 cigarettes a day", "> 5 days per month", "18 hours/day", "3 drinks daily": a count per period. Criterion and
# question are both read here, so the counted noun itself (plural-folded) names the measure and like compares with
# like; no lexicon of countable things is needed.
_RATE_RE = re.compile(
    r"[ \t]*(?P<noun>[a-z][a-z-]{2,})(?:[ \t]+[a-z][a-z-]+){0,3}?[ \t]*"
    r"(?:(?:a|an|per|each|every)[ \t]+|/[ \t]*)(?P<period>day|week|month|year|night)\b"
    r"|[ \t]*(?P<noun2>[a-z][a-z-]{2,})[ \t]+(?P<adverb>daily|weekly|monthly|nightly)\b",
    re.IGNORECASE,
)
# "twice a week": the multiplicative word is the count and "times" is understood.
_TIMES_RATE_RE = re.compile(
    r"[ \t]*(?:(?:a|an|per|each|every)[ \t]+|/[ \t]*)(?P<period>day|week|month|year|night)\b", re.I
)
_MULTIPLICATIVE = {"once": 1.0, "twice": 2.0, "thrice": 3.0}
_PERIOD_OF_ADVERB = {"daily": "day", "weekly": "week", "monthly": "month", "nightly": "night"}


def _listed_members(text: str, mention: QuantityMention) -> list[QuantityMention]:
    """The other grades of a list that skips one ("NYHA class 1, 3 or 4"), each read on its own as the first was,
    so that class 2 is outside it and class 3 in it."""
    if mention.comparator is not Comparator.EQ or mention.measure not in _LISTABLE:
        return []
    listed = _OR_LIST_RE.match(text, mention.number_span[1])
    if listed is None or _consecutive(mention.quantity.value, listed.group(0)):
        return []
    members = []
    for number in re.finditer(r"\d+", listed.group(0)):
        span = (listed.start() + number.start(), listed.start() + number.end())
        quantity = replace(mention.quantity, value=float(number.group()))
        members.append(replace(mention, quantity=quantity, number_span=span, span=span))
    return members


def _consecutive(first: float, rest: str) -> bool:
    """ "0, 1 or 2" lists every grade from 0 to 2; "1, 3 or 4" skips one, so it is not the range 1-4 (each grade
    listed is read on its own)."""
    listed = [first, *(float(n) for n in re.findall(r"\d+", rest))]
    return all(b - a == 1 for a, b in itertools.pairwise(listed))


# Rates are compared per day, whatever period they are written in: "two beers every night" against "> 14 drinks per
# week".
_PER_DAY = {
    "day": 1.0,
    "night": 1.0,
    "week": 1 / DAYS_PER_UNIT["week"],
    "month": 1 / DAYS_PER_UNIT["month"],
    "year": 1 / DAYS_PER_UNIT["year"],
}
# An alcoholic drink however it is served counts as one standard drink (NIAAA: a 12-oz beer, a 5-oz glass of wine, a
# 1.5-oz shot of spirits). A bottle or a pint holds more than one, and UK "units" are a smaller measure: not counted.
_STANDARD_DRINKS = frozenset({"drink", "beer", "glass", "wine", "shot", "can", "cocktail", "alcoholic", "liquor"})


def _rate_key(rate: re.Match[str]) -> str:
    """ "rate:<thing>/day"; a count of "times" keeps its own period (see `_times_mentions`)."""
    noun = (rate.group("noun") or rate.group("noun2")).lower()
    singular = (
        noun[:-2] if noun.endswith("sses") else noun[:-1] if noun.endswith("s") and not noun.endswith("ss") else noun
    )
    if singular == "time":
        return f"rate:time/{_period(rate)}"
    return f"rate:{'drink' if singular in _STANDARD_DRINKS else singular}/day"


def _period(rate: re.Match[str]) -> str:
    return (rate.group("period") or _PERIOD_OF_ADVERB[rate.group("adverb").lower()]).lower()


def _per_day(rate: re.Match[str]) -> float:
    return _PER_DAY[_period(rate)]


def _scaled(quantity: Quantity, factor: float) -> Quantity:
    # rounded so that "14 drinks per week" and "2 a day" meet exactly at the limit
    upper = None if quantity.upper is None else round(quantity.upper * factor, 6)
    return Quantity(round(quantity.value * factor, 6), quantity.unit, upper)


def _times_mentions(text: str) -> list[QuantityMention]:
    """ "twice a week", "once a day": counts per period written with a multiplicative word."""
    mentions = []
    for found in re.finditer(r"\b(once|twice|thrice)\b", text, re.IGNORECASE):
        rate = _TIMES_RATE_RE.match(text, found.end())
        if rate is None:
            continue
        floor = clause_start(text, found.start())
        prefix = _prefix_comparator(text, found.start(), floor)
        comparator, start = prefix if prefix is not None else (Comparator.EQ, found.start())
        # "times" names no event: counts of it are compared only within the same period, a weak guard against
        # pairing "once a day" (a dose) with "symptoms at least 2 times per week"
        key = f"rate:time/{rate.group('period').lower()}"
        quantity = Quantity(_MULTIPLICATIVE[found.group(1).lower()], "")
        mentions.append(
            QuantityMention(key, rate.span(), comparator, quantity, found.span(), (start, rate.end()), False)
        )
    return mentions


# A titre is one number: "ANA 1:80" is a dilution of 80, below "<= 1:160".
_TITRE_RE = re.compile(r"1\s*:\s*(?P<n>[1-9]\d{0,2}(?:,\d{3})+|[1-9]\d{0,5})(?![\d:])")


# A minus sign glued to a number after a space, a bracket or a comparator ("T-score of -1.0", "(−2.5)", "≤-1"), not
# a hyphen inside a name ("L4-5", "PHQ-8") nor a bullet that opens a line ("-18 years or older").
_MINUS_BEFORE_RE = re.compile(r"(?<=[ \t(\[=:<>≤≥])[-−](?=\d)")
_LAST_WORD_RE = re.compile(r"([A-Za-z]+)[ \t]*$")


def _signed(text: str, start: int, value: float | None) -> float | None:
    """The number read at `start`, negative when a minus sign stands glued before it mid-line and after a word or a
    comparator, not after a number or its unit ("6.5 % -10.5 %", "6.5 percentage -10.5": a range's dash)."""
    if value is None or start == 0 or _MINUS_BEFORE_RE.match(text, start - 1) is None:
        return value
    before = text[text.rfind("\n", 0, start - 1) + 1 : start - 1].rstrip()
    if not before:
        return value
    if before[-1] in "(<>=≤≥:[":
        return -value
    word = _LAST_WORD_RE.search(before)
    if word is None or match_unit(before, word.start()) is not None:
        return value
    return -value


# "the dose does not exceed 3000 rads to any one lesion group and/or greater than 10 cm2": a bound joined to a negated
# one without a verb of its own is negated too.
_NEGATED_BOUND_RE = re.compile(
    r"\b(?:not|never)\s+(?:to\s+)?(?:exceed(?:ing)?|be\s+(?:greater|more|higher|larger|over|above)|greater|more|higher"
    r"|larger|over|above)\b[^.;:]*?\b(?:and/or|or|nor)\s+$",
    re.IGNORECASE,
)
_NEGATION_FLIP = {Comparator.GT: Comparator.LE, Comparator.GE: Comparator.LT}
_NEGATION_REACH = 120  # characters back from the bound to the negated one


def _negation_carried(text: str, bound_start: int) -> bool:
    start = max(sentence_start(text, bound_start), bound_start - _NEGATION_REACH)
    joined = search_ending_at(_NEGATED_BOUND_RE, text, start, bound_start)
    return joined is not None and not _VERB_BETWEEN_RE.search(text, joined.start(), bound_start)


# A verb of the second bound's own ("... or is greater than"): then it says its own polarity.
_VERB_BETWEEN_RE = re.compile(r"\b(?:and/or|or|nor)\s+(?:is|are|was|has|have|had|be)\b", re.IGNORECASE)


DURATION = "duration"  # how long something lasted or was taken ("for at least 2 months", "more than 6 weeks of AZT")
# "..., or a combination thereof, for at least 2 months": the bound follows "for"; "More than 6 weeks of prior
# zidovudine therapy": what it lasted is named after "of", and is no anchor a time is counted from.
_FOR_BEFORE_BOUND_RE = re.compile(r"\bfor\s+$", re.IGNORECASE)
# What a time is counted from ("within 4 weeks of study entry", "at least 2 weeks of the first dose").
_ANCHOR_NOUN = (
    r"(?:study|first|initial|start|randomi[sz]ation|enrol|registration|screening|baseline|day|cycle|entry|inclusion"
    r"|consent|visit|treatment\s+start)"
)
_OF_WHAT_LASTED_RE = re.compile(
    r"\s+of\s+(?!(?:the\s+)?" + _ANCHOR_NOUN + r"\b)(?:(?:prior|previous|continuous|cumulative|any)\s+)*[A-Za-z]",
    re.IGNORECASE,
)


def _names_a_length(text: str, bound_start: int, end: int) -> bool:
    if _ANCHORED_AFTER_RE.match(text, end):
        return False  # "no smoking for at least 1 year prior to study entry": a time before an anchor, a window
    return bool(_FOR_BEFORE_BOUND_RE.search(text, max(0, bound_start - 5), bound_start)) or bool(
        _OF_WHAT_LASTED_RE.match(text, end)
    )


_ANCHORED_AFTER_RE = re.compile(
    r"\s*(?:\(|,)?\s*(?:prior|before|preceding|ago|since|from|after|following|until|of\s+(?:the\s+)?"
    + _ANCHOR_NOUN
    + r")\b",
    re.IGNORECASE,
)


# "80k", "2.5K": thousands, as people write counts; not a unit that starts with k ("35 kg", "5 kcal", "10 kPa").
_THOUSANDS_AFTER_RE = re.compile(r"[kK](?![A-Za-z0-9])")


def _number_mention(text: str, found: re.Match[str]) -> QuantityMention | None:
    titre = _TITRE_RE.match(text, found.start()) if found.group("lo") == "1" and not found.group("hi") else None
    low = _signed(text, found.start(), parse_number(titre.group("n") if titre else found.group("lo")))
    high = _signed(text, found.start("hi"), parse_number(found.group("hi"))) if found.group("hi") else None
    if low is None:
        return None
    if high is not None and high < low < 0:
        low, high = high, low  # "T-score -1.0 to -2.5" spans the same scores as "-2.5 to -1.0"
    number_end = titre.end() if titre else found.end()
    thousands = None if titre else _THOUSANDS_AFTER_RE.match(text, number_end)
    if thousands is not None:  # "VL 80-90k", "platelets 150K": the k counts thousands, at both ends of a range
        low, high = low * 1000, None if high is None else high * 1000
        number_end = thousands.end()
    rate = None if titre else _RATE_RE.match(text, number_end)
    unit_info = ("titer", 1.0, titre.span("n")) if titre else None if rate is not None else match_unit(text, number_end)
    if found.group("unit1") and unit_info is None and rate is None:
        unit_info = ("%", 1.0, (found.start("unit1"), found.end("unit1")))
    end = unit_info[2][1] if unit_info and unit_info[2][0] >= number_end else number_end
    if rate is not None:
        end = rate.end()
    unit_end = end
    unit = unit_info[0] if unit_info else None
    factor = unit_info[1] if unit_info else 1.0
    floor = clause_start(text, found.start())
    comparator = Comparator.RANGE if high is not None else Comparator.EQ
    start = found.start()
    # "T score < -2.5": the comparator stands before the sign
    signed_start = found.start() - 1 if low < 0 else found.start()
    prefix = _prefix_comparator(text, signed_start, floor)
    if high is None and prefix is not None:
        comparator, start = prefix
        if comparator in _NEGATION_FLIP and _negation_carried(text, start):
            comparator = _NEGATION_FLIP[comparator]
    elif prefix is not None and _ONE_SIDED_WORDS_RE.match(text, prefix[1], signed_start):
        # "a minimum of 3-6 months", "at least 3-6 months": a bound on one side whose value is a range (`compare`
        # decides only where both ends agree). Not "within 21 to 90 years", "over 18 to 70", "> 23-35": ranges.
        comparator, start = prefix
    suffix = _suffix_comparator(text, end)
    if high is None and prefix is None and suffix is not None:
        comparator, end = suffix
    measure = (
        (_rate_key(rate), rate.span())
        if rate is not None
        else _measure_for(text, found.start(), unit_end, floor, start, unit_info is not None, unit)
        or (UNKNOWN_MEASURE, found.span())
    )
    if comparator is Comparator.EQ and measure[0] != UNKNOWN_MEASURE:
        # "≥Grade 3": the comparator stands before the measure's name, not before the number.
        before = _SYMBOL_BEFORE_RE.search(text[max(floor, measure[1][0] - 3) : measure[1][0]])
        if before is not None:
            comparator = _SYMBOLS[before.group(1)]
            start = min(start, measure[1][0] - (len(before.group(0))))
    key = _refine_measure(text, measure[0], unit, (floor, end))
    if unit in ("C", "F") and key != "temperature":
        # "transaminases > 2.5C the upper limits of normal" (a typing slip), "AVEG 014C" (a protocol's name)
        unit, factor, unit_info = None, 1.0, None
    if key == "temperature" and unit is None:
        unit = _temperature_scale(low)  # "a fever of 101", "38.3 by mouth": which scale, the number says
    if key == "temperature" and unit not in (None, "C", "F"):
        # "Fever for more than 7 days", "febrile neutropenia within 2 weeks": a time, not a temperature
        named = text[measure[1][0] : measure[1][1]].lower()
        head = head_noun_key(text, floor, found.start()) if named.endswith("febrile") else None  # the noun it describes
        measure = head or ("head:" + re.sub(r"\W|s$", "", named.split()[-1]), measure[1])
        key = measure[0]
    bounded = comparator is not Comparator.EQ
    if key == UNKNOWN_MEASURE and unit == "day" and bounded and _names_a_length(text, start, end):
        key = DURATION
    number_span = (found.start(), number_end) if titre else found.span()
    listed = _OR_LIST_RE.match(text, end) if comparator is Comparator.EQ and key in _LISTABLE else None
    if listed is not None and low < float(listed.group("last")) <= low + 4 and _consecutive(low, listed.group(0)):
        # "ECOG 0, 1 or 2" lists every allowed grade: read it as the range 0-2.
        high, comparator, end = float(listed.group("last")), Comparator.RANGE, listed.end()
        number_span = (number_span[0], end)
    quantity = make_quantity(low, high, unit, factor, key)
    if rate is not None and not key.startswith("rate:time/"):
        quantity = _scaled(quantity, _per_day(rate))
    span_start = min(start, measure[1][0])
    return QuantityMention(
        key,
        measure[1],
        comparator,
        quantity,
        number_span,
        (span_start, max(end, measure[1][1])),
        unit_info is not None,
    )


# Where a body temperature lies on each scale, from deep hypothermia to the highest fevers survived: no number is on
# both, so a temperature told without its unit still says which it is ("a fever of 101", "38.3 by mouth").
_BODY_TEMPERATURE = {"C": (30.0, 45.0), "F": (86.0, 113.0)}


def _temperature_scale(value: float) -> str | None:
    return next((scale for scale, (low, high) in _BODY_TEMPERATURE.items() if low <= value <= high), None)


def _units_compatible(value: Quantity, constraint: Quantity, measure: str) -> tuple[float, float | None] | None:
    """Constraint bounds expressed in the value's unit, or None when the two cannot be compared."""
    if measure in _AMBIGUOUS_WITHOUT_UNIT and "" in (value.unit, constraint.unit):
        return None  # creatinine "110" is µmol/L, "1.1" mg/dL; a guess here would be a wrong verdict
    if value.unit == constraint.unit:
        return constraint.value, constraint.upper
    if value.unit in ("", "score") and not takes_bare_value(measure, constraint.unit):
        return None
    if value.unit in ("", "score") and constraint.unit not in _UNIT_REQUIRED:
        return constraint.value, constraint.upper
    if measure in _SCORE_OR_PERCENT and {value.unit, constraint.unit} <= {"score", "%", ""}:
        return constraint.value, constraint.upper
    si = _SI_FACTORS.get(measure)
    if si is not None and {value.unit, constraint.unit} == {"mg/dL", si[0]}:
        scale = si[1] if value.unit == si[0] else 1 / si[1]
        upper = None if constraint.upper is None else constraint.upper * scale
        return constraint.value * scale, upper
    affine = _AFFINE_UNITS.get(measure)
    if affine is not None and {value.unit, constraint.unit} == {affine[0], affine[1]}:
        percent, _, slope, intercept = affine

        def convert(bound: float) -> float:
            return bound * slope + intercept if value.unit == percent else (bound - intercept) / slope

        return convert(constraint.value), None if constraint.upper is None else convert(constraint.upper)
    return None


def takes_bare_value(measure: str, unit: str) -> bool:
    """Whether a number told without a unit may be read against a bound on `measure` in `unit`. Not against a
    percentage of a lab the lexicon does not know ("CD4 12" against "CD4 percentage < 15%"): such a lab is counted as
    often as it is proportioned, and a bare number does not say which."""
    return not (unit == "%" and measure.startswith("head:"))


def compare(value: Quantity, constraint: Comparison) -> bool | None:
    """True if `value` satisfies the constraint, False if it violates it, None when units do not line up.

    A value that is itself a range ("ECOG 1-2") decides only when the whole range falls on one side; so does a
    one-sided bound given as a range ("a minimum of 3-6 months"), at both its ends.
    """
    bounds = _units_compatible(value, constraint.value, constraint.measure)
    if bounds is None:
        return None
    low_bound, high_bound = bounds
    lows = [value.value] if value.upper is None else [value.value, value.upper]
    ends: list[tuple[float, float | None]]
    if constraint.comparator in _ONE_SIDED and high_bound is not None:
        ends = [(low_bound, None), (high_bound, None)]
    else:
        ends = [(low_bound, high_bound)]
    verdicts = {_satisfies(v, constraint.comparator, bound, upper) for v in lows for bound, upper in ends}
    return verdicts.pop() if len(verdicts) == 1 else None


_ONE_SIDED = frozenset({Comparator.GE, Comparator.GT, Comparator.LE, Comparator.LT})
_ONE_SIDED_WORDS_RE = re.compile(
    r"\s*(?:at\s+least|(?:a\s+)?minimum(?:\s+of)?|no\s+less\s+than|not\s+less\s+than|at\s+most"
    r"|(?:a\s+)?maximum(?:\s+of)?|no\s+more\s+than|not\s+more\s+than)\s*$",
    re.IGNORECASE,
)


def _satisfies(number: float, comparator: Comparator, bound: float, upper: float | None) -> bool:
    tolerance = 1e-9 * max(1.0, abs(bound))
    if comparator is Comparator.GE:
        return number >= bound - tolerance
    if comparator is Comparator.GT:
        return number > bound + tolerance
    if comparator is Comparator.LE:
        return number <= bound + tolerance
    if comparator is Comparator.LT:
        return number < bound - tolerance
    if comparator is Comparator.RANGE:
        top = bound if upper is None else upper
        low, high = min(bound, top), max(bound, top)
        return low - tolerance <= number <= high + tolerance
    return abs(number - bound) <= tolerance
