/**
 * ffmpeg.wasm (npm:@ffmpeg/core, single-threaded build) loaded directly as an emscripten module: the
 * last-resort ffmpeg when neither a system binary nor @ffmpeg-installer's static binary is usable.
 *
 * We skip @ffmpeg/ffmpeg's Worker wrapper: its package entry resolves to an empty stub under Deno
 * ("does not support nodejs"), and going without it lets output stream straight into JS through an
 * emscripten device instead of piling up in the in-memory file system.
 *
 * Limits: `exec` runs synchronously and blocks the calling thread; inputs live in JS memory (the
 * in-memory file system); ffmpeg's own working memory is the wasm32 heap, at most 2 GiB.
 * The core is GPL-2.0-or-later (built with libx264/x265).
 * @module
 */

/** One ffmpeg.wasm run: the exit code and what ffmpeg printed. */
export interface FfmpegWasmRun {
  /** ffmpeg's exit code; 0 is success. */
  exitCode: number;
  /** stderr lines, without emscripten's trailing "Aborted()" (how the core ends every run). */
  stderr: string[];
  /** stdout lines (e.g. `-encoders` listings). */
  stdout: string[];
  /** True when the run hit the wasm heap ceiling (allocation failures or the heap at its 2 GiB maximum). */
  outOfMemory: boolean;
}

/** A fresh ffmpeg.wasm instance with its own in-memory file system; drop it after use. */
export interface FfmpegWasm {
  /** Put a file into the in-memory file system (absolute name, e.g. "/in.mp4"). */
  writeFile(name: string, data: Uint8Array): void;
  /** Read a whole file back from the in-memory file system. */
  readFile(name: string): Uint8Array;
  /** Remove a file from the in-memory file system (frees its memory). */
  removeFile(name: string): void;
  /**
   * A write-only device at `name`: each write ffmpeg makes is copied out and handed to `sink`.
   * An error thrown by `sink` aborts the run and propagates out of {@link FfmpegWasm.exec}.
   */
  createSink(name: string, sink: (chunk: Uint8Array) => void): void;
  /** A read-only device at `name` serving `source` front to back without copying it into the file system. */
  createSource(name: string, source: Uint8Array): void;
  /**
   * Run ffmpeg (after the core's implicit `-nostdin -y`). Synchronous. After an exception (e.g. from
   * a sink) the instance must not be used again.
   */
  exec(args: string[]): FfmpegWasmRun;
}

/** The parts of the emscripten module and its FS that we use (the package ships no types). */
interface EmscriptenStream {
  position: number;
}
interface DeviceOps {
  open?(stream: EmscriptenStream): void;
  close?(stream: EmscriptenStream): void;
  read?(
    stream: EmscriptenStream,
    buffer: Uint8Array,
    offset: number,
    length: number,
    position: number,
  ): number;
  write?(
    stream: EmscriptenStream,
    buffer: Uint8Array,
    offset: number,
    length: number,
    position: number,
  ): number;
}
interface EmscriptenFs {
  writeFile(name: string, data: Uint8Array): void;
  readFile(name: string): Uint8Array;
  unlink(name: string): void;
  makedev(major: number, minor: number): number;
  registerDevice(device: number, ops: DeviceOps): void;
  mkdev(name: string, mode: number, device: number): void;
}
interface FfmpegCoreModule {
  FS: EmscriptenFs;
  HEAPU8: Uint8Array;
  exec(...args: string[]): number;
  reset(): void;
  setLogger(logger: (entry: { type: string; message: string }) => void): void;
}
type CoreFactory = (options: Record<string, unknown>) => Promise<FfmpegCoreModule>;

/** The heap limit the core was built with (emscripten getHeapMax). */
const WASM_HEAP_MAX = 2 ** 31;
const ALLOCATION_FAILURE = /Cannot allocate memory|out of memory|\bOOM\b|Cannot enlarge memory/i;

let loading: Promise<{ factory: CoreFactory; wasmModule: WebAssembly.Module }> | undefined;

