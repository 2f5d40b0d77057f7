/* KoKo-Handbuch: German search that finds what a trainee types (issue 18).
 * Appended by handbook/search.py to lunr's German language file (lunr.de.min.js), which Material's search
 * worker loads before it builds the index. The same normaliser runs on the index and on the query:
 *  - gendered forms to the base word: Teilnehmer:innen, Teilnehmer*innen, Teilnehmer_innen, TeilnehmerInnen,
 *    Bürgerinnen, Bürgerin -> bürger (lunr has lower-cased the token before);
 *  - transliterations ae/oe/ue -> ä/ö/ü (the stemmer then folds umlauts and ß, so "Gespraechsfuehrung" and
 *    "Gesprächsführung" meet);
 *  - compounds: an indexed word also counts as its parts (Eskalationsstufe -> eskalation, stufe); the split
 *    table `lunr.kokoKomposita` is computed from the site's own words at build time (handbook/search.py);
 *    a hyphenated word counts as the joined word and its parts (Shisha-Bars -> shishabars, shisha, bars);
 *    the search separator (mkdocs.yml) therefore does not split at hyphens;
 *  - then lunr's German stemmer (Snowball), which maps plurals and inflections to one stem.
 * Material appends "*" to every query word (prefix search), and lunr runs no pipeline on such a word; so the
 * query parser is wrapped to normalise and stem those words as well. */
(function (lunr) {
  "use strict";
  if (!lunr || !lunr.de) return;

  // Base forms that take the feminine suffix -in / -innen (Bürger-in, Moderator-in, Praktikant-in, ...).
  var AGENT = /(?:er|or|ant|ent|ist|eur|ar|og|at|amt|ef|zt|lt|eut|kolleg|freund)$/;
  var MARKED = /[:*_\/·'’(]+(?:in|innen)\)?$/;

  function normalise(word) {
    var w = word.replace(/-+/g, "");  // a query word "Vier-Seiten-Modell" meets the joined index word
    if (MARKED.test(w)) {
      w = w.replace(MARKED, "");
    } else if (w.length > 8 && /innen$/.test(w) && AGENT.test(w.slice(0, -5))) {
      w = w.slice(0, -5);
    } else if (w.length > 6 && /in$/.test(w) && AGENT.test(w.slice(0, -2))) {
      w = w.slice(0, -2);
    }
    if (w === "innen") return "";
    return w.replace(/ae/g, "ä").replace(/oe/g, "ö").replace(/(^|[^q])ue/g, "$1ü");
  }

  function kokoNormalise(token) {
    var w = normalise(token.toString());
    if (!w) return undefined;
    return token.update(function () { return w; });
  }

  function kokoCompounds(token) {
    var word = token.toString();
    var parts = (lunr.kokoKomposita || {})[word];
    var out = [token];
    if (word.indexOf("-") > 0) {
      // A hyphenated compound (Shisha-Bars, Ich-Botschaften) counts as the joined word and as its parts, so
      // "Shishabar" and "Bars" both find it.
      var pieces = word.split(/-+/).filter(Boolean);
      out = [token.clone(function () { return pieces.join(""); })];
      parts = pieces.length > 1 ? pieces : null;
    }
    if (parts) parts.forEach(function (part) { out.push(token.clone(function () { return part; })); });
    return out;
  }

  lunr.Pipeline.registerFunction(kokoNormalise, "koko-normalise-de");
  lunr.Pipeline.registerFunction(kokoCompounds, "koko-komposita-de");

  var german = lunr.de;
  lunr.de = function () {
    german.call(this);
    this.pipeline.before(lunr.de.stopWordFilter, kokoNormalise);
    this.pipeline.before(kokoNormalise, kokoCompounds);
    if (this.searchPipeline) {
      this.searchPipeline.reset();
      this.searchPipeline.add(lunr.de.trimmer, kokoNormalise, lunr.de.stemmer);
    }
  };
  for (var key in german) if (Object.prototype.hasOwnProperty.call(german, key)) lunr.de[key] = german[key];

  // One query word, as the index pipeline would see it: trimmed, normalised, stemmed ("" = stop word).
  function queryTerm(word) {
    var token = lunr.de.trimmer(new lunr.Token(word));
    if (!token || !token.toString()) return "";
    token = kokoNormalise(token);
    if (!token || !lunr.de.stopWordFilter(token)) return "";
    return lunr.de.stemmer(token).toString();
  }
  lunr.kokoQueryTerm = queryTerm;

  var parse = lunr.QueryParser.prototype.parse;
  lunr.QueryParser.prototype.parse = function () {
    var query = parse.apply(this, arguments);
    var clauses = this.query.clauses;
    var kept = [];
    clauses.forEach(function (clause) {
      if (clause.usePipeline) { kept.push(clause); return; }
      // A word with a wildcard: keep leading/trailing "*", normalise the word between them.
      var m = /^(\**)(.*?)(\**)$/.exec(clause.term);
      var word = m[2].replace(MARKED, "");
      var stem = word.indexOf("*") >= 0 ? word : queryTerm(word);
      if (!stem) return;
      clause.term = m[1] + stem + m[3];
      kept.push(clause);
    });
    if (kept.length) this.query.clauses = kept;
    return query;
  };
})(self.lunr);
