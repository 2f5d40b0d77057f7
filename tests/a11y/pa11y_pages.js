// HTML_CodeSniffer through pa11y (pinned in package.json) over a list of URLs, in Debian's Chromium.
// Usage: node tests/a11y/pa11y_pages.js URL... ; prints one JSON array: [{url, issues: [...]}].
// Only errors are reported (pa11y's default level); notices and warnings are for review, not counted.
"use strict";
const pa11y = require("pa11y");
const puppeteer = require("puppeteer");

(async () => {
  const browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
           "--disable-component-update", "--disable-sync", "--disable-default-apps"],
  });
  const results = [];
  try {
    for (const url of process.argv.slice(2)) {
      const result = await pa11y(url, { browser, runners: ["htmlcs"], standard: "WCAG2AA", timeout: 60000 });
      results.push({
        url,
        issues: result.issues.map(i => ({ code: i.code, message: i.message, selector: i.selector, context: (i.context || "").slice(0, 160) })),
      });
    }
  } finally {
    await browser.close();
  }
  process.stdout.write(JSON.stringify(results));
})().catch(err => { console.error(err); process.exit(2); });
