"""Tables that keep their types and provenance when they leave sovsim.

* :func:`categorical` - ``iso3`` and ``scenario`` as pandas categoricals (so Parquet stores
  them dictionary-encoded and pandas/polars/duckdb read them back as categories);
* :func:`metadata` - what a file says about itself: model version, scenario hashes, seeds,
  and the unit of every column (from the declarations in :mod:`model.parameters`);
* :func:`write_table` / :class:`TableWriter` - CSV or Parquet with that metadata: in the
  Parquet schema (key ``sovsim``, JSON), and for CSV in a W3C CSVW sidecar
  ``FILE.csv-metadata.json`` (the CSV itself stays plain, readable by anything);
* :func:`read_metadata` - the metadata back, from either kind of file.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from .parameters import OUTCOMES, PARAMETERS

METADATA_KEY = b"sovsim"
CATEGORICAL = ("iso3", "scenario")
#: Units of the columns that are neither outcomes nor parameters.
OTHER_UNITS = {"step": "quarter", "seed": "integer", "replication": "index", "point": "index",
               "run_id": "index", "iso3": "ISO 3166-1 alpha-3", "scenario": "name",
               "scenario_hash": "hash", "model_version": "version", "experiment": "name"}


def categorical(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with ``iso3`` and ``scenario`` (where present) as categoricals; existing
    categories (and their order) are kept."""
    changes = {c: frame[c].astype("category") for c in CATEGORICAL
               if c in frame and not isinstance(frame[c].dtype, pd.CategoricalDtype)}
    return frame.assign(**changes) if changes else frame


def unit(column: str) -> str | None:
    if column in OUTCOMES:
        return OUTCOMES[column].unit
    if column in PARAMETERS:
        return PARAMETERS[column].unit
    return OTHER_UNITS.get(column)


def metadata(columns: Iterable[str], *, model_version: str,
             scenario_hashes: Mapping[str, str], **extra: Any) -> dict[str, Any]:
    """The provenance a table carries: model version, scenario name -> hash, the unit of
    each column, and any ``extra`` (seeds, experiment name, level)."""
    return {"model_version": model_version, "scenario_hashes": dict(scenario_hashes),
            **extra, "units": {c: u for c in columns if (u := unit(c)) is not None}}


def sidecar(path: Path) -> Path:
    """The CSVW metadata file of a CSV file."""
    return path.with_name(path.name + "-metadata.json")


def _csvw(path: Path, frame: pd.DataFrame, meta: dict[str, Any]) -> dict[str, Any]:
    datatypes = {"b": "boolean", "i": "integer", "u": "integer", "f": "number"}
    columns = [{"name": c, "titles": c,
                "datatype": datatypes.get(getattr(frame[c].dtype, "kind", "O"), "string"),
                **({"sovsim:unit": meta["units"][c]} if c in meta["units"] else {})}
               for c in frame.columns]
    return {"@context": ["http://www.w3.org/ns/csvw", {"sovsim": "https://sovsim.invalid/ns#"}],
            "url": path.name, "sovsim:provenance": meta, "tableSchema": {"columns": columns}}


class TableWriter:
    """Write a table in chunks (same columns each time) to ``.csv`` or ``.parquet`` with
    :func:`metadata`; ``close()`` (or the ``with`` block) finishes the file."""

    def __init__(self, path: str | Path, meta: dict[str, Any]) -> None:
        self.path = Path(path)
        if self.path.suffix not in (".csv", ".parquet"):
            raise ValueError(f"{self.path}: unsupported file type; use .csv or .parquet")
        self.meta = meta
        self.rows = 0
        self._parquet = None
        self._first: pd.DataFrame | None = None

    def write(self, frame: pd.DataFrame) -> None:
        frame = categorical(frame)
        if self.path.suffix == ".csv":
            frame.to_csv(self.path, mode="w" if self._first is None else "a",
                         header=self._first is None, index=False)
        else:
            import pyarrow as pa
            import pyarrow.parquet as pq

            table = pa.Table.from_pandas(frame, preserve_index=False)
            if self._parquet is None:
                schema = table.schema.with_metadata({
                    **(table.schema.metadata or {}),
                    METADATA_KEY: json.dumps(self.meta).encode()})
                self._parquet = pq.ParquetWriter(self.path, schema)
            self._parquet.write_table(table.cast(self._parquet.schema))
        if self._first is None:
            self._first = frame.head(0)
        self.rows += len(frame)

    def close(self) -> None:
        if self._parquet is not None:
            self._parquet.close()
            self._parquet = None
        if self.path.suffix == ".csv" and self._first is not None:
            sidecar(self.path).write_text(
                json.dumps(_csvw(self.path, self._first, self.meta), indent=1) + "\n",
                encoding="utf-8")

    def __enter__(self) -> TableWriter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def write_table(frame: pd.DataFrame, path: str | Path, meta: dict[str, Any]) -> None:
    with TableWriter(path, meta) as writer:
        writer.write(frame)


def read_metadata(path: str | Path) -> dict[str, Any]:
    """The :func:`metadata` of a file written here (Parquet schema or CSVW sidecar)."""
    path = Path(path)
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        return json.loads(pq.read_schema(path).metadata[METADATA_KEY])
    return json.loads(sidecar(path).read_text(encoding="utf-8"))["sovsim:provenance"]
