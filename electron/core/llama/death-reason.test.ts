import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../../test-support/helpers.js';
import { itRealLlama, startRealServer, tinyModel } from '../../../test-support/llama/real-llama.js';
import { classifyDeath } from './death-reason.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixture = (name: string): string[] => readFileSync(path.join(here, 'fixtures', name), 'utf8').split('\n');
const lines = (text: string): string[] => text.trim().split('\n').map((l) => l.trim());

describe('death reason, from logs of the server built here', () => {
  it.each([
    ['local-missing-model.log', 'model-missing', 'Model file not found: /nonexistent/model.gguf', "failed to open GGUF file '/nonexistent/model.gguf'"],
    ['local-truncated-header.log', 'model-corrupt', 'Model file is truncated or corrupt (failed to read key-value pairs)', 'gguf_init_from_reader: failed to read key-value pairs'],
    ['local-truncated-data.log', 'model-corrupt', "Model file is truncated or corrupt (tensor 'output.weight' lies beyond its end)", 'data is not within the file bounds'],
    ['local-bad-magic.log', 'model-corrupt', "Not a GGUF model file (it starts with '+IG?', not 'GGUF')", 'invalid magic characters'],
    ['local-unknown-arch.log', 'unsupported-arch', "Unsupported model architecture 'frobnitz' (this llama-server build does not know it)", "unknown model architecture: 'frobnitz'"],
    ['local-port-in-use.log', 'port-in-use', 'Could not listen on 127.0.0.1:18413 (the port is probably in use)', "couldn't bind HTTP server socket"],
    ['local-host-alloc-kv.log', 'host-oom', 'Out of system memory: CPU buffer of 244 MiB could not be allocated', 'alloc_tensor_range: failed to allocate CPU buffer'],
    ['local-host-alloc-compute.log', 'host-oom', 'Out of system memory: CPU buffer of 978 MiB could not be allocated', 'failed to allocate CPU buffer of size 1025257504'],
  ])('%s → %s', (file, kind, summary, line) => {
    const r = classifyDeath(fixture(file));
    expect(r).toMatchObject({ kind, summary });
    expect(r!.line).toContain(line);
  });

  it('finds nothing in a log that ended normally', () => {
    expect(classifyDeath(fixture('local-lv4.log'))).toBeNull();
    expect(classifyDeath(fixture('local-default.log'))).toBeNull();
    expect(classifyDeath([])).toBeNull();
  });
});

