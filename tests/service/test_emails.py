"""The e-mail check follows WordPress's is_email()."""

import pytest

from service.emails import is_email


@pytest.mark.parametrize(
    "address",
    [
        "maria@example.org",
        "a.b-c+tag@mail.example.co.uk",
        "o'brien@example.ie",
        "x_y@sub-domain.example.com",
        "UPPER@EXAMPLE.COM",
    ],
)
def test_accepts_what_wordpress_accepts(address: str) -> None:
    assert is_email(address)


@pytest.mark.parametrize(
    "address",
    [
        "",
        "a@b.c",  # shorter than 6
        "@example.org",  # no local part
        "maria.example.org",  # no @
        "maria@localhost",  # one domain label
        "maria@exa..mple.org",  # consecutive dots
        "maria@.example.org",
        "maria@example.org.",
        "maria@-example.org",  # label starts with a hyphen
        "maria@example-.org",
        "ma ria@example.org",  # space in local part
        "maria@exam_ple.org",  # underscore in domain
        "maría@example.org",  # non-ASCII local part
        "maria@example.org@evil.com",
        "maria@ex ample.org",
    ],
)
def test_refuses_what_wordpress_refuses(address: str) -> None:
    assert not is_email(address)
