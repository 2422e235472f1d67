"""The rubric's schema: what a rubric YAML may say, each field with its meaning and default.

A rubric is declared data: which items a lab has, their points, the checks that grade each,
where each item lives in the notebook. This module holds the pydantic models and the checks of
single fields; reading a file and the checks across fields (check ids, sections, points, the
public/hidden split) are :mod:`grader.rubric_file`'s.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .data import DATASETS
from .frameworks import framework_for
from .i18n import Text

SCHEMA_VERSION = 1
# A task number: a leading integer, an optional letter (1a), then dotted parts that are digits or
# lower-case words (2.5, 3.data, 1.plot).
TASK_NUMBER = r"\d+[a-z]?(?:\.(?:\d+|[a-z][a-z0-9_]*))*"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Bilingual(_Strict):
    pl: str
    en: str

    def text(self) -> Text:
        return Text(self.pl, self.en)


class CheckSpec(_Strict):
    """One check of an item: ``id`` is a check function of the lab, maybe with arguments."""

    id: str = Field(description="check function name, e.g. check_kl_closed_form or check_x(size=14)")
    weight: float = Field(1.0, gt=0, description="share of the item's points")
    public: bool = Field(True, description="run by students' self-check and shown in detail")


class Criterion(_Strict):
    """One line of the rubric a person applies to an answer (Gradescope's and PrairieLearn's
    "rubric item"): applied or not, its points added to the answer's (negative: taken off)."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", description="stable key, kept by every grade that applied it")
    points: float = Field(description="added when applied; negative takes points off")
    text: Bilingual = Field(description="what the student reads in the report")


class Item(_Strict):
    """A rubric item: a code item names a student object; a prose item a question."""

    id: str
    title: Bilingual
    kind: Literal["code", "prose"]
    points: float = Field(gt=0)
    bonus: bool = Field(False, description="adds to the total without raising the maximum")
    section: str = Field(description="id of the section (heading) the item lives in")
    object: str | None = Field(None, description="name the student must define (code items)")
    aliases: tuple[str, ...] = Field((), description="other names accepted for `object`")
    checks: tuple[CheckSpec, ...] = ()
    target: Literal["object", "section"] = Field(
        "object",
        description="what a code item's checks inspect: the object named by `object:`, or the "
        "section's own code and stored outputs (an analysis the student wrote and ran)",
    )
    manual_points: float = Field(
        0.0, ge=0, description="points of a code item that a person scores (its prose part); the checks decide the rest"
    )
    reports: tuple[str, ...] = Field(
        (), description="functions report_* of the checks module: tables shown with the item, never scored"
    )
    criteria: tuple[Criterion, ...] = Field(
        (), description="the rubric lines a person applies to the answer (default: full, half, none)"
    )
    scoring: Literal["positive", "negative"] = Field(
        "positive",
        description="positive: an answer starts at 0 and criteria add; negative: it starts at the "
        "person's share of the points and criteria take off",
    )

    @field_validator("criteria")
    @classmethod
    def _criteria_unique(cls, criteria: tuple[Criterion, ...]) -> tuple[Criterion, ...]:
        seen: set[str] = set()
        for criterion in criteria:
            if criterion.id in seen:
                raise ValueError(f"criterion id {criterion.id!r} appears twice; each criterion needs its own id")
            seen.add(criterion.id)
        return criteria

    mode: Literal["definitions", "execute"] | None = Field(
        None, description="how this item's objects are obtained; default: the rubric's `mode`"
    )
    graded_with: tuple[str, ...] = Field(
        (),
        description="ids of other code items whose objects this item's code uses as the student wrote them "
        "(graded together); the objects of other items are replaced by the lab's stand-ins",
    )


class SectionSpec(_Strict):
    """A section found by its task number in any heading style (docs/rubrics.md)."""

    number: str | tuple[str, ...] = Field(
        description="task number(s) whose heading opens the section: '2.5', '3.data', or a list ('3.1', '3.2', '3.3') "
        "when several headings form one section"
    )
    titles: tuple[str, ...] = Field(
        (),
        description="phrases of numberless headings that name this task ('Uzupełnij funkcję kosztu'), "
        "recognised within the section's task only",
    )

    @property
    def numbers(self) -> tuple[str, ...]:
        return (self.number,) if isinstance(self.number, str) else tuple(self.number)


class Extraction(_Strict):
    """How definitions mode turns a notebook into a program (DESIGN.md decision 3)."""

    keep_methods: tuple[str, ...] = Field(
        default=("compile",), description="method calls on kept objects that configure them, kept as statements"
    )
    drop_calls: tuple[str, ...] = Field(
        default=(
            "fit",
            "fit_generator",
            "train",
            "evaluate",
            "show",
            "savefig",
            "imshow",
            "plot",
            "scatter",
            "figure",
            "subplots",
            "save",
            "save_weights",
            "load_weights",
            "input",
        ),
        description="an assignment whose value calls one of these is never run",
    )
    also_drop_calls: tuple[str, ...] = Field(
        default=(), description="the lab's own calls added to `drop_calls` (a course helper that trains a model)"
    )

    @property
    def dropped_calls(self) -> frozenset[str]:
        """Every call whose assignment definitions mode never runs."""
        return frozenset(self.drop_calls) | frozenset(self.also_drop_calls)


