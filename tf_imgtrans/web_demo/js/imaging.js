// Pixels in and out of TF.js: decoding, resizing, tensors in [-1, 1], tiles.
//
// The arithmetic is tf_imgtrans's (tf_imgtrans.data.to_float / to_uint8):
//   in:  x = rgb / 127.5 - 1        out: rgb = clip(round((y + 1) * 127.5), 0, 255)
// with TF.js's round, which rounds halves to even as NumPy does.

const tf = globalThis.tf;

export class DecodeError extends Error {}

/** Decodes an image file or blob into an ImageBitmap (EXIF orientation applied, no colour
 *  conversion, so that PNG bytes reach the model unchanged). */
export async function decodeImage(blob, name) {
  const type = blob.type || 'unknown type';
  if (blob.size === 0) throw new DecodeError(`“${name}” is empty (0 bytes).`);
  try {
    return await createImageBitmap(blob, {
      imageOrientation: 'from-image',
      colorSpaceConversion: 'none',
      premultiplyAlpha: 'none',
    });
  } catch (e) {
    throw new DecodeError(
      `“${name}” could not be decoded as an image (${type}, ${blob.size} bytes). ` +
        'Use a PNG, JPEG, GIF, BMP or WebP picture.',
    );
  }
}

/** The width and height with the long side `longSide` (null: unchanged), aspect kept. */
export function fitLongSide(width, height, longSide) {
  if (!longSide) return { width, height };
  const scale = longSide / Math.max(width, height);
  return {
    width: Math.max(1, Math.round(width * scale)),
    height: Math.max(1, Math.round(height * scale)),
  };
}

/** A canvas holding `source` (image, bitmap, video, canvas) drawn at width × height, on white
 *  (transparent pixels become white, as tf_imgtrans's decoder composites RGBA on white). */
export function drawToCanvas(source, width, height, canvas = document.createElement('canvas')) {
  canvas.classList.toggle('small', Math.max(width, height) < 256);
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, width, height);
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(source, 0, 0, width, height);
  return canvas;
}

export function sourceSize(source) {
  return {
    width: source.videoWidth || source.naturalWidth || source.width,
    height: source.videoHeight || source.naturalHeight || source.height,
  };
}

/** (1, H, W, 3) float32 in [-1, 1] from a canvas. */
export function canvasToTensor(canvas) {
  return tf.tidy(() => tf.browser.fromPixels(canvas, 3).toFloat().div(127.5).sub(1).expandDims(0));
}

/** The uint8 RGB bytes (H·W·3) of a (1, H, W, 3) float image in [-1, 1]. */
export async function tensorToRgb(y) {
  const bytes = tf.tidy(() => y.squeeze([0]).add(1).mul(127.5).round().clipByValue(0, 255).toInt());
  try {
    return Uint8Array.from(await bytes.data());
  } finally {
    bytes.dispose();
  }
}

/** Paints RGB bytes onto `canvas` (resized to width × height). */
export function paintRgb(canvas, rgb, width, height) {
  canvas.classList.toggle('small', Math.max(width, height) < 256);
  canvas.width = width;
  canvas.height = height;
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let i = 0, j = 0; i < rgb.length; i += 3, j += 4) {
    rgba[j] = rgb[i];
    rgba[j + 1] = rgb[i + 1];
    rgba[j + 2] = rgb[i + 2];
    rgba[j + 3] = 255;
  }
  canvas.getContext('2d').putImageData(new ImageData(rgba, width, height), 0, 0);
}

/** Tile starts along a side of `length`: `tile` wide, overlapping by at least `overlap`, the
 *  last one ending at the edge. */
export function tileStarts(length, tile, overlap) {
  if (length <= tile) return [0];
  const step = Math.max(1, tile - overlap);
  const count = Math.ceil((length - tile) / step) + 1;
  const starts = [];
  for (let i = 0; i < count; i++) starts.push(Math.round((i * (length - tile)) / (count - 1)));
  return starts;
}

function window1d(size) {
  // sin² weights (as tf_imgtrans.translate blends tiles), never exactly 0 so that the
  // image's own edges, covered by one tile only, keep their values.
  const w = new Float32Array(size);
  for (let i = 0; i < size; i++) w[i] = Math.sin((Math.PI * (i + 0.5)) / size) ** 2 + 1e-3;
  return w;
}

/** Runs `await run(tile)` ((1, h, w, 3) → (1, h, w, 3) tensor) on overlapping tiles of `x` and
 *  blends the results; returns the (1, H, W, 3) float32 output. Each tile is read back before
 *  the next is run, so the accelerator holds one tile's activations at a time. */
export async function runTiled(run, x, tile, overlap, onProgress) {
  const [, height, width] = x.shape;
  const ys = tileStarts(height, tile, overlap);
  const xs = tileStarts(width, tile, overlap);
  const acc = new Float32Array(height * width * 3);
  const weight = new Float32Array(height * width);
  let done = 0;
  for (const top of ys) {
    for (const left of xs) {
      const h = Math.min(tile, height - top);
      const w = Math.min(tile, width - left);
      const part = x.slice([0, top, left, 0], [1, h, w, 3]);
      let out;
      try {
        out = await run(part);
      } finally {
        part.dispose();
      }
      const data = await out.data();
      out.dispose();
      const wy = window1d(h);
      const wx = window1d(w);
      for (let i = 0; i < h; i++) {
        for (let j = 0; j < w; j++) {
          const k = wy[i] * wx[j];
          const p = (top + i) * width + left + j;
          weight[p] += k;
          const q = (i * w + j) * 3;
          acc[p * 3] += k * data[q];
          acc[p * 3 + 1] += k * data[q + 1];
          acc[p * 3 + 2] += k * data[q + 2];
        }
      }
      done += 1;
      if (onProgress) onProgress(done / (ys.length * xs.length));
    }
  }
  for (let p = 0; p < weight.length; p++) {
    acc[p * 3] /= weight[p];
    acc[p * 3 + 1] /= weight[p];
    acc[p * 3 + 2] /= weight[p];
  }
  return tf.tensor(acc, [1, height, width, 3], 'float32');
}
