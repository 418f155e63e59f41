/** The shared upload budget, on a clock the test moves: what waits, and for how long. */
import { expect, test } from "bun:test";
import { UploadRate } from "../src/http/upload-rate.ts";

/** A rate whose waits are recorded, not slept; time passes only when the test says so. */
function rated(bytesPerSecond: number) {
  let now = 0;
  const waits: number[] = [];
  const rate = new UploadRate(bytesPerSecond, {
    clock: () => now,
    sleep: async (milliseconds) => waits.push(milliseconds),
  });
  return { rate, waits, pass: (milliseconds: number) => (now += milliseconds) };
}

test("a second's worth passes at once; past it each chunk waits until the budget has refilled", async () => {
  const { rate, waits, pass } = rated(1000);
  await rate.take(1000);
  expect(waits).toEqual([]);
  await rate.take(500);
  expect(waits).toEqual([500]);
  pass(500);
  await rate.take(250);
  expect(waits).toEqual([500, 250]);
  pass(10_000);
  // Idle time refills the budget, but never past a second's worth.
  await rate.take(1000);
  await rate.take(100);
  expect(waits).toEqual([500, 250, 100]);
});

test("every upload draws on the same budget", async () => {
  const { rate, waits } = rated(1000);
  await Promise.all([rate.take(600), rate.take(600), rate.take(600)]);
  expect(waits).toEqual([200, 800]);
});

test("a rate of 0 lets everything through", async () => {
  const { rate, waits } = rated(0);
  await rate.take(10 ** 9);
  expect(waits).toEqual([]);
});
