#!/usr/bin/env python3
"""Mutation testing of one core module with mutmut 3, against that module's own unit tests.

    python tools/mutation.py teaching/verdict         # mutate gdlab/teaching/verdict.py
    python tools/mutation.py teaching/verdict --show  # and print the diff of every survivor

By hand, not in CI: `pip install mutmut` into the environment that runs the tests (mutmut runs
them in its own process), and run this script with that environment's Python. Each module gets
its own scratch directory `.mutation/<module>/` (git-ignored): links to gdlab/, tests/ and data/
and a setup.cfg naming the module and its test files. mutmut copies the linked code into
`.mutation/<module>/mutants/` and runs the tests there, so the worktree's own files are never
changed.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Each module's own unit tests: what a mutant of that module has to fail.
TESTS = {
    "models/linear": ["test_problem.py", "test_min_cost_pass.py", "test_linear_survivors.py"],
    "theory": [
        "test_theory.py",
        "test_momentum_theory.py",
        "test_steps_to_shrink.py",
        "test_regime_words.py",
        "test_theory_edges.py",
    ],
    "running/descent": [
        "test_descent.py",
        "test_minibatch.py",
        "test_stopping_edges.py",
        "test_trace_export.py",
        "test_descent_contracts.py",
        "test_descent_one_pass.py",
        "test_gradient_norm.py",
        "test_huge_costs.py",
        "test_descent_survivors.py",
    ],
    "running/affine": [
        "test_descent.py",
        "test_sweep.py",
        "test_stopping_edges.py",
        "test_affine_edges.py",
    ],
    "linalg": ["test_affine_edges.py", "test_descent.py", "test_sweep.py"],
    "running/sweep": [
        "test_sweep.py",
        "test_stopping_edges.py",
        "test_range_test.py",
        "test_huge_costs.py",
        "test_sweep_survivors.py",
    ],
    "running/optimizers": ["test_optimizers.py", "test_optimizer_contracts.py"],
    "running/schedules": ["test_schedules.py", "test_schedule_values.py"],
    "derivatives": ["test_derivatives.py", "test_gradient_check.py", "test_derivative_inputs.py"],
    "teaching/verdict": ["test_verdict.py", "test_verdict_thresholds.py"],
    "expressions/*": [
        "test_expressions.py",
        "test_expression_round_trip.py",
        "test_expression_survivors.py",
    ],
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("module", choices=sorted(TESTS))
    parser.add_argument("--show", action="store_true", help="print each survivor's diff")
    beside = Path(sys.executable).parent / "mutmut"
    parser.add_argument("--mutmut", default=str(beside) if beside.exists() else "mutmut")
    parser.add_argument("--max-children", default="2")
    args = parser.parse_args()

    tests = [f"tests/{name}" for name in TESTS[args.module] if (ROOT / "tests" / name).exists()]
    work = ROOT / ".mutation" / args.module.replace("/", "-").replace("*", "all")
    work.mkdir(parents=True, exist_ok=True)
    for name in ("gdlab", "tests", "data"):
        link = work / name
        if not link.is_symlink():
            link.symlink_to(os.path.relpath(ROOT / name, work))
    (work / "setup.cfg").write_text(
        "[mutmut]\n"
        "source_paths = gdlab\n"
        "also_copy = data\n"
        f"only_mutate = gdlab/{args.module}.py\n"
        "pytest_add_cli_args = -p no:cacheprovider -q\n"
        "pytest_add_cli_args_test_selection =\n" + "".join(f"    {t}\n" for t in tests)
    )
    # mutmut keeps earlier results and does not re-test them when only the tests changed.
    shutil.rmtree(work / "mutants", ignore_errors=True)
    print(f"mutating gdlab/{args.module}.py against {' '.join(tests)}", flush=True)
    mutmut = [args.mutmut]
    run = subprocess.run(
        [*mutmut, "run", "--max-children", args.max_children],
        cwd=work,
        stdout=subprocess.DEVNULL,  # its progress line redraws itself thousands of times
    )
    if run.returncode:
        return run.returncode
    results = subprocess.run(
        [*mutmut, "results", "--all", "true"], cwd=work, capture_output=True, text=True
    ).stdout
    states = re.findall(r"^\s*(\S+): (\S+.*)$", results, flags=re.MULTILINE)
    killed = sum(state == "killed" for _, state in states)
    survivors = [name for name, state in states if state != "killed"]
    for name in survivors:
        print(name, dict(states)[name])
        if args.show:
            subprocess.run([*mutmut, "show", name], cwd=work)
    print(f"gdlab/{args.module}.py: {killed}/{len(states)} killed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
