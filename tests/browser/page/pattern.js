// Deterministic test content, byte for byte the same as
// tests/programs/script_peer/pattern.hpp: byte p of stream `seed` is byte
// (p % 4), little end first, of a hashed 32-bit word p / 4. The page, the
// Node driver and the C++ peer each generate or check any range with it.

export function patternWord (wordIndex, seed) {
  let x = (Math.imul(wordIndex, 0x9E3779B1) + Math.imul(seed, 0x85EBCA77) + 0x165667B1) >>> 0
  x ^= x >>> 16
  x = Math.imul(x, 0x7FEB352D) >>> 0
  x ^= x >>> 15
  x = Math.imul(x, 0x846CA68B) >>> 0
  x ^= x >>> 16
  return x >>> 0
}

// Fills `bytes` (a Uint8Array) with bytes [offset, offset + length) of `seed`.
export function fillPattern (bytes, offset, seed) {
  let word = 0
  for (let i = 0; i < bytes.length; i++) {
    const position = offset + i
    if (i === 0 || position % 4 === 0) word = patternWord(Math.floor(position / 4), seed)
    bytes[i] = (word >>> (8 * (position % 4))) & 0xff
  }
  return bytes
}

export function patternBytes (offset, size, seed) {
  return fillPattern(new Uint8Array(size), offset, seed)
}
