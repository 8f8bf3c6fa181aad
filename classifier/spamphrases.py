"""The phrase list behind the "spam phrases" signal.

Comment spam has a small stock of formulas: the call to action ("click here", "visit my
site", "subscribe to my channel"), the prize ("you have won", "claim your prize"), the goods
(online casinos, pharmacies, replica watches, payday loans) and, on blogs, the praise that
carries a link ("great post", "thanks for sharing", "keep up the good work") and the
sentences of the blog-spam kits, which talk about the blog rather than the article ("which
blog platform", "the design and layout of your site", "plugins to help with SEO"). Keyword lists
of this kind are what WordPress's moderation keys and the comment blocklists sites share are
made of; here the list is a learnt signal, not a rule: one weight for "the comment uses a
spam formula", which carries to formulas the training data has seldom seen, where n-gram
weights know only what they have seen (the public spam sources are chat, with no blog praise
in them at all). Blog spam signs with the goods it sells ("Cheap NFL Jerseys") and links its
name to them, so models trained with ``phrases_in_fields`` count the phrases in the author name
and in the words of the website address too (``signals.phrase_hits``).

Each entry is written the way ``normalise`` writes text (lower case; identity words such as
"canadian" are dropped before matching, so they are left out here). Words with a common
plain sense in news comments ("prize", "deal", "free", "money", "followers", "congratulations")
appear only inside phrases that are spam's own ("cash prize", "buy followers"). The trained
artifact carries the list it was trained with, so scoring matches exactly those phrases.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable

import ahocorasick

# fmt: off
SPAM_PHRASES = (
    # the call to action
    "click here", "click the link", "click this link", "check out my", "visit my",
    "subscribe to my", "subscribe to me", "follow me", "my channel", "my website", "my site",
    "my blog", "my page", "my profile", "order now", "buy now", "call now", "act now",
    "apply now", "sign up now", "limited time offer", "special offer", "free gift", "free trial",
    "risk free", "money back guarantee",
    # money for nothing
    "earn money", "make money online", "earn money online", "earn cash", "extra income",
    "work from home and earn", "you have won", "you have been selected", "claim your",
    "cash prize", "win a prize", "congratulations you", "payday loan", "payday loans",
    "binary options", "forex", "bitcoin investment",
    # the goods
    "online casino", "casino bonus", "best casino", "free spins", "viagra", "cialis",
    "online pharmacy", "replica watches", "replica bags", "replica handbags", "escort service",
    "escort services", "backlinks", "seo services", "buy followers", "free followers",
    "promo code", "discount code", "coupon code", "ringtone", "ringtones",
    # the praise blog spam carries a link with
    "great post", "nice post", "awesome post", "nice article", "great blog", "nice blog",
    "thanks for sharing", "thank you for sharing", "keep up the good work", "your blog",
    "this blog", "bookmarked", "webmaster", "valuable information", "useful information",
    "very informative", "informative article", "informative post",
    # the blog-spam kits: a few hundred spun sentences about the blog itself, posted everywhere
    # with a link in the website field (no praise of the article needed to give them away)
    "blog platform", "blogging platform", "been blogging", "new to blogging", "fellow blogger",
    "blog layout", "design and layout", "layout of your", "rss feed", "your feed", "same niche",
    "quick heads up", "piece of writing", "resist commenting", "ended up here",
    "be written any better", "stumbled upon your", "found your blog", "keep up the great work",
    "keep up the excellent work", "keep up the fantastic work", "helpful information",
    "useful info", "great info", "valuable info", "i will bookmark", "bookmark your",
    "blog owner", "hi admin", "hello admin", "dear admin",
    "my web page", "my webpage", "my homepage", "my web site", "my weblog", "web blog",
    "with seo", "seo plugin", "browsing online", "surfing around",
    # more of the kits' spun sentences: the bookmark-and-come-back ones, the ones that ask about
    # the blog's platform, host or design, and their odd spun wordings ("fastidious", "in
    # accession capital", "magnificent beat")
    "excellent web site", "stumbledupon", "book marked", "bookmarking", "book-marking",
    "come back yet again", "checking back frequently", "check again here", "to this blog before",
    "checking continuously", "may you be rich", "money and freedom", "myspace group",
    "tweeting this", "forward this page", "good luck for the next", "lots of new stuff",
    "many new stuff", "care for such info", "depth information you present",
    "like you wrote the book", "stumbled over here", "different web page",
    "came across this board", "blog frequently", "ate my first comment",
    "thoroughly enjoying your blog", "more than just your articles", "visuals or video clips",
    "keep a reader entertained", "design is wicked", "site platform", "blog system",
    "the blog world", "coding expertise", "blog web site", "blog loading", "hosting provider",
    "web hosting", "wordpress theme", "browser compatibility", "spam remarks", "link exchange",
    "guest post", "magnificent beat", "apprentice while you amend", "in accession capital",
    "enjoyed account your", "fastidious", "superb blog", "outstanding blog", "wonderful blog",
    "fantastic blog", "awesome blog", "amazing blog", "excellent blog", "great website",
    "nice website",
    # the goods of blog spam, which it names in the author name and the website address (a
    # reader signs with a name) as often as in the text: replica sportswear and fashion, essay
    # mills, SEO and web agencies, pills, loans, gambling (Indonesian "judi" and "togel" sites
    # among them), escorts, pirated apps and films. Only phrases with no everyday use in a
    # comment on the news: "sports betting", "cbd oil", "diet pills", "personal loans",
    # "instagram followers" and "essay writing services" are what readers discuss, so they
    # are left out.
    "cheap jerseys", "nfl jerseys", "wholesale jerseys", "jerseys from china", "cheap oakley",
    "oakley sunglasses", "ray ban sunglasses", "ray ban outlet", "louis vuitton outlet",
    "louis vuitton handbags", "michael kors outlet", "coach outlet", "cheap uggs",
    "moncler outlet", "canada goose outlet", "north face outlet", "lace wigs",
    "human hair wigs", "write my essay", "buy essay", "buy essays", "custom essays",
    "paper writing service", "seo company", "seo agency", "seo expert", "local seo",
    "link building", "backlink", "digital marketing agency", "web design company",
    "web development company", "app development company", "keto pills", "keto diet pills",
    "penis enlargement", "levitra", "cash loans", "bad credit loans",
    "instant loans", "car insurance quotes", "auto insurance quotes", "casino online",
    "bitcoin casino", "online poker", "poker online", "online slots", "slot online",
    "slot gacor", "judi online", "judi slot", "agen judi", "situs judi", "togel", "sbobet",
    "call girls", "adult dating", "webcam girls", "free robux", "mod apk", "apk download",
    "watch movies online", "free movies online", "plumber near me", "packers and movers",
    "movers and packers", "buy instagram followers", "free instagram followers",
    "buy youtube views", "forex signals",
    # the work-from-home scam of news sites' comment sections ("I make $90 an hour working from
    # home ... copy and paste this link"), which often leaves the link out for the reader to
    # type; "working from home" and "changed my life" are what readers say, so only the scam's
    # own turns are listed
    "copy and paste this link", "paste this link", "open this link", "go to this site",
    "just using this site", "part time at home", "from home on my laptop",
    "an hour working from home", "a month working from home", "per month working",
    "this home job", "easy home job", "no experience needed", "here is what i do",
    "heres what i do", "my life is changed", "making cash online", "earn from home",
    "earning from home",
    # the templates of "Leave a Reply" spam, spun from one text to thousands of blogs, in the
    # turns no reader writes ("I needs to spend some time learning more", "Heya i am for the
    # first time here"); "not sure where you are getting your info" and "appreciate your
    # efforts" are what readers say too, so they are not listed
    "needs to spend some time learning more", "i am for the first time here",
    "reminds me of my room mate", "waiting for your further post", "in my google bookmarks",
    "make blogging look easy", "give something back and help others", "your site came up",
)
# fmt: on


@functools.lru_cache(maxsize=8)
def _automaton(phrases: tuple[str, ...]) -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for phrase in phrases:
        automaton.add_word(phrase, len(phrase))
    automaton.make_automaton()
    return automaton


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


def found(normalised: str, phrases: tuple[str, ...]) -> list[str]:
    """The listed phrases in a normalised text, as whole words, left to right; where two
    overlap, the one that starts first, and of those the longest ("earn money online" is one
    phrase, not "earn money" and more). One pass of an Aho-Corasick automaton (about 3 us for
    a comment; a regular expression of the same phrases took 13)."""
    if not phrases:
        return []
    text = normalised
    end_of = len(text)
    candidates = []
    for last, size in _automaton(phrases).iter(text):
        start, stop = last + 1 - size, last + 1
        if (start == 0 or not _is_word(text[start - 1])) and (
            stop == end_of or not _is_word(text[stop])
        ):
            candidates.append((start, -size))
    hits = []
    reached = 0
    for start, minus_size in sorted(candidates):
        if start >= reached:
            hits.append(text[start : start - minus_size])
            reached = start - minus_size
    return hits


def digest(phrases: Iterable[str]) -> str:
    """SHA-256 of the sorted list, one phrase per line: names the list in the model card."""
    return hashlib.sha256("\n".join(sorted(phrases)).encode()).hexdigest()
