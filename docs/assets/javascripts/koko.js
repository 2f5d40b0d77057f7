/* KoKo-Handbuch: the site's own small script (no library, no request anywhere).
 * - Fallfinder (and the materials index): filters the table; without JavaScript it stays complete.
 * - Printing: choose the edition; the participants' edition hides trainer-only blocks, and every
 *   collapsed block of the chosen edition is expanded; link targets are written out.
 * Material loads pages instantly (document$), so everything is (re)attached per page. */
(function () {
  "use strict";

  var FINDER_KEY = "koko-fallfinder";  // sessionStorage: the last filter state, for the link back from a case

  function setupFinder(root) {
    var form = root.querySelector("[data-koko-fallfinder]");
    var table = root.querySelector("[data-koko-falltabelle]");
    var counter = root.querySelector("[data-koko-treffer]");
    var empty = root.querySelector("[data-koko-leer]");
    if (!form || !table || form.dataset.ready) return;
    form.dataset.ready = "1";
    form.hidden = false;
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var selects = Array.prototype.slice.call(form.querySelectorAll("select"));
    var names = {};
    selects.forEach(function (s) {
      var label = form.querySelector('label[for="' + s.id + '"]');
      names[s.name] = label ? label.textContent.trim() : s.name;
      Array.prototype.forEach.call(s.options, function (o) { o.dataset.text = o.textContent; });
    });

    function has(row, name, value) { return (row.dataset[name] || "").split(" ").indexOf(value) >= 0; }
    // Does a row pass every filter (but `except`)?
    function passes(row, except) {
      return selects.every(function (s) { return s === except || !s.value || has(row, s.name, s.value); });
    }
    function count(except, value) {
      return rows.filter(function (r) { return passes(r, except) && (!value || has(r, except.name, value)); }).length;
    }
    function fromHash() {
      var params = new URLSearchParams(location.hash.replace(/^#/, ""));
      selects.forEach(function (s) {
        var v = params.get(s.name);
        if (v !== null && s.querySelector('option[value="' + CSS.escape(v) + '"]')) s.value = v;
      });
    }
    function summary() {
      return selects.filter(function (s) { return s.value; }).map(function (s) {
        return names[s.name] + ": " + s.options[s.selectedIndex].dataset.text;
      }).join(", ");
    }
    function apply(updateHash) {
      var shown = 0;
      rows.forEach(function (row) {
        var ok = passes(row, null);
        row.hidden = !ok;
        if (ok) shown++;
      });
      // Each option says how many cases it would leave; options that would leave none are disabled.
      selects.forEach(function (s) {
        Array.prototype.forEach.call(s.options, function (o) {
          var n = count(s, o.value);
          o.textContent = o.dataset.text + " (" + n + ")";
          o.disabled = n === 0 && o.value !== s.value;
        });
      });
      var noun = counter.getAttribute("data-koko-noun") || "Fallstudien";
      counter.textContent = shown === rows.length
        ? rows.length + " " + noun
        : shown + " von " + rows.length + " " + noun;
      table.hidden = shown === 0;
      if (empty) showEmpty(shown);
      var params = new URLSearchParams();
      selects.forEach(function (s) { if (s.value) params.set(s.name, s.value); });
      var hash = params.toString();
      if (updateHash) history.replaceState(null, "", hash ? "#" + hash : location.pathname + location.search);
      try {
        sessionStorage.setItem(FINDER_KEY, JSON.stringify({ hash: hash, summary: summary(), shown: shown }));
      } catch (err) { /* storage blocked: the link back shows the whole list */ }
    }
    // No case left: name each active filter with the number of cases its removal would bring back.
    function showEmpty(shown) {
      empty.hidden = shown > 0;
      empty.textContent = "";
      if (shown > 0) return;
      var p = document.createElement("p");
      p.textContent = "Keine Fallstudie passt zu allen gewählten Filtern. Lockern Sie einen Filter:";
      empty.appendChild(p);
      var list = document.createElement("ul");
      selects.filter(function (s) { return s.value; }).forEach(function (s) {
        var li = document.createElement("li");
        var button = document.createElement("button");
        button.type = "button";
        button.className = "md-button";
        button.dataset.lockern = s.name;
        var n = count(s, "");
        button.textContent = "„" + names[s.name] + "“ auf alle setzen – dann " + (n === 1 ? "1 Fallstudie" : n + " Fallstudien");
        li.appendChild(button);
        list.appendChild(li);
      });
      empty.appendChild(list);
    }
    if (empty) {
      empty.addEventListener("click", function (e) {
        var button = e.target.closest("button[data-lockern]");
        if (!button) return;
        var s = form.querySelector('select[name="' + button.dataset.lockern + '"]');
        s.value = "";
        apply(true);
        s.focus();
      });
    }
    form.addEventListener("change", function () { apply(true); });
    form.querySelector("[data-koko-zuruecksetzen]").addEventListener("click", function () {
      selects.forEach(function (s) { s.value = ""; });
      apply(true);
    });
    fromHash();
    apply(false);
  }

  // On a case page: the link back to the Fallfinder keeps the filters the reader chose there.
  function setupBackLink(root) {
    root.querySelectorAll("a[data-koko-zum-fallfinder]").forEach(function (a) {
      if (a.dataset.ready) return;
      a.dataset.ready = "1";
      var state = null;
      try { state = JSON.parse(sessionStorage.getItem(FINDER_KEY) || "null"); } catch (err) { state = null; }
      if (!state || !state.hash) return;
      a.href = a.href.split("#")[0] + "#" + state.hash;
      a.textContent = "Zurück zur gefilterten Liste im Fallfinder (" + state.summary + ")";
    });
  }

  var EDITION_KEY = "koko-druckausgabe";

  function setupPrintBar(root) {
    var bar = root.querySelector("[data-koko-druck]");
    if (!bar || bar.dataset.ready) return;
    bar.dataset.ready = "1";  // the buttons come with the page (handbook/site.py), so nothing moves here
    bar.addEventListener("click", function (e) {
      var button = e.target.closest("button[data-ausgabe]");
      if (!button) return;
      try { localStorage.setItem(EDITION_KEY, button.dataset.ausgabe); } catch (err) { /* private mode */ }
      document.documentElement.dataset.druckausgabe = button.dataset.ausgabe;
      window.print();
    });
  }

  function edition() {
    var chosen = document.documentElement.dataset.druckausgabe;
    if (chosen) return chosen;
    try { return localStorage.getItem(EDITION_KEY) || "teilnehmende"; } catch (err) { return "teilnehmende"; }
  }

  var opened = [];
  window.addEventListener("beforeprint", function () {
    document.documentElement.dataset.druckausgabe = edition();
    var trainer = edition() === "trainer";
    document.querySelectorAll("article details").forEach(function (d) {
      var trainerOnly = d.classList.contains("trainer") || d.classList.contains("loesung");
      if (!d.open && (trainer || !trainerOnly)) { d.open = true; opened.push(d); }
    });
    document.querySelectorAll("article a[href]").forEach(function (a) {
      var href = a.getAttribute("href");
      if (!href || href.charAt(0) === "#" || a.classList.contains("headerlink")) return;
      a.dataset.druckziel = a.href;
    });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (d) { d.open = false; });
    opened = [];
    delete document.documentElement.dataset.druckausgabe;
  });

  // Tables: on a phone each row is shown as a card (koko.css); every cell gets its column header as a label.
  function labelTableCells(root) {
    root.querySelectorAll("article table:not([class])").forEach(function (table) {
      if (table.dataset.kokoLabels) return;
      table.dataset.kokoLabels = "1";
      var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) { return th.textContent.trim(); });
      Array.prototype.forEach.call(table.tBodies, function (body) {
        Array.prototype.forEach.call(body.rows, function (row) {
          Array.prototype.forEach.call(row.cells, function (cell, i) {
            if (!cell.hasAttribute("data-label") && heads[i]) cell.setAttribute("data-label", heads[i]);
          });
        });
      });
      var box = table.parentElement;
      if (table.offsetWidth > box.clientWidth + 1) table.setAttribute("data-koko-breit", "");
    });
  }

  // A table that is still wider than its column (none should be) scrolls in its own box: make that box
  // reachable by keyboard and named (WCAG 2.1.1). Boxes that do not scroll stay plain.
  function setupScrollAreas(root) {
    var used = {};
    root.querySelectorAll(".md-typeset__scrollwrap").forEach(function (wrap, i) {
      if (wrap.hasAttribute("tabindex") || wrap.scrollWidth <= wrap.clientWidth + 1) return;
      wrap.setAttribute("tabindex", "0");
      wrap.setAttribute("role", "region");
      var caption = wrap.querySelector("caption");
      var heads = Array.prototype.map.call(wrap.querySelectorAll("thead th"), function (th) { return th.textContent.trim(); });
      var label = caption ? caption.textContent.trim() : "Tabelle: " + (heads.join(", ") || String(i + 1));
      if (used[label]) label += " (" + (i + 1) + ")";  // landmarks need unique names
      used[label] = true;
      wrap.setAttribute("aria-label", label);
    });
  }

  // At tablet width Material repeats the table of contents inside the navigation drawer, under the same
  // name as the sidebar copy; landmarks need distinct names (axe: landmark-unique).
  function nameDrawerToc(root) {
    root.querySelectorAll(".md-nav--primary .md-nav--secondary").forEach(function (nav) {
      nav.setAttribute("aria-label", "Inhaltsverzeichnis in der Navigation");
    });
    // Sections with an index page (the modules) are labelled by an icon-only toggle: their navigation
    // landmarks would have no name, and the toggle no text. Name both after the section title.
    root.querySelectorAll("nav.md-nav[aria-labelledby]").forEach(function (nav) {
      var toggle = document.getElementById(nav.getAttribute("aria-labelledby"));
      var title = nav.querySelector(":scope > .md-nav__title");
      if (!toggle || toggle.textContent.trim() || !title) return;
      var text = document.createElement("span");
      text.className = "koko-sr-only";
      text.textContent = title.textContent.trim();
      toggle.appendChild(text);
    });
  }

  // Theme markup, mended for assistive technology: icons inside named links and buttons are decoration
  // (IBM svg_graphics_labelled); Material's table-of-contents toggle on a page whose only heading is the
  // title has no label element: it gets a name (HTML_CodeSniffer H91, F68; removing it upsets the drawer).
  function mendThemeMarkup(root) {
    root.querySelectorAll("svg:not([aria-hidden]):not([role])").forEach(function (svg) {
      if (!svg.querySelector("title")) svg.setAttribute("aria-hidden", "true");
    });
    var toc = document.getElementById("__toc");
    if (toc && !root.querySelector('label[for="__toc"]')) toc.setAttribute("aria-label", "Inhaltsverzeichnis dieser Seite");
  }

  function init() {
    mendThemeMarkup(document);
    nameDrawerToc(document);
    labelTableCells(document);
    setupScrollAreas(document);
    setupFinder(document);
    setupBackLink(document);
    setupPrintBar(document);
  }
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
