/* enrich report behaviour. Vanilla JS: no network, no eval, no HTML parsing of data.
 *
 * 1. A document's page (<name>.html) carries its report as data: the schema-2 JSON of
 *    <name>.json in <script type="application/json" id="enrich-data">, and the audit's
 *    terms in #enrich-terms. The report is built from them here with DOM methods: every
 *    text from a document or from PubMed is set as text; PubMed's title markup keeps only
 *    balanced <i> <b> <u> <sup> <sub>; links go to PubMed, doi.org, NCBI Gene and anchors
 *    of the page. A "provenance" object in the data, when present, is shown under the
 *    header (its "banner" text, when present, as a warning).
 * 2. Tables of class "sortable" sort by a click on a header; a form of class "filters"
 *    filters the rows of its table (index.html too).
 * 3. index.html's documents table (data-rows) is drawn a page at a time from the JSON data
 *    block it names: 20,000 rows drawn at once take a browser seconds.
 * Counts people read are written with thousands separators (1,234).
 */
(function () {
  "use strict";

  var BACK_LINKS = 12; // "Cited by" links shown per paper; the rest are counted
  var GRADES = ["A", "B", "C", "D"];

  // --- making elements ---------------------------------------------------------------------

  /* An element with attributes (null and undefined left out) and children: nodes, or
     strings as text. */
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      var value = attrs[name];
      if (value !== null && value !== undefined) node.setAttribute(name, String(value));
    });
    append(node, children);
    return node;
  }

  function append(node, children) {
    (children || []).forEach(function (child) {
      if (child === null || child === undefined || child === "") return;
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  /* items with sep (a string) between them */
  function joined(items, sep) {
    var out = [];
    items.forEach(function (item, index) {
      if (index) out.push(sep);
      out.push(item);
    });
    return out;
  }

  /* a count as people read it: 1,234 */
  function figure(n) { return Number(n).toLocaleString("en-US"); }

  function link(href, text) {
    var external = /^https:/.test(href);
    return el("a", { href: href, rel: external ? "noopener" : null }, [text]);
  }

  function pubmedUrl(pmid) {
    return "https://pubmed.ncbi.nlm.nih.gov/" + encodeURIComponent(pmid) + "/";
  }

  /* doi.org link of a DOI: anything but letters, digits and / : ; . _ - ~ percent-encoded */
  function doiUrl(doi) {
    var encoded = encodeURIComponent(doi).replace(/[!'()*]/g, function (c) {
      return "%" + c.charCodeAt(0).toString(16).toUpperCase();
    });
    return "https://doi.org/" + encoded.replace(/%2F/g, "/").replace(/%3A/g, ":").replace(/%3B/g, ";");
  }

  function geneUrl(geneId) {
    return "https://www.ncbi.nlm.nih.gov/gene/" + encodeURIComponent(geneId);
  }

  /* the HTML id of a claim's row, without "claim-" */
  function claimSlug(id) {
    return id.replace(/[^A-Za-z0-9_.-]/gu, "-");
  }

  // --- PubMed title markup -----------------------------------------------------------------

  var ENTITIES = { amp: "&", lt: "<", gt: ">", quot: "\"", apos: "'" };

  /* Text of escaped markup: the entities PubMed's markup uses, decoded. */
  function decode(text) {
    return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, function (whole, name) {
      if (name.charAt(0) === "#") {
        var code = name.charAt(1) === "x" ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
        return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
      }
      return Object.prototype.hasOwnProperty.call(ENTITIES, name) ? ENTITIES[name] : whole;
    });
  }

  /* A fragment of title markup (escaped text with bare inline tags): balanced <i> <b> <u>
     <sup> <sub> become elements; any other tag, and an unbalanced one, stays text. */
  function markup(text) {
    var pattern = /<(\/?)(i|b|u|sup|sub)>/g;
    var tokens = [], match;
    while ((match = pattern.exec(text)) !== null) tokens.push(match);
    var kept = {}, open = [];
    tokens.forEach(function (token, index) {
      if (!token[1]) {
        open.push([token[2], index]);
      } else if (open.length && open[open.length - 1][0] === token[2]) {
        kept[open.pop()[1]] = true;
        kept[index] = true;
      }
    });
    var fragment = document.createDocumentFragment();
    var parents = [fragment], position = 0;
    tokens.forEach(function (token, index) {
      var parent = parents[parents.length - 1];
      append(parent, [decode(text.slice(position, token.index))]);
      position = token.index + token[0].length;
      if (!kept[index]) {
        append(parent, [token[0]]);
      } else if (!token[1]) {
        parents.push(parent.appendChild(document.createElement(token[2])));
      } else {
        parents.pop();
      }
    });
    append(parents[parents.length - 1], [decode(text.slice(position))]);
    return fragment;
  }

  // --- the document's data -----------------------------------------------------------------

  /* The paper of each key, numbered in order of first citation (claims first), with its
     first citation, its anchor, its distinct flags and the claims citing it.  Keys that
     resolved to one PubMed record (its PMID cited here, its DOI there) are one paper, as
     the grades and index.html count them. */
  function papersOf(data) {
    var papers = {}, byKey = {}, order = [], taken = {};
    function visit(citation, claimId) {
      var key = citation.paper, paper = byKey[key];
      if (!paper) {
        var state = data.papers[key] || { status: "unresolved", reason: "", record: null };
        var identity = state.status === "resolved" && state.record ? "pmid:" + state.record.pmid : key;
        paper = papers[identity];
        if (!paper) {
          paper = papers[identity] = {
            key: identity, number: order.length + 1, anchor: paperAnchor(identity, taken),
            citation: citation, state: state, flags: [], seen: {}, citedBy: []
          };
          order.push(paper);
        }
        byKey[key] = paper;
      }
      citation.flags.forEach(function (flag) {
        var id = flag.name + "\u0000" + flag.reason;
        if (!paper.seen[id]) {
          paper.seen[id] = true;
          paper.flags.push(flag);
        }
      });
      var citedBy = paper.citedBy;
      if (claimId !== null && citedBy[citedBy.length - 1] !== claimId) citedBy.push(claimId);
    }
    data.claims.forEach(function (claim) {
      claim.citations.forEach(function (citation) { visit(citation, claim.id); });
    });
    data.citations.forEach(function (citation) { visit(citation, null); });
    return { byKey: byKey, order: order };
  }

  function paperAnchor(key, taken) {
    var colon = key.indexOf(":");
    var body = key.slice(0, colon) === "pmid" ? key.slice(colon + 1) : key;
    var base = "paper-" + (/^[A-Za-z0-9]+$/.test(body) ? body : body.replace(/[^A-Za-z0-9]/gu, "-"));
    var anchor = base, number = 1;
    while (taken[anchor]) {
      number += 1;
      anchor = base + "-" + number;
    }
    taken[anchor] = true;
    return anchor;
  }

  /* Every flag in document order (each claim's own, then its citations'; then the loose
     citations'), counted by name, with the last reason seen for each name. */
  function flagCounts(data) {
    var counts = {}, reasons = {}, order = [];
    function count(flag) {
      if (!counts[flag.name]) {
        counts[flag.name] = 0;
        order.push(flag.name);
      }
      counts[flag.name] += 1;
      reasons[flag.name] = flag.reason;
    }
    data.claims.forEach(function (claim) {
      claim.flags.forEach(count);
      claim.citations.forEach(function (c) { c.flags.forEach(count); });
    });
    data.citations.forEach(function (c) { c.flags.forEach(count); });
    return { counts: counts, reasons: reasons, names: order };
  }

  // --- the header --------------------------------------------------------------------------

  function gradeCards(claims) {
    var counts = {};
    claims.forEach(function (claim) { counts[claim.grade] = (counts[claim.grade] || 0) + 1; });
    return el("div", { "class": "cards" }, GRADES.map(function (g) {
      return el("div", { "class": "card grade-" + g, title: "grade " + g }, [
        el("span", { "class": "badge" }, [g]),
        el("span", { "class": "n" }, [figure(counts[g] || 0)]),
        el("span", { "class": "label" }, ["claims"])
      ]);
    }));
  }

  function flagChips(flags, terms) {
    if (!flags.names.length) {
      return [el("div", { "class": "flags" }, [el("span", { "class": "label" }, ["No flags"])])];
    }
    var byCount = flags.names.slice().sort(function (a, b) {
      return flags.counts[b] - flags.counts[a] || (a < b ? -1 : a > b ? 1 : 0);
    });
    var groups = [
      ["Claim flags", terms.claim_flags_note, function (n) { return terms.claim_flags.indexOf(n) >= 0; }],
      ["Citation flags", terms.citation_flags_note, function (n) { return terms.claim_flags.indexOf(n) < 0; }]
    ];
    return groups.map(function (group) {
      var names = byCount.filter(group[2]);
      if (!names.length) return null;
      var head = el("span", { "class": "label" }, [
        group[0] + " ", el("span", { "class": "note" }, ["(" + group[1] + ")"])
      ]);
      return el("div", { "class": "flags" }, [head].concat(names.map(function (name) {
        return el("span", { "class": "flag", title: flags.reasons[name] }, [
          name, el("span", { "class": "count" }, [figure(flags.counts[name])])
        ]);
      })));
    });
  }

  function provenance(data) {
    var about = data.provenance;
    if (!about || typeof about !== "object") return [];
    var parts = Object.keys(about).filter(function (key) {
      return key !== "banner" && typeof about[key] === "string"; // the footer says the rest
    }).map(function (key) { return el("span", {}, [key.replace(/_/g, " ") + " " + about[key]]); });
    var banner = typeof about.banner === "string" && about.banner
      ? el("div", { "class": "banner", role: "alert" }, [about.banner]) : null;
    return [parts.length ? el("div", { "class": "meta provenance" }, parts) : null, banner];
  }

  function header(data, flags, terms) {
    var subject = data.subject;
    var meta = [el("span", {}, [data.style]), el("span", { "class": "path" }, [data.path])];
    if (subject.uniprot) meta.push(el("span", {}, ["UniProt " + subject.uniprot]));
    if (subject.gene_id) meta.push(el("span", {}, ["Gene " + subject.gene_id]));
    if (subject.organism) meta.push(el("span", {}, [el("i", {}, [subject.organism])]));
    var title = el("h1", {}, [
      subject.symbol || data.path,
      subject.name ? el("span", { "class": "subtitle" }, [subject.name]) : null
    ]);
    var inner = [
      el("div", { "class": "crumbs" }, [link("index.html", "← all documents")]),
      title,
      el("div", { "class": "meta" }, meta)
    ].concat(provenance(data), [gradeCards(data.claims)], flagChips(flags, terms));
    return el("header", { "class": "top" }, [el("div", {}, inner)]);
  }

  // --- sections ----------------------------------------------------------------------------

  function section(id, title, children) {
    return el("section", { id: id }, [el("h2", {}, [title])].concat(children));
  }

  function problems(data) {
    if (!data.problems.length) return null;
    var items = data.problems.map(function (p) {
      return el("li", {}, [el("b", {}, [p.location || "whole file"]), ": " + p.message]);
    });
    return section("problems", "Problems", [el("div", { "class": "banner bad" }, [el("ul", {}, items)])]);
  }

  function filterForm(names) {
    var parts = [el("input", { type: "search", placeholder: "Filter rows…", "aria-label": "Filter rows" })];
    GRADES.forEach(function (g) {
      parts.push(el("label", {}, [
        el("input", { type: "checkbox", name: "grade", value: g, checked: "" }), " ",
        el("span", { "class": "badge grade-" + g }, [g])
      ]));
    });
    if (names.length) {
      var options = [["", "any or none"], ["(any)", "flagged"], ["(none)", "not flagged"]];
      options = options.concat(names.slice().sort().map(function (n) { return [n, n]; }));
      parts.push(el("label", {}, ["Flag ", el("select", { name: "flag" }, options.map(function (o) {
        return el("option", { value: o[0] }, [o[1]]);
      }))]));
    }
    parts.push(el("span", { "class": "shown", "aria-live": "polite" }));
    return el("form", { "class": "filters", "data-table": "claims-table", role: "search" }, parts);
  }

  function isBad(name, terms) {
    return terms.bad_flags.indexOf(name) >= 0;
  }

  function chip(flag, terms, extra, css) {
    return el("span", { "class": (css || "flag") + (isBad(flag.name, terms) ? " bad" : ""), title: flag.reason }, [
      flag.name + (extra || "")
    ]);
  }

  function footnote(citation, paper, terms) {
    var status = paper.state.status;
    var notes = [status].concat(citation.flags.map(function (f) { return f.name + ": " + f.reason; }));
    var bad = status === "not_found" || status === "invalid" ||
      citation.flags.some(function (f) { return isBad(f.name, terms); });
    var css = bad ? "fn bad" : citation.flags.length || status !== "resolved" ? "fn warn" : "fn";
    return el("a", { "class": css, href: "#" + paper.anchor, title: notes.join("; ") }, ["[" + paper.number + "]"]);
  }

  function claimCell(claim) {
    if (claim.kind === "edge") {
      return el("td", { "data-sort": (claim.regulator || "") + " " + (claim.target || "") }, [
        el("span", { "class": "gene" }, [claim.regulator || "?"]),
        el("span", { "class": "arrow" }, ["→"]),
        el("span", { "class": "gene" }, [claim.target || "?"])
      ]);
    }
    return el("td", { "data-sort": claim.text || "" }, [el("div", { "class": "statement" }, [claim.text || ""])]);
  }

  function sourcesCell(claim) {
    var parts = [];
    if (claim.sources.length) parts.push(claim.sources.join("; "));
    if (claim.methods.length) parts.push(el("span", { "class": "small" }, [claim.methods.join("; ")]));
    if (claim.small_scale) {
      parts.push(el("span", { "class": "tag", title: "TFLink: small-scale evidence" }, ["small-scale"]));
    }
    if (!parts.length) return el("td", {}, [el("span", { "class": "small" }, ["—"])]);
    return el("td", {}, joined(parts, null).map(function (part) { return part === null ? el("br") : part; }));
  }

  /* the grade's reason without the grade it starts with ("C: ") */
  function why(claim) {
    var head = claim.grade + ": ";
    return claim.grade_reason.indexOf(head) === 0 ? claim.grade_reason.slice(head.length) : claim.grade_reason;
  }

  function claimRow(claim, papers, terms) {
    var chips = claim.flags.map(function (f) { return chip(f, terms); });
    var byFlag = {}, order = [];
    claim.citations.forEach(function (citation) {
      var number = papers.byKey[citation.paper].number;
      citation.flags.forEach(function (f) {
        if (!byFlag[f.name]) {
          byFlag[f.name] = { flag: f, numbers: [] };
          order.push(f.name);
        }
        byFlag[f.name].numbers.push(number);
      });
    });
    order.forEach(function (name) {
      chips.push(chip(byFlag[name].flag, terms, " [" + byFlag[name].numbers.join(", ") + "]", "flag cited"));
    });
    var names = [];
    claim.flags.map(function (f) { return f.name; }).concat(order).forEach(function (n) {
      if (names.indexOf(n) < 0) names.push(n);
    });
    var notes = claim.citations.map(function (c) { return footnote(c, papers.byKey[c.paper], terms); });
    return el("tr", { id: "claim-" + claimSlug(claim.id), "data-grade": claim.grade, "data-flags": names.join("|") }, [
      el("td", { "class": "id", "data-sort": claim.id, title: claim.location }, [claim.id]),
      el("td", { "class": "grade-" + claim.grade, "data-sort": claim.grade }, [
        el("span", { "class": "badge" }, [claim.grade])
      ]),
      claimCell(claim),
      el("td", { "class": "why" }, [why(claim)]),
      sourcesCell(claim),
      el("td", { "data-sort": names.length }, joined(chips, " ")),
      el("td", { "data-sort": notes.length }, notes.length ? joined(notes, " ") : ["—"])
    ]);
  }

  function claims(data, papers, flags, terms) {
    if (!data.claims.length) {
      return section("claims", "Claims (0)", [el("p", {}, ["No claims found in this document."])]);
    }
    var heads = ["Claim", "Grade", "Regulator → target / statement", "Why this grade", "Sources", "Flags", "Papers"];
    var table = el("table", { "class": "data sortable", id: "claims-table" }, [
      el("thead", {}, [el("tr", {}, heads.map(function (h) {
        return el("th", { scope: "col" }, [el("button", { type: "button" }, [h])]);
      }))]),
      el("tbody", {}, data.claims.map(function (claim) { return claimRow(claim, papers, terms); }))
    ]);
    return section("claims", "Claims (" + figure(data.claims.length) + ")", [filterForm(flags.names), table]);
  }

  function loose(data, papers) {
    if (!data.citations.length) return null;
    var links = data.citations.map(function (c) {
      var paper = papers.byKey[c.paper];
      return el("a", { "class": "fn", href: "#" + paper.anchor }, ["[" + paper.number + "]"]);
    });
    return section("loose", "Loose citations", [
      el("p", {}, ["Cited by the document but not attached to a claim: "].concat(joined(links, " ")))
    ]);
  }

  // --- papers ------------------------------------------------------------------------------

  function shortAuthors(authors) {
    var shown = authors.slice(0, 3).join(", ");
    return authors.length > 3 ? shown + ", et al." : shown;
  }

  /* the record's year, and its book's where that differs: "2006 (book 1993)" */
  function paperYear(record) {
    var year = record.year !== null ? String(record.year) : "";
    var book = (record.book_date || "").slice(0, 4);
    return year && /^[0-9]+$/.test(book) && book !== year ? year + " (book " + book + ")" : year;
  }

  function valid(citation, kind) {
    return citation[kind] && citation.invalid.indexOf(kind) < 0 ? citation[kind] : null;
  }

  function card(paper) {
    var record = paper.state.record, citation = paper.citation, title, meta, pmid, doi;
    if (record) {
      title = record.title_markup ? markup(record.title_markup) : record.title;
      meta = [shortAuthors(record.authors), record.journal, paperYear(record)];
      pmid = record.pmid;
      doi = record.doi || valid(citation, "doi");
    } else {
      title = citation.title || el("em", {}, [paper.key]);
      meta = [citation.authors, citation.journal, citation.year !== null ? String(citation.year) : ""];
      pmid = valid(citation, "pmid");
      doi = valid(citation, "doi");
    }
    var status = paper.state.status, reason = paper.state.reason;
    var links = [
      pmid ? link(pubmedUrl(pmid), "PMID " + pmid) : null,
      doi ? link(doiUrl(doi), "doi:" + doi) : null,
      el("span", { "class": "status " + status, title: reason }, [status.replace(/_/g, " ")]),
      reason ? " — " + reason : null
    ];
    return [
      el("div", { "class": "ptitle" }, [title]),
      el("div", { "class": "pmeta" }, [meta.filter(Boolean).join(" · ")]),
      el("div", { "class": "plinks" }, links)
    ];
  }

  function paperItem(paper, terms) {
    var body = card(paper);
    if (paper.flags.length) {
      body.push(el("ul", { "class": "pflags" }, paper.flags.map(function (f) {
        return el("li", {}, [chip(f, terms), " ", el("span", {}, [f.reason])]);
      })));
    }
    var citedBy = paper.citedBy;
    if (citedBy.length) {
      var back = citedBy.slice(0, BACK_LINKS).map(function (id) { return link("#claim-" + claimSlug(id), id); });
      var more = citedBy.length > BACK_LINKS ? " and " + figure(citedBy.length - BACK_LINKS) + " more" : null;
      body.push(el("div", { "class": "small" }, ["Cited by "].concat(joined(back, " "), [more])));
    }
    return el("li", { id: paper.anchor }, [
      el("span", { "class": "pnum" }, ["[" + paper.number + "]"]),
      el("div", {}, body)
    ]);
  }

  function paperList(papers, terms) {
    return section("papers", "Papers (" + figure(papers.order.length) + ")", [
      el("ol", { "class": "papers" }, papers.order.map(function (p) { return paperItem(p, terms); }))
    ]);
  }

  // --- genes -------------------------------------------------------------------------------

  function genes(data) {
    var lookups = data.genes;
    if (!lookups.length) return null;
    var named = lookups.filter(function (g) { return g.names_from !== null; }).length;
    var ids = lookups.length === 1 ? "the Gene ID" : "the " + figure(lookups.length) + " Gene IDs";
    var summary = "NCBI Gene gave the names of " + figure(named) + " of " + ids + " this document gives; " +
      "each gene is looked for in the cited papers by all of its names (see no_mention in the legend).";
    var problems = lookups.filter(function (g) { return g.reason; }).map(function (g) {
      return el("li", {}, [el("b", {}, ["Gene ID " + g.gene_id]), " (" + g.status + "): " + g.reason]);
    });
    var rows = lookups.map(function (g) {
      var id = /^[0-9]+$/.test(g.gene_id) ? link(geneUrl(g.gene_id), g.gene_id) : g.gene_id;
      return el("tr", {}, [
        el("td", {}, [id]),
        el("td", { "class": "gene" }, [g.symbol !== null ? g.symbol : "—"]),
        el("td", {}, [g.status]),
        el("td", { "class": "small" }, [(g.aliases || []).join(", ")])
      ]);
    });
    var head = ["Gene ID", "Symbol", "Status", "Aliases"].map(function (h) { return el("th", { scope: "col" }, [h]); });
    return section("genes", "Gene names", [
      el("p", {}, [summary]),
      problems.length ? el("div", { "class": "banner" }, [el("ul", {}, problems)]) : null,
      el("details", {}, [
        el("summary", {}, ["Every Gene ID (" + figure(lookups.length) + ")"]),
        el("table", { "class": "data" }, [el("thead", {}, [el("tr", {}, head)]), el("tbody", {}, rows)])
      ])
    ]);
  }

  /* Build the report of the page's data, if it carries any, around the static legend. */
  function buildReport() {
    var block = document.getElementById("enrich-data");
    if (!block) return;
    var data = JSON.parse(block.textContent);
    var terms = JSON.parse(document.getElementById("enrich-terms").textContent);
    var papers = papersOf(data), flags = flagCounts(data);
    var main = document.querySelector("main");
    document.body.insertBefore(header(data, flags, terms), main);
    var before = document.getElementById("legend");
    [problems(data), claims(data, papers, flags, terms), loose(data, papers), paperList(papers, terms), genes(data)]
      .forEach(function (part) { if (part) main.insertBefore(part, before); });
    if (location.hash) { // the page was opened on an anchor that did not exist until now
      var target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
      if (target) target.scrollIntoView();
    }
  }

  // --- sorting and filtering tables --------------------------------------------------------

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
      if (shown) shown.textContent = figure(count) + " of " + figure(rows.length) + " shown";
    }

    form.addEventListener("input", apply);
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    apply();
  }

  /* --- index.html's documents: rows drawn from a JSON data block, a page at a time ------- */

  function numberCell(n, className) {
    return el("td", { "class": "num" + (className ? " " + className : "") }, [n ? figure(n) : ""]);
  }

  /* One document: {n: name, p: path, s: style, g: subject, c: claims, a: [A, B, C, D],
     r: papers, x: problems, f: [[flag, count], ...] most frequent first}. */
  function documentRow(d, formats) {
    var name = encodeURIComponent(d.n);
    var files = [];
    formats.filter(function (kind) { return kind !== "html"; }).forEach(function (kind) {
      files.push(" · ", link(name + "." + kind, kind));
    });
    var chips = [];
    d.f.slice(0, 3).forEach(function (pair) {
      chips.push(el("span", { "class": "flag" }, [pair[0], el("span", { "class": "count" }, [figure(pair[1])])]), " ");
    });
    if (d.f.length > 3) {
      var rest = d.f.slice(3).map(function (pair) { return pair[0] + " " + figure(pair[1]); }).join(", ");
      chips.push(el("span", { "class": "small", "title": rest }, ["+" + figure(d.f.length - 3) + " more"]));
    }
    return el("tr", {}, [
      el("td", {}, [
        formats.indexOf("html") >= 0 ? link(name + ".html", d.n) : d.n,
        el("div", { "class": "small" }, [el("span", { "class": "path" }, [d.p])].concat(files))
      ]),
      el("td", {}, [d.s]),
      el("td", { "class": "gene" }, [d.g]),
      el("td", { "class": "num" }, [figure(d.c)])
    ].concat(GRADES.map(function (grade, i) { return numberCell(d.a[i], "grade-" + grade); }), [
      el("td", { "class": "num" }, [figure(d.r)]),
      numberCell(d.x),
      el("td", {}, chips)
    ]));
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
    var formats = (table.getAttribute("data-formats") || "html").split(",");
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
      matching.slice(start, start + size).forEach(function (d) { rows.appendChild(documentRow(d, formats)); });
      body.appendChild(rows);
      var end = Math.min(start + size, matching.length);
      if (shownLabel) shownLabel.textContent = figure(matching.length) + " of " + figure(data.length) + " shown";
      if (where) where.textContent = matching.length ? (figure(start + 1) + "–" + figure(end) + " of " + figure(matching.length)) : "none";
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

  buildReport();
  document.querySelectorAll("table.sortable").forEach(makeSortable);
  document.querySelectorAll("form.filters").forEach(function (form) {
    var table = document.getElementById(form.getAttribute("data-table"));
    if (table && !table.hasAttribute("data-rows")) setupFilter(form);
  });
  document.querySelectorAll("table[data-rows]").forEach(setupDocuments);
})();
