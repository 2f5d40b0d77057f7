/* KoKo-Handbuch: the site's own small script (no library, no request anywhere).
 * - Fallfinder (and the materials index): filters the table; without JavaScript it stays complete.
 * - Printing: choose the edition; the participants' edition hides trainer-only blocks, and every
 *   collapsed block of the chosen edition is expanded; link targets are written out.
 * Material loads pages instantly (document$), so everything is (re)attached per page. */
(function () {
  "use strict";

  function setupFinder(root) {
    var form = root.querySelector("[data-koko-fallfinder]");
    var table = root.querySelector("[data-koko-falltabelle]");
    var counter = root.querySelector("[data-koko-treffer]");
    if (!form || !table || form.dataset.ready) return;
    form.dataset.ready = "1";
    form.hidden = false;
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var selects = Array.prototype.slice.call(form.querySelectorAll("select"));

    function fromHash() {
      var params = new URLSearchParams(location.hash.replace(/^#/, ""));
      selects.forEach(function (s) {
        var v = params.get(s.name);
        if (v !== null && s.querySelector('option[value="' + CSS.escape(v) + '"]')) s.value = v;
      });
    }
    function apply(updateHash) {
      var shown = 0;
      rows.forEach(function (row) {
        var ok = selects.every(function (s) {
          if (!s.value) return true;
          return (row.dataset[s.name] || "").split(" ").indexOf(s.value) >= 0;
        });
        row.hidden = !ok;
        if (ok) shown++;
      });
      var noun = counter.getAttribute("data-koko-noun") || "Fallstudien";
      counter.textContent = shown === rows.length
        ? rows.length + " " + noun
        : shown + " von " + rows.length + " " + noun;
      if (updateHash) {
        var params = new URLSearchParams();
        selects.forEach(function (s) { if (s.value) params.set(s.name, s.value); });
        var hash = params.toString();
        history.replaceState(null, "", hash ? "#" + hash : location.pathname + location.search);
      }
    }
    form.addEventListener("change", function () { apply(true); });
    form.addEventListener("reset", function () { setTimeout(function () { apply(true); }, 0); });
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    fromHash();
    apply(false);
  }

  var EDITION_KEY = "koko-druckausgabe";

  function setupPrintBar(root) {
    var bar = root.querySelector("[data-koko-druck]");
    if (!bar || bar.dataset.ready) return;
    bar.dataset.ready = "1";
    bar.hidden = false;
    bar.innerHTML =
      '<span class="koko-druck__label">Diese Seite drucken:</span> ' +
      '<button type="button" class="md-button" data-ausgabe="teilnehmende">Ausgabe für Teilnehmende</button> ' +
      '<button type="button" class="md-button" data-ausgabe="trainer">Ausgabe für Trainer:innen</button>';
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

  // Wide tables scroll sideways: make their scroll area reachable by keyboard and named (WCAG 2.1.1).
  function setupScrollAreas(root) {
    var used = {};
    root.querySelectorAll(".md-typeset__scrollwrap").forEach(function (wrap, i) {
      if (wrap.hasAttribute("tabindex")) return;
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

  function init() {
    nameDrawerToc(document);
    setupScrollAreas(document);
    setupFinder(document);
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
