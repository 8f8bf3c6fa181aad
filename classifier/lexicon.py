"""The abusive-word list behind the "abusive words" signals.

Training reads it from better_profanity's word list (PyPI, MIT licence) plus the common insults
that list lacks, written the way ``normalise`` writes text, less the identity words that
normalisation drops anyway and the entries that name a topic rather than insult or swear
(``NOT_ABUSIVE``: crimes, drugs, illness, the body in plain words, history). The trained
artifact carries the words it was trained with, so scoring never reads the package: the list
cannot drift from the model.

One shared weight for "this comment has abusive words" carries to words that are rare in the
training data, and to sources that use other ones: it raised every leave-one-source-out row of
the abuse head (see the model card), where the n-gram weights alone know only the words seen.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import re
from collections.abc import Iterable
from pathlib import Path

from classifier.spamphrases import found as phrase_hits
from classifier.text import IDENTITY_WORDS, normalise

SOURCE_PACKAGE = "better-profanity"
SOURCE_FILE = "better_profanity/profanity_wordlist.txt"

# Insults and slurs common in comments that the profanity list does not have.
# fmt: off
EXTRA_WORDS = (
    "idiot", "idiotic", "moron", "moronic", "stupid", "stupidity", "dumb", "dumbest", "imbecile",
    "cretin", "loser", "scum", "scumbag", "pathetic", "worthless", "retard", "retarded", "hoe",
    "thot", "skank", "trashy", "disgusting", "clown", "freak", "creep", "hypocrite", "coward",
    "liar", "ignorant", "stfu", "gtfo", "kys",
    # dehumanising words for people
    "subhuman", "vermin",
    # everyday insults of British and American comment threads, none of them with a common
    # harmless sense
    "buffoon", "halfwit", "dimwit", "nitwit", "numpty", "pillock", "plonker", "nincompoop",
    "dunce", "simpleton", "ignoramus", "dolt", "dullard", "lowlife", "libtard", "sheeple",
    "twit", "prat", "dipshit", "bozo",
    # name-calling of the same kind, from "nutjob" to "wazzock": 18 training rows have one
    "nutjob", "nutcase", "slimeball", "sleazebag", "sleazeball", "asshat", "gobshite", "eejit",
    "bampot", "dirtbag", "scumbucket", "numbskull", "numskull", "bonehead", "knucklehead",
    "meathead", "airhead", "blockhead", "pinhead", "dingbat", "dickwad", "douchenozzle",
    "cockwomble", "twatwaffle", "shitstain", "wazzock", "tosspot", "halfwitted", "knuckledragger",
)

# Threats, wishes of harm and insults said in more than one word, which no word of them says:
# "I hope your house burns down", "should be hanged", "a waste of oxygen". Each counts as one
# abusive word. Only phrases without a common harmless sense in news comments: not "drop dead
# gorgeous", "brain dead" (a diagnosis), "low life" (expectancy), "a waste of space" (a car
# park), "I will find you a copy", "beat the crap out of them" (a team), "watch your back",
# "don't kill yourself over it", "the dog could choke on it", "we should be shot of it";
# none holds an identity word, which normalisation drops.
EXTRA_PHRASES = (
    # wishes of death and harm
    "hope you die", "hope he dies", "hope she dies", "hope they die", "hope you rot",
    "hope you choke", "hope your house burns", "die in a fire", "rot in hell", "burn in hell",
    "go kill yourself", "neck yourself",
    # threats and calls to violence
    "taken out and shot", "should be shot dead", "deserves to be shot", "deserve to be shot",
    "needs to be shot",
    "should be hanged", "deserves to be hanged", "string them up", "string him up",
    "string her up", "hang them all", "shoot the lot", "line them up and shoot",
    "bullet in his head", "bullet in her head", "slit your throat", "slit his throat",
    "slit her throat",
    # insults
    "waste of oxygen", "waste of skin", "crawl back under your rock", "crawl back under a rock",
    "back to your cave", "too thick to understand", "thick as two short planks", "get a brain",
    "shut your mouth", "shut your face", "shut your trap", "half wit",
    "go back to where you came from", "go back where you came from", "should have been aborted",
)

# Entries of the package's list that name a topic rather than insult or swear: crimes, drugs
# and drink, illness, body parts and sex in plain or medical words, historical names, products
# that spam sells, and plain English words that are slang only sometimes. News comments discuss
# all of these ("the murder trial", "HIV clinics", "the Reich"); counted as abusive words, they
# would hold such comments.
# The n-gram weights still learn whatever these words carry in context.
NOT_ABUSIVE = frozenset((
    # crime, violence, war and history
    "murder", "kill", "rape", "raped", "raper", "raping", "rapist", "molest", "incest",
    "pedophile", "pedophilia", "pedophiliac", "prostitute", "sniper", "napalm", "uzi", "slave",
    "nazi", "nazism", "hitler", "reich", "klan", "thug", "howtokill", "howtomurdep", "snuff",
    # drugs, drink and illness
    "drunk", "heroin", "meth", "opium", "opiate", "hemp", "weed", "pot", "reefer", "ganja",
    "vodka", "rum", "hooch", "hootch", "hookah", "valium", "peyote", "pcp", "extacy", "extasy",
    "stoned", "junkie", "junky", "toke", "herpes", "herp", "herpy", "hiv", "leper", "schizo",
    "vomit", "urine", "urinal", "menses", "menstruate", "menstruation", "tampon", "pms",
    # the body and sex, in plain or medical words
    "sex", "sexual", "naked", "nude", "nudes", "breasts", "organ", "ovary", "ovum", "ovums",
    "uterus", "womb", "vagina", "vulva", "labia", "hymen", "penis", "penile", "penial",
    "testicle", "testical", "testis", "testes", "teste", "testee", "scrotum", "rectum", "rectal",
    "rectus", "gonad", "gonads", "glans", "pubic", "pubis", "sperm", "semen", "nipple",
    "nipples", "crotch", "loin", "loins", "erection", "erect", "ejaculation", "orgasm",
    "orgasms", "orgasmic", "erotic", "erotism", "virgin", "unwed", "lust", "lusting", "lusty",
    "seduce", "racy", "steamy", "scantily", "prude", "vixen", "undies", "pantie", "panties",
    "panty", "bondage", "enlargement", "oral", "orally", "fondle", "penetrate", "penetration",
    "phallic", "phalli", "playboy", "stripclub", "strip", "threesome", "kinky", "horny",
    "anus", "anal", "clitoris", "foreskin", "areole", "smegma", "ejaculate", "ejaculated",
    "ejaculates", "ejaculating", "masturbate", "masturbating", "masturbation", "transsexual",
    # products that spam sells: an advert for them is spam, not abuse
    "viagra", "vigra", "kondum", "kondums", "lube",
    # plain English words, slang only sometimes
    "god", "hell", "omg", "lmao", "lmfao", "slope", "seaman", "seamen", "sandbar", "revue",
    "pawn", "stroke", "thrust", "facial", "maxi", "len", "paddy", "pasty", "pastie", "massa",
    "toots", "tush", "wad", "whiz", "woody", "willy", "willies", "wang", "knob", "nob", "homey",
    "foobar", "fubar", "dummy", "dopey", "ninny", "nimrod", "tramp", "weirdo", "tinkle", "potty",
    "poop", "pee", "peepee", "fart", "hump", "humped", "humping", "screw", "screwed", "screwing",
    "suck", "sucked", "sucking", "sucks", "woose", "vulgar", "sleaze", "sleazy", "tawdry",
    "floozy", "muff", "rump", "spac", "gai", "gae", "cipa", "buceta", "asanchez", "leitch",
    "fanny", "flange", "teat", "teets", "teez", "pube", "lech", "raunch", "sadism", "sadist",
    "masochist", "voyeur", "perversion", "kinbaku", "shibari", "shibary", "yaoi", "hentai",
    "futanari", "futanary", "shota", "gigolo", "hooker", "hooters", "hooter", "pimp", "smut",
    "smutty", "porn", "porno", "pornos", "pornography", "pron", "nooky", "quicky", "souse",
    "soused", "whitey", "yury", "sob", "snatch", "niggle", "homo", "cum", "nappy", "hebe",
    "titi", "dong", "prig",
))
# fmt: on

_TOKEN = re.compile(r"[a-z]+")
_PHRASE = re.compile(r"[a-z]+(?: [a-z]+)+")


class LexiconError(Exception):
    """The word list cannot be read (the training extra is not installed)."""


def _words_of(entries: Iterable[str]) -> frozenset[str]:
    """Single-word entries as ``normalise`` writes them: an entry must come out as one whole
    word of 3 letters or more ("sh!t" is "shit"; "he11" and "she male" are left out, not read
    as "he" and "she"); identity words and ``NOT_ABUSIVE`` are left out."""
    words = set()
    for entry in entries:
        if entry.split() != [entry.strip()]:
            continue
        word = normalise(entry)
        if _TOKEN.fullmatch(word) and len(word) >= 3 and word not in IDENTITY_WORDS:
            words.add(word)
    return frozenset(words - NOT_ABUSIVE)


def _phrases_of(entries: Iterable[str]) -> frozenset[str]:
    """Entries of two words or more as ``normalise`` writes them, left out where a word of one
    is dropped or read as something else (an identity word, a number)."""
    phrases = set()
    for entry in entries:
        phrase = normalise(entry)
        if phrase == entry and _PHRASE.fullmatch(phrase):
            phrases.add(phrase)
    return frozenset(phrases)


def source_version() -> str:
    """The installed version of the package the list comes from."""
    try:
        return importlib.metadata.version(SOURCE_PACKAGE)
    except importlib.metadata.PackageNotFoundError as exc:
        raise LexiconError(
            f"training needs the {SOURCE_PACKAGE} package for its word list: "
            "pip install 'replyguard[train]' (or make setup-dev)"
        ) from exc


@functools.cache
def load_words() -> frozenset[str]:
    """The abusive-word list for training: the package's list and ``EXTRA_WORDS``, less
    identity words and ``NOT_ABUSIVE``, and ``EXTRA_PHRASES``."""
    source_version()
    path = Path(str(importlib.metadata.distribution(SOURCE_PACKAGE).locate_file(SOURCE_FILE)))
    text = path.read_text(encoding="utf-8")
    return _words_of([*text.splitlines(), *EXTRA_WORDS]) | _phrases_of(EXTRA_PHRASES)


def digest(words: Iterable[str]) -> str:
    """SHA-256 of the sorted list, one word per line: names the list in the model card."""
    return hashlib.sha256("\n".join(sorted(words)).encode()).hexdigest()


@functools.lru_cache(maxsize=8)
def _forms(words: frozenset[str]) -> tuple[frozenset[str], tuple[str, ...]]:
    """The single words and their plurals in "s" (for words of 3 letters or more), and the
    phrases (entries of more than one word)."""
    singles = {w for w in words if " " not in w}
    phrases = tuple(sorted(words - singles))
    return frozenset(singles | {w + "s" for w in singles if len(w) >= 3}), phrases


def found(normalised: str, words: frozenset[str]) -> tuple[tuple[str, ...], int]:
    """The listed words in a normalised text (a plural "s" is let off), then its listed
    phrases (whole words, as ``spamphrases.found`` finds them), and its word count. Not
    remembered: explanations reuse what the signals found (``signals.Findings``), and a cache
    of the last 1,024 texts held up to 0.9 GB once comments were long and full of listed words."""
    tokens = _TOKEN.findall(normalised)
    forms, phrases = _forms(words)
    hits = () if forms.isdisjoint(tokens) else tuple(t for t in tokens if t in forms)
    if phrases:
        hits += tuple(phrase_hits(normalised, phrases))
    return hits, len(tokens)