class Execute(_Strict):
    """Execute mode (DESIGN.md decision 3): the notebook runs top to bottom in a Jupyter kernel in
    the sandbox, with training capped so that a class is graded in minutes, not hours."""

    cell_timeout_s: float = Field(
        default=60.0, gt=0, description="a cell running longer is interrupted (cut) and the next one runs"
    )
    epochs: int = Field(default=1, ge=1, description="cap on `epochs` of Keras `Model.fit` (and of `epochs_variable`)")
    epochs_variable: str = Field(
        default="",
        description="environment variable set to `epochs` in the kernel, for the course's own training "
        "helpers that read their cap from it (a training helper of the handout); empty: none",
    )
    overrides: dict[str, float] = Field(
        default={"epochs": 1, "EPOCHS": 1, "num_epochs": 1, "n_epochs": 1},
        description="top-level names capped after every assignment in a cell (papermill-style): x = min(x, cap)",
    )

    @model_validator(mode="before")
    @classmethod
    def _sizes_moved_to_datasets(cls, data: object) -> object:
        """``execute.<data set>_train``/``_test`` (schema before ``datasets:``) are an error that
        says where the sizes went, not a bare "extra field"."""
        if isinstance(data, dict):
            for name in DATASETS:
                moved = [key for key in (f"{name}_train", f"{name}_test") if key in data]
                if moved:
                    sizes = ", ".join(f"execute_{key.rpartition('_')[2]}: {data[key]}" for key in moved)
                    raise ValueError(
                        f"{' and '.join(f'execute.{key}' for key in moved)} moved to the data set's declaration. "
                        f"Fix: remove {'them' if len(moved) > 1 else 'it'} from `execute:` and declare "
                        f"`datasets: {{{name}: {{{sizes}}}}}` at the top level"
                    )
        return data


class DataSetUse(_Strict):
    """One data set the lab's sandbox serves (a key of ``datasets:``, a name of grader/data's registry)."""

    execute_train: int = Field(
        default=2000, ge=10, description="execute mode: training items served (a seeded subsample)"
    )
    execute_test: int = Field(default=500, ge=10, description="execute mode: test items served (a seeded subsample)")


class Rubric(_Strict):
    schema_version: int
    lab: str
    title: Bilingual
    framework: str = Field(
        description="the framework adapter the sandbox uses (grader/frameworks/: tensorflow, torch, none)"
    )
    keras: Literal["2", "3"] = Field(
        "3",
        description="Keras the students wrote for: '2' runs the sandbox with tf-keras (TF_USE_LEGACY_KERAS=1), "
        "as Colab's tf.keras of 2023; '3' with Keras 3",
    )
    template: str = Field(description="student template notebook, relative to the lab root")
    checks: str = Field(description="Python module with the lab's public check functions (and its report_* functions)")
    hidden_checks: str | None = Field(
        None,
        description="Python module with the checks marked `public: false`, kept out of what students and the "
        "sandbox see (e.g. reference.<lab>.judge.checks)",
    )
    public_dir: str = Field(description="folder of files the sandbox may import (scaffold, probes)")
    handout: tuple[str, ...] = Field(
        (),
        description="files or folders students get with the template (`grader handout`), relative to the lab root, "
        "e.g. course helpers the template imports",
    )
    placeholders: tuple[str, ...] = ("TU WPISZ ODPOWIEDŹ", "YOUR ANSWER HERE")
    sections: dict[str, SectionSpec | str] = Field(
        description="section id -> its task number(s) and titles, or (older rubrics) a regex matched against the first "
        "line of markdown cells"
    )
    task_words: tuple[str, ...] = Field(
        ("Zadanie", "Task", "Exercise", "Ćwiczenie", "Άσκηση"),
        description="words that may precede a task number in a heading ('Zadanie 2.5')",
    )
    extraction: Extraction = Extraction()
    mode: Literal["definitions", "execute"] = Field(
        "definitions", description="how student objects are obtained: parse the definitions (fast) or run the notebook"
    )
    execute: Execute = Execute()
    datasets: dict[str, DataSetUse] = Field(
        default={},
        description="data sets the lab's sandbox serves offline (the registry grader/data: "
        f"{', '.join(sorted(DATASETS))}), by name, with execute mode's sizes; none when absent",
    )
    reference_notebook: str | None = Field(
        None,
        description="the lab's solution notebook: in execute mode it is run once per batch and its figures "
        "are shown beside each student's, section by section",
    )
    total: float = Field(gt=0, description="sum of the points of the non-bonus items")
    items: tuple[Item, ...]

    @field_validator("schema_version")
    @classmethod
    def _known_version(cls, v: int) -> int:
        if v != SCHEMA_VERSION:
            raise ValueError(f"schema_version {v} is not supported; this grader reads {SCHEMA_VERSION}")
        return v

    @field_validator("framework")
    @classmethod
    def _known_framework(cls, v: str) -> str:
        framework_for(v)  # raises ValueError naming the known adapters
        return v

    @field_validator("datasets", mode="before")
    @classmethod
    def _known_datasets(cls, v: object) -> object:
        if isinstance(v, dict):
            unknown = sorted(str(name) for name in v if name not in DATASETS)
            if unknown:
                raise ValueError(
                    f"unknown data set {', '.join(map(repr, unknown))} (known: {', '.join(sorted(DATASETS))}). Fix: "
                    "declare one of the known ones, or register the new one in grader/data/__init__.py"
                )
            # `datasets: {name: }` (no sizes): the defaults
            return {name: {} if use is None else use for name, use in v.items()}
        return v

    def item_mode(self, item: Item, forced: str | None = None) -> str:
        """The mode an item is graded in: ``forced`` (``grader grade --mode``), the item's, the lab's."""
        return forced or item.mode or self.mode

    def item(self, item_id: str) -> Item:
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    @property
    def max_points(self) -> float:
        return round(sum(i.points for i in self.items if not i.bonus), 6)
