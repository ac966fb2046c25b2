// Small helpers of the page: timeouts, a condition to wait on, hashing.

export function withTimeout (promise, ms, what) {
  let timer
  const timeout = new Promise((resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no result within ${ms} ms`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

// Something to wait on until a predicate over some state holds.
export class Condition {
  constructor () {
    this.waiters = new Set()
  }

  notify () {
    for (const waiter of [...this.waiters]) waiter()
  }

  wait (predicate, ms, what) {
    if (predicate()) return Promise.resolve()
    let waiter
    const met = new Promise(resolve => {
      waiter = () => {
        if (!predicate()) return
        this.waiters.delete(waiter)
        resolve()
      }
      this.waiters.add(waiter)
    })
    return withTimeout(met, ms, what).finally(() => this.waiters.delete(waiter))
  }
}

export async function sha256Hex (bytes) {
  const digest = await crypto.subtle.digest('SHA-256', bytes)
  return [...new Uint8Array(digest)].map(b => b.toString(16).padStart(2, '0')).join('')
}

export function concat (buffers, totalBytes) {
  const all = new Uint8Array(totalBytes)
  let offset = 0
  for (const buffer of buffers) {
    all.set(new Uint8Array(buffer), offset)
    offset += buffer.byteLength
  }
  return all
}

export function toBase64 (buffer) {
  let text = ''
  for (const byte of new Uint8Array(buffer)) text += String.fromCharCode(byte)
  return btoa(text)
}

export function fromBase64 (text) {
  return Uint8Array.from(atob(text), c => c.charCodeAt(0))
}

export function errorText (error) {
  if (error instanceof Error) return error.message
  return String(error)
}
