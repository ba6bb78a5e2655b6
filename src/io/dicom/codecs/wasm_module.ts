/**
 * Create each Emscripten codec module once per process, silenced (they print to stdout otherwise).
 * @module
 */

// deno-lint-ignore no-explicit-any
type EmscriptenFactory = (moduleOverrides: Record<string, unknown>) => Promise<any>;

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
