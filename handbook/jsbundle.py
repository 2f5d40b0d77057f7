"""The npm ``yaml`` package (pinned in package.json) as one classic script for the pack builder.

The package ships CommonJS files (``dist/``) for Node and ES modules for browsers. ES modules do not load from
``file://`` (the offline bundle), so the build wraps the CommonJS files into one script with a tiny ``require``
for the package's own relative paths and stubs for the two Node built-ins it touches (``process`` for warnings,
``buffer``, absent in browsers: the package then uses ``atob``/``btoa``). The script sets ``window.YAML``.
Nothing is fetched: the files come from ``node_modules/`` (``npm ci``), like iframe-worker for the offline bundle.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from mkdocs.exceptions import PluginError

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "node_modules" / "yaml"
#: Where the site serves it.
SRC = "assets/javascripts/yaml.js"

_PRELUDE = """(function () {
  "use strict";
  var builtins = {
    process: { env: {}, emitWarning: function (w) { if (typeof console !== "undefined") console.warn(w); } },
    buffer: {}
  };
  var cache = {};
  function dirname(p) { var i = p.lastIndexOf("/"); return i < 0 ? "" : p.slice(0, i); }
  function resolve(from, name) {
    var parts = (dirname(from) ? dirname(from).split("/") : []);
    name.split("/").forEach(function (s) {
      if (s === "..") parts.pop(); else if (s !== "." && s !== "") parts.push(s);
    });
    var p = parts.join("/");
    return files[p + ".js"] ? p + ".js" : (files[p] ? p : p + "/index.js");
  }
  function load(path) {
    if (cache[path]) return cache[path].exports;
    var module = { exports: {} };
    cache[path] = module;
    files[path].call(module.exports, module, module.exports, function (name) {
      if (Object.prototype.hasOwnProperty.call(builtins, name)) return builtins[name];
      return load(resolve(path, name));
    });
    return module.exports;
  }
  var files = {
"""

_END = """  };
  window.YAML = load("index.js");
})();
"""


@lru_cache(maxsize=1)
def yaml_bundle() -> str:
    """The bundled script (text)."""
    dist = PACKAGE / "dist"
    if not (dist / "index.js").is_file():
        raise PluginError("Für den Kurspaket-Baukasten fehlt node_modules/yaml – bitte `npm ci` ausführen.")
    meta = json.loads((PACKAGE / "package.json").read_text(encoding="utf-8"))
    head = (f"/* yaml {meta['version']} ({meta.get('license', '')}, {meta.get('homepage', 'npm: yaml')}), "
            "from node_modules/yaml/dist, wrapped into one classic script by handbook/jsbundle.py. */\n")
    parts = []
    for path in sorted(dist.rglob("*.js")):
        rel = path.relative_to(dist).as_posix()
        source = path.read_text(encoding="utf-8")
        parts.append(f"    {json.dumps(rel)}: function (module, exports, require) {{\n{source}\n    }}")
    return head + _PRELUDE + ",\n".join(parts) + "\n" + _END
