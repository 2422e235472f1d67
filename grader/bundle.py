"""``grader handout LAB --selfcheck``: the self-check bundle, what a student installs to run a
lab's public checks on their own machine or on Colab without receiving its answers.

Two wheels, written directly with :mod:`zipfile` (no setuptools, no network) and byte-for-byte
repeatable (sorted members, fixed dates and modes, no build time anywhere):

* the engine, ``grader-selfcheck``: the ``grader`` package and nothing of any lab; its
  dependencies are the light ones the self-check imports (numpy, pydantic, PyYAML, nbformat,
  jupytext, psutil), never a framework: Colab keeps its own TensorFlow and torch;
* the lab, ``grader-lab-<lab>``: a package ``grader_lab_<pack>`` holding the pack's ``public/``
  folder verbatim (probes, scaffold, template, public checks and their analysis code), the
  recorded public cases (:func:`grader.cases.record`), the rubric filtered to public checks
  (:func:`public_rubric`), and ``MANIFEST.json`` (hashes of every file, the case keys, the
  versions it was built with). Its entry point ``grader.labs`` registers the lab as the pack
  does in the checkout; its frameworks sit behind the extra ``[frameworks]``.

Verified before anything is written (:func:`verify`): no file may hold the source of the
pack's private side (``judge/``, ``build/``: by file name and by content fingerprints,
:func:`secret_fingerprints`), the lab's modules may import only the engine, the standard
library, their own package and what the wheel declares (:func:`import_findings`), and the
public checks run from the built bundle on the given notebooks give the instructor's own
``grader check`` table, character for character.
"""

from __future__ import annotations

import ast
import base64
import hashlib
import importlib
import importlib.metadata
import io
import json
import re
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from . import __version__
from .cases import CaseBook, RecordedSource, record
from .errors import HandoutError
from .labs import Lab, find_lab
from .settings import Settings

ENGINE_DISTRIBUTION = "grader-selfcheck"
# what the self-check imports outside the standard library (tests/test_selfcheck_bundle.py
# checks the list against the modules a self-check really loads)
ENGINE_REQUIRES = ("numpy>=2.0", "pyyaml>=6", "pydantic>=2.6", "nbformat>=5.9", "jupytext>=1.16", "psutil>=5.9")
# execute mode runs the notebook in a Jupyter kernel
EXECUTE_REQUIRES = ("nbclient>=0.10", "ipykernel>=6.29")
MANIFEST = "MANIFEST.json"
MANIFEST_FORMAT = 1
# the private side of a pack: never in a bundle, by name
PRIVATE_FOLDERS = ("judge", "build")
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
# a function body this short (``return x``) may occur anywhere by chance; one long statement
# (a loss in one expression) is as telling as two
_FINGERPRINT_MIN_STATEMENTS = 2
_FINGERPRINT_MIN_CHARS = 40
_FINGERPRINT_MIN_STRING = 24


@dataclass(frozen=True)
class Bundle:
    engine_wheel: Path
    lab_wheel: Path
    manifest: dict


# --- what goes in ----------------------------------------------------------------------------------


def lab_package(lab: Lab) -> str:
    """The bundle's package of the lab: ``grader_lab_generative_tf`` for ``reference.generative_tf``."""
    return f"grader_lab_{_pack_dir(lab).name}"


def _pack_dir(lab: Lab) -> Path:
    if lab.pack_dir is None:
        raise HandoutError(
            f"lab {lab.name} ({lab.rubric_path}) is not a lab pack: a self-check bundle records the cases of a "
            "pack's judge/cases.py. Fix: make the lab a pack (docs/labs.md, 'A lab pack') and register it."
        )
    return lab.pack_dir


def _relative_public(lab: Lab) -> str:
    """The pack's public folder relative to the lab root (``reference/generative_tf/public``)."""
    return Path(lab.rubric.public_dir).as_posix().rstrip("/")


