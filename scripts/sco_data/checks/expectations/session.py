"""Run the Great Expectations suites and write Data Docs for reviewers.

This module imports GX (seconds of import time), so `make validate` runs it in a worker
process of its own (`quality_worker`), beside the other layers; tests run it in-process.
"""

from __future__ import annotations

import os
import shutil
import warnings
from pathlib import Path

import pandas as pd

from sco_data.checks.expectations import DATA_DOCS, LAYER
from sco_data.checks.expectations.suites import read_suite
from sco_data.files import folder_beside, replace_folder
from sco_data.findings import Group, cell_text, group_of

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
        return gx, context
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
    return gx, context


def _not_written(error: BaseException) -> str:
    reason = getattr(error, "strerror", None) or f"{type(error).__name__}: {error}"
    return (
        f"The HTML report could not be written to {DATA_DOCS}/ ({reason}); "
        "the findings above are complete."
    )


def _result_groups(result, file) -> list[Group]:
    groups = []
    for outcome in result.results:
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
        values = [",".join(cell_text(v) for v in row.values()) for row in rows]
        count = found.get("unexpected_count") or len(rows)
        message = _message(expectation, values[0])
        groups.append(
            group_of(LAYER, file, column, rule, message, lines, values, count)
        )
    return groups


class Session:
    """One GX context for a whole validation: the tables' suites run in it one by one, as
    their data arrive, and the Data Docs are built from all of them at the end."""

    def __init__(self, root: Path, data_docs: bool = True, examples: int | None = 5):
        self.root, self.notes = root, []
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
        self.gx, self.context = _context(self.docs)
        self.source = self.context.data_sources.add_pandas("package")

    def _validate(self, name: str, expectations: list, frame, result_format: dict):
        from great_expectations.core.expectation_suite import ExpectationSuite

        suite = self.context.suites.add(
            ExpectationSuite(name=name, expectations=expectations)
        )
        asset = self.source.add_dataframe_asset(name)
        batch = asset.add_batch_definition_whole_dataframe("all rows")
        definition = self.context.validation_definitions.add(
            self.gx.ValidationDefinition(name=name, data=batch, suite=suite)
        )
        return definition.run(
            batch_parameters={"dataframe": frame},
            result_format=result_format,
        )

    def run(self, table: str, file: str, frame: pd.DataFrame) -> list[Group]:
        """Pass or fail for every expectation first; then, only for those that failed,
        a second run that counts the failing rows and lists the first few (or all, when
        asked). Listing rows costs about half as much again on every expectation, and a
        valid package has none to list."""
        stored = read_suite(self.root, table)["expectations"]
        if not stored:
            return []
        # Numbered, because GX may report results in another order than the suite's.
        stored = [
            {**e, "meta": {**e.get("meta", {}), "number": n}}
            for n, e in enumerate(stored)
        ]
        verdicts = self._validate(
            table, stored, frame, {"result_format": "BOOLEAN_ONLY"}
        )
        failed = [
            stored[outcome.expectation_config.meta["number"]]
            for outcome in verdicts.results
            if not outcome.success
        ]
        if not failed:
            return []
        located = self._validate(f"{table}: failures", failed, frame, self.listing)
        return _result_groups(located, file)

    def finish(self) -> None:
        if self.docs is None:
            return
        try:
            self.context.build_data_docs(site_names=["validation"])
            replace_folder(self.docs, self.root / DATA_DOCS)
        except Exception as error:  # noqa: BLE001 - the findings must still be reported
            shutil.rmtree(self.docs, ignore_errors=True)
            self.notes.append(_not_written(error))
