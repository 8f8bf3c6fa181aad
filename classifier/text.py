"""The one text normalisation that training and scoring share."""

from __future__ import annotations

import html
import re
import unicodedata

# Placeholders are plain words so that both word and character n-grams see them.
URL_TOKEN = "xurl"
EMAIL_TOKEN = "xemail"
NUMBER_TOKEN = "xnum"
MENTION_TOKEN = "xuser"

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
_TLDS = r"(?:com|net|org|info|biz|ru|cn|xyz|top|io|co|uk|de|us|me|ly|tk|online|site|club|shop|php)"
_URL = re.compile(
    r"(?:(?:https?|ftp)://|www\.)[^\s<>\"']+"
    rf"|\b[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.{_TLDS}\b(?:/[^\s<>\"']*)?",
    re.IGNORECASE,
)
# A cheap first look: the full pattern is only run where a link can be.
_URL_HINT = re.compile(rf"://|www\.|\.{_TLDS}\b", re.IGNORECASE)
_HOST = re.compile(r"^(?:[a-z]+://)?(?:www\d?\.)?([^/:?#\s]+)", re.IGNORECASE)
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_MENTION = re.compile(r"(?<![\w@])@\w+")
_LEET_RUN = re.compile(r"(?<=[a-z])[0134578@$!|]+(?=[a-z])")
_NUMBER = re.compile(r"\d+(?:[.,:]\d+)*")
_REPEAT = re.compile(r"(.)\1\1+")


def _url_words(match: re.Match[str]) -> str:
    host = _HOST.match(match.group(0))
    name = host.group(1).lower().split(".") if host else []
    # The registered name ("youtube" of www.youtube.com) often says what the link is for.
    site = name[-2] if len(name) >= 2 else ""
    return f" {URL_TOKEN} {site} "


def _number_words(match: re.Match[str]) -> str:
    digits = sum(ch.isdigit() for ch in match.group(0))
    # Long numbers are phone numbers and short codes, a classic spam sign.
    return f" {NUMBER_TOKEN}{'long' if digits >= 5 else ''} "


def _unleet(match: re.Match[str]) -> str:
    return match.group(0).translate(_LEET)


def normalise(text: str) -> str:
    """Lower-cased canonical text: entities and tags decoded, NFKC, look-alike and zero-width
    characters folded, links, e-mail addresses, mentions and numbers turned into placeholders,
    leetspeak inside words undone, letters repeated 3+ times cut to two, whitespace collapsed."""
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
    if _URL_HINT.search(text):
        text = _URL.sub(_url_words, text)
    text = _LEET_RUN.sub(_unleet, text.lower())
    text = _NUMBER.sub(_number_words, text)
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
