"""The one text normalisation that training and scoring share."""

from __future__ import annotations

import functools
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

# Swear words and slurs as comments write them masked, so that a site's filter or a reader's
# manners let them through: "f***", "b*tch", "a**hole", "bulls**t", "f@#$ing", "f-ck". A token of
# letters and masks is matched against these in this order, each mask standing for one letter
# (then, failing that, a run of masks for one to a few letters, as in "f***king"), and the
# first word that fits is restored. A masked word starts with a letter, so fully masked words
# ("****") and starred actions ("*hits the gym*") stay as they are. A single hyphen counts as a
# mask only where exactly one word fits ("f-ck"), so "well-known" stays whole.
# fmt: off
MASKED_WORDS = (
    "fuck", "fucking", "fucked", "fucker", "fuckers", "fucks", "fuckin", "motherfucker",
    "motherfucking", "shit", "shitty", "shits", "bullshit", "horseshit", "bitch", "bitches",
    "bitching", "asshole", "assholes", "ass", "asses", "arse", "arsehole", "jackass", "dumbass",
    "damn", "damned", "goddamn", "dick", "dicks", "dickhead", "cunt", "cunts", "bastard",
    "bastards", "crap", "crappy", "piss", "pissed", "pussy", "cock", "cocks", "whore", "whores",
    "slut", "sluts", "hell", "nigger", "niggers", "nigga", "niggas", "faggot", "faggots", "fag",
    "fags", "retard", "retards", "retarded", "twat", "wanker", "wankers", "bollocks", "prick",
    "pricks", "douche", "douchebag", "stfu", "wtf", "tits", "moron", "morons", "idiot", "idiots",
    "stupid",
)
# fmt: on
_MASKS = "*#%@$_-"  # the hyphen last, as a regular expression's class needs it
# A masked word starts with a letter: "*hits the gym*" and "*-*" are not masked words.
_MASKED_TOKEN = re.compile(rf"(?<![a-z{_MASKS}])[a-z]+[{_MASKS}][a-z{_MASKS}]*")
_MASK_RUN = re.compile(rf"[{_MASKS}]+")
_PUNCTUATION = "\"'.,;:!?()[]{}<>"
_WORDISH = frozenset("abcdefghijklmnopqrstuvwxyz-")
_MAX_HYPHENED = 16  # distinct words of the "f-ck" kind restored in one text (see _unmask)
# The words by length, by first letter and by both, each in the order of MASKED_WORDS.
_BY_LENGTH: dict[int, tuple[str, ...]] = {}
_BY_FIRST: dict[str, tuple[str, ...]] = {}
_BY_SHAPE: dict[tuple[int, str], tuple[str, ...]] = {}
for _word in MASKED_WORDS:
    _BY_LENGTH[len(_word)] = (*_BY_LENGTH.get(len(_word), ()), _word)
    _BY_FIRST[_word[0]] = (*_BY_FIRST.get(_word[0], ()), _word)
    _shape = (len(_word), _word[0])
    _BY_SHAPE[_shape] = (*_BY_SHAPE.get(_shape, ()), _word)

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

