"""The README keeps up with the code: every setting and every Redis key builder is documented."""

import inspect
from pathlib import Path

import pytest

from service.keys import Keys
from service.schemas import Status
from service.settings import Settings

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
DATA_MODEL = README.split("## Redis data model", 1)[1].split("\n## ", 1)[0]


@pytest.mark.parametrize("name", sorted(Settings.model_fields))
def test_every_setting_is_in_the_configuration_table(name: str) -> None:
    variable = f"{Settings.model_config.get('env_prefix', '')}{name}".upper()
    assert f"`{variable}`" in README, f"{variable} is not documented in README.md"


def _example_key(keys: Keys, builder: str) -> tuple[str, bool]:
    """A key the builder makes from placeholder arguments, and whether it has a variable part."""
    method = getattr(keys, builder)
    params = list(inspect.signature(method).parameters.values())
    args = [
        Status.PENDING if "status" in p.name else 1 if "post_id" in p.name else "x" for p in params
    ]
    return method(*args), bool(params)


BUILDERS = sorted(
    name for name, value in vars(Keys).items() if callable(value) and not name.startswith("_")
)


@pytest.mark.parametrize("builder", BUILDERS)
def test_every_key_family_is_in_the_data_model(builder: str) -> None:
    keys = Keys()
    key, variable = _example_key(keys, builder)
    name = key.removeprefix(keys.prefix)
    stem = name.rsplit(":", 1)[0] + ":" if variable else name
    assert f"`{stem}" in DATA_MODEL, f"Keys.{builder} ({key}) is not in the README's data model"
