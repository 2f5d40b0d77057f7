/* KoKo-Handbuch: the course-pack builder on the page "Kurspaket zusammenstellen" (no library, no request
 * anywhere except, for the print view, to this site's own pages over http(s)).
 * - Data: the JSON block the page embeds (handbook/packbuilder.py): units, released cases, facets, page URLs.
 * - Schedule: the same rules as handbook/packs.py – blocks follow each other without gaps; a unit lasts its
 *   dauer_min (a part of a split unit bis_min − ab_min), a break its own minutes, case work and programme
 *   items their dauer_min, an unknown unit 0; the day's start comes from "HH:MM"; UE = minutes without
 *   breaks / 45, one decimal; a day past its end (ende, else veranstaltung.ende) cannot be downloaded.
 * - Take-away: a course-pack YAML (valid against schemas/kurspaket.schema.json), a print view assembled
 *   from the site's own rendered pages, a share link (selection in the URL fragment).
 * - YAML is read and written with the npm package "yaml" (window.YAML, served from this site as
 *   assets/javascripts/yaml.js, see handbook/jsbundle.py), not with a parser of our own. The library (300 KB)
 *   is loaded only when it is needed: when the pointer or the focus comes to "YAML herunterladen" or to the file
 *   field, and at the latest on download or upload (yamlReady). A classic script tag, so it loads from file://.
 * Pure functions are exposed as window.KokoKurspaket for the tests. */