# An <a> tag up to its ">", and the first link of the tag's attributes (see _link_tags).
_A_TAG = re.compile(r"<a\s[^>]*>", re.IGNORECASE)
_HREF = re.compile(r"""href\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)
_TAG = re.compile(r"<[^>]{0,200}>")
_TLDS = r"(?:com|net|org|info|biz|ru|xyz|top|online|site|club|shop|store)"
# A link: with a scheme or starting www. (_SCHEMED), or a bare domain of a common TLD (_BARE);
# text_links reads them as the alternation of the two, the schemed first, would. _CHAIN is as
# far as a bare domain starting there could reach: dot-separated labels.
_SCHEMED = re.compile(r"(?:(?:https?|ftp)://|www\.)[^\s<>\"']+", re.IGNORECASE)
_BARE = re.compile(
    rf"\b[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.{_TLDS}\b(?:/[^\s<>\"']*)?", re.IGNORECASE
)
_BARE_START = re.compile(r"\b[a-z0-9]", re.IGNORECASE)
_CHAIN = re.compile(r"[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*", re.IGNORECASE)
# A cheap first look: the full pattern is only run where a link can be.
_URL_HINT = re.compile(rf"://|www\.|\.{_TLDS}\b", re.IGNORECASE)
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_EMAIL_START = re.compile(r"\b[\w.+-]")  # where _EMAIL may start ...
_LOCAL_PART = re.compile(r"[\w.+-]+")  # ... and the run its local part must reach to the end of
_MENTION = re.compile(r"(?<![\w@])@\w+")
_LEET_RUN = re.compile(r"(?<=[a-z])[0134578@$!|]+(?=[a-z])")
# Phone numbers and short codes, a classic spam sign; shorter numbers stay as they are.
_LONG_NUMBER = re.compile(r"\d{5,}")
_REPEAT = re.compile(r"([^\dw])\1\1+")  # "www" and numbers stay whole


def link_hint(text: str) -> bool:
    """Whether ``text`` may hold a link (a cheap test before ``text_links``)."""
    return _URL_HINT.search(text) is not None


def text_links(text: str) -> list[str]:
    """The links in ``text``: with a scheme, starting www., or a bare domain of a common TLD.

    Left to right, as ``re.findall`` of the two patterns as one alternation (the schemed one
    first) finds them, and in time that grows with the text's length: that expression tried a
    bare domain at every word start, each time to the end of its run of dotted labels, so a
    comment of long "a.a.a..." runs and one ".com" took seconds. Here, where a bare domain
    fails at one start, it fails at every later start of the same run of labels (a TLD it
    could end at would have been reached from the first), and the run is skipped."""
    links: list[str] = []
    end = len(text)
    at = 0
    schemed = _SCHEMED.search(text)
    while at < end:
        if schemed is not None and schemed.start() < at:
            schemed = _SCHEMED.search(text, at)
        before = schemed.start() if schemed is not None else end
        bare = None
        start = _BARE_START.search(text, at)
        while start is not None and start.start() < before:
            bare = _BARE.match(text, start.start())
            if bare is not None:
                break
            chain = _CHAIN.match(text, start.start())
            assert chain is not None  # a start is a label's first character
            start = _BARE_START.search(text, chain.end())
        found = bare if bare is not None else schemed
        if found is None:
            break
        links.append(found.group(0))
        at = found.end()
    return links


def _drop_identity(text: str) -> str:
    if IDENTITY_WORDS.isdisjoint(_WORD.findall(text)):
        return text
    return _WORD.sub(lambda m: "" if m.group(0) in IDENTITY_WORDS else m.group(0), text)


def _fits(token: str, word: str) -> bool:
    return all(t == w or t in _MASKS for t, w in zip(token, word, strict=True))


def _spells(runs: list[str], word: str, at: int = 0, i: int = 0) -> bool:
    """Whether ``word`` is ``runs`` joined by one to four letters each: what the regular
    expression ``"[a-z]{1,4}".join(map(re.escape, runs))`` matches in full, without compiling
    one for every token (a comment of many distinct masked tokens made that cost 60 us each)."""
    if i == 0:
        return word.startswith(runs[0]) and _spells(runs, word, len(runs[0]), 1)
    if i == len(runs):
        return at == len(word)
    run = runs[i]
    for start in range(at + 1, at + 5):  # the letters of a word are a-z: any of them fit
        if start + len(run) > len(word):
            return False
        if word.startswith(run, start) and _spells(runs, word, start + len(run), i + 1):
            return True
    return False


def _unmasked(token: str) -> str:
    """The token with the masked word it spells restored, or as it is. Short tokens, the only
    ones that recur, are remembered: a token can be a whole comment ("a*aaaa..."), and 1,024
    of those would have held 130 MB."""
    return _unmasked_remembered(token) if len(token) <= _REMEMBERED else _restore(token)


def _restore(token: str) -> str:
    core = token.strip("_-")
    if not core or not core[0].isalpha() or _MASK_RUN.search(core) is None:
        return token
    at = token.index(core)
    # Two or more runs, as core holds a mask; a word that fits starts with the first and ends
    # with the last (a cheap test first: a comment can hold thousands of distinct tokens).
    runs = _MASK_RUN.split(core)
    first, last = runs[0], runs[-1]
    exact = [
        w
        for w in _BY_SHAPE.get((len(core), first[0]), ())
        if w.startswith(first) and w.endswith(last) and _fits(core, w)
    ]
    if core.strip("abcdefghijklmnopqrstuvwxyz-"):  # masks other than hyphens
        if not exact and core[-1].isalpha() and sum(c.isalpha() for c in core) >= 3:
            exact = [
                w
                for w in _BY_FIRST.get(first[0], ())
                if w.startswith(first) and w.endswith(last) and _spells(runs, w)
            ]
        restored = exact[0] if exact else None
    else:  # one hyphen alone ("a-s-s" spells a word out): only where one word fits
        restored = exact[0] if len(exact) == 1 and core.count("-") == 1 else None
    if restored is None:
        return token
    return token[:at] + restored + token[at + len(core) :]


_REMEMBERED = 64  # characters: tokens up to this long are remembered by _unmasked
_unmasked_remembered = functools.lru_cache(maxsize=1024)(_restore)


def _mask_by_a_letter(text: str) -> bool:
    """Whether a mask other than a hyphen stands next to a letter: a few substring searches in
    C, where one regular expression's scan of a comment costs several microseconds."""
    for mask in _MASKS[:-1]:  # all but the hyphen
        at = text.find(mask)
        while at >= 0:
            if (at and text[at - 1].isalpha()) or text[at + 1 : at + 2].isalpha():
                return True
            at = text.find(mask, at + 1)
    return False


def _replace_word(text: str, word: str, new: str) -> str:
    """``text`` with ``new`` for each ``word`` that no letter a-z or hyphen touches, from the left:
    what ``re.sub(rf"(?<![a-z-]){re.escape(word)}(?![a-z-])", new, text)`` gives, found with
    substring searches in C rather than a pattern that must try every position."""
    parts: list[str] = []
    done = 0
    at = text.find(word)
    while at >= 0:
        end = at + len(word)
        if (at == 0 or text[at - 1] not in _WORDISH) and text[end : end + 1] not in _WORDISH:
            parts += (text[done:at], new)
            done = end
            at = text.find(word, end)
        else:
            at = text.find(word, at + 1)
    if not parts:
        return text
    parts.append(text[done:])
    return "".join(parts)


def _unmask(text: str) -> str:
    """Masked swear words restored (see ``MASKED_WORDS``)."""
    if _mask_by_a_letter(text):
        return _MASKED_TOKEN.sub(lambda m: _unmasked(m.group(0)), text)
    if "-" not in text:
        return text
    # Hyphens alone, as in most texts that have one ("well-known"): a word at a time, each
    # distinct one once. Every word restored costs a pass over the text, so a text restores at
    # most _MAX_HYPHENED of them: without both limits, 65 kB of "sh-t sh-t ..." took 10-17 s.
    seen: set[str] = set()
    restorations = 0
    for token in [t for t in text.split() if "-" in t]:
        token = token.strip(_PUNCTUATION)
        if token in seen or len(token) not in _BY_LENGTH:
            continue
        seen.add(token)
        restored = _unmasked(token)
        if restored != token:
            text = _replace_word(text, token, restored)
            restorations += 1
            if restorations == _MAX_HYPHENED:
                break
    return text


def _replace_emails(text: str) -> str:
    """``_EMAIL.sub(f" {EMAIL_TOKEN} ", text)``, in time that grows with the text's length.
    That call tried an address at every word start, each time to the end of the run of
    address characters, so long "a.a.a..." runs took seconds. A local part ends only where its
    run does (an "@" is not one of its characters), and the domain then read is the same from
    any start in the run: where the first start fails, the whole run is skipped."""
    parts: list[str] = []
    done = at = 0
    while (start := _EMAIL_START.search(text, at)) is not None:
        address = _EMAIL.match(text, start.start())
        if address is None:
            run = _LOCAL_PART.match(text, start.start())
            assert run is not None  # a start is a character of a local part
            at = run.end()
            continue
        parts += (text[done : start.start()], f" {EMAIL_TOKEN} ")
        done = at = address.end()
    if not parts:
        return text
    parts.append(text[done:])
    return "".join(parts)


def _link_or_tag(match: re.Match[str]) -> str:
    link = _HREF.search(match.group(0), 3)  # after "<a" and its space
    return f" {link.group(1)} " if link else match.group(0)


def _link_tags(text: str) -> str:
    """Each <a> tag that has a link replaced by the link, spaced. A tag runs from "<a" and a
    space to the first ">"; its link is the first href value in it. The single regular
    expression this replaces (kept in the tests, which compare the two) tried every "<a " again
    up to the next ">", or to the end of the text where none followed: 65 kB of "<a <a ..."
    took 11 s. A tag can only end at a ">", so the text after the last one is left as it is,
    and every tag before it is read once."""
    end = text.rfind(">") + 1
    if not end:
        return text
    return _A_TAG.sub(_link_or_tag, text[:end]) + text[end:]


def _unleet(match: re.Match[str]) -> str:
    return match.group(0).translate(_LEET)


def normalise(text: str, unmask: bool = True) -> str:
    """Lower-cased canonical text: entities and tags decoded, NFKC, look-alike and zero-width
    characters folded, e-mail addresses, mentions and long numbers turned into placeholders,
    masked swear words restored (unless ``unmask`` is off, as for models trained before it),
    leetspeak inside words undone, identity words dropped, characters repeated 3+ times cut to
    two, whitespace collapsed."""
    if "&" in text:
        text = html.unescape(html.unescape(text))
    if "<" in text:
        text = _TAG.sub(" ", _link_tags(text))
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE).translate(_LOOKALIKES)
        text = "".join(
            ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)
        )
    if "@" in text:
        text = _MENTION.sub(f" {MENTION_TOKEN} ", _replace_emails(text))
    text = text.lower()
    if unmask:
        text = _unmask(text)
    text = _drop_identity(_LEET_RUN.sub(_unleet, text))
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