// Every GPU allocation failure llama.cpp's sources word (the test bed's version, grepped from ggml/src, src,
// common and tools/server) and the older wordings still in the field; the tails are in fixtures/gpu-oom-*.log.
describe('GPU out of memory: device and size, for every wording', () => {
  const GiB = 2 ** 30;
  const MiB = 2 ** 20;
  it.each([
    ['gpu-oom-cuda-weights.log', 'CUDA0', 31457280000, 'GPU out of memory: CUDA0 could not allocate 29.3 GiB'],
    ['gpu-oom-cuda-kv.log', 'CUDA1', 9 * GiB, 'GPU out of memory: CUDA1 could not allocate 9.0 GiB'],
    ['gpu-oom-cuda-compute.log', 'CUDA0', 4 * GiB, 'GPU out of memory: CUDA0 could not allocate 4.0 GiB'],
    ['gpu-oom-cuda-runtime.log', 'CUDA1', null, 'GPU out of memory (CUDA error while running)'],
    ['gpu-oom-rocm.log', 'ROCm0', 9437184000, 'GPU out of memory: ROCm0 could not allocate 8.8 GiB'],
    ['gpu-oom-rocm-malloc-only.log', 'ROCm0', 39120.55 * MiB, 'GPU out of memory: ROCm0 could not allocate 38.2 GiB'],
    ['gpu-oom-vulkan.log', 'Vulkan0', 4 * GiB, 'GPU out of memory: Vulkan0 could not allocate 4.0 GiB'],
    ['gpu-oom-vulkan-limit.log', 'Vulkan0', null, 'GPU out of memory (Vulkan: out of device memory)'],
    ['gpu-oom-metal.log', 'MTL0', 35433480192, 'GPU out of memory: MTL0 could not allocate 33.0 GiB'],
    ['gpu-oom-metal-old.log', 'Metal', 33074.89 * MiB, 'GPU out of memory: Metal could not allocate 32.3 GiB'],
    ['gpu-oom-sycl.log', 'SYCL0', 16 * GiB, 'GPU out of memory: SYCL0 could not allocate 16.0 GiB'],
    ['gpu-oom-cann.log', 'CANN0', 64 * GiB, 'GPU out of memory: CANN0 could not allocate 64.0 GiB'],
    ['gpu-oom-fit-abort.log', null, null, "GPU out of memory: llama.cpp's --fit could not fit the model into free device memory (n_gpu_layers already set by user to 99)"],
    ['gpu-oom-fit-abort-old.log', null, null, "GPU out of memory: llama.cpp's --fit could not fit the model into free device memory (model_params::tensor_split already set by user)"],
    ['gpu-oom-breakdown-old.log', 'CUDA0', null, 'GPU out of memory: the compute buffers could not be allocated'],
    ['gpu-oom-breakdown-new.log', 'CUDA0', null, 'GPU out of memory: the KV cache could not be allocated'],
  ])('%s → %s, %s bytes', (file, device, size, summary) => {
    const r = classifyDeath(fixture(file));
    expect(r).toMatchObject({ kind: 'gpu-oom', summary, gpu: { device, bytes: size === null ? null : Math.round(size) } });
  });

  it('a pinned host buffer (CUDA_Host) and a compute buffer on a CPU-only run are host memory, not a GPU', () => {
    expect(classifyDeath(['alloc_tensor_range: failed to allocate CUDA_Host buffer of size 1073741824'])).toMatchObject({ kind: 'host-oom', summary: 'Out of system memory: CUDA_Host buffer of 1.0 GiB could not be allocated' });
    expect(classifyDeath(['load_tensors:   CPU_Mapped model buffer size =   510.47 MiB', 'llama_init_from_model: failed to initialize the context: failed to allocate compute pp buffers'])).toMatchObject({
      kind: 'host-oom',
      summary: 'Host out of memory: the compute buffers could not be allocated',
    });
    expect(classifyDeath(['common_fit_params: failed to fit params to free device memory: was unable to fit model into system memory by reducing context, abort'])?.kind).toBe('host-oom');
  });
});

