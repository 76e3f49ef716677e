// Headless Chromium for the web demo's tests and benchmark, through playwright-core (npm) and
// Debian's chromium (apt-get install chromium); never a browser downloaded by Playwright.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '..', 'package.json'));

export const CHROMIUM = process.env.TF_IMGTRANS_CHROMIUM || '/usr/bin/chromium';
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
// A fake camera for the webcam path, granted without a prompt.
export const FAKE_CAMERA_FLAGS = ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'];

/** Launches headless Chromium; `extraFlags` are added to CHROMIUM_FLAGS. */
export async function launch(extraFlags = []) {
  if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM} (apt-get install chromium)`);
  const { chromium } = require('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_FLAGS, ...extraFlags] });
}

/** Opens the demo at `url` in a new page, recording console errors and failed requests in
 *  `page.problems`; resolves when the page's start-up has finished. */
export async function openDemo(context, url) {
  const page = await context.newPage();
  page.problems = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') page.problems.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (err) => page.problems.push(`page error: ${err.message}`));
  page.on('requestfailed', (req) => page.problems.push(`request failed: ${req.url()} ${req.failure()?.errorText}`));
  await page.goto(url);
  await page.waitForFunction(() => window.tfImgtransDemo !== undefined);
  await page.evaluate(() => window.tfImgtransDemo.ready);
  return page;
}

/** Waits until the page's status is one of `states` ("done", "error", "ready", …). */
export async function waitForState(page, states, timeout = 120000) {
  await page.waitForFunction(
    (wanted) => wanted.includes(document.getElementById('status').dataset.state),
    states,
    { timeout },
  );
  return page.evaluate(() => document.getElementById('status').dataset.state);
}

/** The message box: {kind, text} or null when hidden. */
export function message(page) {
  return page.evaluate(() => {
    const el = document.getElementById('message');
    return el.hidden ? null : { kind: el.dataset.kind, text: el.textContent };
  });
}
