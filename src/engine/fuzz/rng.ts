// A small seeded random source (sfc32) so every mutation sequence is reproducible from -seed.

/** Random source injected into mutators and schedulers; tests pass a fixed seed. */
export interface Rng {
  /** Uniform 32-bit unsigned integer. */
  next(): number;
  /** Uniform integer in [0, n); n must be > 0. */
  below(n: number): number;
  /** True with probability 1/n. */
  oneIn(n: number): boolean;
}

/** sfc32 seeded through splitmix32, so nearby seeds give unrelated streams. */
export function createRng(seed: number): Rng {
  let s = seed >>> 0;
  const split = (): number => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = split();
  let b = split();
  let c = split();
  let d = split();
  const next = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t;
  };
  for (let i = 0; i < 12; i++) next();
  return {
    next,
    below: (n: number) => Math.floor((next() / 0x100000000) * n),
    oneIn: (n: number) => Math.floor((next() / 0x100000000) * n) === 0,
  };
}
