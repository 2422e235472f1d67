"""The self-check bundle (grader/bundle.py, ``grader handout LAB --selfcheck``): what it holds,
what it must never hold, that it is built the same twice, and, slow, that installed where the
repository cannot be reached it checks every sample exactly as the instructor's grader does."""

from __future__ import annotations

import ast
import hashlib
import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from benchmarks import selfcheck_bundle as bench
from grader import bundle
from grader.errors import HandoutError
from grader.labs import find_lab
from grader.rubric_file import load_rubric
from grader.settings import load_settings

ROOT = Path(__file__).resolve().parents[1]
LABS = ("generative-tf", "vae-pyro", "autoencoders-keras")
SETTINGS = load_settings({"lang": "en"})


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Each lab's two wheels in memory, built once (no notebook is run: see the slow tests)."""
    cache = {}

    def get(lab_name: str):
        if lab_name not in cache:
            lab = find_lab(lab_name, SETTINGS)
            wheels, manifest = bundle.build(lab, tmp_path_factory.mktemp(f"build-{lab_name}"))
            folder = tmp_path_factory.mktemp(f"wheels-{lab_name}")
            engine = bundle.wheel_files(bundle._write(folder, *wheels["engine"]))
            lab_files = bundle.wheel_files(bundle._write(folder, *wheels["lab"]))
            cache[lab_name] = (lab, wheels, manifest, engine, lab_files)
        return cache[lab_name]

    return get


