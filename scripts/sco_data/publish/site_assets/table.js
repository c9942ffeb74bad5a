// Sort and filter a table page in the page itself: no server, no library.
// MIT licence, part of sco-central-asia-data.
//
// - Click a column's name to sort by it (again to reverse); empty cells stay last.
// - Type in a column's box to keep the rows whose cell contains the text (a foreign key's
//   cell also matches the name of the row it links to: "Belarus" finds BLR); a term in double
//   quotes matches the whole cell ("member" is not "former_member"; a foreign key's cell is
//   its key); the search box matches any column. The counts above the table (its categories)
//   link to the page filtered so. Filters are written into the address (?state_iso3=BLR&q=...), so a
//   filtered view can be linked to, and an address with them opens filtered.
"use strict";
(function () {
  const table = document.getElementById("rows");
  if (!table) return;
  const body = table.tBodies[0];
  const rows = Array.from(body.rows);
  const headers = Array.from(table.tHead.rows[0].cells);
  const boxes = Array.from(table.querySelectorAll("thead input[data-column]"));
  const search = document.getElementById("search");
  const count = document.getElementById("row-count");

  const textOf = (cell) => (cell.dataset.filter ?? cell.textContent).toLowerCase();
  const valueOf = (cell) => (cell.dataset.value ?? cell.textContent).trim().toLowerCase();
  const cellTexts = rows.map((row) => Array.from(row.cells, textOf));
  const cellValues = rows.map((row) => Array.from(row.cells, valueOf));

  // A term's test of one cell (row n, column c): contains it, or, quoted, is it.
  function matcher(term) {
    const exact = term.length > 1 && term.startsWith('"') && term.endsWith('"');
    const inner = term.slice(1, -1);
    return exact
      ? (n, c) => cellValues[n][c] === inner
      : (n, c) => cellTexts[n][c].includes(term);
  }

  function filter() {
    const terms = boxes
      .map((box) => [Number(box.dataset.column), box.value.trim().toLowerCase()])
      .filter(([, term]) => term)
      .map(([column, term]) => [column, matcher(term)]);
    const anywhere = search.value.trim().toLowerCase();
    const inAny = matcher(anywhere);
    let shown = 0;
    rows.forEach((row, n) => {
      const keep =
        terms.every(([column, match]) => match(n, column)) &&
        (!anywhere || cellTexts[n].some((_, c) => inAny(n, c)));
      row.hidden = !keep;
      if (keep) shown += 1;
    });
    count.textContent =
      shown === rows.length ? `${rows.length} rows` : `${shown} of ${rows.length} rows`;
    const query = new URLSearchParams();
    for (const box of boxes) if (box.value) query.set(box.dataset.name, box.value);
    if (search.value) query.set("q", search.value);
    const address = query.toString() ? `?${query}` : window.location.pathname;
    window.history.replaceState(null, "", address + window.location.hash);
  }

  function sortBy(column) {
    const header = headers[column];
    const ascending = header.getAttribute("aria-sort") !== "ascending";
    const numeric = header.dataset.sort === "number";
    const value = (row) => row.cells[column].textContent.trim();
    const compare = (a, b) => {
      const x = value(a);
      const y = value(b);
      if (!x || !y) return (x ? 0 : 1) - (y ? 0 : 1); // empty cells last, either way
      const order = numeric ? Number(x) - Number(y) : x.localeCompare(y, "en");
      return ascending ? order : -order;
    };
    // Array.prototype.sort is stable: rows equal on this column keep their order.
    const sorted = rows.slice().sort(compare);
    for (const h of headers) h.removeAttribute("aria-sort");
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    body.append(...sorted);
  }

  for (const button of table.querySelectorAll("button.sort")) {
    button.addEventListener("click", () => sortBy(Number(button.dataset.column)));
  }
  for (const box of [...boxes, search]) box.addEventListener("input", filter);
  document.getElementById("clear-filters").addEventListener("click", () => {
    for (const box of [...boxes, search]) box.value = "";
    filter();
  });

  const query = new URLSearchParams(window.location.search);
  for (const box of boxes) box.value = query.get(box.dataset.name) ?? "";
  search.value = query.get("q") ?? "";
  if (query.toString()) filter();
  table.dataset.ready = "true"; // sorted and filtered as the address says: tests wait on it
})();
