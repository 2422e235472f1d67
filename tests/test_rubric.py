"""Rubric validation: every mistake names the file, the item and the fix."""
from __future__ import annotations

import pytest
import yaml

from grader.errors import RubricError
from grader.labs import list_labs
from grader.rubric import load_rubric
from grader.settings import Settings

GOOD = {
    "schema_version": 1, "lab": "t", "title": {"pl": "t", "en": "t"}, "framework": "none",
    "template": "t.ipynb", "checks": "tests.test_scoring", "public_dir": ".", "total": 1.0,
    "sections": {"s": "^#### Zadanie 1"},
    "items": [{"id": "1", "title": {"pl": "t", "en": "t"}, "kind": "code", "points": 1.0, "section": "s",
               "object": "f", "checks": [{"id": "check_a"}]}],
}


def _write(tmp_path, data):
    path = tmp_path / "lab.yaml"
    path.write_text(yaml.safe_dump(data) if isinstance(data, dict) else data)
    return path


def _broken(**changes):
    data = yaml.safe_load(yaml.safe_dump(GOOD))
    for key, value in changes.items():
        if key.startswith("item_"):
            data["items"][0][key[5:]] = value
        else:
            data[key] = value
    return data


def test_valid_rubric_loads_with_a_hash(tmp_path):
    rubric, digest = load_rubric(_write(tmp_path, GOOD))
    assert rubric.items[0].id == "1" and len(digest) == 16


@pytest.mark.parametrize("changes,fragments", [
    ({"total": 2.0}, ["add up to 1", "`total:` says 2"]),
    ({"item_checks": [{"id": "check_nope"}]}, ["item '1'", "check_nope", "check_a"]),
    ({"item_section": "zz"}, ["item '1'", "section 'zz'", "add it under `sections:`"]),
    ({"item_pionts": 1}, ["item '1'", "pionts", "remove it"]),
    ({"item_points": -1}, ["item '1'", "points"]),
    ({"sections": {"s": "([unclosed"}}, ["section 's'", "not a valid regex"]),
    ({"checks": "no.such.module"}, ["checks module 'no.such.module'"]),
    ({"schema_version": 9}, ["schema_version"]),
    ({"item_object": None}, ["item '1'", "needs `object:`", "target: section"]),
    ({"item_manual_points": 1.0}, ["item '1'", "`manual_points` (1) must be less than `points` (1)"]),
    ({"item_reports": ["report_nope"]}, ["item '1'", "report 'report_nope'", "none"]),
    ({"item_kind": "prose", "item_checks": [], "item_manual_points": 0.5}, ["a prose item is scored by a person"]),
])
def test_invalid_rubrics_name_file_item_and_fix(tmp_path, changes, fragments):
    with pytest.raises(RubricError) as err:
        load_rubric(_write(tmp_path, _broken(**changes)))
    message = str(err.value)
    assert str(tmp_path / "lab.yaml") in message
    for fragment in fragments:
        assert fragment in message


def test_yaml_syntax_error_is_reported(tmp_path):
    with pytest.raises(RubricError, match="not valid YAML"):
        load_rubric(_write(tmp_path, "items: [unclosed"))


def test_shipped_rubrics_are_valid():
    labs = list_labs(Settings())
    assert "generative-tf" in {lab.name for lab in labs}
    gen = next(lab for lab in labs if lab.name == "generative-tf")
    assert gen.rubric.max_points == 5.5 and len(gen.rubric.items) == 19
    vae = next(lab for lab in labs if lab.name == "vae-pyro")
    assert vae.rubric.max_points == 5.0 and [i.id for i in vae.rubric.items if i.bonus] == ["3"]


def test_a_section_item_needs_no_object(tmp_path):
    data = _broken(item_object=None, item_target="section", item_manual_points=0.5)
    rubric, _ = load_rubric(_write(tmp_path, data))
    assert rubric.items[0].target == "section" and rubric.items[0].manual_points == 0.5
