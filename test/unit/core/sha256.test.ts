import { createHash } from 'node:crypto';
import { sha256, sha256Hex, utf8Encode } from '../../../src/core/sha256';

const nodeHex = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');

describe('sha256Hex', () => {
  it.each([
    ['', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    [
      'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq',
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    ],
    [
      'abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu',
      'cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1',
    ],
    ['The quick brown fox jumps over the lazy dog', 'd7a8fbb307d7809469ca9abcb0082e4f8d5651e46d3cdb762d02d0bf37c9e592'],
  ])('matches the published vector for %j', (input, expected) => {
    expect(sha256Hex(input)).toBe(expected);
  });

  it('matches the published vector for one million "a"', () => {
    expect(sha256Hex('a'.repeat(1_000_000))).toBe('cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0');
  });

  it('agrees with node:crypto at every padding boundary (lengths 0..200)', () => {
    for (let length = 0; length <= 200; length++) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 31 + length) & 0xff);
      expect(sha256Hex(bytes)).toBe(nodeHex(bytes));
    }
  });

  it('hashes strings as UTF-8, like node:crypto', () => {
    for (const text of ['é', 'Grüße, Zoë', '日本語のグループ', 'emoji 🙂👍🏽', 'A → B → A']) {
      expect(sha256Hex(text)).toBe(nodeHex(text));
    }
  });

  it('returns 32 raw bytes from sha256()', () => {
    const digest = sha256('abc');
    expect(digest).toHaveLength(32);
    expect(Buffer.from(digest).toString('hex')).toBe(sha256Hex('abc'));
  });
});

describe('utf8Encode', () => {
  it.each(['', 'ascii', 'ñ', '€', '😀', 'mixed ✓ text 🙂 done'])('encodes %j like Buffer.from', (text) => {
    expect(Buffer.from(utf8Encode(text)).equals(Buffer.from(text, 'utf8'))).toBe(true);
  });

  it('replaces lone surrogates with U+FFFD, as TextEncoder does', () => {
    for (const text of ['\ud800', 'a\udc00b', '\ud83d']) {
      expect(Array.from(utf8Encode(text))).toEqual(Array.from(new TextEncoder().encode(text)));
    }
  });
});