/** Import the core's JS and compile its 32 MB wasm once per thread (about 0.6 s). */
function loadCore(): Promise<{ factory: CoreFactory; wasmModule: WebAssembly.Module }> {
  loading ??= (async () => {
    const coreUrl = import.meta.resolve("@ffmpeg/core");
    const [core, wasmBytes] = await Promise.all([
      import("@ffmpeg/core"),
      Deno.readFile(new URL("ffmpeg-core.wasm", coreUrl)),
    ]);
    return { factory: core.default as CoreFactory, wasmModule: await WebAssembly.compile(wasmBytes) };
  })();
  loading.catch(() => loading = undefined);
  return loading;
}

/**
 * True when npm:@ffmpeg/core is installed and its wasm compiles here.
 *
 * @example
 * ```ts
 * if (await ffmpegWasmAvailable()) console.log("ffmpeg.wasm fallback ready");
 * ```
 */
export async function ffmpegWasmAvailable(): Promise<boolean> {
  try {
    await loadCore();
    return true;
  } catch {
    return false;
  }
}

/** The core is built for a Worker and reads `self.location.href` once while starting; Deno's main thread has none. */
function instantiateWithLocation(factory: CoreFactory, options: Record<string, unknown>) {
  const descriptor = Object.getOwnPropertyDescriptor(globalThis, "location");
  const hasLocation = (globalThis as { location?: unknown }).location !== undefined;
  if (!hasLocation) {
    Object.defineProperty(globalThis, "location", {
      value: { href: import.meta.resolve("@ffmpeg/core") },
      configurable: true,
      writable: true,
    });
  }
  try {
    return factory(options); // the location is read synchronously inside this call
  } finally {
    if (!hasLocation) {
      if (descriptor) Object.defineProperty(globalThis, "location", descriptor);
      else delete (globalThis as { location?: unknown }).location;
    }
  }
}

let nextDeviceMinor = 0;

/**
 * A new ffmpeg.wasm instance (about 0.1 s once the wasm is compiled). Throws when npm:@ffmpeg/core
 * is missing.
 *
 * @example
 * ```ts
 * const ffmpeg = await createFfmpegWasm();
 * ffmpeg.writeFile("/in.mp4", Deno.readFileSync("clip.mp4"));
 * const chunks: Uint8Array[] = [];
 * ffmpeg.createSink("/out.raw", (chunk) => chunks.push(chunk));
 * ffmpeg.exec(["-i", "/in.mp4", "-f", "rawvideo", "-pix_fmt", "rgb24", "/out.raw"]).exitCode; // 0
 * ```
 */
export async function createFfmpegWasm(): Promise<FfmpegWasm> {
  const { factory, wasmModule } = await loadCore();
  const core = await instantiateWithLocation(factory, {
    instantiateWasm(imports: WebAssembly.Imports, done: (instance: WebAssembly.Instance) => void) {
      WebAssembly.instantiate(wasmModule, imports).then(done);
      return {};
    },
  });
  let stderr: string[] = [];
  let stdout: string[] = [];
  core.setLogger(({ type, message }) => (type === "stdout" ? stdout : stderr).push(message));
  const fs = core.FS;
  const register = (name: string, ops: DeviceOps) => {
    const device = fs.makedev(64, nextDeviceMinor++ % 256);
    fs.registerDevice(device, ops);
    fs.mkdev(name, 0o666, device);
  };
  return {
    writeFile: (name, data) => fs.writeFile(name, data),
    readFile: (name) => fs.readFile(name),
    removeFile: (name) => fs.unlink(name),
    createSink(name, sink) {
      register(name, {
        write(_stream, buffer, offset, length) {
          sink(buffer.slice(offset, offset + length));
          return length;
        },
      });
    },
    createSource(name, source) {
      let served = 0;
      register(name, {
        read(_stream, buffer, offset, length) {
          const count = Math.min(length, source.length - served);
          buffer.set(source.subarray(served, served + count), offset);
          served += count;
          return count;
        },
      });
    },
    exec(args) {
      stderr = [];
      stdout = [];
      const exitCode = core.exec(...args);
      core.reset();
      const lines = stderr.filter((line) => !/^Aborted\(\)$/.test(line.trim()));
      const outOfMemory = lines.some((line) => ALLOCATION_FAILURE.test(line)) ||
        core.HEAPU8.length >= WASM_HEAP_MAX - 64 * 1024 ** 2;
      return { exitCode, stderr: lines, stdout, outOfMemory };
    },
  };
}
