// TF.js backends: choosing one (WebGL, then WASM, then CPU), describing it, and wording errors.

const tf = globalThis.tf;

export const BACKENDS = ['webgl', 'wasm', 'cpu'];
export const BACKEND_NAMES = { webgl: 'WebGL', wasm: 'WebAssembly', cpu: 'CPU (JavaScript)' };

/** Serves the wasm binaries from the page's own server (no CDN). */
export function configureWasm(base = 'vendor/tfjs-backend-wasm/') {
  if (tf.wasm) tf.wasm.setWasmPaths(new URL(base, document.baseURI).href);
}

/** Switches to `wanted` ('auto' tries webgl, wasm, cpu in turn); returns the backend in use.
 *  Throws when an explicitly wanted backend cannot start. */
export async function useBackend(wanted) {
  const order = wanted === 'auto' ? BACKENDS : [wanted];
  const failures = [];
  for (const name of order) {
    if (!tf.findBackendFactory(name)) {
      failures.push(`${name}: not bundled`);
      continue;
    }
    let ok = false;
    try {
      ok = await tf.setBackend(name);
      await tf.ready();
    } catch (e) {
      failures.push(`${name}: ${e.message || e}`);
      continue;
    }
    if (ok && tf.getBackend() === name) return name;
    failures.push(`${name}: could not start in this browser`);
  }
  throw new Error(`No TF.js backend could start (${failures.join('; ')}).`);
}

/** A short description of the backend in use: WASM's SIMD and threads, WebGL's renderer. */
export async function describeBackend() {
  const name = tf.getBackend();
  if (name === 'wasm') {
    const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    const threads = tf.wasm.getThreadsCount ? tf.wasm.getThreadsCount() : 1;
    return `WebAssembly (${simd ? 'SIMD' : 'no SIMD'}, ${threads} thread${threads === 1 ? '' : 's'})`;
  }
  if (name === 'webgl') {
    let renderer = '';
    try {
      const gl = tf.backend().gpgpu.gl;
      const info = gl.getExtension('WEBGL_debug_renderer_info');
      renderer = gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER);
    } catch (e) {
      renderer = '';
    }
    const version = tf.env().getNumber('WEBGL_VERSION');
    if (/swiftshader/i.test(renderer)) renderer = 'SwiftShader, a software renderer: no GPU';
    return `WebGL ${version}${renderer ? ` (${renderer})` : ''}`;
  }
  return BACKEND_NAMES[name] || name;
}

const OUT_OF_MEMORY = [
  /out of memory/i,
  /\boom\b/i,
  /failed to allocate/i,
  /allocation failed/i,
  /array buffer allocation/i,
  /invalid typed array length/i,
  /invalid array length/i,
  /requested texture size .* greater than/i,
  /context lost/i,
  /context_lost/i,
  /cannot enlarge memory/i,
  /memory access out of bounds/i, // how the wasm backend fails when an allocation did not fit
];

/** True when an error from TF.js (or the browser under it) says memory ran out. */
export function isOutOfMemory(error) {
  const text = `${(error && error.name) || ''} ${(error && error.message) || error}`;
  return OUT_OF_MEMORY.some((pattern) => pattern.test(text));
}