def public_rubric(lab: Lab) -> dict:
    """The rubric students get: hidden checks, reports, the hidden-checks module and the solution
    notebook removed; the modules and paths moved into the bundle's package; everything that
    decides the public verdicts (items, points, weights, sections, extraction, mode) unchanged."""
    raw = yaml.safe_load(lab.rubric_path.read_text(encoding="utf-8"))
    package, public = lab_package(lab), _relative_public(lab)

    def moved(path: str) -> str:
        text = Path(path).as_posix()
        if text != public and not text.startswith(public + "/"):
            raise HandoutError(
                f"{lab.rubric_path}: {path} is outside the public folder {public}: a bundle ships the public "
                "folder only. Fix: move the file into it."
            )
        return "public" + text[len(public) :]

    checks_module = raw["checks"]
    public_module = lab.checks_module.__name__.rpartition(".")[0]
    if not checks_module.startswith(public_module + "."):
        raise HandoutError(f"{lab.rubric_path}: checks module {checks_module} is not in the public folder.")
    raw["checks"] = f"{package}.public{checks_module[len(public_module) :]}"
    raw["template"] = moved(raw["template"])
    raw["public_dir"] = "public"
    if raw.get("handout"):
        raw["handout"] = [moved(entry) for entry in raw["handout"]]
    for private in ("hidden_checks", "reference_notebook"):
        raw.pop(private, None)
    for item in raw["items"]:
        item.pop("reports", None)
        if not item.get("checks"):
            continue
        kept = [c for c in item["checks"] if not (isinstance(c, dict) and c.get("public") is False)]
        if not kept:
            raise HandoutError(
                f"{lab.rubric_path}: item {item['id']} has only hidden checks: its self-check would say 'awaits "
                "the instructor' where the grade runs checks. Fix: give it a public check, or make it a prose item."
            )
        item["checks"] = kept
    return raw


def _package_init(lab: Lab) -> str:
    return (
        f'"""Self-check bundle of the lab {lab.name}: its public checks, recorded cases and the rubric\n'
        'filtered to public checks (written by `grader handout --selfcheck`; see MANIFEST.json)."""\n\n'
        "from pathlib import Path\n\n"
        f"LAB_ID = {lab.name!r}\n"
        f'RUBRIC = Path(__file__).resolve().parent / "rubrics" / "{lab.name}.yaml"\n'
    )


def _pack_module(lab: Lab) -> str:
    """The pack's module name (``reference.generative_tf``): its public checks' package's parent."""
    return lab.checks_module.__name__.rpartition(".public")[0]


def _pack_attribute(lab: Lab, name: str) -> tuple[str, ...]:
    """A pack's declared self-check requirements (``SELFCHECK_REQUIRES``, ``SELFCHECK_FRAMEWORKS``)."""
    return tuple(getattr(importlib.import_module(_pack_module(lab)), name, ()))


def requirements(lab: Lab) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """What the lab wheel requires (the engine, the pack's ``SELFCHECK_REQUIRES``, a Jupyter kernel
    in execute mode) and what its ``[frameworks]`` extra adds (``SELFCHECK_FRAMEWORKS``)."""
    executes = lab.rubric.mode == "execute" or any(i.mode == "execute" for i in lab.rubric.items)
    required = (*_pack_attribute(lab, "SELFCHECK_REQUIRES"), *(EXECUTE_REQUIRES if executes else ()))
    return tuple(sorted(set(required))), _pack_attribute(lab, "SELFCHECK_FRAMEWORKS")


def _files_under(folder: Path, prefix: str) -> dict[str, bytes]:
    return {
        f"{prefix}/{path.relative_to(folder).as_posix()}": path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    }


def engine_files() -> dict[str, bytes]:
    """The ``grader`` package as the instructor runs it: every file of it, nothing else."""
    return _files_under(Path(__file__).resolve().parent, "grader")


def lab_files(lab: Lab, cases_dir: Path) -> dict[str, bytes]:
    """The lab package's files (MANIFEST.json excluded): public folder, recorded cases, rubric."""
    package = lab_package(lab)
    files = _files_under(lab.public_dir, f"{package}/public")
    for name in sorted(p.name for p in cases_dir.iterdir()):
        files[f"{package}/public/{name}"] = (cases_dir / name).read_bytes()
    header = (
        f"# {lab.name}: the rubric filtered to its public checks, for the self-check (grader handout --selfcheck)\n"
    )
    files[f"{package}/rubrics/{lab.name}.yaml"] = (
        header + yaml.safe_dump(public_rubric(lab), sort_keys=False, allow_unicode=True, width=120)
    ).encode("utf-8")
    files[f"{package}/__init__.py"] = _package_init(lab).encode("utf-8")
    return files


