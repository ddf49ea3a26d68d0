/**
 * Seeded randomness for tests that pick random moments (the kill -9 tests): the
 * seed is printed, and `VM_SYSTEM_TEST_SEED=<seed>` replays the same choices.
 */
export interface SeededRandom {
  seed: number;
  /** In [0, 1), like Math.random. */
  next(): number;
}

/** mulberry32: small, fast, good enough to spread kill moments. */
export function seededRandom(seed = Number(process.env.VM_SYSTEM_TEST_SEED) || (Date.now() % 2 ** 31)): SeededRandom {
  let a = seed >>> 0;
  return {
    seed,
    next() {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
  };
}
