"""Run the Great Expectations suites and write Data Docs for reviewers.

This module imports GX (seconds of import time), so `make validate` runs it in a worker
process of its own (`quality_worker`), beside the other layers; tests run it in-process.
"""

from __future__ import annotations

import os
import shutil
import warnings
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd

from sco_data.checks.expectations import DATA_DOCS, LAYER, offline_docs
from sco_data.checks.expectations.feed import PRESENT
from sco_data.checks.expectations.suites import read_suite
from sco_data.files import folder_beside, replace_folder
from sco_data.findings import Group, ReadBack, cell_text, group_of
from sco_data.package.compact import hashes_of, joined

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
# GX warns that a regex with groups is not used for extraction; ours only match.
warnings.filterwarnings("ignore", "This pattern is interpreted", UserWarning)


def _columns(kwargs: dict) -> str | None:
    """The column(s) an expectation is about, joined by commas as in other findings."""
    if kwargs.get("column"):
        return kwargs["column"]
    names = kwargs.get("column_list") or [
        kwargs[key] for key in ("column_A", "column_B") if kwargs.get(key)
    ]
    return ",".join(names) or None


def _message(expectation: dict, value) -> str:
    meta, kwargs = expectation.get("meta", {}), expectation["kwargs"]
    if "message" in meta:
        return meta["message"]
    column = _columns(kwargs)
    kind = expectation["type"]
    if kind == "expect_column_values_to_be_in_set":
        return f"'{value}' is not one of the values allowed in '{column}'."
    if kind == "expect_column_values_to_match_regex":
        return f"'{value}' does not have the shape '{column}' requires ({kwargs['regex']})."
    return f"{meta.get('why', kind)} (found: {value})."


def _context(docs: Path | None):
    """An in-memory GX context; with a folder, a Data Docs site that is built there."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    if docs is None:
        return context
    context.add_data_docs_site(
        site_name="validation",
        site_config={
            "class_name": "SiteBuilder",
            "store_backend": {
                "class_name": "TupleFilesystemStoreBackend",
                "base_directory": str(docs.resolve()),
            },
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            # The validation pages list every expectation with its result; separate
            # suite pages would repeat them at twice the rendering time.
            "site_section_builders": {"expectations": "0", "profiling": "0"},
        },
    )
    return context


def _not_written(error: BaseException) -> str:
    reason = getattr(error, "strerror", None) or f"{type(error).__name__}: {error}"
    return (
        f"The HTML report could not be written to {DATA_DOCS}/ ({reason}); "
        "the findings above are complete."
    )


class ExpectationReadBack(ReadBack):
    """The values of an expectation's failing rows, read back from the file: its message
    is made from the expectation, which crosses from the worker as JSON."""

    def __init__(self, columns: list[str], expectation: dict):
        super().__init__(columns, partial(_message, expectation))
        self.expectation = expectation


def _result_groups(outcomes, file, hashed: set[str] = frozenset()) -> list[Group]:
    """One group per failed expectation; one naming a column kept as hashes has its
    values read back from the file (`ReadBack`)."""
    groups = []
    for outcome in outcomes:
        if outcome.success:
            continue
        config = outcome.expectation_config
        expectation = {
            "type": config.type,
            "kwargs": config.kwargs,
            "meta": config.meta or {},
        }
        rule = expectation["meta"].get("rule", config.type)
        column = _columns(expectation["kwargs"])
        if outcome.exception_info and outcome.exception_info.get("raised_exception"):
            message = outcome.exception_info.get("exception_message")
            groups.append(
                group_of(LAYER, file, column, rule, f"Could not check: {message}", [])
            )
            continue
        found = outcome.result
        rows = found.get("unexpected_index_list") or found.get(
            "partial_unexpected_index_list"
        )
        if not rows:
            observed = found.get("observed_value")
            message = _message(expectation, observed)
            groups.append(
                group_of(LAYER, file, column, rule, message, [], [str(observed)])
            )
            continue
        lines = [int(row.pop("line")) for row in rows]
        count = found.get("unexpected_count") or len(rows)
        if hashed & set((column or "").split(",")):
            values = ExpectationReadBack(column.split(","), expectation)
            groups.append(group_of(LAYER, file, column, rule, "", lines, values, count))
            continue
        values = [",".join(cell_text(v) for v in row.values()) for row in rows]
        message = _message(expectation, values[0])
        groups.append(
            group_of(LAYER, file, column, rule, message, lines, values, count)
        )
    return groups


# Expectations about the table as a whole: computed once, from the columns each batch
# leaves behind; every other expectation is about each row alone and runs batch by batch.
TABLE_LEVEL = {
    "expect_table_row_count_to_be_between",
    "expect_column_proportion_of_non_null_values_to_be_between",
    "expect_compound_columns_to_be_unique",
    "expect_column_values_to_be_unique",
}


def _kept_columns(expectations: list[dict]) -> list[str]:
    names = []
    for expectation in expectations:
        kwargs = expectation["kwargs"]
        for name in [kwargs.get("column"), *(kwargs.get("column_list") or [])]:
            if name and name not in names:
                names.append(name)
    return names


def _compact(frame: pd.DataFrame, columns: list[str]) -> tuple[pd.DataFrame, set[str]]:
    """What a batch leaves for the table-level expectations: only their columns, text
    as 64-bit hashes of the text (equal text, equal hash), 9 bytes a row however long
    the text."""
    kept, hashed = {}, set()
    for name in columns:
        if name not in frame.columns:
            continue  # GX reports the missing column
        values = frame[name]
        text = isinstance(values.dtype, pd.StringDtype) or (
            isinstance(values.dtype, pd.CategoricalDtype)
            and list(values.cat.categories) != [PRESENT]
        )
        if text:
            codes, distinct = pd.factorize(values)
            kept[name] = hashes_of(np.asarray(distinct, dtype=object), codes)
            hashed.add(name)
        else:
            # A copy: the batch's arrays can be views of its whole Arrow file, which would
            # stay mapped in memory for as long as one of its columns is kept.
            kept[name] = values.array.copy()
    return pd.DataFrame(kept, index=_lines(frame.index), copy=False), hashed


def _lines(index: pd.Index) -> pd.Index:
    """The batch's CSV line numbers, as a range when they follow each other (no cell of
    the batch spans lines): 8 bytes a row less to keep, and a copy, never a view of the
    batch's Arrow file."""
    values = index.to_numpy()
    if len(values) and (np.diff(values) == 1).all():
        return pd.RangeIndex(values[0], values[-1] + 1, name=index.name)
    return pd.Index(values.copy(), name=index.name)


