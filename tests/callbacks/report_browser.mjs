// Opens a run's report.html in headless Chromium for tests/callbacks/test_report.py.
//
//   node report_browser.mjs JOB.json
//
// JOB.json: {"url": "file:///…/report.html", "screenshot": PNG, "result": OUT.json}
// Records what the page shows at first and after the slider is moved to its first grid with
// the keyboard (Home), every console error, and every request other than the page itself and
// data: URIs; the Python test decides what is right.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const { launch } = await import(path.join(here, '..', '..', 'web_demo', 'tools', 'browser.mjs'));

const job = JSON.parse(await readFile(process.argv[2], 'utf8'));
const out = { problems: [], requests: [] };

/** The label, and the epochs of the grids shown (with their decoded widths). */
function shown(page) {
  return page.evaluate(() => {
    const figures = [...document.querySelectorAll('#grids figure')];
    const visible = figures.filter((f) => f.offsetParent !== null);
    return {
      label: document.getElementById('epoch-label')?.textContent,
      visible: visible.map((f) => ({ epoch: Number(f.dataset.epoch), width: f.querySelector('img').naturalWidth })),
      grids: figures.length,
      charts: [...document.querySelectorAll('svg.chart .title')].map((t) => t.textContent),
      sections: [...document.querySelectorAll('section h2')].map((h) => h.textContent),
    };
  });
}

const browser = await launch();
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.on('console', (msg) => {
    if (msg.type() === 'error' || msg.type() === 'warning') out.problems.push(`console ${msg.type()}: ${msg.text()}`);
  });
  page.on('pageerror', (err) => out.problems.push(`page error: ${err.message}`));
  page.on('request', (req) => {
    if (req.url() !== job.url && !req.url().startsWith('data:')) out.requests.push(req.url());
  });
  await page.goto(job.url, { waitUntil: 'load' });
  out.initial = await shown(page);
  await page.screenshot({ path: job.screenshot, fullPage: true });
  await page.focus('#epoch-slider');
  await page.keyboard.press('Home');
  out.first = await shown(page);
  await page.keyboard.press('End');
  out.last = await shown(page);
} catch (e) {
  out.error = String((e && e.stack) || e);
} finally {
  await browser.close();
}
await writeFile(job.result, JSON.stringify(out, null, 1));
