// The web demo page: pick a model and an image (file, drop or webcam), translate it in the
// browser with TF.js, show input and output side by side with the backend and the time taken.
//
// URL parameters preset the controls: ?model=ID&backend=auto|webgl|wasm|cpu
// &size=model|256|512|1024|original&tile=1&alpha=0.5
// window.tfImgtransDemo is a small hook for scripted use (the browser tests and the benchmark).

import { configureWasm, describeBackend, isOutOfMemory, useBackend } from './backends.js';
import {
  DecodeError,
  canvasToTensor,
  decodeImage,
  drawToCanvas,
  fitLongSide,
  paintRgb,
  runTiled,
  sourceSize,
  tensorToRgb,
} from './imaging.js';
import { describeModel, execute, fetchModels, loadModel, modelInputs } from './models.js';

const tf = globalThis.tf;
const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const PREVIEW_SIDE = 1024;

const state = {
  entries: [],
  entry: null,
  model: null,
  inputs: null,
  backend: null,
  backendText: '',
  content: null, // {source, name}
  style: null,
  result: null,
  warm: new Set(), // "backend|model" pairs that ran once (the first run includes warm-up)
  busy: false,
  pending: false,
  loadToken: 0,
  downloadUrl: null,
  stream: null,
};

// === Status and messages ===

function setStatus(phase, text, progress = null) {
  const el = $('status');
  el.dataset.state = phase;
  $('status-text').textContent = text;
  $('progress-bar').style.width = progress === null ? '' : `${Math.round(progress * 100)}%`;
}

function showMessage(text, kind, level = 'error') {
  const el = $('message');
  el.textContent = text;
  el.dataset.kind = kind;
  el.dataset.level = level;
  el.hidden = false;
}

function clearMessage() {
  const el = $('message');
  el.hidden = true;
  el.textContent = '';
  delete el.dataset.kind;
}

function updateRunButton() {
  const needsStyle = state.inputs && state.inputs.style && !state.style;
  $('run-button').disabled = !state.model || !state.content || needsStyle || state.busy;
}

// === Backend ===

async function switchBackend(wanted) {
  $('backend-select').value = wanted;
  setStatus('loading-backend', `Starting the ${wanted === 'auto' ? 'best available' : wanted} backend…`);
  try {
    state.backend = await useBackend(wanted);
  } catch (e) {
    showMessage(`${e.message} Choose another backend.`, 'backend');
    setStatus('error', 'No backend');
    if (state.backend) $('backend-select').value = state.backend; // the one still in use
    return;
  }
  state.backendText = await describeBackend();
  $('backend-info').textContent = `In use: ${state.backendText}`;
  // Weights live on the backend that loaded them: load the model again on the new one.
  if (state.entry) await selectModel(state.entry.id);
  else setStatus('ready', `Backend ready: ${state.backendText}`);
}

// === Models ===

function fillModelList() {
  const select = $('model-select');
  select.innerHTML = '';
  const placeholder = new Option('Choose a model…', '');
  placeholder.disabled = true;
  select.add(placeholder);
  for (const entry of state.entries) {
    const label = entry.problems.length ? `${entry.id} (unusable)` : `${entry.id} — ${entry.name}`;
    select.add(new Option(label, entry.id));
  }
  select.disabled = state.entries.length === 0;
}

