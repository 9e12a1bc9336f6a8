/* enrich report behaviour: sortable and filterable tables, and index.html's documents list,
   drawn a page at a time from the data the page carries. Vanilla JS, no network. */
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

  /* --- index.html's documents: rows drawn from a JSON data block, a page at a time ------- */

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function count(n) { return n.toLocaleString("en-US"); }

  function link(href, text) {
    var a = element("a", "", text);
    a.setAttribute("href", href);
    return a;
  }

  function numberCell(n, className) {
    return element("td", "num" + (className ? " " + className : ""), n ? count(n) : "");
  }

  /* One document: {n: name, p: path, s: style, g: subject, c: claims, a: [A, B, C, D],
     r: papers, x: problems, f: [[flag, count], ...] most frequent first}. */
  function documentRow(d) {
    var row = element("tr");
    var name = encodeURIComponent(d.n);
    var first = element("td");
    first.appendChild(link(name + ".html", d.n));
    var more = element("div", "small");
    more.appendChild(element("span", "path", d.p));
    more.appendChild(document.createTextNode(" · "));
    more.appendChild(link(name + ".md", "md"));
    more.appendChild(document.createTextNode(" · "));
    more.appendChild(link(name + ".json", "json"));
    first.appendChild(more);
    row.appendChild(first);
    row.appendChild(element("td", "", d.s));
    row.appendChild(element("td", "gene", d.g));
    row.appendChild(element("td", "num", count(d.c)));
    "ABCD".split("").forEach(function (grade, i) { row.appendChild(numberCell(d.a[i], "grade-" + grade)); });
    row.appendChild(element("td", "num", count(d.r)));
    row.appendChild(numberCell(d.x));
    var flags = element("td");
    d.f.slice(0, 3).forEach(function (pair) {
      var chip = element("span", "flag", pair[0]);
      chip.appendChild(element("span", "count", count(pair[1])));
      flags.appendChild(chip);
      flags.appendChild(document.createTextNode(" "));
    });
    if (d.f.length > 3) flags.appendChild(element("span", "small", "+" + (d.f.length - 3) + " more"));
    row.appendChild(flags);
    return row;
  }

  function flagTotal(d) { return d.f.reduce(function (sum, pair) { return sum + pair[1]; }, 0); }

  /* What each column of the documents table sorts by. */
  var DOCUMENT_KEYS = [
    function (d) { return d.n; }, function (d) { return d.s; }, function (d) { return d.g; },
    function (d) { return d.c; }, function (d) { return d.a[0]; }, function (d) { return d.a[1]; },
    function (d) { return d.a[2]; }, function (d) { return d.a[3]; }, function (d) { return d.r; },
    function (d) { return d.x; }, flagTotal
  ];

  function setupDocuments(table) {
    var data = JSON.parse(document.getElementById(table.getAttribute("data-rows")).textContent);
    var size = Number(table.getAttribute("data-page")) || 200;
    var form = document.querySelector('form.filters[data-table="' + table.id + '"]');
    var pager = document.querySelector('.pager[data-table="' + table.id + '"]');
    var text = form && form.querySelector("input[type=search]");
    var flag = form && form.querySelector("select[name=flag]");
    var shownLabel = form && form.querySelector(".shown");
    var previous = pager && pager.querySelector("button[name=previous]");
    var next = pager && pager.querySelector("button[name=next]");
    var where = pager && pager.querySelector(".where");
    var matching = data, start = 0;

    function draw() {
      var body = table.tBodies[0];
      body.textContent = "";
      var rows = document.createDocumentFragment();
      matching.slice(start, start + size).forEach(function (d) { rows.appendChild(documentRow(d)); });
      body.appendChild(rows);
      var end = Math.min(start + size, matching.length);
      if (shownLabel) shownLabel.textContent = count(matching.length) + " of " + count(data.length) + " shown";
      if (where) where.textContent = matching.length ? (count(start + 1) + "–" + count(end) + " of " + count(matching.length)) : "none";
      if (previous) previous.disabled = start === 0;
      if (next) next.disabled = end >= matching.length;
    }

    function apply() {
      var needle = text ? text.value.trim().toLowerCase() : "";
      var wanted = flag ? flag.value : "";
      matching = data.filter(function (d) {
        var names = d.f.map(function (pair) { return pair[0]; });
        var words = (d.n + " " + d.p + " " + d.s + " " + d.g).toLowerCase();
        return (!needle || words.indexOf(needle) >= 0) && flagMatches(names.join("|"), wanted);
      });
      start = 0;
      draw();
    }

    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
      th.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(th.parentNode.cells, function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var key = DOCUMENT_KEYS[index];
        var order = data.map(function (d, position) { return { d: d, key: String(key(d)), position: position }; });
        order.sort(function (r, s) {
          var result = compare(r.key, s.key);
          return (ascending ? result : -result) || r.position - s.position;
        });
        data = order.map(function (r) { return r.d; });
        apply();
      });
    });
    if (form) {
      form.addEventListener("input", apply);
      form.addEventListener("change", apply);
      form.addEventListener("submit", function (event) { event.preventDefault(); });
    }
    if (previous) previous.addEventListener("click", function () { start = Math.max(0, start - size); draw(); });
    if (next) next.addEventListener("click", function () { start += size; draw(); });
    if (pager) pager.hidden = false;
    apply();
  }

  document.querySelectorAll("table.sortable").forEach(makeSortable);
  document.querySelectorAll("form.filters").forEach(function (form) {
    var table = document.getElementById(form.getAttribute("data-table"));
    if (table && !table.hasAttribute("data-rows")) setupFilter(form);
  });
  document.querySelectorAll("table[data-rows]").forEach(setupDocuments);
})();
