"""The ``agglo addin`` command: install the add-in, write the xlwings Lite bundle, build
``agglo.xlam`` (the work itself is in :mod:`agglo_addin.install` and
:mod:`agglo_addin.build_addin`)."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from agglo import AggloValueError

from .commands import command
from .install import (
    LITE_REQUIREMENTS,
    install_config,
    install_steps,
    lite_main_source,
    user_config_path,
)


def _setup(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="action", metavar="ACTION")
    i = sub.add_parser("install", help="classic Excel on Windows: config + xlwings add-in")
    i.add_argument("--xlam", help="install this add-in (e.g. a built agglo.xlam) instead")
    i.add_argument("--dry-run", action="store_true", help="only print the steps")
    lite = sub.add_parser("lite", help="write the xlwings Lite bundle (main.py, requirements)")
    lite.add_argument("--out", default="agglo-lite", help="output folder (default: agglo-lite)")
    b = sub.add_parser("build", help="build agglo.xlam with the Agglo ribbon tab")
    b.add_argument("--out", default="dist", help="output folder (default: dist)")
    b.add_argument("--import-vba", action="store_true", help="Windows with Excel only")


@command("addin", "install the Excel add-in or write the xlwings Lite bundle")(_setup)
def _run(args: argparse.Namespace) -> int:
    if args.action == "lite":
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        (out / "main.py").write_text(lite_main_source(), encoding="utf-8")
        (out / "requirements.txt").write_text(LITE_REQUIREMENTS, encoding="utf-8")
        print(f"wrote {out / 'main.py'} and {out / 'requirements.txt'}")
        print(
            "xlwings Lite: open its editor, replace main.py with this one and APPEND the "
            "lines of requirements.txt to Lite's requirements.txt (keep its own lines)"
        )
        return 0
    if args.action == "build":
        from .build_addin import build  # builds are rare: keep `agglo --help` light

        target = build(args.out, import_vba=args.import_vba)
        print(f"built {target} (+ RibbonAgglo.bas); see `agglo addin install --xlam {target}`")
        return 0
    if args.action != "install":
        print("usage: agglo addin {install,lite,build} [options]  (see --help)")
        return 2
    steps = install_steps(args.xlam)
    if args.dry_run or not sys.platform.startswith("win"):
        print("Steps of `agglo addin install` (classic xlwings add-in, Windows desktop Excel):")
        for n, step in enumerate(steps, 1):
            print(f"  {n}. {step}")
        if not args.dry_run:
            print(
                "This system is not Windows: the classic add-in needs Windows desktop Excel. "
                "Use xlwings Lite instead (`agglo addin lite`)."
            )
            return 2
        return 0
    conf = user_config_path(args.xlam)  # pragma: no cover - Windows only
    try:
        for warning in install_config(conf):
            print("warning:", warning)
    except AggloValueError as exc:
        print(exc)
        return 2
    cmd = [sys.executable, "-c", "from xlwings.cli import main; main()", "addin", "install"]
    if args.xlam:
        cmd += ["--file", str(Path(args.xlam).resolve())]
    done = subprocess.run(cmd, check=False)
    if done.returncode:
        return done.returncode
    for n, step in enumerate(steps, 1):
        print(f"  {n}. {step}" + ("  [done]" if n <= 2 else ""))
    return 0