// Shapes of error lines from llama.cpp's source and from logs quoted in its issues (figures made up).
describe('death reason, upstream wordings', () => {
  it('CUDA out of memory while loading: names the device and the size from the buffer line', () => {
    const r = classifyDeath(lines(`
      load_tensors: loading model tensors, this can take a while... (mmap = true, direct_io = false)
      ggml_backend_cuda_buffer_type_alloc_buffer: allocating 30000.00 MiB on device 0: cudaMalloc failed: out of memory
      alloc_tensor_range: failed to allocate CUDA0 buffer of size 31457280000
      llama_model_load: error loading model: unable to allocate CUDA0 buffer
      llama_model_load_from_file_impl: failed to load model
      main: exiting due to model loading error`));
    expect(r).toMatchObject({ kind: 'gpu-oom', summary: "GPU out of memory: CUDA0 could not allocate 29.3 GiB", line: 'alloc_tensor_range: failed to allocate CUDA0 buffer of size 31457280000' });
  });

  it('CUDA out of memory while serving, after the server came up', () => {
    const r = classifyDeath(lines(`
      main: server is listening on http://127.0.0.1:9009 - starting the main loop
      slot launch_slot_: id  0 | task 0 | processing task
      CUDA error: out of memory
        current device: 2, in function ggml_cuda_pool_malloc_vmm at /llama.cpp/ggml/src/ggml-cuda/ggml-cuda.cu:390
        cuMemCreate(&handle, reserve_size, &prop, 0)
      /llama.cpp/ggml/src/ggml-cuda/ggml-cuda.cu:75: CUDA error`));
    expect(r).toMatchObject({ kind: 'gpu-oom', summary: 'GPU out of memory (CUDA error while running)', line: 'CUDA error: out of memory' });
  });

  it('ROCm: the HIP build words its malloc failure as CUDA but names the ROCm buffer', () => {
    const r = classifyDeath(lines(`
      ggml_backend_cuda_buffer_type_alloc_buffer: allocating 9000.00 MiB on device 0: cudaMalloc failed: out of memory
      ggml_gallocr_reserve_n: failed to allocate ROCm0 buffer of size 9437184000
      graph_reserve: failed to allocate compute buffers
      llama_init_from_model: failed to initialize the context: failed to allocate compute pp buffers`));
    expect(r).toMatchObject({ kind: 'gpu-oom', summary: 'GPU out of memory: ROCm0 could not allocate 8.8 GiB' });
    expect(classifyDeath(['ROCm error: out of memory'])).toMatchObject({ kind: 'gpu-oom', summary: 'GPU out of memory (ROCm error while running)' });
  });

  it('Vulkan: device memory allocation failed, ErrorOutOfDeviceMemory', () => {
    const r = classifyDeath(lines(`
      ggml_vulkan: Device memory allocation of size 200000000 failed.
      ggml_vulkan: vk::Device::allocateMemory: ErrorOutOfDeviceMemory
      double free or corruption (out)`));
    expect(r).toMatchObject({ kind: 'gpu-oom', summary: 'GPU out of memory: Vulkan could not allocate 191 MiB' });
    expect(classifyDeath(['terminate called after throwing an instance of vk::OutOfDeviceMemoryError', 'what():  vk::Device::allocateMemory: ErrorOutOfDeviceMemory'])).toMatchObject({ kind: 'gpu-oom' });
  });

  it('Metal: failed to allocate buffer at load, insufficient memory while running', () => {
    expect(classifyDeath(lines(`
      ggml_backend_metal_buffer_type_alloc_buffer: error: failed to allocate buffer, size = 20000.00 MiB
      ggml_gallocr_reserve_n: failed to allocate Metal buffer of size 20971520000`))).toMatchObject({ kind: 'gpu-oom', summary: 'GPU out of memory: Metal could not allocate 19.5 GiB' });
    expect(classifyDeath(lines(`
      ggml_metal_synchronize: error: command buffer 0 failed with status 5
      error: Insufficient Memory (00000008:kIOGPUCommandBufferCallbackErrorOutOfMemory)`))).toMatchObject({ kind: 'gpu-oom', summary: 'GPU out of memory (Metal: insufficient memory while running)' });
  });

  it('older missing-file wording, and a model that cannot be read', () => {
    expect(classifyDeath(["gguf_init_from_file: failed to open '/models/gone.gguf': 'No such file or directory'", 'llama_load_model_from_file: failed to load model'])).toMatchObject({ kind: 'model-missing', summary: 'Model file not found: /models/gone.gguf' });
    expect(classifyDeath(["gguf_init_from_file: failed to open GGUF file '/models/secret.gguf' (Permission denied)"])).toMatchObject({ kind: 'model-unreadable', summary: 'Model file cannot be read: /models/secret.gguf (permission denied)' });
  });

  it('older port wording', () => {
    expect(classifyDeath(['main: couldn\'t bind HTTP server socket, hostname: 0.0.0.0, port: 8080'])).toMatchObject({ kind: 'port-in-use', summary: 'Could not listen on 0.0.0.0:8080 (the port is probably in use)' });
  });

  it('ignores an allocation failure the server recovered from, and Vigil\'s own lines', () => {
    const tail = lines(`
      ggml_backend_cuda_buffer_type_alloc_buffer: allocating 51748.72 MiB on device 1: cudaMalloc failed: out of memory
      ggml_gallocr_reserve_n_impl: failed to allocate CUDA1 buffer of size 54262464512
      sched_reserve: compute buffer allocation failed, retrying without pipeline parallelism
      srv  llama_server: model loaded
      srv  llama_server: listening on http://127.0.0.1:8080
      [vigil] 2026-01-01T00:00:00.000Z couldn't bind HTTP server socket, hostname: x, port: 1`);
    expect(classifyDeath(tail)).toBeNull();
  });

  it('prefers the most telling reason over what follows from it', () => {
    // A missing file also fails the load; the missing file is the reason.
    expect(classifyDeath(lines(`
      gguf_init_from_file: failed to open GGUF file '/m.gguf' (No such file or directory)
      llama_model_load: error loading model: llama_model_loader: failed to load model from /m.gguf
      srv  llama_server: exiting due to model loading error`))?.kind).toBe('model-missing');
  });
});