async function selectModel(id) {
  const token = ++state.loadToken;
  const entry = state.entries.find((e) => e.id === id);
  if (!entry) {
    const known = state.entries.map((e) => e.id).join(', ') || 'none';
    showMessage(`The model “${id}” is not among the served models (served: ${known}).`, 'missing-model');
    setStatus('error', 'Model not found');
    return;
  }
  $('model-select').value = id;
  while (state.busy) await new Promise((resolve) => setTimeout(resolve, 50)); // a run uses the model
  if (token !== state.loadToken) return;
  if (state.model) state.model.dispose();
  state.model = null;
  state.entry = entry;
  state.inputs = modelInputs(entry);
  $('model-info').textContent = describeModel(entry);
  $('style-field').hidden = !state.inputs.style;
  $('tile-field').hidden = state.inputs.style;
  $('tile-size').textContent = String(tileSize());
  const alpha = params.get('alpha') ?? state.inputs.alphaDefault;
  $('alpha-range').value = alpha;
  $('alpha-value').textContent = Number(alpha).toFixed(2);
  updateRunButton();
  clearMessage();
  setStatus('loading-model', `Loading ${entry.name}…`, 0);
  let model;
  try {
    model = await loadModel(entry, (p) => setStatus('loading-model', `Loading ${entry.name}… ${Math.round(p * 100)}%`, p));
  } catch (e) {
    if (token !== state.loadToken) return;
    showMessage(e.message, e.kind || 'model-load');
    setStatus('error', 'Model not loaded');
    return;
  }
  if (token !== state.loadToken) return model.dispose();
  state.model = model;
  setStatus('ready', `${entry.name} ready on ${state.backendText}`);
  updateRunButton();
  if (state.content) translate();
}

// === Images ===

function workingSide() {
  const mode = $('size-select').value;
  if (mode === 'original') return null;
  if (mode === 'model') return (state.entry && state.entry.manifest && state.entry.manifest.training_image_size) || 256;
  return Number(mode);
}

function tileSize() {
  return (state.entry && state.entry.manifest && state.entry.manifest.training_image_size) || 256;
}

async function takeImage(file, which) {
  if (!file) return;
  let bitmap;
  try {
    bitmap = await decodeImage(file, file.name || 'the dropped file');
  } catch (e) {
    showMessage(e instanceof DecodeError ? e.message : `The image could not be read: ${e.message}`, 'decode');
    setStatus('error', 'Image not decoded');
    return;
  }
  clearMessage();
  setImage(which, bitmap, file.name || 'image');
}

function setImage(which, source, name) {
  state[which] = { source, name };
  const { width, height } = sourceSize(source);
  if (which === 'style') {
    const size = fitLongSide(width, height, 256);
    drawToCanvas(source, size.width, size.height, $('style-canvas'));
    $('style-placeholder').hidden = true;
  } else {
    const size = fitLongSide(width, height, Math.min(PREVIEW_SIDE, Math.max(width, height)));
    drawToCanvas(source, size.width, size.height, $('input-canvas'));
    $('input-placeholder').hidden = true;
    $('input-info').textContent = `${name} · ${width}×${height}`;
  }
  updateRunButton();
  if (state.model) translate();
}

/** The canvases the model gets: the content at the working size (or the fixed input size),
 *  and the style at the manifest's style size. */
function prepareCanvases() {
  const fixed = state.entry.manifest && state.entry.manifest.input && state.entry.manifest.input.size;
  const src = sourceSize(state.content.source);
  const side = workingSide() && Math.min(workingSide(), Math.max(src.width, src.height)); // no upscaling
  const size = fixed ? { height: fixed[0], width: fixed[1] } : fitLongSide(src.width, src.height, side);
  const content = drawToCanvas(state.content.source, size.width, size.height);
  let style = null;
  if (state.inputs.style) {
    const s = sourceSize(state.style.source);
    const side = $('size-select').value === 'original' ? null : state.inputs.styleSize;
    const styleSize = fitLongSide(s.width, s.height, side);
    style = drawToCanvas(state.style.source, styleSize.width, styleSize.height);
  }
  return { content, style };
}

/** Runs the model on the prepared canvases; returns the (1, H, W, 3) output tensor. */
async function compute(canvases, onProgress) {
  const x = canvasToTensor(canvases.content);
  const feeds = [x];
  try {
    if (state.inputs.style) {
      const s = canvasToTensor(canvases.style);
      const alpha = tf.scalar(Number($('alpha-range').value), 'float32');
      feeds.push(s, alpha);
      return await execute(state.model, {
        [state.inputs.content]: x,
        [state.inputs.styleName]: s,
        [state.inputs.alphaName]: alpha,
      });
    }
    const [, h, w] = x.shape;
    const tile = tileSize();
    if ($('tile-check').checked && Math.max(h, w) > tile) {
      return await runTiled((part) => execute(state.model, part), x, tile, Math.round(tile / 8), onProgress);
    }
    return await execute(state.model, x);
  } finally {
    tf.dispose(feeds);
  }
}