def _merged_result(results: list, listing: int | None) -> dict:
    """One expectation's result dicts over the batches, as one run over all rows gives."""
    if len(results) == 1:
        return results[0]
    merged = dict(results[0])
    for key in ("element_count", "missing_count", "unexpected_count"):
        if key in merged:
            merged[key] = sum(r.get(key) or 0 for r in results)
    for key in ("partial_unexpected_list", "partial_unexpected_index_list"):
        if key in merged:
            joined = [item for r in results for item in (r.get(key) or [])]
            merged[key] = joined if listing is None else joined[:listing]
    for key in ("unexpected_list", "unexpected_index_list"):
        if key in merged:
            merged[key] = [item for r in results for item in (r.get(key) or [])]
    if "partial_unexpected_counts" in merged:
        counts: dict = {}
        for r in results:
            for item in r.get("partial_unexpected_counts") or []:
                value = item["value"]
                key = repr(value)
                counts[key] = (value, counts.get(key, (value, 0))[1] + item["count"])
        ranked = sorted(counts.values(), key=lambda pair: -pair[1])[:20]
        merged["partial_unexpected_counts"] = [
            {"value": value, "count": count} for value, count in ranked
        ]
    elements = merged.get("element_count") or 0
    missing = merged.get("missing_count") or 0
    unexpected = merged.get("unexpected_count") or 0
    if elements:
        merged["missing_percent"] = 100 * missing / elements
        merged["unexpected_percent_total"] = 100 * unexpected / elements
    present = elements - missing
    if present:
        merged["unexpected_percent"] = 100 * unexpected / present
        merged["unexpected_percent_nonmissing"] = 100 * unexpected / present
    return merged


