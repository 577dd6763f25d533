"""List the yearbook-corpus cases the current code gets wrong, and why.

    python tests/yearbook_gaps.py            # print every failing case with its reason
    python tests/yearbook_gaps.py --write    # rewrite the known_gap markers of cases.toml

A marker may carry an explanation after the finding (``"returns a number instead of
refusing — the units are in the row labels, outside the selection"``); it is kept as long
as the finding stays the same.  A case fails as a *wrong number*, a *number where it must refuse*, a refusal *without
Chinese text* or *naming no cell*, or a *refusal of a clean selection*; the reason is
written into ``tests/data/yearbook/cases.toml`` as ``known_gap`` (``--write``), which
``tests/test_yearbook_corpus.py`` turns into a strict expected failure.  Only the
markers are rewritten; the expectations are never touched.
"""

from __future__ import annotations

import re
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def _reason(t, table: dict, k: int, case: dict, folder: str, text: str) -> tuple[str, str]:
    if "WRONG" in text:
        _, got = t.outcome(table["file"], k, case, folder)
        want = t.expected(table, case)
        have = got.get((f"c{k}", "A1"))
        shown = f"{have:.9g}" if t._is_number(have) else repr(have)
        return "wrong number", f"wrong number: {shown} where the right answer is {want[0, 0]:.9g}"
    if "must refuse" in text:
        return "number instead of a refusal", "returns a number instead of refusing"
    if "more values than" in text:
        return "wrong shape", "extra values spilled: " + text.split("columns: ")[1][:60]
    if "of the result is" in text:
        return "wrong shape", "result cell is not a number: " + text.split("of the result is ")[1][
            :40
        ]
    if "clean selection" in text:
        return "refuses a clean selection", "refuses a clean selection: " + text.split(
            "clean selection: "
        )[1][:90]
    if "without Chinese text" in text:
        msg = text.split("Chinese text: ")[1]
        if "without a message" in msg:
            return "error without a message", "error value without a message: " + msg[:40]
        return "refusal not in Chinese", "refusal without Chinese sentences: " + msg[:90]
    if "names no cell" in text:
        return "refusal names no cell", "refusal names no cell of the selection: " + text.split(
            "selection: "
        )[1][:90]
    return "other", "fails: " + text.splitlines()[0][-90:]


def main(argv: list[str]) -> int:
    import test_yearbook_corpus as t

    folder = tempfile.mkdtemp(prefix="yearbook-")
    gaps: dict[tuple[str, str], str] = {}
    variant_gaps: dict[str, str] = {}
    kinds: Counter[str] = Counter()
    total = 0
    for table in t.MANIFEST["table"]:
        for k, case in enumerate(t.all_cases(table["file"]), 1):
            total += 1
            try:
                t.check(table["file"], k, case, folder)
            except AssertionError as exc:
                kind, why = _reason(t, table, k, case, folder, str(exc))
                kinds[kind] += 1
                why = why.replace('"', "'").replace("\\", "/")
                if "data_rows" in case:
                    variant_gaps[f"{table['file']}|{case['id'].split('+')[1]}"] = why
                else:
                    gaps[(table["file"], case["id"])] = why
    for (file, cid), why in gaps.items():
        print(f"{file} {cid}: {why}")
    for key, why in variant_gaps.items():
        print(f"{key}: {why}")
    n = len(gaps) + len(variant_gaps)
    print(f"{n} of {total} cases fail: " + ", ".join(f"{n} {k}" for k, n in kinds.items()))
    if "--write" in argv:
        # a marker whose text starts with the same finding keeps its added explanation
        old = {(tb["file"], c["id"]): c["known_gap"] for tb in t.MANIFEST["table"]
               for c in tb["case"] if "known_gap" in c}  # fmt: skip
        gaps = {k: old[k] if old.get(k, "").startswith(v) else v for k, v in gaps.items()}
        old_v = t.MANIFEST.get("variant_gaps", {})
        variant_gaps = {k: old_v[k] if old_v.get(k, "").startswith(v) else v
                        for k, v in variant_gaps.items()}  # fmt: skip
        path = t.HERE / "cases.toml"
        out, current = [], None
        for line in path.read_text(encoding="utf-8").splitlines():
            if re.match(r"\s*known_gap = ", line):
                continue
            out.append(line)
            m = re.match(r'file = "(.*)"', line)
            if m:
                current = m[1]
            m = re.match(r'(\s*)id = "(.*)"', line)
            if m and (current, m[2]) in gaps:
                out.append(f'{m[1]}known_gap = "{gaps[(current, m[2])]}"')
        if "[variant_gaps]" in out:  # the last section of the file: rewritten whole
            out = out[: out.index("[variant_gaps]")]
        while out and not out[-1].strip():
            out.pop()
        out += [
            "",
            "[variant_gaps]",
            '# "file|variant" = the reason (written by tests/yearbook_gaps.py)',
        ]
        out += [f'"{key}" = "{why}"' for key, why in sorted(variant_gaps.items())]
        path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
