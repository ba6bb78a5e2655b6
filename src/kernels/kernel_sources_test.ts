import assert from "node:assert/strict";
import { assembleWat, kernelModuleSource, KERNELS } from "../../scripts/build_wasm.ts";

Deno.test("each generated kernel module holds the bytes of its .wat source (run `deno task wasm` if not)", async () => {
  for (const kernel of KERNELS) {
    const bytes = await assembleWat(await Deno.readTextFile(kernel.wat), kernel.wat);
    assert.equal(
      await Deno.readTextFile(kernel.module),
      kernelModuleSource(bytes, kernel.wat),
      kernel.module,
    );
  }
});
