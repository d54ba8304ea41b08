// Lighthouse over many pages with one Chrome: `node lighthouse.mjs pages.json report.json`.
// pages.json is [{"name", "url", "headers"}]; report.json gets, per page, each category's
// score and the audits that lost points in it. Mobile form factor, simulated throttling
// (Lighthouse's defaults), so the scores are those a phone on a slow network would get.
import fs from "node:fs";

import * as chromeLauncher from "chrome-launcher";
import lighthouse from "lighthouse";

const CATEGORIES = ["performance", "accessibility", "best-practices", "seo"];
const CHROME_FLAGS = [
  "--headless=new",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
];

// The audits that cost a category points: its weighted audits below full marks and, for
// performance, the opportunities Lighthouse says would move a metric.
function lostPoints(lhr, category) {
  return lhr.categories[category].auditRefs
    .map((ref) => ({ ref, audit: lhr.audits[ref.id] }))
    .filter(({ ref, audit }) => ref.weight > 0 || audit.scoreDisplayMode === "metricSavings")
    .filter(({ audit }) => audit.score !== null && audit.score < 1)
    .map(({ audit }) => ({
      id: audit.id,
      score: audit.score,
      title: audit.title,
      value: audit.displayValue || "",
      items: (Array.isArray(audit.details?.items) ? audit.details.items : []).slice(0, 5).map((item) =>
        String(item.node?.snippet || item.url || item.source?.url || item.description || JSON.stringify(item)).slice(0, 300),
      ),
    }));
}

// Each page is judged as a first visit: its origin's cookies are cleared too, so a session
// passed in a page's headers is the only one Chrome sends (a cookie Chrome kept from an
// earlier page would replace the header's).
const CONFIG = {
  extends: "lighthouse:default",
  settings: {
    clearStorageTypes: ["cookies", "file_systems", "shader_cache", "service_workers", "cache_storage"],
    // The full-page screenshot only illustrates the HTML report, which nobody reads here.
    disableFullPageScreenshot: true,
  },
};

async function judge(page, port) {
  const flags = { port, output: "json", logLevel: "error", onlyCategories: CATEGORIES, extraHeaders: page.headers || null };
  return (await lighthouse(page.url, flags, CONFIG)).lhr;
}

const [pagesPath, reportPath] = process.argv.slice(2);
const pages = JSON.parse(fs.readFileSync(pagesPath, "utf8"));
const chrome = await chromeLauncher.launch({ chromePath: process.env.CHROME_PATH, chromeFlags: CHROME_FLAGS });
const report = {};
try {
  for (const page of pages) {
    const started = Date.now();
    // On a busy machine Chrome now and then records a trace without the page's navigation
    // (NO_NAVSTART), which says nothing about the page: such a run is made again, at most twice.
    let lhr = await judge(page, chrome.port);
    let attempts = 1;
    while (lhr.runtimeError && attempts < 3) {
      lhr = await judge(page, chrome.port);
      attempts += 1;
    }
    report[page.name] = {
      url: page.url,
      final_url: lhr.finalDisplayedUrl,
      seconds: (Date.now() - started) / 1000,
      attempts,
      runtime_error: lhr.runtimeError ? `${lhr.runtimeError.code}: ${lhr.runtimeError.message}` : null,
      warnings: lhr.runWarnings,
      scores: Object.fromEntries(CATEGORIES.map((c) => [c, Math.round(lhr.categories[c].score * 100)])),
      lost: Object.fromEntries(CATEGORIES.map((c) => [c, lostPoints(lhr, c)])),
    };
  }
} finally {
  await chrome.kill();
}
fs.writeFileSync(reportPath, JSON.stringify(report, null, 2));
