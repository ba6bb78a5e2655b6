/**
 * Create each Emscripten codec module once per process, silenced (they print to stdout otherwise).
 * @module
 */

/** An Emscripten module factory (the default export of a cornerstone codec build). */
// deno-lint-ignore no-explicit-any
export type EmscriptenFactory = (moduleOverrides: Record<string, unknown>) => Promise<any>;

// deno-lint-ignore no-explicit-any
const modules = new Map<EmscriptenFactory, Promise<any>>();

/**
 * The shared instance of an Emscripten module. Each factory call gets its own overrides object:
 * Emscripten writes its exports into that object, so sharing one would mix modules up.
 *
 * @example
 * ```ts
 * const openjpeg = await wasmModule(openjpegFactory);
 * const decoder = new openjpeg.J2KDecoder();
 * ```
 */
// deno-lint-ignore no-explicit-any
export function wasmModule(factory: EmscriptenFactory): Promise<any> {
  let instance = modules.get(factory);
  if (!instance) {
    instance = factory({ print: () => {}, printErr: () => {} });
    instance.catch(() => modules.delete(factory));
    modules.set(factory, instance);
  }
  return instance;
}

/**
 * Run `use` on the shared instance of an Emscripten module, dropping that instance when `use` throws so
 * that the next call builds a fresh one. A C++ exception or a trap that unwinds out of the module leaves
 * it as it was mid-call (the exception object never freed, the stack pointer not restored): after eight
 * JPEG 2000 streams that OpenJPEG rejected, it failed on sound streams too ("memory access out of bounds",
 * "parameter 0 has unknown type"), and the reasons then blamed files that were fine.
 *
 * @example
 * ```ts
 * const info = await withWasmModule(openjpegFactory, (openjpeg) => {
 *   const decoder = new openjpeg.J2KDecoder();
 *   try {
 *     decoder.getEncodedBuffer(stream.length).set(stream);
 *     decoder.decode();
 *     return decoder.getFrameInfo();
 *   } finally {
 *     decoder.delete();
 *   }
 * });
 * ```
 */
export async function withWasmModule<T>(
  factory: EmscriptenFactory,
  // deno-lint-ignore no-explicit-any
  use: (module: any) => T | Promise<T>,
): Promise<T> {
  const instance = wasmModule(factory);
  const module = await instance;
  try {
    return await use(module);
  } catch (error) {
    // Only this instance: a fresh one made meanwhile by another call stays.
    if (modules.get(factory) === instance) modules.delete(factory);
    throw error;
  }
}
