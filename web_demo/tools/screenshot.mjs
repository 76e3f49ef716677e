// A screenshot of the web demo after one translation, for docs and reports.
//
//   node web_demo/tools/screenshot.mjs URL IMAGE OUT.png [STYLE_IMAGE]
//
// URL is the demo with its query (e.g. http://127.0.0.1:8765/?model=fast_starry&backend=wasm).
// Prints the status line the page showed (backend and time).
import { launch, openDemo, waitForState, message } from './browser.mjs';

const [url, image, out, style] = process.argv.slice(2);
if (!out) {
  console.error('usage: node screenshot.mjs URL IMAGE OUT.png [STYLE_IMAGE]');
  process.exit(2);
}
const browser = await launch();
try {
  const page = await openDemo(await browser.newContext({ viewport: { width: 1280, height: 820 } }), url);
  await waitForState(page, ['ready', 'error'], 600000);
  await page.setInputFiles('#image-file', image);
  if (style) await page.setInputFiles('#style-file', style);
  await waitForState(page, ['done', 'error'], 600000);
  await page.screenshot({ path: out, fullPage: true });
  const shown = await message(page);
  console.log(shown ? `message (${shown.kind}): ${shown.text}` : await page.textContent('#status-text'));
  if (page.problems.length) console.log(`console problems: ${page.problems.join(' | ')}`);
} finally {
  await browser.close();
}