def _versions(names: Iterable[str]) -> dict[str, str]:
    found = {}
    for requirement in names:
        name = re.split(r"[<>=!~ \[;]", requirement, maxsplit=1)[0]
        try:
            found[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


def _git_commit(folder: Path) -> str | None:
    try:
        done = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=folder, capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None if done.returncode == 0 else None


def manifest(lab: Lab, files: Mapping[str, bytes], cases: Sequence[str], engine_version: str) -> dict:
    required, frameworks = requirements(lab)
    return {
        "format": MANIFEST_FORMAT,
        "lab": lab.name,
        "package": lab_package(lab),
        "engine": {"distribution": ENGINE_DISTRIBUTION, "version": engine_version},
        "source_rubric_sha256": hashlib.sha256(lab.rubric_path.read_bytes()).hexdigest(),
        "source_commit": _git_commit(lab.root),
        # the recorded values were computed with these; a student's own may differ (docs/selfcheck.md)
        "built_with": {"python": ".".join(map(str, sys.version_info[:2])), **_versions(("numpy", *frameworks))},
        "cases": list(cases),
        "files": {name: hashlib.sha256(data).hexdigest() for name, data in sorted(files.items())},
    }


# --- wheels ----------------------------------------------------------------------------------------


def _digest(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def _content_version(base: str, files: Mapping[str, bytes]) -> str:
    """``0.1.0+1a2b3c4d``: the version, and a local label from the content, so that two builds of
    different content never share a name (the lab wheel pins the engine it was verified with)."""
    digest = hashlib.sha256()
    for name, data in sorted(files.items()):
        digest.update(name.encode() + b"\0" + hashlib.sha256(data).digest())
    return f"{base}+{digest.hexdigest()[:8]}"


def wheel(
    distribution: str,
    version: str,
    files: Mapping[str, bytes],
    *,
    summary: str,
    requires: Sequence[str] = (),
    extras: Mapping[str, Sequence[str]] | None = None,
    entry_points: str = "",
) -> tuple[str, bytes]:
    """A pure-Python wheel (PEP 427) of ``files``: its file name and its bytes."""
    name = re.sub(r"[-_.]+", "_", distribution)
    info = f"{name}-{version}.dist-info"
    metadata = [
        "Metadata-Version: 2.1",
        f"Name: {distribution}",
        f"Version: {version}",
        f"Summary: {summary}",
        "Requires-Python: >=3.11",
        *(f"Requires-Dist: {r}" for r in requires),
    ]
    for extra, extra_requires in (extras or {}).items():
        metadata += [f"Provides-Extra: {extra}", *(f'Requires-Dist: {r} ; extra == "{extra}"' for r in extra_requires)]
    members = dict(files)
    members[f"{info}/METADATA"] = ("\n".join(metadata) + "\n").encode()
    members[f"{info}/WHEEL"] = (
        b"Wheel-Version: 1.0\nGenerator: grader-bundle\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    )
    if entry_points:
        members[f"{info}/entry_points.txt"] = entry_points.encode()
    record_name = f"{info}/RECORD"
    rows = [f"{member},{_digest(data)},{len(data)}" for member, data in sorted(members.items())]
    members[record_name] = ("\n".join([*rows, f"{record_name},,"]) + "\n").encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        # the dist-info last, RECORD at the very end, as installers expect
        for member in sorted(members, key=lambda m: (m.startswith(info), m == record_name, m)):
            entry = zipfile.ZipInfo(member, date_time=_ZIP_DATE)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            archive.writestr(entry, members[member])
    return f"{name}-{version}-py3-none-any.whl", buffer.getvalue()


def wheel_files(path: Path) -> dict[str, bytes]:
    """The members of a wheel, its dist-info excluded."""
    with zipfile.ZipFile(path) as archive:
        return {n: archive.read(n) for n in archive.namelist() if ".dist-info/" not in n}


# --- what must not go in ---------------------------------------------------------------------------


def _defs(tree: ast.AST) -> Iterable[str]:
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            body = ast.unparse(ast.Module(body=node.body, type_ignores=[]))
            if _telling(node.body, body):
                yield body


def _telling(statements: list[ast.stmt], code: str) -> bool:
    """Code too long to occur elsewhere by chance: two statements, or one long one."""
    return len(statements) >= _FINGERPRINT_MIN_STATEMENTS or len(code) >= _FINGERPRINT_MIN_CHARS


def _strings(tree: ast.AST) -> Iterable[str]:
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and len(node.value) >= _FINGERPRINT_MIN_STRING
        ):
            yield node.value


def _code_units(name: str, data: bytes) -> list[ast.Module]:
    """The Python a file holds: a module, or a notebook's code cells (magics dropped)."""
    text = data.decode("utf-8", errors="replace")
    sources = [text]
    if name.endswith(".ipynb"):
        try:
            cells = json.loads(text).get("cells", [])
        except ValueError:
            cells = []
        sources = ["".join(c.get("source", "")) for c in cells if c.get("cell_type") == "code"]
        sources = [
            "\n".join(line for line in s.splitlines() if not line.lstrip().startswith(("%", "!"))) for s in sources
        ]
    elif not name.endswith(".py"):
        return []
    units: list[ast.Module] = []
    for source in sources:
        try:
            units.append(ast.parse(source))
        except SyntaxError:
            continue
    return units


@dataclass(frozen=True)
class Fingerprints:
    """What the private side of a pack is recognised by: its file names, the normalised bodies of
    its functions and classes, its long string constants (each only if no public file has it)."""

    names: frozenset[str]
    bodies: frozenset[str]
    strings: frozenset[str]


def secret_fingerprints(lab: Lab) -> Fingerprints:
    """The private side's fingerprints, less whatever the public folder or the engine also holds
    (a builder writes mutants whose text a public check's message quotes; both are public)."""
    pack = _pack_dir(lab)
    public = {**_files_under(lab.public_dir, "public"), **engine_files()}
    public_bodies = {b for name, data in public.items() for u in _code_units(name, data) for b in _defs(u)}
    public_text = "\0".join(data.decode("utf-8", errors="replace") for data in public.values())
    template_cells = {ast.unparse(u) for u in _code_units("t.ipynb", (lab.root / lab.rubric.template).read_bytes())}
    public_names = {name.rpartition("/")[2] for name in public if name.startswith("public/")}
    names, bodies, strings = set(), set(), set()
    for folder in PRIVATE_FOLDERS:
        for name, data in _files_under(pack / folder, folder).items():
            # judge/checks.py and public/checks.py share a name; judge/oracles.py has none public
            if name.rpartition("/")[2] not in public_names | {"__init__.py"}:
                names.add(name.rpartition("/")[2])
            for unit in _code_units(name, data):
                bodies |= set(_defs(unit)) - public_bodies
                strings |= {text for text in _strings(unit) if text not in public_text}
                cell = ast.unparse(unit)
                if name.endswith(".ipynb") and cell not in template_cells and _telling(unit.body, cell):
                    bodies.add(cell)  # a solution cell the template does not hold
    return Fingerprints(frozenset(names), frozenset(bodies), frozenset(strings))


def leak_findings(files: Mapping[str, bytes], secrets: Fingerprints, *, by_name: bool = True) -> list[str]:
    """Each way ``files`` hold the private side: a private file's name (``by_name``: not for the
    engine, whose own ``cases.py`` is not a lab's), a private function's body, a private solution
    cell or a private long string."""
    findings = []
    for name, data in sorted(files.items()):
        base = name.rpartition("/")[2]
        if by_name and base in secrets.names:
            findings.append(f"{name}: a file of the pack's private side ({base})")
        found = {b for unit in _code_units(name, data) for b in (*_defs(unit), ast.unparse(unit))}
        for body in sorted(found & secrets.bodies):
            findings.append(f"{name}: holds private code: {body.splitlines()[0][:80]}...")
        text = data.decode("utf-8", errors="replace")
        for string in sorted(s for s in secrets.strings if s in text):
            findings.append(f"{name}: holds a private text: {string[:60]!r}")
    return findings


def import_findings(files: Mapping[str, bytes], package: str, allowed: Iterable[str]) -> list[str]:
    """Imports of the lab package's modules that a student's install could not satisfy, or that
    reach for the instructor's side: anything but the standard library, the engine, the package
    itself, the public folder's own modules (course helpers such as ``src``) and ``allowed``."""
    own = {package}
    for name in files:
        parts = name.split("/")
        if len(parts) >= 3 and parts[1] == "public":
            own.add(parts[2].removesuffix(".py"))
    permitted = set(sys.stdlib_module_names) | {"grader", "__future__"} | own | set(allowed)
    findings = []
    for name, data in sorted(files.items()):
        if not name.endswith(".py"):
            continue
        for node in ast.walk(ast.parse(data)):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            else:
                continue
            for module in modules:
                if module.split(".")[0] not in permitted:
                    findings.append(f"{name}:{node.lineno}: imports {module}, which the bundle does not provide")
    return findings


def _top_level_modules(requirements: Iterable[str]) -> set[str]:
    """The importable names the distributions ``requirements`` provide (tensorflow-cpu: tensorflow)."""
    wanted = {re.split(r"[<>=!~ \[;]", r, maxsplit=1)[0].lower().replace("_", "-") for r in requirements}
    # a distribution not installed here is taken at its word (tensorflow: tensorflow)
    modules = {w.replace("-", "_") for w in wanted}
    for module, distributions in importlib.metadata.packages_distributions().items():
        if any(d.lower().replace("_", "-") in wanted for d in distributions):
            modules.add(module)
    return modules


# --- building and verifying ------------------------------------------------------------------------


def build(lab: Lab, work: Path) -> tuple[dict[str, tuple[str, bytes]], dict]:
    """Both wheels in memory: {"engine"|"lab": (file name, bytes)}, and the lab's manifest."""
    package = lab_package(lab)
    engine = engine_files()
    engine_version = _content_version(__version__, engine)
    cases_dir = work / "cases"
    keys = record(_pack_module(lab), cases_dir)
    files = lab_files(lab, cases_dir)
    files[f"{package}/{MANIFEST}"] = (
        json.dumps(manifest(lab, files, keys, engine_version), indent=1, sort_keys=True) + "\n"
    ).encode()
    required, frameworks = requirements(lab)
    lab_wheel = wheel(
        f"grader-lab-{lab.name}",
        _content_version(__version__, files),
        files,
        summary=f"Self-check of the lab {lab.name}: public checks and recorded cases, no answers",
        requires=(f"{ENGINE_DISTRIBUTION}=={engine_version}", *required),
        extras={"frameworks": frameworks} if frameworks else None,
        entry_points=f"[grader.labs]\n{lab.name} = {package}\n",
    )
    engine_wheel = wheel(
        ENGINE_DISTRIBUTION,
        engine_version,
        engine,
        summary="The grader's engine for students' self-check (no lab, no answers)",
        requires=ENGINE_REQUIRES,
        entry_points="[console_scripts]\ngrader = grader.student_cli:main\n",
    )
    return {"engine": engine_wheel, "lab": lab_wheel}, json.loads(files[f"{package}/{MANIFEST}"])


def verify(
    lab: Lab, wheels: Mapping[str, tuple[str, bytes]], work: Path, settings: Settings, notebooks: Sequence[Path]
):
    """Refuse a bundle that leaks, imports what it lacks, or checks differently from the instructor."""
    package = lab_package(lab)
    engine = wheel_files(_write(work, *wheels["engine"]))
    lab_only = wheel_files(_write(work, *wheels["lab"]))
    required, frameworks = requirements(lab)
    secrets = secret_fingerprints(lab)
    problems = [
        *leak_findings(engine, secrets, by_name=False),
        *leak_findings(lab_only, secrets),
        *import_findings(lab_only, package, _top_level_modules([*required, *frameworks, *ENGINE_REQUIRES])),
    ]
    if problems:
        raise HandoutError(
            f"the self-check bundle of {lab.name} was not written: "
            + "; ".join(problems[:10])
            + (f" (and {len(problems) - 10} more)" if len(problems) > 10 else "")
            + ". Fix: move what the public checks need into public/ as data (judge/cases.py) or analysis code."
        )
    differences = compare_with_instructor(lab, work, lab_only, settings, notebooks)
    if differences:
        raise HandoutError(
            f"the self-check bundle of {lab.name} was not written: from the bundle, {', '.join(differences)} "
            "checked differently than with the instructor's grader. Fix: a check reads something the recording "
            "lacks (tests/test_cases_labs.py names it); record it as a case."
        )


def _write(folder: Path, name: str, data: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data)
    return folder / name


def compare_with_instructor(
    lab: Lab, work: Path, lab_only: Mapping[str, bytes], settings: Settings, notebooks: Sequence[Path]
) -> list[str]:
    """The notebooks whose self-check table from the unpacked bundle (recorded cases, filtered
    rubric, renamed package) differs from the instructor's (live cases, full rubric)."""
    from .selfcheck import run_self_check  # the judge and the sandbox: only when there is something to run

    if not notebooks:
        return []
    site = work / "site-packages"  # as installed: the sandbox then hides what it hides in a student's venv
    for name, data in lab_only.items():
        _write((site / name).parent, Path(name).name, data)
    package = lab_package(lab)
    sys.path.insert(0, str(site))
    try:
        bundled = find_lab(str(site / package / "rubrics" / f"{lab.name}.yaml"), settings)
        if not isinstance(CaseBook(f"{package}.public").source(), RecordedSource):
            return ["(the bundle's cases are not read from its recording)"]
        return [
            notebook.name
            for notebook in notebooks
            if run_self_check(notebook, lab.name, settings)
            != run_self_check(notebook, str(bundled.rubric_path), settings)
        ]
    finally:
        # find_lab put the unpacked lab's root on the path too (a lab outside the grader's packages)
        sys.path[:] = [p for p in sys.path if not p.startswith(str(site))]
        for module in [m for m in sys.modules if m == package or m.startswith(package + ".")]:
            del sys.modules[module]


def default_notebooks(lab: Lab) -> list[Path]:
    """What a bundle is verified on unless told more: the template (most checks fail) and the
    pack's solution notebooks (every check passes)."""
    return [lab.root / lab.rubric.template, *sorted((_pack_dir(lab) / "judge").glob("*.ipynb"))]


def write_selfcheck_bundle(
    lab: Lab, out_dir: Path, settings: Settings, *, verify_with: Sequence[Path] | None = None, force: bool = False
) -> Bundle:
    """Build, verify and write the bundle's two wheels into ``out_dir``; nothing is written when
    the verification fails. ``verify_with``: the notebooks to compare on (default: the template
    and the solution; ``()`` only for the structure tests, which run no notebook)."""
    notebooks = default_notebooks(lab) if verify_with is None else list(verify_with)
    with tempfile.TemporaryDirectory(prefix="grader-bundle-") as tmp:
        wheels, lab_manifest = build(lab, Path(tmp))
        verify(lab, wheels, Path(tmp) / "verify", settings, notebooks)
    targets = [out_dir / name for name, _ in wheels.values()]
    stale = [] if force else [t for t in targets if t.exists() and t.read_bytes() != dict(wheels.values())[t.name]]
    if stale:
        raise HandoutError(f"{stale[0]} already exists with other content. Fix: another folder, or --force.")
    # an earlier build of the same distributions is superseded: beside the new one, `pip install
    # *.whl` would refuse two versions of one project
    prefixes = tuple(name.split("-", 1)[0] + "-" for name, _ in wheels.values())
    for old in out_dir.glob("*.whl") if out_dir.is_dir() else ():
        if old.name.startswith(prefixes) and old.name not in {name for name, _ in wheels.values()}:
            old.unlink()
    for name, data in wheels.values():
        _write(out_dir, name, data)
    return Bundle(out_dir / wheels["engine"][0], out_dir / wheels["lab"][0], lab_manifest)
