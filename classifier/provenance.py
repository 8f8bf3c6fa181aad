"""Where the public datasets come from and on what terms: the model card's "Data sources".

A model trained on these rows carries what their authors ask of the people who use them: a
citation for every one, and for some a use restricted to research. Each entry is read from the
dataset's SOURCE.md; an operator deciding whether the shipped model suits their site reads them
in the card, and a site that cannot accept them retrains on its own rows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Source:
    """One public dataset: whom to cite, and its terms."""

    citation: str
    terms: str


SOURCES: dict[str, Source] = {
    "youtube-spam-collection": Source(
        'Alberto, Lochter, Almeida. "TubeSpam: Comment Spam Filtering on YouTube." ICMLA 2015.',
        "The authors ask for a citation and a message when it is used; the UCI repository lists "
        "its datasets under CC BY 4.0. "
        "Public YouTube comments.",
    ),
    "sms-spam-collection": Source(
        'Almeida, Gomez Hidalgo, Yamakami. "Contributions to the Study of SMS Spam Filtering: '
        'New Collection and Results." DocEng 2011.',
        "Copyright of the authors, provided free with no limitations and no warranty; they ask "
        "for a citation.",
    ),
    "davidson-hate-offensive": Source(
        'Davidson, Warmsley, Macy, Weber. "Automated Hate Speech Detection and the Problem of '
        'Offensive Language." ICWSM 2017.',
        'MIT licence, "Copyright (c) 2017 Tom Davidson"; tweets, under Twitter\'s terms.',
    ),
    "olid-train": Source(
        'Zampieri, Malmasi, Nakov, Rosenthal, Farra, Kumar. "Predicting the Type and Target of '
        'Offensive Posts in Social Media." NAACL-HLT 2019.',
        "No licence is stated; released by its authors for research, with a request to cite. "
        "Treat a model trained on it as fit for research and evaluation unless your own counsel "
        "says otherwise, or retrain without it.",
    ),
    "wiki-toxicity-cat": Source(
        'Pavlopoulos, Sorensen, Dixon, Thain, Androutsopoulos. "Toxicity Detection: Does Context '
        'Really Matter?" ACL 2020.',
        "Apache License 2.0; the comments are Wikipedia's, under CC BY-SA 3.0.",
    ),
    "wiki-toxicity-bias-eval": Source(
        'Dixon, Li, Sorensen, Thain, Vasserman. "Measuring and Mitigating Unintended Bias in '
        'Text Classification." AIES 2018.',
        "Apache License 2.0 (the comments CC0 and CC BY-SA 3.0; the Madlibs are synthetic).",
    ),
    "jigsaw-toxic-sample": Source(
        'Jigsaw / Conversation AI. "Toxic Comment Classification Challenge." Kaggle, 2018.',
        "CC0; the comments are Wikipedia's, under CC BY-SA 3.0. Annotations from Wulczyn, Thain, "
        'Dixon, "Ex Machina: Personal Attacks Seen at Scale", WWW 2017.',
    ),
}


def uses(
    sources: Mapping[str, Sequence[str]],
    negatives: Mapping[str, Sequence[str]],
    checks: Sequence[str],
    left_out: Sequence[str] = (),
) -> dict[str, str]:
    """What a model made with these settings does with each dataset, in words: ``sources`` are
    each head's own datasets, ``negatives`` the datasets whose rows join a head as negatives,
    ``checks`` the datasets only scored, ``left_out`` those training was told to leave out."""
    found: dict[str, list[str]] = {}
    for head, names in sources.items():
        for name in names:
            if name not in left_out:
                found.setdefault(name, []).append(f"{head} head")
    for head, names in negatives.items():
        for name in names:
            if name not in left_out:
                found.setdefault(name, []).append(f"{head} head, as comments that are not {head}")
    described = {
        name: "trained on (test rows held back): " + "; ".join(heads)
        for name, heads in found.items()
    }
    for name in left_out:
        described[name] = (
            "left out of training (replyguard train --without); its test rows are scored as a "
            "source the model has not seen"
        )
    for name in checks:
        described.setdefault(name, "scored by the checks, never trained on")
    return described


def card_section(uses_: Mapping[str, str]) -> dict[str, dict[str, str]]:
    """The card's data sources: each dataset's use, citation and terms."""
    return {
        name: {"use": use, "citation": SOURCES[name].citation, "terms": SOURCES[name].terms}
        for name, use in uses_.items()
    }
