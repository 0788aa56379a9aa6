"""Mutation testing of the rules modules (``make mutation``; docs/testing.md).

mutmut (configured in ``[tool.mutmut]`` of pyproject.toml) mutates one rules module at a
time and runs, for each mutant, only the table tests of the rules that call the mutated
function (mutmut's per-function test selection). This script prints each module's score
and its surviving mutants, and exits non-zero when a module scores below the floor.

    python scripts/mutation.py                 # every module, one after the other
    python scripts/mutation.py control         # one module
    python scripts/mutation.py --keep control  # reuse mutants/ from the previous run
    python scripts/mutation.py --quiet --no-diff  # scores and survivor names only

The mutations are those of the rules' edges (issue #20): comparison operators flipped
(``<`` ↔ ``<=``, ``==`` ↔ ``!=``), ``and`` ↔ ``or``, arithmetic operators swapped, numbers
changed (n → n+1), ``not`` dropped, ``True`` ↔ ``False``, ``in`` ↔ ``not in``, ``is`` ↔
``is not``, a conditional expression forced down each arm. mutmut's other operators (message
strings, an argument replaced by None or removed, an assignment set to None) are switched
off: message texts are translation keys checked by the i18n tests, not a rule's outcome.
One mutant runs at a time (``--max-children 1``): the machine is shared.
"""

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULES = ("accountability", "rectification", "control", "enforcement", "precursors",
           "prevention", "indicators")  # fmt: skip
FLOOR = 90.0
# gettext calls whose string argument mutmut leaves alone (see the module docstring).
MESSAGE_CALLS = {"_", "gettext", "gettext_lazy", "ngettext", "pgettext"}
# mutmut's operators kept (mutmut.mutation.mutators): the edges of a rule.
OPERATORS = {"operator_number", "operator_name", "operator_remove_unary_ops",
             "operator_keywords", "operator_swap_op", "operator_if_exp"}  # fmt: skip


def mutmut(*args: str, capture: bool = False) -> subprocess.CompletedProcess:
    command = [sys.executable, str(Path(__file__).resolve()), "--mutmut", *args]
    return subprocess.run(command, cwd=ROOT, text=True, capture_output=capture, check=False)


def run_mutmut_in_process(args: list[str]) -> None:
    from mutmut.mutation import file_mutation

    file_mutation.NEVER_MUTATE_FUNCTION_CALLS |= MESSAGE_CALLS
    kept = [(kind, op) for kind, op in file_mutation.mutation_operators if op.__name__ in OPERATORS]
    assert {op.__name__ for _, op in kept} == OPERATORS, "mutmut renamed an operator"
    file_mutation.mutation_operators[:] = kept
    from mutmut.__main__ import cli

    cli(args, prog_name="mutmut")


def report(module: str, show: bool) -> None:
    """Print one module's score and survivors (runs inside the mutmut process)."""
    from mutmut.mutation.data import SourceFileMutationData
    from mutmut.mutation.diff_apply import get_diff_for_mutant
    from mutmut.stats import status_by_exit_code

    path = Path("jindu") / module / "rules.py"
    data = SourceFileMutationData(path=path)
    data.load()
    found = {k: status_by_exit_code[v] for k, v in data.exit_code_by_key.items()}
    killed = sorted(k for k, status in found.items() if status in ("killed", "timeout"))
    survivors = sorted(k for k in found if k not in killed)
    percent = 100.0 * len(killed) / len(found) if found else 0.0
    print(f"\n== {path}: {percent:.1f} % "
          f"({len(found)} mutants, {len(killed)} killed, {len(survivors)} survived)")  # fmt: skip
    for name in survivors:
        print(f"  {found[name]}: {name}")
        if show:
            diff = get_diff_for_mutant(name, path=path)
            for line in diff.splitlines():
                if line[:1] in "+-" and line[:3] not in ("+++", "---"):
                    print(f"      {line}")
    print(f"SCORE {module} {len(found)} {len(killed)} {len(survivors)}")


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--mutmut":
        run_mutmut_in_process(sys.argv[2:])
        return 0
    if len(sys.argv) > 1 and sys.argv[1] == "--report":
        report(sys.argv[2], show=sys.argv[3] == "diff")
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", help=f"some of {', '.join(MODULES)}")
    parser.add_argument("--keep", action="store_true", help="reuse mutants/ of the last run")
    parser.add_argument("--quiet", action="store_true", help="hide mutmut's progress")
    parser.add_argument("--no-diff", action="store_true", help="list survivors without diffs")
    options = parser.parse_args()
    unknown = set(options.modules) - set(MODULES)
    if unknown:
        parser.error(
            f"no rules module {', '.join(sorted(unknown))}; choose from {', '.join(MODULES)}"
        )
    summary = []
    for module in options.modules or MODULES:
        if not (ROOT / "jindu" / module / "rules.py").exists():
            print(f"jindu/{module}/rules.py does not exist: skipped")
            continue
        if not options.keep:  # a fresh copy: the tables may have changed since the last run
            shutil.rmtree(ROOT / "mutants", ignore_errors=True)
        print(f"\n-- mutating jindu/{module}/rules.py", flush=True)
        run = mutmut("run", "--max-children", "1", f"jindu.{module}.rules.*", capture=options.quiet)
        if run.returncode and options.quiet:
            print((run.stdout or "")[-3000:], (run.stderr or "")[-3000:], sep="\n")
        show = "list" if options.no_diff else "diff"
        command = [sys.executable, str(Path(__file__).resolve()), "--report", module, show]
        done = subprocess.run(command, cwd=ROOT, text=True, capture_output=True, check=False)
        print(done.stdout, done.stderr, sep="", end="", flush=True)
        score = [ln.split() for ln in done.stdout.splitlines() if ln.startswith("SCORE ")]
        summary.append((module, *map(int, score[0][2:])) if score else (module, 0, 0, 0))
    print("\nmodule                  score   mutants  killed  survived")
    below = []
    for module, total, killed, survived in summary:
        percent = 100.0 * killed / total if total else 0.0
        print(f"{module:<22} {percent:6.1f} % {total:8d} {killed:7d} {survived:9d}")
        if percent < FLOOR:
            below.append(module)
    if below:
        print(f"\nbelow {FLOOR:.0f} %: {', '.join(below)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
