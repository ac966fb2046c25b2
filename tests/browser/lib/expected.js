// What should arrive: SHA-256 of the shared test pattern (page/pattern.js,
// the same bytes the C++ peer and the page generate).
import { createHash } from 'node:crypto'
import { fillPattern } from '../page/pattern.js'

export function patternSha256 (total, seed = 1, offset = 0) {
  const hash = createHash('sha256')
  const block = new Uint8Array(1 << 20)
  for (let done = 0; done < total; done += block.length) {
    const size = Math.min(block.length, total - done)
    hash.update(fillPattern(size === block.length ? block : new Uint8Array(size), offset + done, seed))
  }
  return hash.digest('hex')
}

export function patternBase64 (size, seed = 1, offset = 0) {
  return Buffer.from(fillPattern(new Uint8Array(size), offset, seed)).toString('base64')
}

export const KiB = 1024
export const MiB = 1024 * 1024