@pytest.mark.parametrize("lab_name", LABS)
def test_the_lab_wheel_holds_the_public_folder_the_recording_the_rubric_and_the_manifest_only(built, lab_name):
    lab, _, manifest, engine, files = built(lab_name)
    package = bundle.lab_package(lab)
    public = {
        f"{package}/public/{p.relative_to(lab.public_dir).as_posix()}"
        for p in lab.public_dir.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    expected = public | {
        f"{package}/{name}"
        for name in (
            "__init__.py",
            "MANIFEST.json",
            f"rubrics/{lab.name}.yaml",
            "public/cases.npz",
            "public/cases.json",
        )
    }
    assert set(files) == expected
    # byte-identical copies of the public side, and a manifest that hashes what is there
    for name in public:
        assert files[name] == (lab.public_dir / name.split("/public/", 1)[1]).read_bytes(), name
    hashed = {n: hashlib.sha256(d).hexdigest() for n, d in files.items() if not n.endswith("MANIFEST.json")}
    assert manifest["files"] == hashed
    assert manifest["lab"] == lab.name and manifest["cases"]
    # the engine is the grader package and nothing else
    assert engine and all(name.startswith("grader/") for name in engine)
    assert "grader/bundle.py" in engine and not any(n.startswith("reference") for n in (*engine, *files))


@pytest.mark.parametrize("lab_name", LABS)
def test_nothing_of_the_private_side_is_in_the_bundle(built, lab_name):
    lab, _, _, engine, files = built(lab_name)
    secrets = bundle.secret_fingerprints(lab)
    assert secrets.bodies and secrets.names  # the scan has something to look for
    assert bundle.leak_findings(files, secrets) == []
    assert bundle.leak_findings(engine, secrets, by_name=False) == []
    # no module of the lab's package reaches for the instructor's side
    for name, data in files.items():
        if name.endswith(".py"):
            for node in ast.walk(ast.parse(data)):
                if isinstance(node, ast.ImportFrom | ast.Import):
                    modules = [node.module] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
                    assert not any(m and m.startswith("reference") for m in modules), (name, modules)


def test_the_leak_scan_finds_a_private_file_a_private_function_and_a_solution_cell(built):
    lab, _, _, _, files = built("generative-tf")
    secrets = bundle.secret_fingerprints(lab)
    package = bundle.lab_package(lab)
    judge = lab.pack_dir / "judge"

    planted_file = {**files, f"{package}/public/oracles.py": (judge / "oracles.py").read_bytes()}
    findings = bundle.leak_findings(planted_file, secrets)
    assert any("oracles.py: a file of the pack's private side" in f for f in findings)
    assert any(f.startswith(f"{package}/public/oracles.py: holds private code") for f in findings)

    # one function of the solution, pasted under another name into the public checks
    solution = ast.parse((judge / "solution.py").read_text(encoding="utf-8"))
    function = next(n for n in solution.body if isinstance(n, ast.FunctionDef) and len(n.body) >= 2)
    function.name = "harmless_looking_helper"
    checks = f"{package}/public/checks.py"
    pasted = {**files, checks: files[checks] + b"\n\n" + ast.unparse(function).encode()}
    assert any(f.startswith(f"{checks}: holds private code") for f in bundle.leak_findings(pasted, secrets))

    # a cell of the solution notebook that the template does not have, put into the template
    cells = json.loads((judge / "solution.ipynb").read_text(encoding="utf-8"))["cells"]
    template_name = f"{package}/public/template.ipynb"
    template = json.loads(files[template_name])
    template_sources = {"".join(c["source"]) for c in template["cells"]}
    answer = next(
        c
        for c in cells
        if c["cell_type"] == "code"
        and "".join(c["source"]) not in template_sources
        and "".join(c["source"]).count("\n") >= 2
    )
    template["cells"].append(answer)
    leaked = {**files, template_name: json.dumps(template).encode()}
    assert any(f.startswith(f"{template_name}: holds private code") for f in bundle.leak_findings(leaked, secrets))


def _allowed(lab) -> set[str]:
    required, frameworks = bundle.requirements(lab)
    return bundle._top_level_modules([*required, *frameworks, *bundle.ENGINE_REQUIRES])


@pytest.mark.parametrize("lab_name", LABS)
def test_every_module_of_the_lab_imports_only_what_the_bundle_provides(built, lab_name):
    lab, _, _, _, files = built(lab_name)
    assert bundle.import_findings(files, bundle.lab_package(lab), _allowed(lab)) == []


def test_the_import_check_refuses_a_module_the_bundle_does_not_provide(built):
    lab, _, _, _, files = built("vae-pyro")
    package = bundle.lab_package(lab)
    checks = f"{package}/public/checks.py"
    reaching = {
        **files,
        checks: files[checks] + b"\nfrom reference.vae_pyro.judge import oracles\nimport scipy.special\n",
    }
    found = bundle.import_findings(reaching, package, _allowed(lab))
    # the instructor's side, and a library the lab does not declare (vae-pyro needs no scipy of its own)
    assert [f.split(": ", 1)[1] for f in found] == [
        "imports reference.vae_pyro.judge, which the bundle does not provide",
        "imports scipy.special, which the bundle does not provide",
    ]
    assert all(f.startswith(f"{checks}:") for f in found)


@pytest.mark.parametrize("lab_name", LABS)
def test_the_filtered_rubric_keeps_every_public_verdict_and_drops_the_hidden_side(built, lab_name, tmp_path):
    lab, _, _, _, files = built(lab_name)
    package = bundle.lab_package(lab)
    raw = yaml.safe_load(files[f"{package}/rubrics/{lab.name}.yaml"])
    assert not {"hidden_checks", "reference_notebook"} & set(raw)
    assert raw["checks"].startswith(f"{package}.public.")
    # what scores a public verdict is unchanged: items, points, public checks and their weights
    public_view = [(i.id, i.points, [(c.id, c.weight) for c in i.checks if c.public]) for i in lab.rubric.items]
    kept = [
        (
            i["id"],
            i["points"],
            [
                (c["id"] if isinstance(c, dict) else c, c.get("weight", 1.0) if isinstance(c, dict) else 1.0)
                for c in i.get("checks", ())
            ],
        )
        for i in raw["items"]
    ]
    assert kept == public_view
    assert not any("reports" in i for i in raw["items"])
    # and it is a valid rubric once unpacked
    for name, data in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(data)
    sys.path.insert(0, str(tmp_path))
    try:
        rubric, _ = load_rubric(tmp_path / package / "rubrics" / f"{lab.name}.yaml")
    finally:
        sys.path.remove(str(tmp_path))
        for module in [m for m in sys.modules if m.startswith(package)]:
            del sys.modules[module]
    assert all(c.public for i in rubric.items for c in i.checks)


def test_an_installed_bundle_hides_its_rubrics_from_the_sandbox_and_never_its_probes(built, tmp_path):
    """With bubblewrap, a hidden folder is covered after the binds: hiding the bundle's whole
    package (as a checkout's root is hidden) would hide the probes the sandbox runs."""
    lab, _, _, _, files = built("generative-tf")
    site = tmp_path / "site-packages"
    for name, data in files.items():
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_bytes(data)
    package = bundle.lab_package(lab)
    sys.path.insert(0, str(site))
    try:
        installed = find_lab(str(site / package / "rubrics" / f"{lab.name}.yaml"), SETTINGS)
        assert installed.private_dirs == (site / package / "rubrics",)
        shown = installed.sandbox_files
        assert shown and not any(d in p.parents for p in shown for d in installed.private_dirs)
    finally:
        sys.path[:] = [p for p in sys.path if not p.startswith(str(site))]
        for module in [m for m in sys.modules if m.startswith(package)]:
            del sys.modules[module]


def test_an_item_graded_by_hidden_checks_only_is_refused(tmp_path):
    lab = find_lab("generative-tf", SETTINGS)
    raw = yaml.safe_load(lab.rubric_path.read_text(encoding="utf-8"))
    item = next(i for i in raw["items"] if i.get("checks"))
    item["checks"] = [{"id": c["id"] if isinstance(c, dict) else c, "public": False} for c in item["checks"]]
    mutant = tmp_path / "rubrics" / "generative-tf.yaml"
    mutant.parent.mkdir()
    mutant.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(HandoutError, match=f"item {item['id']} has only hidden checks"):
        bundle.public_rubric(replace(lab, rubric_path=mutant))


def test_a_lab_that_is_not_a_pack_is_refused_with_the_fix():
    lab = find_lab(str(ROOT / "rubrics" / "generative-tf.yaml"), SETTINGS)
    with pytest.raises(HandoutError, match="is not a lab pack.*Fix: make the lab a pack"):
        bundle.lab_package(lab)


def test_the_bundle_is_built_byte_for_byte_the_same_twice(built, tmp_path):
    lab, wheels, _, _, _ = built("generative-tf")
    again, _ = bundle.build(lab, tmp_path)
    assert again == wheels
    # and its wheel names carry the content: another content, another name
    assert wheels["lab"][0].startswith("grader_lab_generative_tf-") and "+" in wheels["lab"][0]
    assert wheels["engine"][0].startswith("grader_selfcheck-")


def test_the_lab_wheel_pins_its_engine_and_keeps_frameworks_optional(built):
    lab, wheels, _, _, _ = built("vae-pyro")
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(wheels["lab"][1])) as archive:
        (metadata,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        text = archive.read(metadata).decode()
        (entry_points,) = [n for n in archive.namelist() if n.endswith("entry_points.txt")]
        assert archive.read(entry_points).decode() == "[grader.labs]\nvae-pyro = grader_lab_vae_pyro\n"
    engine_version = wheels["engine"][0].split("-")[1]
    assert f"Requires-Dist: grader-selfcheck=={engine_version}" in text
    # torch only behind the extra: pip on Colab must not replace the torch it has
    assert 'Requires-Dist: torch>=2.1 ; extra == "frameworks"' in text
    assert not any(line.startswith("Requires-Dist: torch") and "extra" not in line for line in text.splitlines())


def test_the_student_commands_import_no_instructor_module():
    heavy = ["sqlalchemy", "alembic", "starlette", "uvicorn", "sklearn", "dask", "canvasapi", "jinja2", "tqdm"]
    code = f"import sys, grader.student_cli, grader.selfcheck; print(*[m for m in {heavy!r} if m in sys.modules])"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""


def test_the_student_command_line_names_what_it_lacks(capsys):
    from grader import student_cli

    with pytest.raises(SystemExit):
        student_cli.main(["grade", "x.ipynb"])
    assert "invalid choice: 'grade'" in capsys.readouterr().err
    assert "instructor's commands" in student_cli.INSTRUCTOR_ONLY


# --- slow: notebooks run from the bundle --------------------------------------------------------------


@pytest.mark.slow
def test_the_verification_refuses_a_bundle_whose_recording_differs(built, tmp_path):
    lab, wheels, _, _, files = built("generative-tf")
    package = bundle.lab_package(lab)
    name = f"{package}/public/cases.json"
    recorded = json.loads(files[name])
    # every expected KL of the 2.5 case a little off: the recording lies, the verdicts change
    key = next(k for k in recorded["cases"] if k.startswith("vae_loss"))
    variants = recorded["cases"][key]["variants"]
    variants["correct"] = variants["correct"] * 1.5
    lying = {**files, name: json.dumps(recorded).encode()}
    solution = lab.pack_dir / "judge" / "solution.ipynb"
    assert bundle.compare_with_instructor(lab, tmp_path / "lying", lying, SETTINGS, [solution]) == ["solution.ipynb"]
    # the true recording: the same table
    assert bundle.compare_with_instructor(lab, tmp_path / "true", files, SETTINGS, [solution]) == []


@pytest.mark.slow
def test_grader_handout_selfcheck_writes_a_verified_bundle_and_its_install_note(tmp_path):
    from grader.cli import main

    assert main(["handout", "vae-pyro", "--out", str(tmp_path / "handout"), "--selfcheck"]) == 0
    folder = tmp_path / "handout" / "selfcheck"
    wheels = sorted(p.name for p in folder.glob("*.whl"))
    assert [w.split("-")[0] for w in wheels] == ["grader_lab_vae_pyro", "grader_selfcheck"]
    note = (folder / "INSTALL.md").read_text(encoding="utf-8")
    assert all(w in note for w in wheels) and "Colab" in note and "Samosprawdzenie" in note
    assert (tmp_path / "handout" / "template.ipynb").is_file()
    # built again into the same folder: nothing piles up
    assert main(["handout", "vae-pyro", "--out", str(tmp_path / "handout"), "--selfcheck", "--force"]) == 0
    assert sorted(p.name for p in folder.glob("*.whl")) == wheels


@pytest.mark.slow
@pytest.mark.timeout(1800)  # about 50 cold self-checks on each side for generative-tf: minutes on 2 cores
@pytest.mark.parametrize("lab_name", LABS)
def test_the_installed_bundle_checks_every_sample_as_the_instructor_does(lab_name, tmp_path):
    """The equality test (benchmarks/selfcheck_bundle.py prints the same figures): every sample of
    the lab and, with the first lab, every broken input, in English; a third of them in Polish."""
    installed = bench.build(lab_name, tmp_path / "bundle")
    bin_dir = bench.install(installed, tmp_path / "venv")
    student = tmp_path / "student"
    student.mkdir()
    assert bench.reaches_repository(bin_dir, student) == []
    notebooks = sorted((ROOT / "submissions" / lab_name).iterdir())
    if lab_name == LABS[0]:
        notebooks += sorted((ROOT / "submissions" / "broken").iterdir())
    assert bench.compare(bin_dir, lab_name, notebooks, student, "en") == []
    assert bench.compare(bin_dir, lab_name, notebooks[::3], student, "pl") == []
    # and from a notebook cell, the lab read from the notebook's metadata
    solution = ROOT / "submissions" / lab_name / "solution.ipynb"
    cell = f"import grader; grader.check(notebook={str(solution)!r}, lang='en')"
    from_cell = bench.run([str(bin_dir / "python"), "-c", cell], student, bench.student_env(student / "home"))
    from_terminal = bench.run(
        [str(bin_dir / "grader"), "check", str(solution), "--lang", "en"], student, bench.student_env(student / "home")
    )
    assert from_cell == from_terminal and from_cell.startswith("exit 0\n")


def _closure(requirements) -> set[str]:
    """The distributions ``requirements`` install, with what they require in turn (extras left out)."""
    import importlib.metadata
    import re

    seen: set[str] = set()
    todo = [re.split(r"[<>=!~ \[;]", r, maxsplit=1)[0] for r in requirements]
    while todo:
        name = todo.pop().lower().replace("_", "-")
        if name in seen:
            continue
        seen.add(name)
        try:
            needs = importlib.metadata.requires(name) or []
        except importlib.metadata.PackageNotFoundError:
            continue
        todo += [re.split(r"[<>=!~ \[;(]", r, maxsplit=1)[0] for r in needs if "extra ==" not in r]
    return seen


# imported when present, not needed: jsonschema (nbformat's) tries idna for its format checks
OPTIONAL_IMPORTS = frozenset({"idna"})


@pytest.mark.slow
def test_the_engine_requires_every_distribution_a_self_check_loads():
    """ENGINE_REQUIRES is what the bundle's engine declares; a self-check must not need more (the
    judge's side: the sandbox's worker imports the frameworks, which the lab wheel declares)."""
    import importlib.metadata

    template = ROOT / "submissions" / "generative-tf" / "solution.ipynb"
    code = (
        "import sys, pathlib; from grader.selfcheck import run_self_check; from grader.settings import load_settings; "
        f"run_self_check(pathlib.Path({str(template)!r}), 'generative-tf', load_settings({{'lang': 'en'}})); "
        "print(*sorted({m.split('.')[0] for m, mod in list(sys.modules.items()) "
        "if 'site-packages' in str(getattr(mod, '__file__', '') or '')}))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    loaded = set(done.stdout.split())
    assert "numpy" in loaded and "pydantic" in loaded  # the probe sees what it should
    owners = importlib.metadata.packages_distributions()
    allowed = _closure(bundle.ENGINE_REQUIRES)
    outside = sorted(
        m
        for m in loaded - OPTIONAL_IMPORTS
        # _distutils_hack, the editable install's finder: this environment's own hooks
        if not m.startswith("_") and not any(d.lower().replace("_", "-") in allowed for d in owners.get(m, [m]))
    )
    assert outside == []
