"""Normalise personal names for search and duplicate detection, in Latin and Arabic script.

Two keys are derived from a name:
- `fold()`: lower-case, without accents, Arabic diacritics (tashkil, tatweel), letter
  variants (أ إ آ → ا, ة → ه, ى → ي) or look-alike letters (Persian ک → ك, Latin ɑ → a).
  Used for substring search.
- `skeleton()`: a consonant outline shared across scripts, so that "Mohamed", "Mohammed"
  and "محمد" all give "mhmd". Vowels, long-vowel letters, hamza and ʿayn are dropped,
  French and English spellings of one Arabic sound are merged, doubled letters collapse.
"""

import re
import unicodedata

ARABIC_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
ARABIC_VARIANTS = {"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي", "ؤ": "و", "ئ": "ي"}
# Letters of the Persian, Urdu, Kurdish or Sindhi alphabets drawn like an Arabic letter: "کریم" and
# "كريم" look the same. They are accepted in the Arabic-script fields, not refused: the person typing
# cannot see the difference (a keyboard layout or a copied text gives them), the field's rule is the
# Arabic script, which they belong to, and Moroccan writing itself uses letters beyond the Arabic
# language's (ڤ for v, ڭ/گ for the g of Amazigh names and places): a list of "letters Moroccans use"
# would refuse real names. So they are merged here, where every spelling variant is, and the duplicate
# check and the search treat them as the Arabic letter, for stored names and typed searches alike.
ARABIC_LOOKALIKES = {
    "ک": "ك", "ڪ": "ك", "ګ": "ك",  # keheh, swash kaf, kaf with ring
    "ی": "ي", "ې": "ي", "ۍ": "ي", "ێ": "ي", "ے": "ي",  # Farsi yeh, Pashto, Kurdish, Urdu yeh barree
    "ہ": "ه", "ھ": "ه", "ە": "ه", "ۃ": "ه",  # heh goal, heh doachashmee, ae, teh marbuta goal
    "ۆ": "و", "ۇ": "و", "ۈ": "و", "ۋ": "و", "ۅ": "و", "ۉ": "و",  # Kurdish and Uyghur waws
    "ڭ": "گ", "ݣ": "گ", "ڨ": "گ",  # the Maghrebi g, written with whichever letter the keyboard has
}  # fmt: skip
# Latin letters drawn like another (IPA, small capitals) or whose stroke NFKD does not remove: a small
# table of what can pass for a name's letter, not a confusables database (other scripts are refused
# in Latin fields, see reintegration.lib.text). Applied after lower(): Ɑ and Ɡ lower to ɑ and ɡ.
LATIN_LOOKALIKES = {
    "ɑ": "a", "ı": "i", "ɩ": "i", "ɪ": "i", "ȷ": "j", "ɡ": "g", "ɢ": "g", "ʀ": "r", "ſ": "s", "ʏ": "y",
    "ᴀ": "a", "ʙ": "b", "ᴄ": "c", "ᴅ": "d", "ᴇ": "e", "ꜰ": "f", "ʜ": "h", "ᴊ": "j", "ᴋ": "k", "ʟ": "l",
    "ᴍ": "m", "ɴ": "n", "ᴏ": "o", "ᴘ": "p", "ꜱ": "s", "ᴛ": "t", "ᴜ": "u", "ᴠ": "v", "ᴡ": "w", "ᴢ": "z",
    "ø": "o", "ł": "l", "đ": "d", "ħ": "h", "ŧ": "t", "ƀ": "b", "ɨ": "i", "æ": "ae", "œ": "oe",
}  # fmt: skip
LETTER_VARIANTS = str.maketrans({**ARABIC_VARIANTS, **ARABIC_LOOKALIKES})
LATIN_VARIANTS = str.maketrans(LATIN_LOOKALIKES)

# Arabic letters to the Latin consonant used by the skeleton ("" drops the letter).
ARABIC_TO_LATIN = str.maketrans(
    {
        "ا": "", "و": "", "ي": "", "ء": "", "ع": "", "ه": "h", "ح": "h", "ب": "b", "ت": "t",
        "ث": "t", "ط": "t", "ج": "j", "خ": "x", "د": "d", "ذ": "d", "ض": "d", "ظ": "d",
        "ر": "r", "ز": "z", "س": "s", "ص": "s", "ش": "c", "غ": "g", "ف": "f", "ق": "k",
        "ك": "k", "ل": "l", "م": "m", "ن": "n", "ڤ": "v", "پ": "b", "گ": "g", "چ": "c", "ژ": "j",
    }
)  # fmt: skip
# Latin spellings of one Arabic sound, longest first: ch/sh → c (ش), kh → x (خ), ...
LATIN_SOUNDS = [
    ("dj", "j"),
    ("ch", "c"),
    ("sh", "c"),
    ("kh", "x"),
    ("gh", "g"),
    ("th", "t"),
    ("ph", "f"),
    ("q", "k"),
    ("ou", ""),
]
LATIN_VOWELS = re.compile("[aeiouyw]")
LATIN_ARTICLES = {"el", "al"}
NOT_A_LETTER = re.compile(r"[^\w]|[\d_]")


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold(text: str) -> str:
    """Case-, accent- and variant-insensitive form of a name, words separated by one space."""
    text = ARABIC_DIACRITICS.sub("", unicodedata.normalize("NFKC", text or ""))
    # Accents first: ۓ (ے with hamza) then meets the table as ے, as أ meets it as ا.
    text = strip_accents(text).translate(LETTER_VARIANTS).lower().translate(LATIN_VARIANTS)
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


