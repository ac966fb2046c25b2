// Sockets of the page: open them, write every kind of frame, keep a log of
// what arrived (data, binary, custom events, close) for the driver to read.
import { session, engine } from './session.js'
import { Condition, withTimeout, sha256Hex, concat, toBase64, fromBase64 } from './util.js'
import { patternBytes } from './pattern.js'
import { channelHistory } from './instrumentation.js'

export function adoptSocket (key, socket) {
  channelHistory(socket.dataChannel) // starts counting its sends now
  const record = { key, socket, log: [], binary: [], binaryBytes: 0, closed: false, changed: new Condition() }
  socket.on('*', (type, payload) => {
    if (type === 'data' && payload instanceof ArrayBuffer) {
      record.binary.push(payload)
      record.binaryBytes += payload.byteLength
      record.log.push({ kind: 'binary', index: record.binary.length - 1 })
    } else if (type === 'data') {
      record.log.push({ kind: 'data', value: payload })
    } else if (type === 'close') {
      record.closed = true
      record.log.push({ kind: 'close' })
    } else if (!type.startsWith('__')) {
      record.log.push({ kind: 'event', name: type, hasPayload: payload !== undefined, payload: payload ?? null })
    }
    record.changed.notify()
  })
  session.sockets.set(key, record)
  return record
}

function record (key) {
  const found = session.sockets.get(key)
  if (!found) throw new Error(`no socket ${key}`)
  return found
}

// Opens a negotiated socket (label) or an unnegotiated one (no label);
// returns its key.
export async function openSocket (label, ms = 20000) {
  const socket = await withTimeout(engine().socket(label), ms, `socket ${label ?? '(unnegotiated)'}`)
  const key = label ?? socket.label
  adoptSocket(key, socket)
  return key
}

export function write (key, value) {
  return record(key).socket.write(value)
}

// { base64 } or { size, seed, offset } of the shared pattern.
export function writeBinary (key, spec) {
  const bytes = spec.base64 !== undefined ? fromBase64(spec.base64) : patternBytes(spec.offset ?? 0, spec.size, spec.seed ?? 1)
  return record(key).socket.write(bytes.buffer)
}

export function writeEvent (key, name, payload, withoutPayload = false) {
  const socket = record(key).socket
  return withoutPayload ? socket.writeEvent(name) : socket.writeEvent(name, payload)
}

// A frame as is, straight on the data channel (for malformed frames).
export function sendRaw (key, text) {
  record(key).socket.dataChannel.send(text)
}

// `total` pattern bytes in binary messages of `chunk`, an optional JSON
// tail, then close the socket or the engine at once. 'close_engine_drained'
// first waits until the channel's bufferedAmount is 0: the original's
// close() is RTCPeerConnection.close(), which drops whatever the channel
// still buffers, so that is all an application of the original can do.
export async function stream (key, { total, chunk = 65536, seed = 1, tail, then }) {
  const socket = record(key).socket
  let messages = 0
  for (let offset = 0; offset < total; offset += chunk) {
    await socket.write(patternBytes(offset, Math.min(chunk, total - offset), seed).buffer)
    messages++
  }
  if (tail !== undefined) await socket.write(tail)
  if (then === 'close_socket') socket.close()
  if (then === 'close_engine_drained' && socket.dataChannel.bufferedAmount > 0) {
    socket.dataChannel.bufferedAmountLowThreshold = 0
    await new Promise(resolve => socket.dataChannel.addEventListener('bufferedamountlow', resolve, { once: true }))
  }
  if (then === 'close_engine' || then === 'close_engine_drained') engine().close()
  return { messages, bufferedAmount: socket.dataChannel.bufferedAmount }
}

export function closeSocket (key) {
  record(key).socket.close()
}

export function isOpen (key) {
  return record(key).socket.dataChannel.readyState === 'open'
}

// The log, binary messages as size and SHA-256 (and base64 when small).
export async function messages (key) {
  const found = record(key)
  const out = []
  for (const entry of found.log) {
    if (entry.kind !== 'binary') {
      out.push(entry)
      continue
    }
    const buffer = found.binary[entry.index]
    const summary = { kind: 'binary', size: buffer.byteLength, sha256: await sha256Hex(buffer) }
    if (buffer.byteLength <= 4096) summary.base64 = toBase64(buffer)
    out.push(summary)
  }
  return out
}

export function waitMessages (key, count, ms = 20000) {
  const found = record(key)
  return found.changed.wait(() => found.log.filter(e => e.kind !== 'close').length >= count, ms,
    `${count} messages on ${key}`).then(() => messages(key))
}

export function waitClosed (key, ms = 20000) {
  const found = record(key)
  return found.changed.wait(() => found.closed, ms, `close of ${key}`)
}

// Everything binary that arrived, in order, as one SHA-256.
export async function binarySummary (key) {
  const found = record(key)
  const all = concat(found.binary, found.binaryBytes)
  return {
    messages: found.binary.length,
    bytes: found.binaryBytes,
    sha256: await sha256Hex(all),
    closed: found.closed,
    texts: found.log.filter(e => e.kind === 'data').map(e => e.value)
  }
}

// Frees what a socket kept (after a large transfer).
export function forget (key) {
  session.sockets.delete(key)
}
