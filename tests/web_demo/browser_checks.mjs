// Drives the web demo in headless Chromium for tests/web_demo/test_browser.py.
//
//   node browser_checks.mjs JOB.json
//
// JOB.json: {"url": "http://127.0.0.1:PORT/", "files": {"content", "style", "big", "not_image",
//            "wide"}, "artifacts": DIR, "result": OUT.json}
// Each scenario records what the page showed (results with their RGB bytes, messages, console
// problems); the Python test decides what is right. A scenario that throws records its error
// and the others still run.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const { launch, openDemo, waitForState, message, FAKE_CAMERA_FLAGS } = await import(
  path.join(here, '..', '..', 'web_demo', 'tools', 'browser.mjs')
);

const job = JSON.parse(await readFile(process.argv[2], 'utf8'));
const out = { problems: {} };
const url = (query) => `${job.url}?${new URLSearchParams(query)}`;

async function result(page) {
  return page.evaluate(() => window.tfImgtransDemo.result());
}

/** Runs `action`, then waits for a new translation (or an error); returns the result. */
async function translated(page, action) {
  const before = (await result(page))?.run || 0;
  await action();
  await page.waitForFunction(
    (n) => (window.tfImgtransDemo.result()?.run || 0) > n || document.getElementById('status').dataset.state === 'error',
    before,
    { timeout: 120000 },
  );
  const msg = await message(page);
  if (msg) throw new Error(`the page showed: ${msg.text}`);
  return result(page);
}

/** Runs `action`, then waits for the page's error message; returns {kind, text}. */
async function failed(page, action) {
  await action();
  await page.waitForFunction(() => !document.getElementById('message').hidden, null, { timeout: 60000 });
  return message(page);
}

async function scenario(name, fn) {
  const start = Date.now();
  try {
    out[name] = await fn();
  } catch (e) {
    out[name] = { error: String((e && e.stack) || e) };
  }
  out[name] = { ...out[name], seconds: (Date.now() - start) / 1000 };
}

async function dropFile(page, selector, file, type) {
  const bytes = [...(await readFile(file))];
  await page.evaluate(
    ({ selector, bytes, name, type }) => {
      const data = new DataTransfer();
      data.items.add(new File([new Uint8Array(bytes)], name, { type }));
      const zone = document.querySelector(selector);
      zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: data, bubbles: true }));
      zone.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true }));
    },
    { selector, bytes, name: path.basename(file), type },
  );
}

const browser = await launch();
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 820 }, acceptDownloads: true });

  // One page through the good paths: its console must stay clean.
  let page;
  await scenario('load', async () => {
    page = await openDemo(context, url({ model: 'resnet_tiny', size: 'original' })); // backend: best
    await waitForState(page, ['ready', 'error']);
    return page.evaluate(() => ({
      state: document.getElementById('status').dataset.state,
      backend: document.getElementById('backend-info').textContent,
      models: [...document.querySelectorAll('#model-select option')].map((o) => o.value).filter(Boolean),
      message: document.getElementById('message').hidden ? null : document.getElementById('message').textContent,
    }));
  });
  await scenario('cpu', async () => {
    await page.selectOption('#backend-select', 'cpu');
    await waitForState(page, ['ready', 'error']);
    return translated(page, () => page.setInputFiles('#image-file', job.files.content));
  });
  for (const backend of ['wasm', 'webgl']) {
    await scenario(backend, () => translated(page, () => page.selectOption('#backend-select', backend)));
  }
  await scenario('drop', async () => {
    await translated(page, () => page.selectOption('#backend-select', 'wasm'));
    return translated(page, () => dropFile(page, '#drop-zone', job.files.content, 'image/png'));
  });
  await scenario('download', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-link')]);
    const file = path.join(job.artifacts, 'downloaded.png');
    await download.saveAs(file);
    return { file, name: download.suggestedFilename() };
  });
  await scenario('untiled', () => translated(page, () => page.setInputFiles('#image-file', job.files.big)));
  await scenario('tiled', () => translated(page, () => page.check('#tile-check')));
  await scenario('fixed_size', () => translated(page, () => page.selectOption('#model-select', 'fixed_size')));
  out.problems.good = page ? page.problems : ['the page did not open'];

  let adain;
  await scenario('adain', async () => {
    adain = await openDemo(context, url({ model: 'adain_tiny', backend: 'wasm', size: 'original', alpha: '0.5' }));
    await waitForState(adain, ['ready', 'error']);
    await adain.setInputFiles('#image-file', job.files.content);
    const r = await translated(adain, () => adain.setInputFiles('#style-file', job.files.style));
    const shot = path.join(job.artifacts, 'web_demo.png');
    await adain.screenshot({ path: shot, fullPage: true });
    return { ...r, screenshot: shot, alpha: await adain.inputValue('#alpha-range') };
  });
  out.problems.adain = adain ? adain.problems : ['the page did not open'];

  // Bad inputs, on a page of their own (the failed requests there are expected).
  const bad = await openDemo(context, url({ model: 'nope', backend: 'cpu', size: 'original' }));
  out.errors = {};
  out.errors.missing_model = await message(bad);
  for (const id of ['broken_json', 'missing_shard', 'no_manifest']) {
    await scenario(id, () => failed(bad, () => bad.selectOption('#model-select', id)));
    out.errors[id] = out[id];
  }
  await scenario('not_image', async () => {
    await bad.selectOption('#model-select', 'resnet_tiny');
    await waitForState(bad, ['ready', 'error']);
    return failed(bad, () => bad.setInputFiles('#image-file', job.files.not_image));
  });
  await scenario('oom', async () => {
    await bad.selectOption('#backend-select', 'webgl');
    await waitForState(bad, ['ready', 'error']);
    return failed(bad, () => bad.setInputFiles('#image-file', job.files.wide));
  });
  out.errors.not_image = out.not_image;
  out.errors.oom = out.oom;
} finally {
  await browser.close();
}

// The webcam, from Chromium's fake camera.
const camBrowser = await launch(FAKE_CAMERA_FLAGS);
try {
  await scenario('webcam', async () => {
    const context = await camBrowser.newContext();
    const page = await openDemo(context, url({ model: 'resnet_tiny', backend: 'wasm', size: '256' }));
    await waitForState(page, ['ready', 'error']);
    await page.click('#webcam-button');
    await page.waitForSelector('#capture-button', { state: 'visible', timeout: 30000 });
    await page.waitForFunction(() => document.getElementById('webcam').videoWidth > 0);
    const r = await translated(page, () => page.click('#capture-button'));
    return { ...r, rgbBase64: undefined, problems: page.problems };
  });
} finally {
  await camBrowser.close();
}
await writeFile(job.result, JSON.stringify(out, null, 1));
