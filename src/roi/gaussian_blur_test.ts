import assert from "node:assert/strict";
import { gaussianBlur } from "./gaussian_blur.ts";

function impulseResponse(sigma: number, size = 81) {
  const data = new Float32Array(size * size);
  const centre = (size >> 1) * size + (size >> 1);
  data[centre] = 1000;
  return { blurred: gaussianBlur({ rows: size, cols: size, data }, sigma), centre, size };
}

for (const sigma of [1, 2, 3.5, 8]) {
  Deno.test(`gaussianBlur σ=${sigma}: constant kept, mass kept, symmetric, variance ≈ σ²`, () => {
    const constant = gaussianBlur({ rows: 9, cols: 11, data: new Float32Array(99).fill(7) }, sigma);
    for (const value of constant.data) assert.ok(Math.abs(value - 7) < 1e-3);
    const { blurred, centre, size } = impulseResponse(sigma);
    const data = blurred.data;
    const mass = data.reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(mass - 1000) < 0.5, `mass ${mass}`);
    assert.ok(Math.abs(data[centre - 2] - data[centre + 2]) < 1e-3);
    assert.ok(Math.abs(data[centre - 2 * size] - data[centre + 2]) < 1e-3);
    // Variance along x of the response: the box approximation stays within 15% of σ.
    let variance = 0;
    for (let i = 0; i < data.length; i++) variance += data[i] * ((i % size) - (size >> 1)) ** 2;
    const measured = Math.sqrt(variance / mass);
    assert.ok(Math.abs(measured - sigma) / sigma < 0.15, `σ measured ${measured.toFixed(3)}`);
  });
}
