/* enrich report behaviour: sortable and filterable tables. Vanilla JS, no network. */
(function () {
  "use strict";

  function cellValue(row, index) {
    var cell = row.cells[index];
    if (!cell) return "";
    var value = cell.getAttribute("data-sort");
    return value !== null ? value : cell.textContent.trim();
  }

  function compare(a, b) {
    var x = Number(a), y = Number(b);
    if (a !== "" && b !== "" && !isNaN(x) && !isNaN(y)) return x - y;
    return a.localeCompare(b, undefined, { numeric: true, sensitivity: "base" });
  }

  function sortBy(table, index, header) {
    var body = table.tBodies[0];
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    Array.prototype.forEach.call(header.parentNode.cells, function (th) {
      th.removeAttribute("aria-sort");
    });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var rows = Array.prototype.slice.call(body.rows).map(function (row, position) {
      return { row: row, key: cellValue(row, index), position: position };
    });
    rows.sort(function (r, s) {
      var order = compare(r.key, s.key);
      return (ascending ? order : -order) || r.position - s.position;
    });
    rows.forEach(function (r) { body.appendChild(r.row); });
  }

  function makeSortable(table) {
    var head = table.tHead && table.tHead.rows[0];
    if (!head) return;
    Array.prototype.forEach.call(head.cells, function (th, index) {
      if (th.classList.contains("nosort")) return;
      th.addEventListener("click", function () { sortBy(table, index, th); });
    });
  }

  function flagMatches(flags, wanted) {
    if (!wanted) return true;
    var names = flags ? flags.split("|") : [];
    if (wanted === "(none)") return names.length === 0;
    if (wanted === "(any)") return names.length > 0;
    return names.indexOf(wanted) >= 0;
  }

  function setupFilter(form) {
    var table = document.getElementById(form.getAttribute("data-table"));
    if (!table) return;
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var text = form.querySelector("input[type=search]");
    var grades = Array.prototype.slice.call(form.querySelectorAll("input[name=grade]"));
    var flag = form.querySelector("select[name=flag]");
    var shown = form.querySelector(".shown");

    function apply() {
      var needle = text ? text.value.trim().toLowerCase() : "";
      var allowed = {};
      grades.forEach(function (box) { if (box.checked) allowed[box.value] = true; });
      var wanted = flag ? flag.value : "";
      var count = 0;
      rows.forEach(function (row) {
        var visible = (!needle || row.textContent.toLowerCase().indexOf(needle) >= 0) &&
          (grades.length === 0 || allowed[row.getAttribute("data-grade")] === true) &&
          flagMatches(row.getAttribute("data-flags"), wanted);
        row.hidden = !visible;
        if (visible) count += 1;
      });
      if (shown) shown.textContent = count + " of " + rows.length + " shown";
    }

    form.addEventListener("input", apply);
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    apply();
  }

  document.querySelectorAll("table.sortable").forEach(makeSortable);
  document.querySelectorAll("form.filters").forEach(setupFilter);
})();