// === Translation ===

async function translate() {
  if (!state.model || !state.content || (state.inputs.style && !state.style)) return updateRunButton();
  if (state.busy) {
    state.pending = true;
    return;
  }
  state.busy = true;
  updateRunButton();
  clearMessage();
  const canvases = prepareCanvases();
  const { width, height } = canvases.content;
  const key = `${state.backend}|${state.entry.id}`;
  setStatus('running', `Translating ${width}×${height} on ${state.backendText}…`, 0.05);
  await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0))); // paint first
  let y = null;
  try {
    const start = performance.now();
    y = await compute(canvases, (p) => setStatus('running', `Translating tiles… ${Math.round(p * 100)}%`, p));
    const rgb = await tensorToRgb(y);
    const ms = performance.now() - start;
    const first = !state.warm.has(key);
    state.warm.add(key);
    drawToCanvas(canvases.content, width, height, $('input-canvas'));
    paintRgb($('output-canvas'), rgb, width, height);
    $('output-placeholder').hidden = true;
    const run = state.result ? state.result.run + 1 : 1;
    state.result = { run, width, height, backend: state.backend, backendText: state.backendText, ms, first, rgb, model: state.entry.id };
    const note = first ? ' (first run: includes warm-up)' : '';
    $('output-info').textContent = `${width}×${height} · ${ms.toFixed(0)} ms${note}`;
    setStatus('done', `Translated in ${ms.toFixed(0)} ms on ${state.backendText}${note}`);
    offerDownload();
  } catch (e) {
    reportRunError(e, width, height);
  } finally {
    if (y) y.dispose();
    state.busy = false;
    updateRunButton();
    if (state.pending) {
      state.pending = false;
      translate();
    }
  }
}

function reportRunError(e, width, height) {
  const reason = (e && e.message) || String(e);
  if (isOutOfMemory(e)) {
    showMessage(
      `The ${state.backend} backend ran out of memory for a ${width}×${height} image (${reason}). ` +
        'Choose a smaller working size, cut the image into tiles, or try another backend.',
      'oom',
    );
  } else {
    showMessage(`The translation failed on the ${state.backend} backend: ${reason}`, 'run');
  }
  setStatus('error', 'Translation failed');
}

function offerDownload() {
  const link = $('download-link');
  const stem = state.content.name.replace(/\.[^.]*$/, '') || 'image';
  $('output-canvas').toBlob((blob) => {
    if (state.downloadUrl) URL.revokeObjectURL(state.downloadUrl);
    state.downloadUrl = URL.createObjectURL(blob);
    link.href = state.downloadUrl;
    link.download = `${stem}_${state.entry.id.replace(/[^\w.-]+/g, '_')}.png`;
    link.hidden = false;
    $('time-button').hidden = false;
  }, 'image/png');
}

/** Times `n` runs of the model on the current image (read-back included), after the runs so far. */
async function timeRuns(n = 5) {
  const canvases = prepareCanvases();
  const times = [];
  for (let i = 0; i < n; i++) {
    const start = performance.now();
    const y = await compute(canvases);
    await y.data();
    times.push(performance.now() - start);
    y.dispose();
  }
  const sorted = [...times].sort((a, b) => a - b);
  const median = sorted[Math.floor(n / 2)];
  const summary = { backend: state.backend, backendText: state.backendText, width: canvases.content.width, height: canvases.content.height, times, median, min: sorted[0] };
  $('output-info').textContent = `${summary.width}×${summary.height} · median of ${n}: ${median.toFixed(0)} ms`;
  return summary;
}

// === Webcam ===

async function startWebcam() {
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    showMessage('This browser gives the page no camera access (it needs http://127.0.0.1 or https).', 'webcam');
    return;
  }
  try {
    state.stream = await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 640 } }, audio: false });
  } catch (e) {
    showMessage(`No webcam picture: ${e.name}: ${e.message}`, 'webcam');
    return;
  }
  const video = $('webcam');
  video.srcObject = state.stream;
  await video.play();
  video.hidden = false;
  $('input-canvas').hidden = true;
  $('input-placeholder').hidden = true;
  $('capture-button').hidden = false;
  $('webcam-stop').hidden = false;
}

