"""The one text normalisation that training and scoring share."""

from __future__ import annotations

import html
import re
import unicodedata

# Placeholders are plain words so that both word and character n-grams see them. Links stay
# as they are: their own n-grams ("http", "www.", ".com") carried better to unseen sources.
EMAIL_TOKEN = "xemail"
LONG_NUMBER_TOKEN = "xnumlong"
MENTION_TOKEN = "xuser"

# Words naming a religion, origin, sexuality, gender, age or disability are dropped. In the
# training data they co-occur with abuse, so a model that keeps them flags "I am a gay man";
# without them the abuse head ranks the identity-term comments the same whichever term is used.
# fmt: off
IDENTITY_WORDS = frozenset((
    "christian", "christians", "catholic", "catholics", "protestant", "protestants", "muslim",
    "muslims", "islam", "islamic", "jew", "jews", "jewish", "judaism", "hindu", "hindus",
    "buddhist", "buddhists", "sikh", "sikhs", "taoist", "atheist", "atheists", "mormon",
    "mormons", "black", "blacks", "white", "whites", "asian", "asians", "african", "africans",
    "hispanic", "hispanics", "latino", "latinos", "latina", "latinas", "latinx", "mexican",
    "mexicans", "chinese", "japanese", "indian", "indians", "arab", "arabs", "european",
    "europeans", "american", "americans", "canadian", "canadians", "eastern", "gay", "gays",
    "lesbian", "lesbians", "bisexual", "bisexuals", "homosexual", "homosexuals", "heterosexual",
    "heterosexuals", "straight", "queer", "queers", "lgbt", "lgbtq", "trans", "transgender",
    "transgenders", "nonbinary", "female", "females", "male", "males", "old", "older", "elderly",
    "aged", "young", "younger", "teenage", "teenager", "teenagers", "millenial", "millenials",
    "millennial", "millennials", "blind", "deaf", "paralyzed", "disabled",
))
# fmt: on
_WORD = re.compile(r"[a-z]+")

_INVISIBLE = dict.fromkeys(
    map(ord, "\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\ufeff\u00ad\u180e\u034f"),
    None,
)
# Cyrillic and Greek letters that render like Latin ones, used to dodge word filters.
_LOOKALIKES = str.maketrans(
    "аеорсухіјѕԁԛԝвкмнтгАЕОРСУХІЈЅВКМНТαβεικνορτυχωγ",
    "aeopcyxijsdqwbkmhtrAEOPCYXIJSBKMHTabeikvoptuxwy",
)
_LEET = str.maketrans("0134578@$!|", "oieastbasii")

_TAG_HREF = re.compile(r"""<a\s[^>]*?href\s*=\s*["']?([^"'\s>]+)[^>]*>""", re.IGNORECASE)
_TAG = re.compile(r"<[^>]{0,200}>")
_TLDS = r"(?:com|net|org|info|biz|ru|xyz|top|online|site|club|shop|store)"
_URL = re.compile(
    r"(?:(?:https?|ftp)://|www\.)[^\s<>\"']+"
    rf"|\b[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.{_TLDS}\b(?:/[^\s<>\"']*)?",
    re.IGNORECASE,
)
# A cheap first look: the full pattern is only run where a link can be.
_URL_HINT = re.compile(rf"://|www\.|\.{_TLDS}\b", re.IGNORECASE)
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_MENTION = re.compile(r"(?<![\w@])@\w+")
_LEET_RUN = re.compile(r"(?<=[a-z])[0134578@$!|]+(?=[a-z])")
# Phone numbers and short codes, a classic spam sign; shorter numbers stay as they are.
_LONG_NUMBER = re.compile(r"\d{5,}")
_REPEAT = re.compile(r"([^\dw])\1\1+")  # "www" and numbers stay whole


def link_hint(text: str) -> bool:
    """Whether ``text`` may hold a link (a cheap test before ``text_links``)."""
    return _URL_HINT.search(text) is not None


def text_links(text: str) -> list[str]:
    """The links in ``text``: with a scheme, starting www., or a bare domain of a common TLD."""
    return _URL.findall(text)


def _drop_identity(text: str) -> str:
    if IDENTITY_WORDS.isdisjoint(_WORD.findall(text)):
        return text
    return _WORD.sub(lambda m: "" if m.group(0) in IDENTITY_WORDS else m.group(0), text)


def _unleet(match: re.Match[str]) -> str:
    return match.group(0).translate(_LEET)


def normalise(text: str) -> str:
    """Lower-cased canonical text: entities and tags decoded, NFKC, look-alike and zero-width
    characters folded, e-mail addresses, mentions and long numbers turned into placeholders,
    leetspeak inside words undone, identity words dropped, characters repeated 3+ times cut to
    two, whitespace collapsed."""
    if "&" in text:
        text = html.unescape(html.unescape(text))
    if "<" in text:
        text = _TAG.sub(" ", _TAG_HREF.sub(r" \1 ", text))
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE).translate(_LOOKALIKES)
        text = "".join(
            ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)
        )
    if "@" in text:
        text = _MENTION.sub(f" {MENTION_TOKEN} ", _EMAIL.sub(f" {EMAIL_TOKEN} ", text))
    text = _drop_identity(_LEET_RUN.sub(_unleet, text.lower()))
    text = _LONG_NUMBER.sub(f" {LONG_NUMBER_TOKEN} ", text)
    text = _REPEAT.sub(r"\1\1", text)
    return " ".join(text.split())


def fold(text: str) -> str:
    """Text reduced to what it looks like: compatibility forms, zero-width characters,
    look-alike letters and accents folded, case folded; no placeholders. For matching word
    lists against text written to dodge them."""
    text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE).translate(_LOOKALIKES)
    if not text.isascii():
        text = "".join(
            ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)
        )
    return text.casefold()
