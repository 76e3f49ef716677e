// Times the web demo's translation per model and backend in headless Chromium.
//
//   node web_demo/tools/bench.mjs JOB.json
//
// JOB.json: {"url": "http://127.0.0.1:PORT/", "repeat": 5, "result": OUT.json,
//            "cases": [{"model": ID, "backend": "cpu"|"wasm"|"webgl", "image": PNG,
//                       "style": PNG or absent, "label": "..."}],
//            "screenshots": DIR or absent}
// For each case a fresh page opens the model on the backend at the image's own size
// (size=original), translates once (the first run: weight upload, shader compilation or wasm
// warm-up included) and then times `repeat` more runs through the page's own timing (input
// tensor, model, read-back of the output; drawing excluded).
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { launch, openDemo, waitForState, message } from './browser.mjs';

const job = JSON.parse(await readFile(process.argv[2], 'utf8'));
const browser = await launch();
const results = [];
try {
  for (const c of job.cases) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 820 } });
    const row = { ...c };
    const started = Date.now();
    try {
      const query = new URLSearchParams({ model: c.model, backend: c.backend, size: 'original' });
      const page = await openDemo(context, `${job.url}?${query}`);
      await waitForState(page, ['ready', 'error'], 600000);
      row.load_s = (Date.now() - started) / 1000;
      await page.setInputFiles('#image-file', c.image);
      if (c.style) await page.setInputFiles('#style-file', c.style);
      await waitForState(page, ['done', 'error'], 600000);
      const shown = await message(page);
      if (shown) throw new Error(shown.text);
      const first = await page.evaluate(() => window.tfImgtransDemo.result());
      row.backend_text = first.backendText;
      row.width = first.width;
      row.height = first.height;
      row.first_ms = first.ms;
      const timed = await page.evaluate((n) => window.tfImgtransDemo.timeRuns(n), job.repeat || 5);
      row.median_ms = timed.median;
      row.min_ms = timed.min;
      row.times_ms = timed.times;
      if (job.screenshots) {
        row.screenshot = path.join(job.screenshots, `${c.label || c.model}_${c.backend}.png`);
        await page.screenshot({ path: row.screenshot });
      }
      row.problems = page.problems;
    } catch (e) {
      row.error = String((e && e.message) || e);
    }
    row.seconds = (Date.now() - started) / 1000;
    results.push(row);
    console.log(JSON.stringify({ model: row.model, backend: row.backend, median_ms: row.median_ms, error: row.error }));
    await context.close();
  }
} finally {
  await browser.close();
}
await writeFile(job.result, JSON.stringify(results, null, 1));
