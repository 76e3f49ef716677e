// Runs a TF.js graph model from disk in Node with pure @tensorflow/tfjs (no tfjs-node binary).
//
//   node run_graph_model.mjs JOB.json
//
// JOB.json: {"model": ".../model.json", "backend": "wasm" | "cpu", "repeat": 5,
//            "inputs": [{"path": "in0.bin", "shape": [1, 64, 64, 3]}, ...],
//            (or, for a model with several inputs, {"tensors": {"content": {"path": ..., "shape":
//            ...}, "style": {...}, "alpha": {"path": ..., "shape": []}}})
//            "outputs_dir": "...", "result": ".../result.json"}
// Inputs and outputs are raw little-endian float32 files. The result JSON lists the output
// files and shapes, the backend actually used, the load time and the latency of the first input
// (median of `repeat` runs after one warm-up run).
//
// The npm packages are found in $TF_IMGTRANS_NODE_MODULES, else in the repository's
// web_demo/node_modules (this file lives in tf_imgtrans/export/js/).
import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const nodeModules =
  process.env.TF_IMGTRANS_NODE_MODULES ||
  path.resolve(here, '..', '..', '..', 'web_demo', 'node_modules');
// ES module imports resolve from this file's folder, not from nodeModules: require from there.
const require = createRequire(path.join(nodeModules, 'package-resolver.js'));
const tf = require('@tensorflow/tfjs');
const wasm = require('@tensorflow/tfjs-backend-wasm');

// Pure tfjs has no file:// loader: an IOHandler that reads model.json and its weight shards.
function fileHandler(modelJsonPath) {
  const dir = path.dirname(modelJsonPath);
  return {
    load: async () => {
      const modelJson = JSON.parse(await readFile(modelJsonPath, 'utf8'));
      return tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
        const specs = [];
        const shards = [];
        for (const group of manifest) {
          for (const shard of group.paths) shards.push(await readFile(path.join(dir, shard)));
          specs.push(...group.weights);
        }
        const all = Buffer.concat(shards);
        return [specs, all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength)];
      });
    },
  };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function readFloat32(file) {
  const bytes = await readFile(file);
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
}

async function main() {
  const job = JSON.parse(await readFile(process.argv[2], 'utf8'));
  const backend = job.backend || 'wasm';
  if (backend === 'wasm') {
    wasm.setWasmPaths(path.join(nodeModules, '@tensorflow', 'tfjs-backend-wasm', 'dist') + path.sep);
    // One thread, SIMD: what the browser demo gets without cross-origin isolation.
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  }
  if (!(await tf.setBackend(backend))) throw new Error(`TF.js backend ${backend} failed to start`);
  await tf.ready();

  let start = performance.now();
  const model = await tf.loadGraphModel(fileHandler(job.model));
  const loadMs = performance.now() - start;

  const outputs = [];
  const times = [];
  const readTensor = async (spec) => tf.tensor(await readFloat32(spec.path), spec.shape, 'float32');
  for (const [i, input] of job.inputs.entries()) {
    let x;
    if (input.tensors) {
      x = {};
      for (const [name, spec] of Object.entries(input.tensors)) x[name] = await readTensor(spec);
    } else {
      x = await readTensor(input);
    }
    const runs = i === 0 ? 1 + (job.repeat || 0) : 1;
    let data;
    let shape;
    for (let r = 0; r < runs; r++) {
      start = performance.now();
      const y = model.execute(x);
      data = await y.data();
      if (r > 0 || runs === 1) times.push(performance.now() - start);
      shape = y.shape;
      y.dispose();
    }
    tf.dispose(x);
    const out = path.join(job.outputs_dir, `out${i}.bin`);
    await writeFile(out, Buffer.from(data.buffer, data.byteOffset, data.byteLength));
    outputs.push({ path: out, shape });
  }
  const firstRuns = job.repeat ? times.slice(0, job.repeat) : times.slice(0, 1);
  const result = {
    tfjs_version: tf.version.tfjs,
    backend: tf.getBackend(),
    node_version: process.version,
    load_ms: loadMs,
    latency_ms: { median: median(firstRuns), min: Math.min(...firstRuns), runs: firstRuns.length },
    outputs,
  };
  await writeFile(job.result, JSON.stringify(result, null, 1));
}

main().catch((e) => {
  console.error(`run_graph_model: ${e && e.stack ? e.stack : e}`);
  process.exit(1);
});
