"""The ``agglo microdata`` command: plant records (Parquet/CSV, any size) → a block workbook.

Reads plant records from files or folders, sums them per region × industry inside an
engine (pandas in chunks by default; Polars, DuckDB or Dask on request), and writes a
workbook with the block (sizes and plant counts), the Ellison–Glaeser / Maurel–Sédillot
table per industry and a provenance sheet (sources, filters, row counts, dropped rows
with their reasons).  The templates take the block sheet as it is.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import sys
from pathlib import Path
from typing import Any

from .commands import command

EXIT_OK = 0
EXIT_BAD_INPUT = 2

_SUFFIXES = (".parquet", ".pq", ".csv")
_ENGINES = ("pandas", "polars", "duckdb", "dask")
_REASONS_ZH = {
    "missing_region": "地区缺失 missing region",
    "missing_industry": "行业缺失 missing industry",
    "missing_size": "规模缺失或非数 missing size",
    "negative_size": "规模为负 negative size",
}


class InputError(Exception):
    """Bad command-line input (a message in Chinese, then English)."""


def _setup(p: argparse.ArgumentParser) -> None:
    p.add_argument("inputs", nargs="+", metavar="PLANTS",
                   help="plant records: .parquet/.csv files or folders of them "
                   "(partitioned Parquet datasets are read recursively)")  # fmt: skip
    p.add_argument("--region", required=True, help="column of the region label or 6-digit code")
    p.add_argument("--industry", required=True, help="column of the industry label")
    p.add_argument("--size", help="column of plant size (employment, output ...); "
                   "omitted: plants are counted")  # fmt: skip
    p.add_argument("--region-level", choices=("province", "prefecture", "county"),
                   help="the region column holds 行政区划代码: rows are the units of this "
                   "level, by name (shipped: GB/T 2260 provinces, 2023 prefecture and "
                   "county codes)")  # fmt: skip
    p.add_argument("--region-codes", metavar="FILE",
                   help="with --region-level: a UTF-8 CSV of two columns code,name (header "
                   "row code,name), e.g. the codes of the data's year; its names override "
                   "and extend the shipped 2023 ones")  # fmt: skip
    p.add_argument("--where", action="append", default=[], metavar="COL=VALUE",
                   help="keep only records with COL equal to VALUE (repeatable; run in the "
                   "engine)")  # fmt: skip
    p.add_argument("--engine", choices=_ENGINES, default="pandas",
                   help="pandas (default; reads in chunks, bounded memory), polars, duckdb or "
                   "dask")  # fmt: skip
    p.add_argument("--scheduler", help="with --engine dask: address of a running Dask "
                   "scheduler (tcp://host:8786); default: a local cluster")  # fmt: skip
    p.add_argument("--chunk-rows", type=int, default=2_000_000,
                   help="records per chunk with --engine pandas (default 2 000 000)")  # fmt: skip
    p.add_argument("--out", required=True, help="workbook to write (.xlsx)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")


def _files(inputs: list[str]) -> list[Path]:
    out: list[Path] = []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            found = sorted(
                f for f in path.rglob("*") if f.is_file() and f.suffix.lower() in _SUFFIXES
            )
            if not found:
                raise InputError(
                    f"文件夹 {item} 中没有 .parquet 或 .csv 文件。 / The folder {item} holds no "
                    ".parquet or .csv file."
                )
            out.extend(found)
        elif path.is_file():
            if path.suffix.lower() not in _SUFFIXES:
                raise InputError(
                    f"{item} 不是 .parquet 或 .csv 文件。 / {item} is not a .parquet or .csv file."
                )
            out.append(path)
        else:
            raise InputError(f"找不到 {item}。 / {item} does not exist.")
    kinds = {f.suffix.lower() == ".csv" for f in out}
    if len(kinds) > 1:
        raise InputError(
            "请勿混合 CSV 与 Parquet 文件。 / Do not mix CSV and Parquet files in one run."
        )
    return out


def _filters(where: list[str]) -> list[tuple[str, str]]:
    out = []
    for item in where:
        col, sep, value = item.partition("=")
        if not sep or not col.strip():
            raise InputError(
                f"--where 应为 列=值，收到 {item!r}。 / --where must read COL=VALUE; received "
                f"{item!r}."
            )
        out.append((col.strip(), value.strip()))
    return out


def _apply_filters(native: Any, filters: list[tuple[str, str]]) -> Any:
    """Filter a frame of any engine by column = value (the value typed like the column)."""
    if not filters:
        return native
    import narwhals.stable.v2 as nw
    from agglo.host import from_native

    frame = from_native(native)
    schema = dict(frame.collect_schema())
    for col, text in filters:
        if col not in schema:
            raise InputError(
                f"--where 的列 {col!r} 不存在。 / The --where column {col!r} does not exist "
                f"(columns: {', '.join(list(schema)[:12])})."
            )
        dtype = schema[col]
        if not dtype.is_numeric():  # text, categories (partition columns ...): as text
            frame = frame.filter(nw.col(col).cast(nw.String) == text)
            continue
        try:
            value: Any = int(text) if dtype.is_integer() else float(text)
        except ValueError:
            raise InputError(
                f"--where 列 {col!r} 为数字，{text!r} 不是数字。 / The --where column {col!r} "
                f"holds numbers; {text!r} is not a number."
            ) from None
        frame = frame.filter(nw.col(col) == value)
    return frame.to_native()


def _hive_values(f: Path) -> dict[str, Any]:
    """Partition values in the folder names of a partitioned dataset (``year=2023/``)."""
    out: dict[str, Any] = {}
    for part in f.parent.parts:
        key, sep, text = part.partition("=")
        if sep and key:
            for cast in (int, float):
                try:
                    out[key] = cast(text)
                    break
                except ValueError:
                    continue
            else:
                out[key] = text
    return out


def _progress(total: int | None, disable: bool, unit: str = "rows"):
    from tqdm.auto import tqdm

    return tqdm(total=total, unit=unit, unit_scale=True, disable=disable, file=sys.stderr)


def _summaries_pandas(files: list[Path], args, filters) -> tuple[Any, list[dict]]:
    """Read each file in chunks of records; summarise each chunk; add the summaries up."""
    import agglo
    import pandas as pd

    per_file: list[dict] = []
    parts = []
    csv = files[0].suffix.lower() == ".csv"
    total = None
    if not csv:
        import pyarrow.parquet as pq

        total = sum(pq.ParquetFile(f).metadata.num_rows for f in files)
    cols = [c for c in (args.region, args.industry, args.size) if c] + [c for c, _ in filters]
    cols = list(dict.fromkeys(cols))
    with _progress(total, args.no_progress) as bar:
        for f in files:
            rows = 0
            hive = _hive_values(f)
            if csv:
                header = pd.read_csv(f, nrows=0).columns
                _check_columns(cols, [*header, *hive], f)
                cols_f = [c for c in cols if c in header]
                # labels as text in every chunk (a type guessed per chunk could split
                # one label in two: 13 and "13")
                labels = {args.region: str, args.industry: str}
                chunks = pd.read_csv(f, usecols=cols_f, chunksize=args.chunk_rows, dtype=labels)
            else:
                import pyarrow.parquet as pq

                pf = pq.ParquetFile(f)
                names = pf.schema_arrow.names
                _check_columns(cols, [*names, *hive], f)
                chunks = (
                    b.to_pandas()
                    for b in pf.iter_batches(
                        batch_size=args.chunk_rows, columns=[c for c in cols if c in names]
                    )
                )
            for chunk in chunks:
                read = len(chunk)
                rows += read
                for key, value in hive.items():  # partition columns live in the folder names
                    if key in cols and key not in chunk.columns:
                        chunk[key] = value
                chunk = _apply_filters(chunk, filters)
                parts.append(agglo.plant_summary(chunk, args.region, args.industry, args.size))
                bar.update(read)
            per_file.append({"file": str(f), "rows": rows})
    summary = agglo.PlantSummary.combine(parts)  # codes are checked once, on all records
    if args.region_level:
        summary = summary.at_level(args.region_level, args.region_codes)
    return summary, per_file


def _check_columns(cols: list[str], have: Any, f: Path) -> None:
    missing = [c for c in cols if c not in set(have)]
    if missing:
        raise InputError(
            f"{f} 中找不到列 {', '.join(map(repr, missing))}（共 {len(have)} 列）。 / Column(s) "
            f"{', '.join(map(repr, missing))} not found in {f} ({len(have)} columns: "
            f"{', '.join(list(have)[:12])})."
        )


def _summary_engine(files: list[Path], args, filters) -> tuple[Any, list[dict]]:
    """One call in Polars, DuckDB or Dask over all files (the engine plans the reading)."""
    import agglo

    csv = files[0].suffix.lower() == ".csv"
    names = [str(f) for f in files]
    client = None
    hive = any(_hive_values(f) for f in files)  # partition columns in folder names
    if args.engine == "polars":
        import polars as pl

        native = (
            pl.scan_csv(names) if csv else pl.scan_parquet(names, hive_partitioning=hive or None)
        )
    elif args.engine == "duckdb":
        import duckdb

        native = (
            duckdb.read_csv(names, header=True)
            if csv
            else duckdb.read_parquet(names, hive_partitioning=hive)
        )
    else:
        import dask.dataframe as dd
        from distributed import Client

        client = (
            Client(args.scheduler)
            if args.scheduler
            else Client(processes=False, dashboard_address=":0")
        )
        labels = {args.region: str, args.industry: str}
        native = dd.read_csv(names, dtype=labels) if csv else dd.read_parquet(names)
    try:
        with _progress(1, args.no_progress, unit="step") as bar:
            bar.set_description(f"group-by in {args.engine}")
            summary = agglo.plant_summary(
                _apply_filters(native, filters),
                args.region,
                args.industry,
                args.size,
                region_level=args.region_level,
                code_list=args.region_codes,
            )
            bar.update(1)
    finally:
        if client is not None:
            client.close()
    return summary, [{"file": n, "rows": None if csv else _parquet_rows(n)} for n in names]


def _parquet_rows(name: str) -> int | None:
    """Records in a Parquet file, from its footer (nothing else is read)."""
    try:
        import pyarrow.parquet as pq

        return int(pq.ParquetFile(name).metadata.num_rows)
    except Exception:  # no pyarrow, or a footer it cannot read: leave the count out
        return None


def _write(out: Path, summary: Any, per_file: list[dict], args, filters, argv_text: str) -> None:
    import agglo
    import pandas as pd

    block = agglo.aggregate(summary, args.region, args.industry, args.size)
    counts = agglo.aggregate(summary, args.region, args.industry)  # plants per cell
    eg = agglo.ellison_glaeser(summary)
    ms = agglo.maurel_sedillot(summary)
    table = pd.DataFrame(
        {
            "企业数 plants (size > 0)": eg.n_plants,
            "行业规模 industry total": eg.industry_total,
            "H (plant Herfindahl)": eg.H,
            "G_EG = Σ(s−x)²": eg.G,
            "γ_EG": eg.gamma,
            "z_EG": eg.z,
            "G_MS": ms.G,
            "γ_MS": ms.gamma,
        }
    )
    table.index.name = "行业 industry"
    dropped = [(f"剔除：{_REASONS_ZH[k]}", v) for k, v in summary.dropped.items()]
    provenance = [
        ("命令 command", argv_text),
        (
            "生成时间 created (UTC)",
            _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S"),
        ),
        ("agglo", agglo.__version__),
        ("引擎 engine", f"{args.engine} (group-by in {summary.engine})"),
        *[
            (
                f"来源文件 source {i + 1}",
                f["file"] + ("" if f["rows"] is None else f" ({f['rows']} rows)"),
            )
            for i, f in enumerate(per_file)
        ],
        ("筛选 filters", "; ".join(f"{c} = {v}" for c, v in filters) or "none"),
        ("地区列 region column", args.region),
        ("行业列 industry column", args.industry),
        ("规模列 size column", args.size or "none (plants counted)"),
        (
            "地区层级 region level",
            f"{args.region_level} of the 行政区划代码: "
            + (
                f"names from the code list {args.region_codes}, then "
                if args.region_codes and args.region_level != "province"
                else "names from "
            )
            + agglo.REGION_CODES_VINTAGE
            if args.region_level
            else "labels as in the data",
        ),
        ("读取记录 records read (after filters)", summary.rows),
        *dropped,
        ("保留记录 records kept", summary.kept),
        ("地区数 regions", block.shape[0]),
        ("行业数 industries", block.shape[1]),
        ("汇总方法 summary", summary.convention),
        ("EG", eg.convention),
        ("MS", ms.convention),
    ]
    prov = pd.DataFrame(provenance, columns=["项目 item", "内容 value"])
    out.parent.mkdir(parents=True, exist_ok=True)
    with pd.ExcelWriter(out, engine="openpyxl") as xl:
        name = "规模 block" if args.size else "企业数 block"
        block.to_excel(xl, sheet_name=name)
        if args.size:
            counts.to_excel(xl, sheet_name="企业数 plants")
        table.to_excel(xl, sheet_name="EG_MS")
        prov.to_excel(xl, sheet_name="来源 provenance", index=False)


@command("microdata", "plant records (Parquet/CSV, any size) → region × industry block, EG/MS "
         "table and provenance, as a workbook")(_setup)  # fmt: skip
def _run(args: argparse.Namespace) -> int:
    from agglo import AggloValueError

    argv_text = "agglo microdata " + " ".join(sys.argv[2:]) if len(sys.argv) > 1 else ""
    try:
        files = _files(args.inputs)
        filters = _filters(args.where)
        if args.chunk_rows < 1:
            raise InputError("--chunk-rows 应为正整数。 / --chunk-rows must be positive.")
        if args.region_codes and not args.region_level:
            raise InputError(
                "--region-codes 须与 --region-level 一起使用。 / --region-codes needs "
                "--region-level (the level whose units it names)."
            )
        if args.region_codes and not Path(args.region_codes).is_file():
            raise InputError(
                f"找不到代码表 {args.region_codes}。 / The code list {args.region_codes} does "
                "not exist."
            )
        if args.engine == "pandas":
            summary, per_file = _summaries_pandas(files, args, filters)
        else:
            summary, per_file = _summary_engine(files, args, filters)
        if summary.kept == 0:
            raise InputError(
                f"没有可用的记录（读取 {summary.rows} 条，全部被剔除或筛除）。 / No usable "
                f"records: {summary.rows} read, all dropped or filtered out."
            )
        _write(Path(args.out), summary, per_file, args, filters, argv_text)
    except (InputError, AggloValueError) as exc:
        print(f"agglo microdata: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    kept, rows = summary.kept, summary.rows
    print(
        f"已写入 {args.out}：{kept}/{rows} 条记录，{len(summary.cells)} 个地区×行业格。 / "
        f"Wrote {args.out}: {kept} of {rows} records kept, {len(summary.cells)} "
        "region × industry cells."
    )
    return EXIT_OK