describe('death reason, from the real server dying here', () => {
  const tmp = tempDir('vigil-llama-death-');
  afterAll(() => tmp.cleanup());

  // llama-server logs through a worker thread of a logger it never destroys, so what is still
  // queued when it exits is lost: often its last line, now and then (on a busy machine) all of
  // it. A run whose log holds no error line at all is such a loss, not a verdict: run it again.
  async function deathOf(args: string[], name: string, port?: number): Promise<ReturnType<typeof classifyDeath>> {
    for (let attempt = 1; ; attempt++) {
      const log = path.join(tmp.dir, `${name}-${attempt}.log`);
      const s = await startRealServer(args, log, { waitReady: false, port });
      const [code] = await s.exited;
      expect(code, s.log()).toBe(1);
      const text = s.log();
      if (/ E /.test(text) || attempt === 3) {
        const reason = classifyDeath(text.split('\n'));
        if (!reason) console.warn(`no death reason in ${log}:\n${text.slice(-3000)}`);
        return reason;
      }
      console.warn(`llama-server exited without writing its error (attempt ${attempt}); running it again`);
    }
  }

  itRealLlama('a missing model file', async () => {
    expect(await deathOf(['-m', path.join(tmp.dir, 'nowhere.gguf')], 'missing')).toMatchObject({ kind: 'model-missing', summary: `Model file not found: ${path.join(tmp.dir, 'nowhere.gguf')}` });
  }, 180_000);

  itRealLlama('a corrupt model file (random bytes, then a truncated model)', async () => {
    const junk = path.join(tmp.dir, 'junk.gguf');
    writeFileSync(junk, Buffer.from('not a gguf file at all, just text'));
    expect(await deathOf(['-m', junk], 'junk')).toMatchObject({ kind: 'model-corrupt' });
    const cut = path.join(tmp.dir, 'cut.gguf');
    writeFileSync(cut, readFileSync(await tinyModel()).subarray(0, 4_000_000));
    expect(await deathOf(['-m', cut], 'cut')).toMatchObject({ kind: 'model-corrupt', summary: expect.stringMatching(/truncated or corrupt/) });
  }, 180_000);

  itRealLlama('a model of an architecture this build does not know', async () => {
    expect(await deathOf(['-m', await tinyModel('frobnitz')], 'arch')).toMatchObject({ kind: 'unsupported-arch', summary: expect.stringContaining("'frobnitz'") });
  }, 180_000);

  itRealLlama('a port another process listens on', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    try {
      expect(await deathOf(['-m', await tinyModel()], 'port', port)).toMatchObject({ kind: 'port-in-use', summary: `Could not listen on 127.0.0.1:${port} (the port is probably in use)` });
    } finally {
      blocker.close();
    }
  }, 180_000);
});