def skeleton(text: str) -> str:
    """The consonant outline of a name, comparable across Latin and Arabic script."""
    return outline_of(fold(text).split())


def family_outline(text: str) -> str:
    """The outline of a family name without its leading article, which is written or not:
    El Idrissi / Idrissi / الإدريسي / إدريسي. First names keep theirs (Ilham / إلهام)."""
    return outline_of(without_article(fold(text).split()))


def family_outline_variants(text: str) -> set[str]:
    """Also the outline without an article glued to a Latin name (Elidrissi, Elamrani), when what
    remains still has a shape of its own: "Alaoui" keeps its "Al" (العلوي is one outline, "l")."""
    outlines = {family_outline(text)}
    words = fold(text).split()
    if len(words) == 1 and words[0][:2] in LATIN_ARTICLES:
        rest = outline_of([words[0][2:]])
        if len(rest) >= 2:
            outlines.add(rest)
    return outlines - {""}


def outline_of(words: list[str]) -> str:
    return re.sub(r"(.)\1+", r"\1", "".join(word_outline(word) for word in words))


def without_article(words: list[str]) -> list[str]:
    """Drop a leading article, as a separate Latin word or as the Arabic prefix ال.

    Only at the start: inside a name (عبد القادر, Abdelkader) the article is part of it.
    """
    if len(words) > 1 and words[0] in LATIN_ARTICLES:
        return words[1:]
    if words and words[0].startswith("ال") and len(words[0]) > 3:
        return [words[0][2:], *words[1:]]
    return words


def word_outline(word: str) -> str:
    for spelling, sound in LATIN_SOUNDS:
        word = word.replace(spelling, sound)
    outline = NOT_A_LETTER.sub("", LATIN_VOWELS.sub("", word).translate(ARABIC_TO_LATIN))
    # A final h is often silent and written or not: Fatima/فاطمه, Abdellah/Abdella, طه/Taha.
    return outline.removesuffix("h") if len(outline) > 1 else outline


def person_key(first_name: str, last_name: str) -> str:
    """One key per person, the same whichever order the two names were written in."""
    parts = sorted(part for part in (skeleton(first_name), family_outline(last_name)) if part)
    return "|".join(parts)


def person_keys(first_name: str, last_name: str) -> set[str]:
    """The keys a typed name may match: person_key, and the variant without a glued article."""
    first = skeleton(first_name)
    return {"|".join(sorted(part for part in (first, family) if part)) for family in family_outline_variants(last_name)}


# The first letter of a name, for the search's two-consonant outlines: y/ي, or a vowel, ʿayn, hamza or
# w/و (Oussama/أسامة, Ouafae/وفاء: French writes "ou" where Arabic writes a hamza or a waw).
INITIAL_Y = {"y", "ي"}
INITIAL_VOWELS = set("aeiouw") | {"ا", "ع", "ء", "و"}


def search_outline(words: list[str]) -> str:
    """The outline the search matches a (folded) name on, "" when it has none worth matching.

    Three consonants or more: the skeleton, as the duplicate check uses it. Two: the skeleton marked
    with the name's initial sound, because two consonants alone equate too many first names: "sf" is
    Youssef, Yousef, Youssouf and يوسف, but also Sofia and Saif. Names that start with y or a vowel
    are those whose spellings vary the most (Y/I/E/A/Ou), so only they are widened: "y'sf" is the
    Youssef family, "'sm" Oussama and أسامة. Names that start with a consonant are not ("sd" is Said
    and Saad, two names: سعيد, سعد). One consonant (Ali, Aicha) is left to the substring search.
    """
    outline = outline_of(words)
    if len(outline) >= 3:
        return outline
    initial = words[0][:1] if words else ""
    if len(outline) == 2 and initial in INITIAL_Y:
        return "y'" + outline
    if len(outline) == 2 and initial in INITIAL_VOWELS:
        return "'" + outline
    return ""


def search_outlines(first_name: str, last_name: str) -> set[str]:
    """A person's outlines for the search: each name's, and the family name's without its article too,
    so that "Idrissi" finds "El Idrissi" and الإدريسي."""
    family = fold(last_name).split()
    outlines = {
        search_outline(fold(first_name).split()),
        search_outline(family),
        search_outline(without_article(family)),
    }
    return outlines - {""}


def search_words(text: str) -> list[str]:
    """The words of a search, without articles standing alone ("Mohamed El Idrissi")."""
    return [word for word in fold(text).split() if word not in LATIN_ARTICLES]
