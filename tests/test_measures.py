"""Per-quarter tables of the workspace: pandas frames and engine tables are written the same way."""

from __future__ import annotations

import ibis
import pandas as pd

from journeykit import measures
from journeykit.workspace import Workspace

from conftest import JOURNEY


def test_an_engine_table_is_written_without_pandas_and_reads_back_equal(make_workspace):
    ws = Workspace.open(make_workspace(JOURNEY))
    rows = pd.DataFrame({"customer_id": ["c3", "c1", "c2"], "group": ["b", "a", "a"]})
    con = ibis.duckdb.connect()
    con.raw_sql("""CREATE TABLE assignment AS SELECT * FROM (VALUES ('c3', 'b'), ('c1', 'a'), ('c2', 'a'))
                   AS t(customer_id, "group")""")
    table = con.table("assignment").order_by("customer_id")
    path = measures.save_table(ws, "2026Q3", "personas", table)
    assert path == ws.path / "measures" / "2026Q3" / "personas.parquet"
    read = measures.read_table(ws, "2026Q3", "personas")
    assert read.to_dict("list") == {"customer_id": ["c1", "c2", "c3"], "group": ["a", "a", "b"]}
    measures.save_table(ws, "2026Q3", "personas", rows)  # a pandas frame replaces it, as written
    assert measures.read_table(ws, "2026Q3", "personas").to_dict("list") == rows.to_dict("list")
    assert [p.name for p in path.parent.iterdir()] == ["personas.parquet"]  # no temporary file left