class _TableRun:
    """One table's expectations over its batches: verdicts and located failures gathered
    per expectation (by its number in the suite), and the columns the table-level ones read."""

    def __init__(self, stored: list[dict]):
        self.rowwise = [e for e in stored if e["type"] not in TABLE_LEVEL]
        self.table_level = [e for e in stored if e["type"] in TABLE_LEVEL]
        self.kept_columns = _kept_columns(self.table_level)
        self.verdicts: dict[
            int, object
        ] = {}  # number -> first result, success gathered
        self.located: dict[
            int, list
        ] = {}  # number -> results of the batches that failed
        self.parts: list[pd.DataFrame] = []
        self.hashed: set[str] = set()
        self.first = None  # the first batch's suite result: its meta, for Data Docs


class Engine:
    """GX's side of validations: a context, its pandas data source, and a batch definition
    for each table's whole dataframe. A session without Data Docs leaves nothing of its run
    in it (each table's batches are forgotten as the table ends, and no result is stored),
    so such sessions in one process may share one: the tests do, where a context would
    otherwise be built for every run."""

    def __init__(self, docs: Path | None = None):
        self.context = _context(docs)
        self.source = self.context.data_sources.add_pandas("package")
        self.definitions: dict[str, object] = {}

    def batch_definition(self, table: str):
        if table not in self.definitions:
            asset = self.source.add_dataframe_asset(table)
            definition = asset.add_batch_definition_whole_dataframe("all rows")
            self.definitions[table] = definition
        return self.definitions[table]

    def forget_batches(self) -> None:
        """GX's execution engine keeps the last batch it validated of each asset, which
        for a table's table-level expectations is every row's kept columns."""
        manager = self.source.get_execution_engine().batch_manager
        manager.reset_batch_cache()
        manager.batch_data_cache.clear()