(function () {
  "use strict";

  // --- pure functions: times and schedule (mirror handbook/packs.py) ---------------------------------------

  var TIME = /^([01]?\d|2[0-3]):([0-5]\d)$/;
  var MIDNIGHT = 24 * 60;

  function parseTime(text) {
    if (typeof text !== "string") return null;
    var m = TIME.exec(text.trim());
    return m ? parseInt(m[1], 10) * 60 + parseInt(m[2], 10) : null;
  }

  function pad2(n) { return (n < 10 ? "0" : "") + n; }

  function hhmm(minutes) { return pad2(Math.floor(minutes / 60)) + ":" + pad2(minutes % 60); }

  var MAX_WITHOUT_BREAK = 180;

  function has(obj, key) { return Object.prototype.hasOwnProperty.call(obj, key); }

  function isNum(x) { return typeof x === "number" && isFinite(x); }

  /* The minutes of one block (handbook/packs.py schedule). */
  function blockMinutes(b, unitMinutes) {
    if ("einheit" in b) {
      if (!has(unitMinutes, b.einheit)) return 0;
      var whole = unitMinutes[b.einheit];
      var lo = isNum(b.ab_min) ? b.ab_min : 0, hi = isNum(b.bis_min) ? b.bis_min : whole;
      return Math.max(0, hi - lo);
    }
    if ("pause" in b) return b.pause;
    return isNum(b.dauer_min) ? b.dauer_min : 0;
  }

  /* Unterrichtseinheiten: 45 minutes each, one decimal (a tie cannot occur for whole minutes). */
  function ue(minutes) { return Math.round(minutes / 45 * 10) / 10; }

  function ueDe(minutes) { return ue(minutes).toFixed(1).replace(".", ",") + " UE"; }

  /* day: {beginn: "HH:MM", bloecke: [{einheit, bis_min?, ab_min?} | {pause} | {fallstudie, dauer_min} |
   * {programmpunkt, dauer_min}]}; unitMinutes: {id: minutes}.
   * Returns {beginn, ende, lernminuten, ue, bloecke: [{start, ende, minuten}]} in minutes after midnight. */
  function schedule(day, unitMinutes) {
    var start = parseTime(day.beginn);
    if (start === null) start = 0;
    var t = start, teaching = 0;
    var blocks = (day.bloecke || []).map(function (b) {
      var minutes = blockMinutes(b, unitMinutes);
      if (!("pause" in b)) teaching += minutes;
      var block = { start: t, ende: t + minutes, minuten: minutes };
      t = block.ende;
      return block;
    });
    return { beginn: start, ende: blocks.length ? t : start, lernminuten: teaching, ue: ue(teaching), bloecke: blocks };
  }

  /* "Teil i/n" for the blocks of split units, per day and block index (handbook/packs.py number_parts). */
  function partLabels(days) {
    var byUnit = {}, split = {};
    days.forEach(function (d, di) {
      (d.bloecke || []).forEach(function (b, bi) {
        if (!("einheit" in b)) return;
        (byUnit[b.einheit] = byUnit[b.einheit] || []).push([di, bi]);
        if (isNum(b.ab_min) || isNum(b.bis_min)) split[b.einheit] = true;
      });
    });
    var out = days.map(function () { return {}; });
    Object.keys(split).forEach(function (id) {
      var list = byUnit[id];
      if (list.length < 2) return;
      list.forEach(function (at, i) { out[at[0]][at[1]] = "Teil " + (i + 1) + "/" + list.length; });
    });
    return out;
  }

  /* The rules of handbook/loader.py for a pack's days, in German: a day past its end, dates out of order or
   * twice, split units whose parts do not cover the unit. Returns a list of messages. */
  function dayRules(pack, unitMinutes) {
    var out = [];
    var eventEnd = parseTime((pack.veranstaltung || {}).ende || "");
    var latest = null, seen = {};
    (pack.tage || []).forEach(function (d, i) {
      var name = "Tag " + (i + 1);
      if (validDate(d.datum)) {
        if (has(seen, d.datum)) out.push(name + ": das Datum " + germanDate(d.datum) + " steht schon bei Tag " + (seen[d.datum] + 1) + " – jeder Schulungstag nur einmal.");
        else if (latest !== null && d.datum < latest.datum) out.push(name + ": " + germanDate(d.datum) + " liegt vor Tag " + (latest.i + 1) + " (" + germanDate(latest.datum) + ") – die Tage in zeitlicher Reihenfolge angeben.");
        if (!has(seen, d.datum)) seen[d.datum] = i;
        if (latest === null || d.datum > latest.datum) latest = { i: i, datum: d.datum };
      }
      var s = schedule(d, unitMinutes);
      var limit = d.ende ? parseTime(d.ende) : eventEnd;
      if (s.ende <= MIDNIGHT && limit !== null && s.ende > limit) {
        out.push(name + " endet um " + hhmm(s.ende) + " Uhr, " + (s.ende - limit) + " Minuten nach dem Tagesende " + hhmm(limit) + " Uhr – Blöcke kürzen, auf einen anderen Tag legen oder das Ende später setzen.");
      }
    });
    var parts = {};
    (pack.tage || []).forEach(function (d) {
      (d.bloecke || []).forEach(function (b) { if ("einheit" in b) (parts[b.einheit] = parts[b.einheit] || []).push(b); });
    });
    Object.keys(parts).forEach(function (id) {
      var list = parts[id];
      if (!has(unitMinutes, id) || !list.some(function (b) { return isNum(b.ab_min) || isNum(b.bis_min); })) return;
      var whole = unitMinutes[id], t = 0, ok = true, covered = 0, spans = [];
      list.forEach(function (b) {
        var lo = isNum(b.ab_min) ? b.ab_min : 0, hi = isNum(b.bis_min) ? b.bis_min : whole;
        spans.push(lo + "–" + hi);
        ok = ok && lo === t && hi > lo && (!isNum(b.bis_min) || b.bis_min < whole) && (!isNum(b.ab_min) || b.ab_min < whole);
        covered += hi - lo;
        t = hi;
      });
      if (!ok || t !== whole) out.push("Einheit " + id + ": die Teile (Minuten " + spans.join(", ") + ") ergeben " + covered + " von " + whole + " Minuten – die Teile müssen nacheinander die ganze Einheit abdecken.");
    });
    return out;
  }

  /* Warnings that do not block the download (handbook/loader.py warnings): a long stretch without a break. */
  function dayWarnings(day, unitMinutes) {
    var s = schedule(day, unitMinutes), best = 0, from = null, runStart = null, bestFrom = 0, bestTo = 0;
    (day.bloecke || []).forEach(function (b, i) {
      if ("pause" in b) { runStart = null; return; }
      if (runStart === null) runStart = s.bloecke[i].start;
      if (s.bloecke[i].ende - runStart > best) { best = s.bloecke[i].ende - runStart; bestFrom = runStart; bestTo = s.bloecke[i].ende; }
    });
    return best > MAX_WITHOUT_BREAK ? [best + " Minuten ohne Pause (" + hhmm(bestFrom) + "–" + hhmm(bestTo) + " Uhr) – spätestens nach " + MAX_WITHOUT_BREAK + " Minuten eine Pause einplanen."] : [];
  }

  var MONTHS = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
    "November", "Dezember"];

  function validDate(text) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text || "");
    if (!m) return false;
    var d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
    return d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3];
  }

  function germanDate(text) {
    if (!validDate(text)) return text || "ohne Datum";
    var p = text.split("-");
    return parseInt(p[2], 10) + ". " + MONTHS[parseInt(p[1], 10) - 1] + " " + p[0];
  }

  function nextDate(text) {
    if (!validDate(text)) return today();
    var p = text.split("-");
    var d = new Date(Date.UTC(+p[0], +p[1] - 1, +p[2] + 1));
    return d.getUTCFullYear() + "-" + pad2(d.getUTCMonth() + 1) + "-" + pad2(d.getUTCDate());
  }

  function today() {
    var d = new Date();
    return d.getFullYear() + "-" + pad2(d.getMonth() + 1) + "-" + pad2(d.getDate());
  }

  function minutesDe(minutes) {
    if (minutes < 60) return minutes + " Minuten";
    var h = Math.floor(minutes / 60), rest = minutes % 60;
    return h + " Stunde" + (h !== 1 ? "n" : "") + (rest ? " " + rest + " Minuten" : "");
  }

  /* A pack id (and file name) from a title: lower case, umlauts spelt out, hyphens. */
  function slug(title) {
    var s = String(title || "").toLowerCase()
      .replace(/ä/g, "ae").replace(/ö/g, "oe").replace(/ü/g, "ue").replace(/ß/g, "ss")
      .normalize("NFKD").replace(/[\u0300-\u036f]/g, "")
      .replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 60).replace(/-+$/, "");
    return s.length >= 2 ? s : "kurspaket";
  }

  // --- YAML: the npm package "yaml" ----------------------------------------------------------------------

  // yaml.js sits next to this script (assets/javascripts/); the address is taken while this script runs.
  var YAML_SRC = (function () {
    var me = document.currentScript;
    try { return new URL("yaml.js", me && me.src ? me.src : document.baseURI).href; }
    catch (e) { return "yaml.js"; }
  })();
  var yamlLoading = null;

  function yamlLoaded() { return !!(window.YAML && typeof window.YAML.parseDocument === "function"); }

  /* A promise for the YAML library: loads assets/javascripts/yaml.js once, the first time it is asked for. */
  function yamlReady() {
    if (yamlLoaded()) return Promise.resolve(window.YAML);
    if (!yamlLoading) {
      yamlLoading = new Promise(function (resolve, reject) {
        var tag = document.createElement("script");
        tag.src = YAML_SRC;
        tag.onload = function () {
          if (yamlLoaded()) resolve(window.YAML);
          else reject(new Error("Die YAML-Bibliothek dieser Seite ist unvollständig (assets/javascripts/yaml.js)."));
        };
        tag.onerror = function () {
          yamlLoading = null;  // a later attempt may succeed (e.g. the connection is back)
          tag.remove();
          reject(new Error("Die YAML-Bibliothek dieser Seite konnte nicht geladen werden (assets/javascripts/yaml.js)."));
        };
        document.head.appendChild(tag);
      });
    }
    return yamlLoading;
  }

  function yamlLib() {
    if (!yamlLoaded()) throw new Error("Die YAML-Bibliothek dieser Seite ist noch nicht geladen (assets/javascripts/yaml.js).");
    return window.YAML;
  }

  /* The pack as YAML. YAML 1.1 rules for quoting, so that PyYAML (the handbook's loader) reads every text as
   * text ("yes", "2027-03-15", "123" stay strings); characters YAML does not allow come out escaped. */
  function cleanText(x) {
    if (typeof x === "string") return x.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd");
    if (Array.isArray(x)) return x.map(cleanText);
    if (x && typeof x === "object") {
      var o = {};
      Object.keys(x).forEach(function (k) { o[k] = cleanText(x[k]); });
      return o;
    }
    return x;
  }

  function toYaml(pack) {
    var body = yamlLib().stringify(cleanText(pack), { version: "1.1", lineWidth: 0, minContentWidth: 0, flowCollectionPadding: false,
      defaultStringType: "QUOTE_DOUBLE", defaultKeyType: "PLAIN" })
      // Every text is double-quoted (keys are plain ASCII): characters YAML counts as line breaks or does not
      // allow in a stream are written as escapes there.
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/g, function (c) {
        return "\\u" + ("000" + c.charCodeAt(0).toString(16)).slice(-4);
      });
    return "# yaml-language-server: $schema=../schemas/kurspaket.schema.json\n" +
      "# Erstellt mit „Kurspaket zusammenstellen“ auf der Website des Handbuchs.\n" + body;
  }

  function yamlError(line, message) { return new Error("Zeile " + line + ": " + message); }

  /* YAML text → plain data (dates stay ISO text); a mistake → Error "Zeile N: …". Aliases are refused. */
  function parseYaml(text) {
    var Y = yamlLib();
    var doc = Y.parseDocument(String(text), { uniqueKeys: true, prettyErrors: true, strict: true });
    var err = doc.errors[0];
    if (err) {
      var line = err.linePos && err.linePos[0] ? err.linePos[0].line : 1;
      var why = err.code === "DUPLICATE_KEY" ? "ein Schlüssel kommt doppelt vor"
        : err.code === "TAB_AS_INDENT" ? "Tabulatoren zum Einrücken sind in YAML nicht erlaubt"
        : "hier ist die Datei kein gültiges YAML – Einrückung, Doppelpunkte, Klammern und Anführungszeichen prüfen";
      throw yamlError(line, why);
    }
    var alias = false;
    Y.visit(doc, { Alias: function () { alias = true; return Y.visit.BREAK; } });
    if (alias) throw yamlError(1, "Anker und Verweise (&, *) werden in Kurspaketen nicht unterstützt");
    return doc.toJS({ maxAliasCount: 0 });
  }

  // --- the pack: state ↔ pack object (the YAML's structure), with checks -----------------------------------

  var uidCounter = 0;
  function uid() { uidCounter += 1; return "b" + uidCounter; }

  function emptyState() {
    return { titel: "", ort: "", trainer: [], ausgabe: "teilnehmende", ende: "", formate: ["pdf"],
      tage: [{ datum: today(), beginn: "09:00", bloecke: [] }], fallstudien: [], veroeffentlichen: false };
  }

  function toPack(state) {
    var v = {};
    if (state.ort.trim()) v.ort = state.ort.trim();
    var trainers = state.trainer.map(function (t) { return t.trim(); }).filter(Boolean);
    if (trainers.length) v.trainer = trainers;
    if (state.ende) v.ende = state.ende;
    var pack = { id: slug(state.titel), titel: state.titel.trim() };
    if (state.ausgabe === "beide") pack.ausgaben = ["teilnehmende", "trainer"];
    else pack.ausgabe = state.ausgabe;
    if (state.veroeffentlichen) pack.veroeffentlichen = true;
    pack.veranstaltung = v;
    pack.tage = state.tage.map(function (d) {
      var day = { datum: d.datum, beginn: d.beginn };
      if (d.ende) day.ende = d.ende;
      day.bloecke = d.bloecke.map(function (b) {
        if ("einheit" in b) {
          var u = { einheit: b.einheit };
          if (isNum(b.bis_min)) u.bis_min = b.bis_min;
          if (isNum(b.ab_min)) u.ab_min = b.ab_min;
          return u;
        }
        if ("fallstudie" in b) return { fallstudie: b.fallstudie, dauer_min: b.dauer_min };
        if ("programmpunkt" in b) return { programmpunkt: b.programmpunkt.trim(), dauer_min: b.dauer_min };
        var out = { pause: b.pause };
        if (b.titel && b.titel.trim()) out.titel = b.titel.trim();
        return out;
      });
      return day;
    });
    pack.fallstudien = state.fallstudien.slice();
    pack.formate = state.formate.slice();
    return pack;
  }

  /* A pack object from a link or a file → {state, notes}; unknown units and cases are named and left out. */
  function fromPack(obj, data) {
    var notes = [], missingUnits = [], missingCases = [];
    var state = emptyState();
    if (!obj || typeof obj !== "object" || Array.isArray(obj)) {
      return { state: null, notes: ["Darin steht kein Kurspaket."] };
    }
    var text = function (x) { return typeof x === "string" ? x : (typeof x === "number" ? String(x) : ""); };
    state.titel = text(obj.titel);
    if (obj.ausgabe === "trainer" || obj.ausgabe === "teilnehmende") state.ausgabe = obj.ausgabe;
    else if (obj.ausgabe !== undefined) notes.push("Unbekannte Ausgabe „" + text(obj.ausgabe) + "“ – die Ausgabe für Teilnehmende ist eingestellt.");
    if (Array.isArray(obj.ausgaben)) {
      var both = obj.ausgaben.indexOf("trainer") >= 0 && obj.ausgaben.indexOf("teilnehmende") >= 0;
      state.ausgabe = both ? "beide" : (obj.ausgaben.indexOf("trainer") >= 0 ? "trainer" : "teilnehmende");
    }
    state.veroeffentlichen = obj.veroeffentlichen === true;
    var v = obj.veranstaltung && typeof obj.veranstaltung === "object" ? obj.veranstaltung : {};
    state.ort = text(v.ort);
    state.trainer = (Array.isArray(v.trainer) ? v.trainer : (v.trainer ? [v.trainer] : [])).map(text).filter(Boolean);
    if (v.ende !== undefined && v.ende !== null && v.ende !== "") {
      var end = parseTime(text(v.ende));
      if (end === null) notes.push("Das Tagesende „" + text(v.ende) + "“ ist keine Uhrzeit (HH:MM) und wurde weggelassen.");
      else state.ende = hhmm(end);
    }
    if (Array.isArray(obj.formate)) {
      state.formate = obj.formate.filter(function (f) { return f === "pdf" || f === "docx"; });
      if (!state.formate.length) state.formate = ["pdf"];
    }
    var days = Array.isArray(obj.tage) ? obj.tage : [];
    state.tage = [];
    days.forEach(function (d, i) {
      if (!d || typeof d !== "object") return;
      var day = { datum: text(d.datum), beginn: text(d.beginn), ende: "", bloecke: [] };
      if (d.ende !== undefined && d.ende !== null && d.ende !== "") {
        var dayEnd = parseTime(text(d.ende));
        if (dayEnd === null) notes.push("Tag " + (i + 1) + ": das Ende „" + text(d.ende) + "“ ist keine Uhrzeit (HH:MM) und wurde weggelassen.");
        else day.ende = hhmm(dayEnd);
      }
      if (!validDate(day.datum)) {
        notes.push("Tag " + (i + 1) + ": „" + day.datum + "“ ist kein Datum (JJJJ-MM-TT) – bitte das Datum eintragen.");
        day.datum = "";
      }
      var start = parseTime(day.beginn);
      if (start === null) {
        notes.push("Tag " + (i + 1) + ": „" + day.beginn + "“ ist keine Uhrzeit (HH:MM) – der Beginn ist auf 09:00 gesetzt.");
        day.beginn = "09:00";
      } else {
        day.beginn = hhmm(start);
      }
      (Array.isArray(d.bloecke) ? d.bloecke : []).forEach(function (b) {
        if (!b || typeof b !== "object") return;
        var minutesOf = function (x) { var n = Number(x); return Number.isInteger(n) && n >= 1 && n <= 600 ? n : null; };
        if (typeof b.einheit === "string") {
          if (data.unitById[b.einheit]) {
            var unitBlock = { uid: uid(), einheit: b.einheit };
            if (minutesOf(b.bis_min) !== null) unitBlock.bis_min = minutesOf(b.bis_min);
            if (minutesOf(b.ab_min) !== null) unitBlock.ab_min = minutesOf(b.ab_min);
            day.bloecke.push(unitBlock);
          } else if (missingUnits.indexOf(b.einheit) < 0) missingUnits.push(b.einheit);
        } else if (typeof b.fallstudie === "string") {
          if (data.caseById[b.fallstudie]) day.bloecke.push({ uid: uid(), fallstudie: b.fallstudie, dauer_min: minutesOf(b.dauer_min) || 60 });
          else if (missingCases.indexOf(b.fallstudie) < 0) missingCases.push(b.fallstudie);
        } else if (b.programmpunkt !== undefined) {
          day.bloecke.push({ uid: uid(), programmpunkt: text(b.programmpunkt) || "Programmpunkt", dauer_min: minutesOf(b.dauer_min) || 30 });
        } else if (b.pause !== undefined) {
          var minutes = Number(b.pause);
          if (!Number.isInteger(minutes) || minutes < 5 || minutes > 240) {
            var fixed = Number.isFinite(minutes) ? Math.min(240, Math.max(5, Math.round(minutes))) : 15;
            notes.push("Tag " + (i + 1) + ": eine Pause von „" + text(b.pause) + "“ Minuten ist nicht möglich (5 bis 240) – eingetragen sind " + fixed + " Minuten.");
            minutes = fixed;
          }
          day.bloecke.push({ uid: uid(), pause: minutes, titel: text(b.titel) });
        }
      });
      state.tage.push(day);
    });
    if (!state.tage.length) state.tage = emptyState().tage;
    (Array.isArray(obj.fallstudien) ? obj.fallstudien : []).forEach(function (c) {
      var id = text(c);
      if (data.caseById[id]) { if (state.fallstudien.indexOf(id) < 0) state.fallstudien.push(id); }
      else if (missingCases.indexOf(id) < 0) missingCases.push(id);
    });
    if (missingUnits.length) {
      notes.unshift((missingUnits.length === 1 ? "Diese Einheit gibt es im Handbuch nicht (mehr); sie wurde weggelassen: "
        : "Diese Einheiten gibt es im Handbuch nicht (mehr); sie wurden weggelassen: ") + missingUnits.join(", ") + ".");
    }
    if (missingCases.length) {
      notes.unshift((missingCases.length === 1 ? "Diese Fallstudie gibt es im Handbuch nicht (mehr) oder sie ist nicht freigegeben; sie wurde weggelassen: "
        : "Diese Fallstudien gibt es im Handbuch nicht (mehr) oder sie sind nicht freigegeben; sie wurden weggelassen: ") + missingCases.join(", ") + ".");
    }
    return { state: state, notes: notes, missingUnits: missingUnits, missingCases: missingCases };
  }

  /* What keeps the pack from being a valid course-pack file (German, one line each). */
  function problems(state, data) {
    var out = [];
    if (!state.titel.trim()) out.push("Bitte einen Titel für das Kurspaket eingeben.");
    var units = 0;
    state.tage.forEach(function (day, i) {
      var name = "Tag " + (i + 1);
      if (!validDate(day.datum)) out.push(name + ": bitte ein gültiges Datum eintragen.");
      if (parseTime(day.beginn) === null) out.push(name + ": bitte den Beginn als Uhrzeit eintragen.");
      if (!day.bloecke.length) out.push(name + " ist noch leer – Einheiten oder Pausen anfügen oder den Tag entfernen.");
      day.bloecke.forEach(function (b, j) {
        if ("einheit" in b) units++;
        else if ("pause" in b) { if (!Number.isInteger(b.pause) || b.pause < 5 || b.pause > 240) out.push(name + ", Block " + (j + 1) + ": eine Pause dauert 5 bis 240 Minuten."); }
        else if (!Number.isInteger(b.dauer_min) || b.dauer_min < 1 || b.dauer_min > 600) out.push(name + ", Block " + (j + 1) + ": die Dauer muss 1 bis 600 Minuten sein.");
        else if ("programmpunkt" in b && !b.programmpunkt.trim()) out.push(name + ", Block " + (j + 1) + ": bitte den Programmpunkt benennen.");
      });
      if (schedule(day, data.unitMinutes).ende > MIDNIGHT) out.push(name + " endet erst nach Mitternacht – weniger Blöcke planen oder früher beginnen.");
    });
    if (!units) out.push("Das Kurspaket enthält noch keine Einheit.");
    var pack = toPack(state);
    pack.veranstaltung.ende = state.ende;
    return out.concat(dayRules(pack, data.unitMinutes));
  }

  // --- share link -------------------------------------------------------------------------------------------

  var HASH_KEY = "paket=";
  var STORAGE_KEY = "koko-kurspaket";

  function packToHash(pack) {
    var copy = JSON.parse(JSON.stringify(pack));
    delete copy.id;
    return "#" + HASH_KEY + encodeURIComponent(JSON.stringify(copy));
  }

  function packFromHash(hash) {
    var h = String(hash || "").replace(/^#/, "");
    if (h.indexOf(HASH_KEY) !== 0) return undefined;
    try { return JSON.parse(decodeURIComponent(h.slice(HASH_KEY.length))); }
    catch (e) { return null; }
  }

  // --- the page ---------------------------------------------------------------------------------------------

  function el(tag, props) {
    var node = document.createElement(tag);
    Object.keys(props || {}).forEach(function (k) {
      var v = props[k];
      if (v === undefined || v === null || v === false) return;
      if (k === "text") node.textContent = v;
      else if (k === "class") node.className = v;
      else if (k === "on") Object.keys(v).forEach(function (ev) { node.addEventListener(ev, v[ev]); });
      else if (k === "value" || k === "checked" || k === "hidden" || k === "disabled") node[k] = v;
      else node.setAttribute(k, v === true ? "" : v);
    });
    (function add(kids) {
      kids.forEach(function (kid) {
        if (kid === null || kid === undefined || kid === false) return;
        if (Array.isArray(kid)) add(kid);
        else node.appendChild(typeof kid === "string" ? document.createTextNode(kid) : kid);
      });
    })(Array.prototype.slice.call(arguments, 2));
    return node;
  }

  function hidden(text) { return el("span", { class: "koko-kp__vh" }, text); }

  function readData() {
    var block = document.getElementById("koko-kurspaket-daten");
    if (!block) return null;
    var data = JSON.parse(block.textContent);
    data.unitById = {};
    data.unitMinutes = {};
    data.module.forEach(function (m) {
      m.einheiten.forEach(function (u) {
        u.modul = m;
        data.unitById[u.id] = u;
        data.unitMinutes[u.id] = u.minuten;
      });
    });
    data.caseById = {};
    data.fallstudien.forEach(function (c) { data.caseById[c.id] = c; });
    return data;
  }

  function unitLabel(u) { return "Einheit " + u.nummer + ": " + u.titel; }

  function Builder(root, data) {
    this.root = root;
    this.data = data;
    this.state = emptyState();
    this.remember = false;
    this.pageCache = {};
    this.build();
  }

  Builder.prototype.build = function () {
    var self = this;
    var root = this.root;
    root.textContent = "";
    this.live = el("div", { class: "koko-kp__vh", role: "status", "aria-live": "polite", "aria-atomic": "true" });
    this.notesBox = el("div", { class: "admonition warning koko-kp__hinweise", role: "alert", hidden: true });
    this.builder = el("div", { class: "koko-kp__baukasten" },
      this.buildDetails(), this.buildUnits(), this.buildCases(), this.buildDays(), this.buildTakeaway());
    this.printView = el("div", { class: "koko-kp__druck", hidden: true });
    root.appendChild(this.live);
    root.appendChild(this.notesBox);
    root.appendChild(this.builder);
    root.appendChild(this.printView);

    var fromLink = packFromHash(location.hash);
    var stored = null;
    try { stored = localStorage.getItem(STORAGE_KEY); } catch (e) { stored = null; }
    if (fromLink !== undefined) {
      this.load(fromLink, "Der Link");
      if (stored) { this.remember = true; this.rememberBox.checked = true; }
    } else if (stored) {
      this.remember = true;
      this.rememberBox.checked = true;
      try { this.load(JSON.parse(stored), "Das im Browser gemerkte Paket", true); } catch (e) { this.renderAll(true); }
    } else {
      this.renderAll(true);
    }
    window.addEventListener("hashchange", function () {
      var pack = packFromHash(location.hash);
      if (pack !== undefined && location.hash !== self.lastHash) self.load(pack, "Der Link");
    });
    window.addEventListener("beforeprint", function () {
      if (!self.printView.hidden) document.documentElement.dataset.druckausgabe = self.state.ausgabe;
    });
  };

  Builder.prototype.announce = function (text) {
    // The same text twice in a row is still announced: alternate a trailing no-break space.
    this.live.textContent = text === this.lastAnnouncement ? text + "\u00a0" : text;
    this.lastAnnouncement = this.live.textContent;
  };

  Builder.prototype.showNotes = function (intro, notes) {
    var box = this.notesBox;
    box.textContent = "";
    if (!notes.length) { box.hidden = true; return; }
    box.appendChild(el("p", { class: "admonition-title" }, "Hinweis"));
    box.appendChild(el("p", {}, intro));
    box.appendChild(el("ul", {}, notes.map(function (n) { return el("li", {}, n); })));
    var close = el("button", { type: "button", class: "md-button", on: { click: function () { box.hidden = true; } } },
      "Hinweis schließen");
    box.appendChild(el("p", {}, close));
    box.hidden = false;
  };

  Builder.prototype.load = function (pack, sourceLabel, quiet) {
    if (pack === null) {
      this.showNotes(sourceLabel + " enthält kein lesbares Kurspaket.", ["Die Angaben hinter „#paket=“ sind unvollständig oder beschädigt. Bitte den Link noch einmal vollständig kopieren."]);
      this.renderAll(true);  // the address keeps the damaged link until the trainer changes something
      return;
    }
    var result = fromPack(pack, this.data);
    if (!result.state) {
      this.showNotes(sourceLabel + " enthält kein Kurspaket; das bisherige Paket bleibt unverändert.", result.notes);
      this.renderAll(true);
      return;
    }
    this.state = result.state;
    this.showNotes(sourceLabel + " wurde geladen; der Rest des Pakets ist übernommen.", result.notes);
    this.renderAll(quiet);
    this.announce("Kurspaket geladen: " + (this.state.titel || "ohne Titel") + ", " + this.state.tage.length +
      (this.state.tage.length === 1 ? " Tag." : " Tage.") + (result.notes.length ? " Bitte die Hinweise oben beachten." : ""));
  };

  // --- 1. details --------------------------------------------------------------------------------------

  Builder.prototype.field = function (id, label, input, hint) {
    input.id = id;
    if (hint) input.setAttribute("aria-describedby", id + "-hinweis");
    return el("div", { class: "koko-kp__feld" }, el("label", { for: id }, label), input,
      hint ? el("span", { class: "koko-kp__hilfe", id: id + "-hinweis" }, hint) : null);
  };

  Builder.prototype.buildDetails = function () {
    var self = this;
    function bind(input, key, transform) {
      input.addEventListener("input", function () {
        self.state[key] = transform ? transform(input.value) : input.value;
        self.changed({ times: key === "ende" });
      });
      return input;
    }
    this.inputs = {
      titel: bind(el("input", { type: "text", autocomplete: "off", required: true }), "titel"),
      ort: bind(el("input", { type: "text", autocomplete: "off" }), "ort"),
      trainer: bind(el("textarea", { rows: "2" }), "trainer", function (v) { return v.split("\n"); }),
      ende: bind(el("input", { type: "time" }), "ende")
    };
    this.fileName = el("span", { class: "koko-kp__hilfe", id: "kp-titel-hinweis" });
    var edition = el("fieldset", { class: "koko-kp__gruppe" }, el("legend", {}, "Ausgabe"),
      [["teilnehmende", "für Teilnehmende (ohne Lösungs- und Trainerhinweise)"], ["trainer", "für Trainer:innen (vollständig)"],
        ["beide", "beide Ausgaben (build_pdf.py baut beide; die Druckansicht zeigt die Ausgabe für Trainer:innen)"]].map(function (o) {
        var radio = el("input", { type: "radio", name: "kp-ausgabe", id: "kp-ausgabe-" + o[0], value: o[0],
          on: { change: function () { self.state.ausgabe = o[0]; self.changed({}); self.announce("Ausgabe " + o[1] + " gewählt."); } } });
        return el("div", { class: "koko-kp__wahl" }, radio, el("label", { for: radio.id }, o[1]));
      }));
    var formats = el("fieldset", { class: "koko-kp__gruppe" }, el("legend", {}, "Formate für build_pdf.py"),
      [["pdf", "PDF"], ["docx", "Word (DOCX)"]].map(function (o) {
        var box = el("input", { type: "checkbox", id: "kp-format-" + o[0], value: o[0],
          on: { change: function () {
            var chosen = ["pdf", "docx"].filter(function (f) { return document.getElementById("kp-format-" + f).checked; });
            if (!chosen.length) { chosen = ["pdf"]; document.getElementById("kp-format-pdf").checked = true; }
            self.state.formate = chosen;
            self.changed({});
          } } });
        return el("div", { class: "koko-kp__wahl" }, box, el("label", { for: box.id }, o[1]));
      }));
    this.publishBox = el("input", { type: "checkbox", id: "kp-veroeffentlichen", on: { change: function () {
      self.state.veroeffentlichen = self.publishBox.checked;
      self.changed({});
      self.announce(self.publishBox.checked ? "Das Paket wird zur Veröffentlichung markiert." : "Das Paket wird nicht veröffentlicht.");
    } } });
    var titleField = this.field("kp-titel", "Titel des Kurspakets (Pflicht)", this.inputs.titel);
    this.inputs.titel.setAttribute("aria-describedby", "kp-titel-hinweis");
    titleField.appendChild(this.fileName);
    return el("section", { class: "koko-kp__abschnitt", "aria-labelledby": "kp-h-angaben" },
      el("h2", { id: "kp-h-angaben" }, "1. Angaben zur Veranstaltung"),
      el("div", { class: "koko-kp__felder" }, titleField,
        this.field("kp-ort", "Ort", this.inputs.ort),
        this.field("kp-trainer", "Trainer:innen", this.inputs.trainer, "eine Person pro Zeile"),
        this.field("kp-ende", "Tagesende (optional)", this.inputs.ende, "ein Tag, der länger dauert, lässt sich nicht bauen")),
      el("div", { class: "koko-kp__felder" }, edition, formats),
      el("div", { class: "koko-kp__wahl" }, this.publishBox, el("label", { for: "kp-veroeffentlichen" },
        "Auf der öffentlichen Download-Seite veröffentlichen (veroeffentlichen: true) – gilt nur für Dateien im Ordner " +
        "course_packs/ des Projekts; Ort, Trainer:innen und die gewählten Ausgaben sind dann für alle sichtbar")));
  };

  // --- 2. units ----------------------------------------------------------------------------------------

  Builder.prototype.buildUnits = function () {
    var self = this;
    this.targetDay = el("select", { id: "kp-zieltag", on: { change: function () {
      self.targetIndex = parseInt(self.targetDay.value, 10) || 0;
      self.announce("Neue Einheiten kommen an " + self.targetDay.options[self.targetDay.selectedIndex].text + ".");
    } } });
    this.unitStatus = {};
    var modules = this.data.module.map(function (m) {
      var headingId = "kp-h-" + m.id;
      return el("div", { class: "koko-kp__modul" },
        el("h3", { id: headingId }, "Modul " + m.nummer + ": " + m.titel),
        el("ul", { class: "koko-kp__liste", "aria-labelledby": headingId }, m.einheiten.map(function (u) {
          var status = el("span", { class: "koko-kp__status" });
          self.unitStatus[u.id] = status;
          return el("li", { class: "koko-kp__zeile" },
            el("span", { class: "koko-kp__name" }, el("a", { href: u.url }, unitLabel(u))),
            el("span", { class: "koko-kp__dauer" }, u.minuten + " min"), status,
            el("button", { type: "button", class: "md-button koko-kp__knopf", "data-einheit": u.id,
              on: { click: function () { self.addUnit(u.id); } } }, "Anfügen", hidden(": " + unitLabel(u))));
        })));
    });
    return el("section", { class: "koko-kp__abschnitt", "aria-labelledby": "kp-h-einheiten" },
      el("h2", { id: "kp-h-einheiten" }, "2. Einheiten auswählen"),
      el("p", {}, "„Anfügen“ setzt die Einheit ans Ende des gewählten Tages. Die Reihenfolge ändern Sie im Abschnitt „Ablauf planen“."),
      el("div", { class: "koko-kp__feld koko-kp__feld--schmal" }, el("label", { for: "kp-zieltag" }, "Einheiten anfügen an"), this.targetDay),
      modules);
  };

  // --- 3. cases ----------------------------------------------------------------------------------------

  Builder.prototype.buildCases = function () {
    var self = this;
    var data = this.data;
    var facets = [["thema", "Konfliktthema"], ["konstellation", "Konstellation"], ["stufe", "Eskalationsstufe"], ["modul", "Modul"]];
    this.caseFilters = facets.map(function (f) {
      return el("select", { id: "kp-filter-" + f[0], name: f[0], on: { change: function () { self.filterCases(); } } },
        el("option", { value: "" }, "alle"),
        data.facetten[f[0]].map(function (o) { return el("option", { value: o[0] }, o[1]); }));
    });
    var form = el("div", { class: "koko-fallfinder-filter", role: "group", "aria-label": "Fallstudien filtern" },
      facets.map(function (f, i) {
        return el("div", { class: "koko-filter" }, el("label", { for: "kp-filter-" + f[0] }, f[1]), self.caseFilters[i]);
      }),
      el("button", { type: "button", class: "md-button", on: { click: function () {
        self.caseFilters.forEach(function (s) { s.value = ""; });
        self.filterCases();
      } } }, "Filter zurücksetzen"));
    this.caseCount = el("p", { class: "koko-treffer", "aria-live": "polite" });
    this.caseBoxes = {};
    this.caseRows = data.fallstudien.map(function (c) {
      var box = el("input", { type: "checkbox", id: "kp-fall-" + c.id, on: { change: function () { self.toggleCase(c.id, box.checked); } } });
      self.caseBoxes[c.id] = box;
      var modules = c.module.map(function (mid) {
        var m = data.module.filter(function (x) { return x.id === mid; })[0];
        return m ? "M" + m.nummer : mid;
      }).join(", ");
      var facts = [data.namen.konstellation[c.konstellation] || c.konstellation,
        c.themen.map(function (t) { return data.namen.thema[t] || t; }).join(", "),
        "Eskalationsstufe " + c.stufe, modules].join(" · ");
      var row = el("li", { class: "koko-kp__zeile koko-kp__fall" }, box,
        el("label", { for: box.id, class: "koko-kp__name" }, c.titel, el("span", { class: "koko-kp__fakten" }, facts)),
        el("a", { href: c.url, class: "koko-kp__lesen" }, "lesen", hidden(": " + c.titel)),
        el("button", { type: "button", class: "md-button koko-kp__knopf", "data-fallarbeit": c.id,
          on: { click: function () { self.addCaseWork(c.id); } } }, "als Fallarbeit einplanen", hidden(": " + c.titel)));
      row.dataset.thema = c.themen.join(" ");
      row.dataset.konstellation = c.konstellation;
      row.dataset.stufe = String(c.stufe);
      row.dataset.modul = c.module.join(" ");
      return row;
    });
    var section = el("section", { class: "koko-kp__abschnitt", "aria-labelledby": "kp-h-faelle" },
      el("h2", { id: "kp-h-faelle" }, "3. Fallstudien auswählen"),
      el("p", {}, "Angekreuzte Fallstudien kommen in das Paket, in der Reihenfolge der Liste. Die Filter sind dieselben wie im Fallfinder."),
      form, this.caseCount,
      // One group of checkboxes with its name (WCAG 1.3.1; IBM/HTML_CodeSniffer: grouped form controls).
      el("fieldset", { class: "koko-kp__gruppe koko-kp__faelle" }, el("legend", {}, "Fallstudien für das Paket"),
        el("ul", { class: "koko-kp__liste" }, this.caseRows)));
    this.filterCases(true);
    return section;
  };

  Builder.prototype.filterCases = function (quiet) {
    var shown = 0, filters = this.caseFilters;
    this.caseRows.forEach(function (row) {
      var ok = filters.every(function (s) { return !s.value || (row.dataset[s.name] || "").split(" ").indexOf(s.value) >= 0; });
      row.hidden = !ok;
      if (ok) shown++;
    });
    var n = this.caseRows.length;
    var text = shown === n ? n + " Fallstudien" : shown + " von " + n + " Fallstudien";
    if (!quiet || this.caseCount.textContent !== text) this.caseCount.textContent = text;
  };

  Builder.prototype.toggleCase = function (id, on) {
    var list = this.state.fallstudien;
    var i = list.indexOf(id);
    if (on && i < 0) list.push(id);
    if (!on && i >= 0) list.splice(i, 1);
    // keep the order of the case list
    var order = this.data.fallstudien.map(function (c) { return c.id; });
    list.sort(function (a, b) { return order.indexOf(a) - order.indexOf(b); });
    this.changed({});
    this.announce("Fallstudie „" + this.data.caseById[id].titel + "“ " + (on ? "aufgenommen" : "entfernt") +
      "; " + list.length + (list.length === 1 ? " Fallstudie" : " Fallstudien") + " im Paket.");
  };

  // --- 4. days and blocks ------------------------------------------------------------------------------

  Builder.prototype.buildDays = function () {
    var self = this;
    this.daysBox = el("div", { class: "koko-kp__tage" });
    this.casesSummary = el("p", { class: "koko-kp__faelle" });
    return el("section", { class: "koko-kp__abschnitt", "aria-labelledby": "kp-h-ablauf" },
      el("h2", { id: "kp-h-ablauf" }, "4. Ablauf planen"),
      el("p", {}, "Die Blöcke eines Tages folgen ohne Lücke aufeinander. Beginn und Ende rechnet die Seite mit, wie build_pdf.py es tut."),
      this.daysBox,
      el("button", { type: "button", class: "md-button", id: "kp-tag-neu", on: { click: function () { self.addDay(); } } }, "Weiteren Tag anfügen"),
      this.casesSummary);
  };

  Builder.prototype.blockLabel = function (b) {
    if ("einheit" in b) {
      var part = isNum(b.ab_min) || isNum(b.bis_min) ? " (Minute " + (isNum(b.ab_min) ? b.ab_min : 0) + " bis " + (isNum(b.bis_min) ? b.bis_min : this.data.unitById[b.einheit].minuten) + ")" : "";
      return unitLabel(this.data.unitById[b.einheit]) + part;
    }
    if ("fallstudie" in b) return "Fallarbeit: " + this.data.caseById[b.fallstudie].titel + " (" + b.dauer_min + " Minuten)";
    if ("programmpunkt" in b) return (b.programmpunkt.trim() || "Programmpunkt") + " (" + b.dauer_min + " Minuten)";
    return (b.titel && b.titel.trim() ? b.titel.trim() : "Pause") + " (" + b.pause + " Minuten)";
  };

  Builder.prototype.renderDays = function () {
    var self = this;
    var state = this.state;
    this.daysBox.textContent = "";
    this.timeCells = [];
    state.tage.forEach(function (day, di) {
      var name = "Tag " + (di + 1);
      var hid = "kp-h-tag-" + (di + 1);
      var date = el("input", { type: "date", id: "kp-tag-" + (di + 1) + "-datum", value: day.datum, on: { input: function () {
        day.datum = date.value; self.changed({ times: true });
      } } });
      var start = el("input", { type: "time", id: "kp-tag-" + (di + 1) + "-beginn", value: day.beginn, on: { input: function () {
        day.beginn = start.value; self.changed({ times: true });
      } } });
      var dayEnd = el("input", { type: "time", id: "kp-tag-" + (di + 1) + "-ende", value: day.ende || "", on: { input: function () {
        day.ende = dayEnd.value; self.changed({ times: true });
      } } });
      var summary = el("p", { class: "koko-kp__tagzeit", id: "kp-tag-" + (di + 1) + "-zeit" });
      var warning = el("p", { class: "koko-kp__warnung", hidden: true });
      var list = el("ol", { class: "koko-kp__bloecke", "aria-labelledby": hid });
      day.bloecke.forEach(function (b, bi) { list.appendChild(self.renderBlock(day, di, b, bi)); });
      var breakMinutes = el("input", { type: "number", min: "5", max: "240", step: "5", value: "15", inputmode: "numeric" });
      var breakTitle = el("input", { type: "text", placeholder: "z. B. Mittagspause", autocomplete: "off" });
      var breakRow = el("div", { class: "koko-kp__felder koko-kp__pauseneu" },
        self.field("kp-tag-" + (di + 1) + "-pause-min", "Pause (Minuten)", breakMinutes),
        self.field("kp-tag-" + (di + 1) + "-pause-titel", "Titel der Pause (optional)", breakTitle),
        el("button", { type: "button", class: "md-button", id: "kp-tag-" + (di + 1) + "-pause-neu", on: { click: function () {
          self.addBreak(di, parseInt(breakMinutes.value, 10), breakTitle.value);
          breakTitle.value = "";
        } } }, "Pause an " + name + " anfügen"));
      var itemMinutes = el("input", { type: "number", min: "1", max: "600", step: "5", value: "30", inputmode: "numeric" });
      var itemTitle = el("input", { type: "text", placeholder: "z. B. Begrüßung, Feedbackrunde", autocomplete: "off" });
      var itemRow = el("div", { class: "koko-kp__felder koko-kp__pauseneu" },
        self.field("kp-tag-" + (di + 1) + "-punkt-titel", "Programmpunkt", itemTitle),
        self.field("kp-tag-" + (di + 1) + "-punkt-min", "Dauer (Minuten)", itemMinutes),
        el("button", { type: "button", class: "md-button", id: "kp-tag-" + (di + 1) + "-punkt-neu", on: { click: function () {
          self.addItem(di, parseInt(itemMinutes.value, 10), itemTitle.value);
        } } }, "Programmpunkt an " + name + " anfügen"));
      var removeDay = state.tage.length > 1 ? el("button", { type: "button", class: "md-button koko-kp__entfernen",
        on: { click: function () { self.removeDay(di); } } }, name + " entfernen") : null;
      self.timeCells.push({ summary: summary, warning: warning });
      self.daysBox.appendChild(el("section", { class: "koko-kp__tag", "aria-labelledby": hid },
        el("h3", { id: hid }, name),
        el("div", { class: "koko-kp__felder" }, self.field(date.id, "Datum", date), self.field(start.id, "Beginn", start),
          self.field(dayEnd.id, "Ende (optional, sonst das Tagesende oben)", dayEnd)),
        summary, warning,
        day.bloecke.length ? list : el("p", { class: "koko-kp__leer" }, "Noch keine Blöcke: Einheiten im Abschnitt 2 anfügen oder eine Pause einfügen."),
        breakRow, itemRow, removeDay));
    });
    this.targetIndex = Math.max(0, Math.min(this.targetIndex === undefined ? 0 : this.targetIndex, state.tage.length - 1));
    this.targetDay.textContent = "";
    state.tage.forEach(function (d, i) { self.targetDay.appendChild(el("option", { value: String(i) }, "Tag " + (i + 1))); });
    this.targetDay.value = String(this.targetIndex);
  };

  Builder.prototype.renderBlock = function (day, di, b, bi) {
    var self = this;
    var label = this.blockLabel(b);
    var isFirst = di === 0 && bi === 0;
    var isLast = di === this.state.tage.length - 1 && bi === day.bloecke.length - 1;
    var time = el("span", { class: "koko-kp__zeit" });
    var content;
    var parts = partLabels(this.state.tage)[di] || {};
    function minutesField(key, text, lo, hi) {
      var input = el("input", { type: "number", min: String(lo), max: String(hi), step: "5", value: String(b[key]), id: "kp-" + b.uid + "-min",
        inputmode: "numeric", on: { input: function () {
          var n = parseInt(input.value, 10);
          b[key] = isNaN(n) ? 0 : n;
          self.changed({ times: true });
        } } });
      return el("span", { class: "koko-kp__feldchen" }, el("label", { for: input.id }, text), input);
    }
    if ("einheit" in b) {
      var u = this.data.unitById[b.einheit];
      var split = isNum(b.ab_min) || isNum(b.bis_min);
      content = el("span", { class: "koko-kp__name" }, el("a", { href: u.url }, unitLabel(u)),
        el("span", { class: "koko-kp__dauer" }, " · " + (split ? (parts[bi] ? parts[bi] + ", " : "") + "Minute " + (isNum(b.ab_min) ? b.ab_min : 0) + "–" + (isNum(b.bis_min) ? b.bis_min : u.minuten) + " von " : "") + u.minuten + " min"));
    } else if ("fallstudie" in b) {
      var c = this.data.caseById[b.fallstudie];
      content = el("span", { class: "koko-kp__name" }, "Fallarbeit: ", el("a", { href: c.url }, c.titel), minutesField("dauer_min", "Minuten", 1, 600));
    } else if ("programmpunkt" in b) {
      var ptitle = el("input", { type: "text", value: b.programmpunkt, id: "kp-" + b.uid + "-titel", autocomplete: "off",
        on: { input: function () { b.programmpunkt = ptitle.value; self.changed({ labels: true }); } } });
      content = el("span", { class: "koko-kp__name koko-kp__pause" },
        el("span", { class: "koko-kp__feldchen" }, el("label", { for: ptitle.id }, "Programmpunkt"), ptitle),
        minutesField("dauer_min", "Minuten", 1, 600));
    } else {
      var minutes = el("input", { type: "number", min: "5", max: "240", step: "5", value: String(b.pause), id: "kp-" + b.uid + "-min",
        inputmode: "numeric", on: { input: function () {
          var n = parseInt(minutes.value, 10);
          b.pause = isNaN(n) ? 0 : n;
          self.changed({ times: true });
        } } });
      var title = el("input", { type: "text", value: b.titel || "", id: "kp-" + b.uid + "-titel", placeholder: "Pause", autocomplete: "off",
        on: { input: function () { b.titel = title.value; self.changed({ labels: true }); } } });
      content = el("span", { class: "koko-kp__name koko-kp__pause" },
        el("span", { class: "koko-kp__feldchen" }, el("label", { for: minutes.id }, "Pause, Minuten"), minutes),
        el("span", { class: "koko-kp__feldchen" }, el("label", { for: title.id }, "Titel"), title));
    }
    this.timeCells.push({ uid: b.uid, time: time });
    var upText = bi === 0 && !isFirst ? "auf den vorigen Tag" : "nach oben";
    var downText = bi === day.bloecke.length - 1 && !isLast ? "auf den nächsten Tag" : "nach unten";
    function button(action, text, disabled, handler) {
      return el("button", { type: "button", class: "md-button koko-kp__knopf", "data-aktion": action, "data-block": b.uid,
        disabled: disabled, on: { click: handler } }, text, hidden(": " + label));
    }
    var canSplit = "einheit" in b && !isNum(b.ab_min) && !isNum(b.bis_min) && this.data.unitById[b.einheit].minuten >= 30;
    return el("li", { class: "koko-kp__block" + ("pause" in b ? " koko-kp__block--pause" : ""), "data-block": b.uid },
      time, content,
      el("span", { class: "koko-kp__aktionen" },
        canSplit ? button("teilen", "mit Pause teilen", false, function () { self.split(b.uid); }) : null,
        button("hoch", upText, isFirst, function () { self.move(b.uid, -1); }),
        button("runter", downText, isLast, function () { self.move(b.uid, 1); }),
        button("entfernen", "entfernen", false, function () { self.removeBlock(b.uid); })));
  };

  Builder.prototype.find = function (blockUid) {
    for (var di = 0; di < this.state.tage.length; di++) {
      var blocks = this.state.tage[di].bloecke;
      for (var bi = 0; bi < blocks.length; bi++) if (blocks[bi].uid === blockUid) return { di: di, bi: bi, block: blocks[bi] };
    }
    return null;
  };

  Builder.prototype.timeOf = function (blockUid) {
    var at = this.find(blockUid);
    var s = schedule(this.state.tage[at.di], this.data.unitMinutes).bloecke[at.bi];
    return hhmm(s.start) + "–" + hhmm(s.ende) + " Uhr";
  };

  Builder.prototype.addUnit = function (unitId) {
    var di = Math.min(this.targetIndex || 0, this.state.tage.length - 1);
    var block = { uid: uid(), einheit: unitId };
    this.state.tage[di].bloecke.push(block);
    this.changed({ structure: true });
    var u = this.data.unitById[unitId];
    this.announce("„" + unitLabel(u) + "“ an Tag " + (di + 1) + " angefügt, " + this.timeOf(block.uid) + "." + this.warningText(di));
  };

  Builder.prototype.addBreak = function (di, minutes, title) {
    if (!Number.isInteger(minutes) || minutes < 5 || minutes > 240) {
      this.announce("Eine Pause dauert 5 bis 240 Minuten. Bitte die Minuten ändern.");
      document.getElementById("kp-tag-" + (di + 1) + "-pause-min").focus();
      return;
    }
    var block = { uid: uid(), pause: minutes, titel: title.trim() };
    this.state.tage[di].bloecke.push(block);
    this.changed({ structure: true, focus: ["kp-tag-" + (di + 1) + "-pause-neu"] });
    this.announce(this.blockLabel(block) + " an Tag " + (di + 1) + " angefügt, " + this.timeOf(block.uid) + "." + this.warningText(di));
  };

  Builder.prototype.addItem = function (di, minutes, title) {
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > 600 || !title.trim()) {
      this.announce("Ein Programmpunkt braucht einen Namen und 1 bis 600 Minuten.");
      document.getElementById("kp-tag-" + (di + 1) + (title.trim() ? "-punkt-min" : "-punkt-titel")).focus();
      return;
    }
    var block = { uid: uid(), programmpunkt: title.trim(), dauer_min: minutes };
    this.state.tage[di].bloecke.push(block);
    this.changed({ structure: true, focus: ["kp-tag-" + (di + 1) + "-punkt-neu"] });
    this.announce(this.blockLabel(block) + " an Tag " + (di + 1) + " angefügt, " + this.timeOf(block.uid) + "." + this.warningText(di));
  };

  Builder.prototype.addCaseWork = function (caseId) {
    var di = Math.min(this.targetIndex || 0, this.state.tage.length - 1);
    var block = { uid: uid(), fallstudie: caseId, dauer_min: 60 };
    this.state.tage[di].bloecke.push(block);
    this.changed({ structure: true });
    this.announce(this.blockLabel(block) + " an Tag " + (di + 1) + " angefügt, " + this.timeOf(block.uid) + "." + this.warningText(di));
  };

  /* The minute at which "mit Pause teilen" splits a unit: its break point (pausenpunkte, the phase boundaries the
   * module names) nearest to the middle, else the middle in steps of 5 minutes (the day plans, too, split only at break points). */
  function splitMinute(unit) {
    var whole = unit.minuten, points = unit.pausenpunkte || [];
    if (!points.length) return Math.max(5, Math.round(whole / 2 / 5) * 5);
    return points.reduce(function (best, p) { return Math.abs(p - whole / 2) < Math.abs(best - whole / 2) ? p : best; }, points[0]);
  }

  /* Hints for split units whose part ends between two of the unit's break points (handbook/loader.py warns the same). */
  function splitHints(day, unitById) {
    var out = [];
    (day.bloecke || []).forEach(function (b) {
      var u = "einheit" in b ? unitById[b.einheit] : null;
      if (!u || !isNum(b.bis_min) || !(u.pausenpunkte || []).length || u.pausenpunkte.indexOf(b.bis_min) >= 0) return;
      out.push(unitLabel(u) + " ist bei Minute " + b.bis_min + " geteilt, mitten in einer Phase – Pausenpunkte laut Modul (Minuten ab Beginn): " + u.pausenpunkte.join(", ") + ".");
    });
    return out;
  }

  /* A unit in two parts with a 15-minute break between them (bis_min / ab_min at splitMinute). */
  Builder.prototype.split = function (blockUid) {
    var at = this.find(blockUid);
    if (!at) return;
    var half = splitMinute(this.data.unitById[at.block.einheit]);
    at.block.bis_min = half;
    var rest = { uid: uid(), einheit: at.block.einheit, ab_min: half };
    this.state.tage[at.di].bloecke.splice(at.bi + 1, 0, { uid: uid(), pause: 15, titel: "" }, rest);
    this.changed({ structure: true, focus: ['[data-block="' + rest.uid + '"][data-aktion="hoch"]'] });
    this.announce("„" + unitLabel(this.data.unitById[at.block.einheit]) + "“ ist geteilt: Teil 1 bis Minute " + half + ", 15 Minuten Pause, Teil 2 " + this.timeOf(rest.uid) + ".");
  };

  Builder.prototype.move = function (blockUid, step) {
    var at = this.find(blockUid);
    if (!at) return;
    var days = this.state.tage;
    var blocks = days[at.di].bloecke;
    blocks.splice(at.bi, 1);
    var di = at.di, bi = at.bi + step;
    if (bi < 0) { di -= 1; bi = days[di].bloecke.length; }
    else if (bi > blocks.length) { di += 1; bi = 0; }
    days[di].bloecke.splice(bi, 0, at.block);
    var action = step < 0 ? "hoch" : "runter";
    var other = step < 0 ? "runter" : "hoch";
    this.changed({ structure: true, focus: [
      '[data-block="' + blockUid + '"][data-aktion="' + action + '"]',
      '[data-block="' + blockUid + '"][data-aktion="' + other + '"]'] });
    this.announce("„" + this.blockLabel(at.block) + "“ steht jetzt " + (di !== at.di ? "auf Tag " + (di + 1) + " " : "") +
      "an Position " + (bi + 1) + " von " + days[di].bloecke.length + " auf Tag " + (di + 1) + ", " + this.timeOf(blockUid) + "." +
      this.warningText(di));
  };

  Builder.prototype.removeBlock = function (blockUid) {
    var at = this.find(blockUid);
    if (!at) return;
    var blocks = this.state.tage[at.di].bloecke;
    blocks.splice(at.bi, 1);
    var next = blocks[at.bi] || blocks[at.bi - 1];
    this.changed({ structure: true, focus: next
      ? ['[data-block="' + next.uid + '"][data-aktion="entfernen"]']
      : ["#kp-tag-" + (at.di + 1) + "-pause-neu"] });
    this.announce("„" + this.blockLabel(at.block) + "“ von Tag " + (at.di + 1) + " entfernt.");
  };

  Builder.prototype.addDay = function () {
    var last = this.state.tage[this.state.tage.length - 1];
    this.state.tage.push({ datum: nextDate(last.datum), beginn: last.beginn || "09:00", bloecke: [] });
    var n = this.state.tage.length;
    this.targetIndex = n - 1;
    this.changed({ structure: true, focus: ["#kp-tag-" + n + "-datum"] });
    this.announce("Tag " + n + " angefügt, " + germanDate(this.state.tage[n - 1].datum) + ". Neue Einheiten kommen jetzt an Tag " + n + ".");
  };

  Builder.prototype.removeDay = function (di) {
    var removed = this.state.tage.splice(di, 1)[0];
    if (this.targetIndex >= di && this.targetIndex > 0) this.targetIndex -= 1;
    this.changed({ structure: true, focus: ["#kp-tag-neu"] });
    this.announce("Tag " + (di + 1) + " mit " + removed.bloecke.length + (removed.bloecke.length === 1 ? " Block" : " Blöcken") +
      " entfernt; die folgenden Tage sind neu nummeriert.");
  };

  /* The warning for a day (empty when none): past the set day end or past midnight. */
  Builder.prototype.warning = function (di) {
    var s = schedule(this.state.tage[di], this.data.unitMinutes);
    if (s.ende > MIDNIGHT) return "Achtung: Tag " + (di + 1) + " endet erst nach Mitternacht (" + hhmm(s.ende) + " Uhr). So lässt sich das Paket nicht bauen – weniger Blöcke planen oder früher beginnen.";
    var day = this.state.tage[di];
    var end = parseTime(day.ende || this.state.ende);
    if (end !== null && s.ende > end) return "Achtung: Tag " + (di + 1) + " endet um " + hhmm(s.ende) + " Uhr, " + minutesDe(s.ende - end) + " nach dem Tagesende " + hhmm(end) + " Uhr. So lässt sich das Paket nicht bauen.";
    var hints = dayWarnings(day, this.data.unitMinutes).concat(splitHints(day, this.data.unitById));
    return hints.length ? "Hinweis: Tag " + (di + 1) + ": " + hints[0] : "";
  };

  Builder.prototype.warningText = function (di) {
    var w = this.warning(di);
    return w ? " " + w : "";
  };

  Builder.prototype.updateTimes = function () {
    var self = this;
    var cells = {};
    this.timeCells.forEach(function (c) { if (c.uid) cells[c.uid] = c.time; });
    var days = this.timeCells.filter(function (c) { return c.summary; });
    this.state.tage.forEach(function (day, di) {
      var s = schedule(day, self.data.unitMinutes);
      day.bloecke.forEach(function (b, bi) {
        if (cells[b.uid]) cells[b.uid].textContent = hhmm(s.bloecke[bi].start) + "–" + hhmm(s.bloecke[bi].ende);
      });
      var n = day.bloecke.length;
      var d = days[di];
      if (!d) return;
      d.summary.textContent = germanDate(day.datum) + " · " + (n
        ? hhmm(s.beginn) + "–" + hhmm(s.ende) + " Uhr (" + minutesDe(s.ende - s.beginn) + ", " + n + (n === 1 ? " Block" : " Blöcke") + ", " + ueDe(s.lernminuten) + ")"
        : "Beginn " + hhmm(s.beginn) + " Uhr");
      var w = self.warning(di);
      d.warning.textContent = w;
      d.warning.hidden = !w;
    });
  };

  Builder.prototype.updateUnitStatus = function () {
    var self = this;
    var where = {};
    this.state.tage.forEach(function (day, di) {
      day.bloecke.forEach(function (b) {
        if ("einheit" in b) (where[b.einheit] = where[b.einheit] || []).push(di + 1);
      });
    });
    Object.keys(this.unitStatus).forEach(function (id) {
      var days = where[id];
      self.unitStatus[id].textContent = days ? "eingeplant: Tag " + days.filter(function (d, i) { return days.indexOf(d) === i; }).join(", ") : "";
    });
    var cases = this.state.fallstudien.map(function (id) { return "„" + self.data.caseById[id].titel + "“"; });
    this.casesSummary.textContent = cases.length ? "Fallstudien im Paket: " + cases.join(", ") + "." : "Noch keine Fallstudie ausgewählt (optional, Abschnitt 3).";
    Object.keys(this.caseBoxes).forEach(function (id) { self.caseBoxes[id].checked = self.state.fallstudien.indexOf(id) >= 0; });
  };

  // --- 5. take-away ------------------------------------------------------------------------------------

  Builder.prototype.buildTakeaway = function () {
    var self = this;
    this.problemBox = el("div", { class: "koko-kp__offen", id: "kp-offen", tabindex: "-1" });
    this.shareField = el("input", { type: "text", readonly: true, id: "kp-link", "aria-describedby": "kp-link-hinweis" });
    this.rememberBox = el("input", { type: "checkbox", id: "kp-merken", on: { change: function () {
      self.remember = self.rememberBox.checked;
      if (!self.remember) { try { localStorage.removeItem(STORAGE_KEY); } catch (e) { /* private mode */ } }
      self.save();
      self.announce(self.remember ? "Das Paket wird in diesem Browser gemerkt." : "Das Paket ist aus dem Browser gelöscht.");
    } } });
    // The YAML library loads as soon as a reader heads for the download button or the file field.
    function soon() { yamlReady().catch(function () { /* reported on download or upload */ }); }
    var upload = el("input", { type: "file", id: "kp-hochladen", accept: ".yml,.yaml,text/yaml", "aria-describedby": "kp-hochladen-hinweis",
      on: { change: function () { if (upload.files[0]) self.upload(upload.files[0]); upload.value = ""; },
            focus: soon, pointerenter: soon } });
    return el("section", { class: "koko-kp__abschnitt", "aria-labelledby": "kp-h-mitnehmen" },
      el("h2", { id: "kp-h-mitnehmen" }, "5. Drucken, herunterladen, teilen"),
      this.problemBox,
      el("div", { class: "koko-kp__knoepfe" },
        el("button", { type: "button", class: "md-button md-button--primary", id: "kp-druckansicht", on: { click: function () { self.openPrint(); } } }, "Druckansicht öffnen"),
        el("button", { type: "button", class: "md-button md-button--primary", id: "kp-yaml", on: { click: function () { self.download(); }, focus: soon, pointerenter: soon } }, "YAML herunterladen")),
      el("div", { class: "koko-kp__feld" }, el("label", { for: "kp-link" }, "Link zum Teilen"),
        el("div", { class: "koko-kp__zeile" }, this.shareField,
          el("button", { type: "button", class: "md-button", id: "kp-link-kopieren", on: { click: function () { self.copyLink(); } } }, "Link kopieren")),
        el("span", { class: "koko-kp__hilfe", id: "kp-link-hinweis" }, "Der Link enthält die ganze Auswahl hinter dem Zeichen #. Dieser Teil wird nicht an den Server übertragen.")),
      el("div", { class: "koko-kp__wahl" }, this.rememberBox, el("label", { for: "kp-merken" }, "Im Browser merken (lokaler Speicher dieses Geräts)")),
      el("div", { class: "koko-kp__feld" }, el("label", { for: "kp-hochladen" }, "Kurspaket-Datei (YAML) öffnen"), upload,
        el("span", { class: "koko-kp__hilfe", id: "kp-hochladen-hinweis" }, "Die Datei bleibt auf Ihrem Gerät. Gelesen werden Dateien, die diese Seite erzeugt, und einfach aufgebaute Kurspakete.")),
      el("button", { type: "button", class: "md-button koko-kp__entfernen", id: "kp-neu", on: { click: function () { self.reset(); } } }, "Neues, leeres Paket beginnen"));
  };

  Builder.prototype.updateTakeaway = function () {
    var list = problems(this.state, this.data);
    this.problemBox.textContent = "";
    if (list.length) {
      this.problemBox.appendChild(el("p", {}, el("strong", {}, "Für die YAML-Datei fehlt noch:")));
      this.problemBox.appendChild(el("ul", {}, list.map(function (p) { return el("li", {}, p); })));
    } else {
      this.problemBox.appendChild(el("p", {}, "Das Paket ist vollständig. Dateiname: " + slug(this.state.titel) + ".yml"));
    }
    this.fileName.textContent = "Dateiname beim Herunterladen: " + slug(this.state.titel) + ".yml";
  };

  Builder.prototype.save = function (initial) {
    var pack = toPack(this.state);
    var hash = packToHash(pack);
    this.shareField.value = location.href.split("#")[0] + hash;
    if (initial) return;  // opening the page changes nothing: the address stays as it was
    this.lastHash = hash;
    history.replaceState(history.state, "", location.pathname + location.search + hash);
    if (this.remember) {
      try { localStorage.setItem(STORAGE_KEY, JSON.stringify(pack)); } catch (e) { /* private mode, full */ }
    }
  };

  Builder.prototype.copyLink = function () {
    var self = this;
    this.shareField.select();
    var done = function () { self.announce("Link kopiert."); };
    var fallback = function () {
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      self.announce(ok ? "Link kopiert." : "Der Link ist markiert – bitte mit Strg+C kopieren.");
    };
    if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(this.shareField.value).then(done, fallback);
    else fallback();
  };

  Builder.prototype.download = function () {
    var list = problems(this.state, this.data);
    if (list.length) {
      this.problemBox.focus();
      this.announce("Die YAML-Datei kann noch nicht erstellt werden. " + list.join(" "));
      return;
    }
    var self = this;
    if (!yamlLoaded()) {
      yamlReady().then(function () { self.download(); }, function (e) {
        self.showNotes("Die YAML-Datei kann gerade nicht erstellt werden.", [e.message]);
        self.announce("Die YAML-Datei kann gerade nicht erstellt werden.");
      });
      return;
    }
    var pack = toPack(this.state);
    var blob = new Blob([toYaml(pack)], { type: "text/yaml;charset=utf-8" });
    var url = URL.createObjectURL(blob);
    var a = el("a", { href: url, download: pack.id + ".yml", hidden: true });
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
    this.announce("„" + pack.id + ".yml“ wird heruntergeladen. Daraus baut build_pdf.py --pack das PDF.");
  };

  Builder.prototype.upload = function (file) {
    var self = this;
    Promise.all([file.text(), yamlReady()]).then(function (got) {
      var text = got[0], pack;
      try { pack = parseYaml(text); }
      catch (e) {
        self.showNotes("Die Datei „" + file.name + "“ konnte nicht gelesen werden; das bisherige Paket bleibt unverändert.", [e.message]);
        self.announce("Die Datei konnte nicht gelesen werden.");
        return;
      }
      self.load(pack, "Die Datei „" + file.name + "“");
    }, function (e) {
      self.showNotes("Die Datei „" + file.name + "“ konnte nicht gelesen werden; das bisherige Paket bleibt unverändert.", [e.message]);
      self.announce("Die Datei konnte nicht gelesen werden.");
    });
  };

  Builder.prototype.reset = function () {
    this.state = emptyState();
    this.showNotes("", []);
    this.changed({ structure: true, focus: ["#kp-titel"] });
    this.announce("Neues, leeres Kurspaket begonnen.");
  };

  // --- rendering ---------------------------------------------------------------------------------------

  Builder.prototype.renderAll = function (initial) {
    var s = this.state;
    this.inputs.titel.value = s.titel;
    this.inputs.ort.value = s.ort;
    this.inputs.trainer.value = s.trainer.join("\n");
    this.inputs.ende.value = s.ende;
    document.getElementById("kp-ausgabe-" + s.ausgabe).checked = true;
    this.publishBox.checked = !!s.veroeffentlichen;
    ["pdf", "docx"].forEach(function (f) { document.getElementById("kp-format-" + f).checked = s.formate.indexOf(f) >= 0; });
    this.changed({ structure: true, initial: initial });
  };

  /* After every change: structure → rebuild the days; always: times, warnings, status, take-away, link. */
  Builder.prototype.changed = function (what) {
    if (what.structure) this.renderDays();
    else if (what.labels) {
      var self = this;
      this.daysBox.querySelectorAll("[data-block] .koko-kp__vh").forEach(function (span) {
        var at = self.find(span.parentNode.getAttribute("data-block"));
        if (at) span.textContent = ": " + self.blockLabel(at.block);
      });
    }
    this.updateTimes();
    this.updateUnitStatus();
    this.updateTakeaway();
    this.save(what.initial);
    if (what.focus) {
      for (var i = 0; i < what.focus.length; i++) {
        var sel = what.focus[i].charAt(0) === "[" || what.focus[i].charAt(0) === "#" ? what.focus[i] : "#" + what.focus[i];
        var target = this.root.querySelector(sel);
        if (target && !target.disabled) { target.focus(); break; }
      }
    }
  };

  // --- print view --------------------------------------------------------------------------------------

  Builder.prototype.fetchPage = function (url) {
    var absolute = new URL(url, location.href).href;
    if (!this.pageCache[absolute]) {
      this.pageCache[absolute] = fetch(absolute, { credentials: "same-origin" }).then(function (r) {
        if (!r.ok) throw new Error("HTTP " + r.status);
        return r.text();
      }).then(function (html) {
        return { url: absolute, doc: new DOMParser().parseFromString(html, "text/html") };
      });
      this.pageCache[absolute].catch(function () { /* reported where used */ });
    }
    return this.pageCache[absolute];
  };

  /* The article of a rendered page, cleaned for print: trainer-only blocks out for participants, links absolute,
   * ids prefixed (the same headings occur in every unit). */
  function cleanArticle(page, prefix, trainer, inPack) {
    var article = page.doc.querySelector("article.md-content__inner") || page.doc.querySelector("article");
    var box = document.createElement("div");
    if (!article) return box;
    Array.prototype.forEach.call(article.childNodes, function (n) { box.appendChild(document.importNode(n, true)); });
    box.querySelectorAll("script, style, .headerlink, [data-koko-druck], .md-content__button, .md-source-file").forEach(function (n) { n.remove(); });
    if (!trainer) box.querySelectorAll(".trainer, .loesung").forEach(function (n) { n.remove(); });
    else box.querySelectorAll("details").forEach(function (d) { d.open = true; });
    box.querySelectorAll("[id]").forEach(function (n) { n.id = prefix + n.id; });
    box.querySelectorAll("[href]").forEach(function (a) {
      var href = a.getAttribute("href");
      if (href.charAt(0) === "#") { a.setAttribute("href", "#" + prefix + href.slice(1)); return; }
      var target;
      try { target = new URL(href, page.url); } catch (e) { return; }
      var hash = target.hash.slice(1);
      target.hash = "";
      var inside = inPack[target.href];  // a page that is part of the pack: link to its copy here
      a.setAttribute("href", inside ? "#kp-" + inside + "-" + (hash || inside) : target.href + (hash ? "#" + hash : ""));
    });
    box.querySelectorAll("[src]").forEach(function (n) { n.setAttribute("src", new URL(n.getAttribute("src"), page.url).href); });
    return box;
  }

  function shiftHeadings(box, by) {
    box.querySelectorAll("h1, h2, h3, h4, h5, h6").forEach(function (h) {
      var level = Math.min(6, parseInt(h.tagName.charAt(1), 10) + by);
      var n = document.createElement("h" + level);
      Array.prototype.forEach.call(h.attributes, function (a) { n.setAttribute(a.name, a.value); });
      while (h.firstChild) n.appendChild(h.firstChild);
      h.replaceWith(n);
    });
  }

  /* An exercise from a unit: its heading and everything up to the next heading of the same or a higher level. */
  function exerciseSheet(box, id) {
    var head = box.querySelector('[id="' + id + '"]');
    if (!head || !/^H[1-6]$/.test(head.tagName)) return null;
    var level = +head.tagName.charAt(1);
    var sheet = document.createElement("div");
    sheet.appendChild(head.cloneNode(true));
    for (var n = head.nextElementSibling; n && !(/^H[1-6]$/.test(n.tagName) && +n.tagName.charAt(1) <= level); n = n.nextElementSibling) {
      sheet.appendChild(n.cloneNode(true));
    }
    sheet.querySelectorAll("[id]").forEach(function (x) { x.removeAttribute("id"); });
    return sheet;
  }

  Builder.prototype.openPrint = function () {
    var self = this;
    var state = this.state;
    var data = this.data;
    var pack = toPack(state);
    var trainer = state.ausgabe === "trainer" || state.ausgabe === "beide";
    var view = this.printView;
    view.textContent = "";
    var status = el("p", { class: "koko-kp__druckstatus", role: "status" }, "Die Druckansicht wird zusammengestellt …");
    var heading = el("h2", { class: "koko-kp__doktitel", tabindex: "-1", id: "kp-druck-titel" }, pack.titel || "Kurspaket ohne Titel");
    var bar = el("div", { class: "koko-kp__druckleiste" },
      el("button", { type: "button", class: "md-button md-button--primary", id: "kp-drucken", on: { click: function () {
        document.documentElement.dataset.druckausgabe = state.ausgabe;
        window.print();
      } } }, "Drucken oder als PDF speichern"),
      el("button", { type: "button", class: "md-button", id: "kp-zurueck", on: { click: function () { self.closePrint(); } } }, "Zurück zur Zusammenstellung"),
      status);
    var units = [];
    pack.tage.forEach(function (d) { d.bloecke.forEach(function (b) { if (b.einheit && units.indexOf(b.einheit) < 0) units.push(b.einheit); }); });
    var cases = pack.fallstudien.slice();
    pack.tage.forEach(function (d) { d.bloecke.forEach(function (b) { if (b.fallstudie && cases.indexOf(b.fallstudie) < 0) cases.push(b.fallstudie); }); });

    // title page
    var days = pack.tage.map(function (d) { return d.datum; }).filter(validDate);
    var facts = [["Ort", pack.veranstaltung.ort], ["Termin", days.length ? (days.length === 1 ? germanDate(days[0]) : germanDate(days[0]) + " bis " + germanDate(days[days.length - 1])) : ""],
      ["Trainer:innen", (pack.veranstaltung.trainer || []).join(", ")],
      ["Ausgabe", trainer ? "für Trainer:innen" : "für Teilnehmende"],
      ["Grundlage", data.handbuch.titel + ", Stand " + data.handbuch.stand]].filter(function (f) { return f[1]; });
    var doc = el("div", { class: "koko-kp__dokument", "data-ausgabe": state.ausgabe },
      el("section", { class: "koko-kp__titelblatt" }, el("p", { class: "koko-kp__art" }, "Kurspaket"), heading,
        el("dl", {}, facts.map(function (f) { return [el("dt", {}, f[0]), el("dd", {}, f[1])]; }))));

    // schedule
    var plan = el("section", { class: "koko-kp__teil", "aria-labelledby": "kp-druck-ablauf" }, el("h2", { id: "kp-druck-ablauf" }, "Ablaufplan"));
    var labels = partLabels(pack.tage), total = 0;
    pack.tage.forEach(function (d, di) {
      var s = schedule(d, data.unitMinutes);
      var caption = germanDate(d.datum) + ", " + hhmm(s.beginn) + "–" + hhmm(s.ende) + " Uhr";
      plan.appendChild(el("h3", {}, caption));
      plan.appendChild(el("table", { class: "koko-kp__plan" },
        el("caption", { class: "koko-kp__vh" }, "Ablauf Tag " + (di + 1)),
        el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "Zeit"), el("th", { scope: "col" }, "Programm"), el("th", { scope: "col" }, "Dauer"))),
        el("tbody", {}, d.bloecke.map(function (b, bi) {
          var t = s.bloecke[bi];
          var label = b.einheit ? unitLabel(data.unitById[b.einheit]) + (labels[di][bi] ? " (" + labels[di][bi] + ")" : "")
            : b.fallstudie ? "Fallarbeit: " + data.caseById[b.fallstudie].titel
            : b.programmpunkt ? b.programmpunkt : el("em", {}, b.titel || "Pause");
          return el("tr", {}, el("td", {}, hhmm(t.start) + "–" + hhmm(t.ende)), el("td", {}, label), el("td", {}, t.minuten + " min"));
        })),
        el("tfoot", {}, el("tr", {}, el("td", {}), el("th", { scope: "row" }, "Unterrichtseinheiten (ohne Pausen, 45 Minuten)"), el("td", {}, ueDe(s.lernminuten))))));
      total += s.lernminuten;
    });
    if (pack.tage.length > 1) plan.appendChild(el("p", {}, "Unterrichtseinheiten insgesamt: " + ueDe(total)));
    doc.appendChild(plan);
    var unitsPart = el("section", { class: "koko-kp__teil", "aria-labelledby": "kp-druck-einheiten" }, el("h2", { id: "kp-druck-einheiten" }, "Unterrichtseinheiten"));
    var casesPart = el("section", { class: "koko-kp__teil", "aria-labelledby": "kp-druck-faelle" }, el("h2", { id: "kp-druck-faelle" }, "Fallstudien"));
    var sheetsPart = el("section", { class: "koko-kp__teil", "aria-labelledby": "kp-druck-ab" }, el("h2", { id: "kp-druck-ab" }, "Arbeitsblätter"));
    if (units.length) doc.appendChild(unitsPart);
    if (cases.length) doc.appendChild(casesPart);
    view.appendChild(bar);
    view.appendChild(doc);
    this.builder.hidden = true;
    this.notesBox.hidden = true;
    view.hidden = false;
    document.documentElement.classList.add("koko-kp-druckmodus");
    document.documentElement.dataset.druckausgabe = state.ausgabe;
    heading.focus();
    window.scrollTo(0, 0);

    var items = units.map(function (id) { return { id: id, url: data.unitById[id].url, label: unitLabel(data.unitById[id]), part: unitsPart, unit: data.unitById[id] }; })
      .concat(cases.map(function (id) { return { id: id, url: data.caseById[id].url, label: data.caseById[id].titel, part: casesPart }; }));
    if (!items.length) {
      status.textContent = "Die Druckansicht enthält den Ablaufplan. Einheiten und Fallstudien kommen hinzu, sobald Sie welche auswählen.";
      return Promise.resolve();
    }
    var placeholders = items.map(function (item) {
      var ph = el("section", { class: "koko-kp__seite" }, el("p", {}, "„" + item.label + "“ wird geladen …"));
      item.part.appendChild(ph);
      return ph;
    });
    if (location.protocol === "file:") {
      items.forEach(function (item, i) {
        placeholders[i].textContent = "";
        placeholders[i].appendChild(el("h3", {}, item.label));
        placeholders[i].appendChild(el("p", {}, "Zum Drucken die Seite öffnen: ", el("a", { href: new URL(item.url, location.href).href }, item.label)));
      });
      placeholders.forEach(function (p) { p.classList.add("koko-kp__seite--link"); });
      status.textContent = "Diese Fassung ist direkt als Datei geöffnet. Dann erlaubt der Browser nicht, die Seiten der Einheiten und Fallstudien hier zusammenzuführen. " +
        "Gedruckt werden Titelblatt und Ablaufplan mit Links zu den Seiten; jede dieser Seiten lässt sich einzeln mit „Diese Seite drucken“ ausgeben. " +
        "Das vollständige Paket als PDF entsteht aus der YAML-Datei mit build_pdf.py – oder über die Website im Netz.";
      this.announce("Druckansicht geöffnet, ohne die Inhalte der Seiten: " + status.textContent);
      return Promise.resolve();
    }
    var inPack = {};
    items.forEach(function (item) { inPack[new URL(item.url, location.href).href] = item.id; });
    var failed = [];
    var sheets = [];
    var token = this.printToken = {};
    return Promise.all(items.map(function (item, i) {
      return self.fetchPage(item.url).then(function (page) {
        if (token !== self.printToken) return;
        var box = cleanArticle(page, "kp-" + item.id + "-", trainer, inPack);
        if (item.unit) {
          item.unit.uebungen.forEach(function (exId) {
            var sheet = exerciseSheet(box, "kp-" + item.id + "-" + exId);
            if (sheet) sheets.push({ order: i, sheet: sheet });
          });
        }
        shiftHeadings(box, 2);
        placeholders[i].textContent = "";
        placeholders[i].appendChild(box);
      }, function () {
        failed.push(item.label);
        placeholders[i].textContent = "";
        placeholders[i].appendChild(el("h3", {}, item.label));
        placeholders[i].appendChild(el("p", { class: "koko-kp__warnung" }, "Diese Seite konnte nicht geladen werden. Bitte einzeln öffnen und drucken: ",
          el("a", { href: new URL(item.url, location.href).href }, item.label)));
      });
    })).then(function () {
      if (token !== self.printToken) return;
      if (sheets.length) {
        sheets.sort(function (a, b) { return a.order - b.order; });
        sheets.forEach(function (s) { sheetsPart.appendChild(el("section", { class: "koko-kp__seite koko-kp__arbeitsblatt" }, s.sheet)); });
        doc.appendChild(sheetsPart);
      }
      status.textContent = failed.length
        ? "Druckansicht fertig, aber " + failed.length + " Seite(n) fehlen: " + failed.join(", ") + "."
        : "Druckansicht fertig: " + units.length + (units.length === 1 ? " Einheit, " : " Einheiten, ") + cases.length +
          (cases.length === 1 ? " Fallstudie" : " Fallstudien") + ", " + sheets.length + (sheets.length === 1 ? " Arbeitsblatt" : " Arbeitsblätter") +
          (trainer ? " – Ausgabe für Trainer:innen." : " – Ausgabe für Teilnehmende, ohne Lösungs- und Trainerhinweise.");
      view.dataset.fertig = "1";
      self.announce(status.textContent);
    });
  };

  Builder.prototype.closePrint = function () {
    this.printToken = null;
    this.printView.hidden = true;
    this.printView.textContent = "";
    delete this.printView.dataset.fertig;
    this.builder.hidden = false;
    if (this.notesBox.childNodes.length) this.notesBox.hidden = false;
    document.documentElement.classList.remove("koko-kp-druckmodus");
    delete document.documentElement.dataset.druckausgabe;
    document.getElementById("kp-druckansicht").focus();
    this.announce("Zurück in der Zusammenstellung.");
  };

  // --- start ---------------------------------------------------------------------------------------------

  window.KokoKurspaket = { parseTime: parseTime, hhmm: hhmm, schedule: schedule, toYaml: toYaml, parseYaml: parseYaml, yamlReady: yamlReady,
    partLabels: partLabels, dayRules: dayRules, dayWarnings: dayWarnings, splitMinute: splitMinute, splitHints: splitHints, ue: ue,
    fromPack: fromPack, toPack: toPack, slug: slug, packToHash: packToHash, packFromHash: packFromHash };

  function init() {
    var root = document.querySelector("[data-koko-kurspaket]");
    if (!root || root.dataset.ready) return;
    var data = readData();
    if (!data) return;
    root.dataset.ready = "1";
    var builder = new Builder(root, data);
    window.KokoKurspaket.builder = builder;
    window.KokoKurspaket.data = data;
  }
  // Built in a task of its own, after the theme has set up the page: the theme then walks the short
  // placeholder, not the builder's thousand elements (Lighthouse: total blocking time).
  function later() { setTimeout(init, 0); }
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(later);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", later);
  } else {
    later();
  }
})();
