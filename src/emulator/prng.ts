/**
 * Small seeded pseudo-random generator for the emulator's org generator and fault sampling.
 *
 * sfc32 (128-bit state) seeded through splitmix32: unlike mulberry32, whose 32-bit counter makes every seed an
 * offset into one shared cycle, separate streams derived from one seed do not overlap in practice. `Math.random`
 * is never used, so a seed always yields the same org.
 */

function splitmix32(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** FNV-1a, used to derive independent streams (`users`, `groups`, ...) from one numeric seed. */
function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  }
  return h >>> 0;
}

/** Deterministic random source; every method draws from the same sfc32 stream. */
export class Prng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /**
   * @param seed any integer; different seeds give unrelated streams
   * @param stream a label giving an independent stream for the same seed (e.g. `'users'`)
   */
  constructor(seed: number, stream = '') {
    const next = splitmix32((seed ^ hashString(stream)) >>> 0);
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next() | 1;
    // Discard the first outputs: sfc32 mixes poorly right after seeding.
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** Next unsigned 32-bit integer. */
  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform float in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  /** Picks by relative weight; `weights` is parallel to `items`. Prefer {@link weightedPicker} in hot loops. */
  weighted<T>(items: readonly T[], weights: readonly number[]): T {
    return weightedPicker(items, weights)(this);
  }

  /** Up to `count` distinct elements, in the source order. */
  sample<T>(items: readonly T[], count: number): T[] {
    if (count >= items.length) return [...items];
    const chosen = new Uint8Array(items.length);
    for (let picked = 0; picked < count;) {
      const i = this.int(items.length);
      if (chosen[i] === 0) {
        chosen[i] = 1;
        picked++;
      }
    }
    const out: T[] = [];
    for (let i = 0; i < items.length; i++) if (chosen[i] === 1) out.push(items[i]);
    return out;
  }

  /**
   * A version-4-shaped UUID (Genesys ids are UUIDs), built from four draws. Written into a byte buffer and decoded
   * once so the result is one flat string: concatenation would leave a rope of ~20 pieces per id, which costs
   * memory and GC time across 200,000 users.
   */
  uuid(): string {
    const out = UUID_SCRATCH;
    let pos = 0;
    for (let w = 0; w < 4; w++) {
      let word = this.nextUint32();
      if (w === 1) word = (word & 0xffff0fff) | 0x00004000; // version 4
      if (w === 2) word = (word & 0x3fffffff) | 0x80000000; // RFC 4122 variant
      for (let nibble = 7; nibble >= 0; nibble--) {
        if (pos === 8 || pos === 13 || pos === 18 || pos === 23) out[pos++] = 0x2d;
        out[pos++] = HEX_CODES[(word >>> (nibble * 4)) & 0xf];
      }
    }
    return out.toString('latin1', 0, 36);
  }
}

const HEX_CODES = Buffer.from('0123456789abcdef', 'latin1');
const UUID_SCRATCH = Buffer.alloc(36);

/**
 * A picker that draws `items` by relative weight; the cumulative table is built once, not on every draw.
 */
export function weightedPicker<T>(items: readonly T[], weights: readonly number[]): (prng: Prng) => T {
  const cumulative: number[] = [];
  let total = 0;
  for (const w of weights) cumulative.push((total += w));
  return (prng) => {
    const r = prng.next() * total;
    for (let i = 0; i < cumulative.length; i++) if (r < cumulative[i]) return items[i];
    return items[items.length - 1];
  };
}