class Session:
    """One whole validation, in a GX context of its own (or a shared `Engine`, when it
    writes no Data Docs): each table's suite runs on its batches as they arrive (the
    expectations about the table as a whole once it has ended), and the Data Docs are
    built from all of them at the end, one validation per table as if its rows had come
    at once."""

    def __init__(
        self,
        root: Path,
        data_docs: bool = True,
        examples: int | None = 5,
        engine: Engine | None = None,
    ):
        if engine is not None and data_docs:
            raise ValueError("a shared engine writes no Data Docs")
        self.root, self.notes = root, []
        self.examples = examples
        # How many failing rows each failed expectation lists; None lists every one.
        if examples is None:
            self.listing = {"result_format": "COMPLETE"}
        else:
            self.listing = {
                "result_format": "SUMMARY",
                "partial_unexpected_count": max(examples, 1),
            }
        # Built in a folder of its own beside the report, then swapped in whole: a run
        # that fails or is killed leaves the last report, and two runs at once each
        # leave a complete one.
        self.docs: Path | None = None
        if data_docs:
            try:
                (root / DATA_DOCS).parent.mkdir(parents=True, exist_ok=True)
                self.docs = folder_beside(root / DATA_DOCS)
            except OSError as error:
                self.notes.append(_not_written(error))
        self.engine = engine or Engine(self.docs)
        self.tables: dict[str, _TableRun] = {}

    def _suite(self, name: str, expectations: list[dict]):
        from great_expectations.core.expectation_suite import ExpectationSuite

        return ExpectationSuite(name=name, expectations=expectations)

    def _validate(self, table: str, expectations: list, frame, result_format: dict):
        """GX's run of a suite on one batch (a dataframe batch of the table's asset)."""
        from great_expectations.validator.v1_validator import Validator

        validator = Validator(
            batch_definition=self.engine.batch_definition(table),
            batch_parameters={"dataframe": frame},
            result_format=result_format,
        )
        return validator.validate_expectation_suite(self._suite(table, expectations))

    def _run_part(self, state: _TableRun, table: str, expectations, frame) -> None:
        """Verdicts of `expectations` on a batch; then, only for those that failed, a
        second run that counts the failing rows and lists the first few (or all, when
        asked). Listing rows costs about half as much again, and a valid package has none
        to list."""
        if not expectations:
            return
        verdicts = self._validate(
            table, expectations, frame, {"result_format": "BOOLEAN_ONLY"}
        )
        state.first = state.first or verdicts
        failed = []
        for outcome in verdicts.results:
            number = outcome.expectation_config.meta["number"]
            kept = state.verdicts.setdefault(number, outcome)
            kept.success = kept.success and outcome.success
            if not outcome.success:
                failed.append(
                    next(e for e in expectations if e["meta"]["number"] == number)
                )
        if failed:
            located = self._validate(table, failed, frame, self.listing)
            for outcome in located.results:
                number = outcome.expectation_config.meta["number"]
                state.located.setdefault(number, []).append(outcome)

    def add_batch(self, table: str, frame: pd.DataFrame) -> None:
        """Run the row-by-row expectations of the table's suite on one batch of it."""
        if table not in self.tables:
            stored = read_suite(self.root, table)["expectations"]
            # Numbered, because GX may report results in another order than the suite's.
            numbered = [
                {**e, "meta": {**e.get("meta", {}), "number": n}}
                for n, e in enumerate(stored)
            ]
            self.tables[table] = _TableRun(numbered)
        state = self.tables[table]
        if state.table_level:
            part, hashed = _compact(frame, state.kept_columns)
            state.parts.append(part)
            state.hashed |= hashed
        self._run_part(state, table, state.rowwise, frame)

    def discard(self, table: str) -> None:
        """Forget what the table's batches gave: it is being read again from the start."""
        self.tables.pop(table, None)

    def end_table(self, table: str, file: str) -> list[Group]:
        """The table-level expectations on what the batches kept, then the table's
        results as one validation: its groups of findings, and its Data Docs pages."""
        state = self.tables.pop(table, None)
        if state is None:
            return []
        if state.table_level:
            kept = joined(state.parts) if state.parts else pd.DataFrame()
            state.parts = []
            self._run_part(state, table, state.table_level, kept)
            del kept
        self.engine.forget_batches()
        ordered = [state.verdicts[n] for n in sorted(state.verdicts)]
        self._store(table, ordered, state.first)
        if not state.located:
            return []
        located = []
        for number in sorted(state.located):
            outcomes = state.located[number]
            first = outcomes[0]
            first.result = _merged_result([o.result for o in outcomes], self.examples)
            first.success = False
            located.append(first)
        self._store(f"{table}: failures", located, state.first)
        return _result_groups(located, file, state.hashed)

    def _store(self, name: str, results: list, template) -> None:
        """One validation result for the whole table, stored as a validation definition's
        run stores it, for the Data Docs."""
        import datetime

        from great_expectations.core.expectation_validation_result import (
            ExpectationSuiteValidationResult,
        )
        from great_expectations.core.run_identifier import RunIdentifier
        from great_expectations.data_context.types.resource_identifiers import (
            ExpectationSuiteIdentifier,
            ValidationResultIdentifier,
        )
        from great_expectations.validator.validator import calc_validation_statistics

        if self.docs is None or template is None:
            return
        statistics = calc_validation_statistics(results)
        run_id = RunIdentifier(run_time=datetime.datetime.now(datetime.UTC))
        meta = dict(template.meta)
        meta.update(run_id=run_id, validation_time=run_id.run_time)
        suite = ExpectationSuiteIdentifier(name=name)
        result = ExpectationSuiteValidationResult(
            success=statistics.success,
            results=results,
            suite_name=name,
            statistics={
                "evaluated_expectations": statistics.evaluated_expectations,
                "successful_expectations": statistics.successful_expectations,
                "unsuccessful_expectations": statistics.unsuccessful_expectations,
                "success_percent": statistics.success_percent,
            },
            meta=meta,
            batch_id=template.batch_id,
        )
        self.engine.context.validation_results_store.store_validation_results(
            suite_validation_result=result,
            suite_validation_result_identifier=ValidationResultIdentifier(
                batch_identifier=template.batch_id,
                expectation_suite_identifier=suite,
                run_id=run_id,
            ),
            expectation_suite_identifier=suite,
        )

    def run(self, table: str, file: str, frame: pd.DataFrame) -> list[Group]:
        """The whole suite on a table given at once."""
        self.add_batch(table, frame)
        return self.end_table(table, file)

    def finish(self) -> None:
        if self.docs is None:
            return
        try:
            self.engine.context.build_data_docs(site_names=["validation"])
            offline_docs.localise(self.docs)  # nothing loaded from another host
            replace_folder(self.docs, self.root / DATA_DOCS)
        except Exception as error:  # noqa: BLE001 - the findings must still be reported
            shutil.rmtree(self.docs, ignore_errors=True)
            self.notes.append(_not_written(error))