function stopWebcam() {
  if (state.stream) state.stream.getTracks().forEach((t) => t.stop());
  state.stream = null;
  $('webcam').hidden = true;
  $('input-canvas').hidden = false;
  $('capture-button').hidden = true;
  $('webcam-stop').hidden = true;
  if (!state.content) $('input-placeholder').hidden = false;
}

function captureFrame() {
  const video = $('webcam');
  const frame = drawToCanvas(video, video.videoWidth, video.videoHeight);
  stopWebcam();
  setImage('content', frame, 'webcam.png');
}

// === Wiring ===

function dropTarget(zone, which) {
  zone.addEventListener('dragover', (e) => {
    e.preventDefault();
    zone.classList.add('dragover');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('dragover'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('dragover');
    const file = e.dataTransfer && e.dataTransfer.files[0];
    if (file) takeImage(file, which);
    else showMessage('Drop an image file (a link or text cannot be translated).', 'decode');
  });
}

function bindControls() {
  $('model-select').addEventListener('change', (e) => selectModel(e.target.value));
  $('backend-select').addEventListener('change', (e) => switchBackend(e.target.value));
  $('size-select').addEventListener('change', () => translate());
  $('tile-check').addEventListener('change', () => translate());
  $('image-file').addEventListener('change', (e) => takeImage(e.target.files[0], 'content'));
  $('style-file').addEventListener('change', (e) => takeImage(e.target.files[0], 'style'));
  $('alpha-range').addEventListener('input', (e) => {
    $('alpha-value').textContent = Number(e.target.value).toFixed(2);
  });
  $('alpha-range').addEventListener('change', () => translate());
  $('run-button').addEventListener('click', () => translate());
  $('webcam-button').addEventListener('click', startWebcam);
  $('webcam-stop').addEventListener('click', stopWebcam);
  $('capture-button').addEventListener('click', captureFrame);
  $('time-button').addEventListener('click', () => timeRuns(5).catch((e) => reportRunError(e, 0, 0)));
  dropTarget($('drop-zone'), 'content');
  dropTarget($('style-drop'), 'style');
  if (params.has('tile')) $('tile-check').checked = params.get('tile') === '1';
  const sizes = [...$('size-select').options].map((o) => o.value);
  if (sizes.includes(params.get('size'))) $('size-select').value = params.get('size');
}

async function start() {
  if (!tf) {
    showMessage('TF.js did not load (vendor/tfjs/tf.min.js). Serve this page with `tf-imgtrans serve-demo` after `npm ci --prefix web_demo`.', 'tfjs');
    setStatus('error', 'TF.js missing');
    return;
  }
  $('tfjs-version').textContent = `TF.js ${tf.version.tfjs}`;
  configureWasm();
  bindControls();
  await switchBackend(params.get('backend') || 'auto');
  setStatus('loading-models', 'Reading the model list…');
  try {
    state.entries = await fetchModels();
  } catch (e) {
    showMessage(e.message, 'model-list');
    setStatus('error', 'No model list');
    return;
  }
  fillModelList();
  if (state.entries.length === 0) {
    showMessage('No models are served. Export one with `tf-imgtrans export --format tfjs` into the --models folder.', 'missing-model');
    setStatus('error', 'No models');
    return;
  }
  const wanted = params.get('model') || (state.entries.find((e) => !e.problems.length) || state.entries[0]).id;
  await selectModel(wanted);
}

window.tfImgtransDemo = {
  ready: start(),
  selectModel,
  setBackend: switchBackend,
  timeRuns,
  translate,
  /** The last result: size, backend, time and the output's RGB bytes (base64). */
  result() {
    const r = state.result;
    if (!r) return null;
    let binary = '';
    for (let i = 0; i < r.rgb.length; i += 8192) binary += String.fromCharCode(...r.rgb.subarray(i, i + 8192));
    return { ...r, rgb: undefined, rgbBase64: btoa(binary) };
  },
};
