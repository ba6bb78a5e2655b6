/**
 * The WebAssembly instance of one kernel module, created on first use and grown as frames need.
 * @module
 */
import { Buffer } from "node:buffer";

const PAGE_BYTES = 65536;

/**
 * A function giving the module's instance (one per worker) with at least `bytes` of linear memory.
 * Growing detaches the old memory buffer, so callers take their views after calling it.
 *
 * @example
 * ```ts
 * const kernelsWith = kernelInstance<{ memory: WebAssembly.Memory }>(WASM_BASE64);
 * const memory = new Uint8Array(kernelsWith(1 << 20).memory.buffer);
 * ```
 */
export function kernelInstance<T extends { memory: WebAssembly.Memory }>(
  base64: string,
): (bytes: number) => T {
  let kernels: T | null = null;
  return (bytes) => {
    kernels ??= new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(base64, "base64")), {})
      .exports as unknown as T;
    const missing = bytes - kernels.memory.buffer.byteLength;
    if (missing > 0) kernels.memory.grow(Math.ceil(missing / PAGE_BYTES));
    return kernels;
  };
}
