// The served models: the list, what each takes (from its manifest.json), loading and running.

const tf = globalThis.tf;

export class ModelError extends Error {
  constructor(message, kind) {
    super(message);
    this.kind = kind;
  }
}

/** The entries of models/index.json (written by `tf-imgtrans serve-demo`). */
export async function fetchModels() {
  let response;
  try {
    response = await fetch('models/index.json', { cache: 'no-store' });
  } catch (e) {
    throw new ModelError(`The model list could not be fetched (${e.message}). Is tf-imgtrans serve-demo still running?`, 'model-list');
  }
  if (!response.ok) {
    throw new ModelError(
      `The model list (models/index.json) answered HTTP ${response.status}. Serve this page with ` +
        '`tf-imgtrans serve-demo --models DIR`.',
      'model-list',
    );
  }
  return (await response.json()).models;
}

/** What the model takes: {style: bool, names: {image|content, style, alpha}}. */
export function modelInputs(entry) {
  const manifest = entry.manifest || {};
  const inputs = manifest.inputs || [{ name: (manifest.input || {}).name || 'image', role: 'image' }];
  const byRole = Object.fromEntries(inputs.map((i) => [i.role, i]));
  return {
    style: Boolean(byRole.style),
    content: (byRole.content || byRole.image || inputs[0]).name,
    styleName: byRole.style ? byRole.style.name : null,
    alphaName: byRole.strength ? byRole.strength.name : null,
    alphaDefault: byRole.strength && byRole.strength.default !== undefined ? byRole.strength.default : 1,
    styleSize: manifest.style_size || (byRole.style && byRole.style.recommended_long_side) || 512,
  };
}

const KIND_NAMES = {
  pix2pix: 'Pix2Pix',
  cyclegan: 'CycleGAN',
  style: 'fast style transfer',
  adain: 'AdaIN, any style',
  unknown: 'image translation',
};

/** One line about a listed model for the page. */
export function describeModel(entry) {
  const m = entry.manifest || {};
  const input = m.input || {};
  const parts = [KIND_NAMES[m.kind] || m.kind || 'unknown kind'];
  if (m.training_image_size) parts.push(`trained at ${m.training_image_size} px`);
  if (input.size) parts.push(`fixed input ${input.size[0]}×${input.size[1]}`);
  else if (input.size_multiple) parts.push(`any size (padded to a multiple of ${input.size_multiple})`);
  if (m.quantization && m.quantization !== 'float32') parts.push(`${m.quantization} weights`);
  if (entry.size_bytes) parts.push(`${(entry.size_bytes / 1048576).toFixed(1)} MB`);
  return parts.join(' · ');
}

/** Loads the graph model of a listed entry; throws a ModelError saying what went wrong. */
export async function loadModel(entry, onProgress) {
  if (entry.problems && entry.problems.length) {
    throw new ModelError(`The model “${entry.id}” cannot be used: ${entry.problems.join('; ')}.`, 'model-problem');
  }
  try {
    return await tf.loadGraphModel(entry.model_url, { onProgress, fetchFunc: fetchOrFail });
  } catch (e) {
    const reason = ((e && e.message) || String(e)).replace(/\.?\s*$/, '.');
    let hint = 're-export it with `tf-imgtrans export --format tfjs`.';
    if (/HTTP 404|status code 404/.test(reason)) hint = `A file of the model is missing on the server: ${hint}`;
    else if (/JSON|parse/i.test(reason)) hint = `Its model.json is not valid: ${hint}`;
    else hint = `Check the files of models/${entry.id}/ or ${hint}`;
    throw new ModelError(`The model “${entry.id}” failed to load: ${reason} ${hint}`, 'model-load');
  }
}

/** fetch that fails on an HTTP error (TF.js would read a 404 page as weights). */
async function fetchOrFail(url, init) {
  const response = await fetch(url, init);
  if (!response.ok) {
    const name = decodeURIComponent(String(url).split('/').pop());
    throw new Error(`${name} answered HTTP ${response.status} ${response.statusText}`.trim());
  }
  return response;
}

/** model.execute, or executeAsync for graphs with dynamic ops. */
export async function execute(model, feeds) {
  try {
    return model.execute(feeds);
  } catch (e) {
    if (/executeAsync/.test((e && e.message) || '')) return model.executeAsync(feeds);
    throw e;
  }
}
