// Transactions of the page through the original's API: writable/readable
// (negotiated or not), streams written and read as a user would, pause,
// resume, cancel and abort from either end, and what each end saw.
import { wait } from '/peers/rtc-engine-1.0.0-beta.2/js/util/ObservableEntry.js'
import { session, engine } from './session.js'
import { Condition, withTimeout, sha256Hex, concat, errorText } from './util.js'
import { patternBytes } from './pattern.js'

function adopt (key, transaction, role) {
  const record = {
    key,
    role,
    transaction,
    writer: null,
    chunks: [],
    bytes: 0,
    finished: false,
    error: null,
    socketClosed: false,
    pausedSeen: false,
    changed: new Condition()
  }
  transaction.socket.dataChannel.addEventListener('close', () => {
    record.socketClosed = true
    record.changed.notify()
  })
  wait(transaction.paused).toBe(true).then(() => {
    record.pausedSeen = true
    record.changed.notify()
  })
  session.transactions.set(key, record)
  return record
}

export function adoptIncomingTransaction (key, transaction) {
  adopt(key, transaction, 'reader')
}

function record (key) {
  const found = session.transactions.get(key)
  if (!found) throw new Error(`no transaction ${key}`)
  return found
}

// label undefined: unnegotiated (the original then takes metadata as the
// first argument's fallback, as its API says).
export async function openWritable (key, label, metadata, ms = 20000) {
  const transaction = await withTimeout(engine().writable(label, metadata), ms, `writable ${key}`)
  adopt(key, transaction, 'writer')
  return { label: transaction.label, metadata: transaction.metadata }
}

export async function openReadable (key, label, ms = 20000) {
  const transaction = await withTimeout(engine().readable(label), ms, `readable ${key}`)
  adopt(key, transaction, 'reader')
  return { label: transaction.label, metadata: transaction.metadata }
}

export function nextIncomingTransaction (index, ms = 20000) {
  return session.changed.wait(() => session.incomingTransactions.length > index, ms, `incoming transaction #${index}`)
    .then(() => {
      const key = session.incomingTransactions[index]
      return { key, metadata: record(key).transaction.metadata }
    })
}

// Writes `total` pattern bytes through the writable stream, as a user would
// pipe a file. pauseAt: call pause() once that many bytes were written;
// abortAt: abort the stream with `reason` there; close: close the stream at
// the end; closeSocket: then close the socket (the only way an unsized
// transaction of the original ends).
export async function send (key, { total, seed = 1, chunk = 65536, pauseAt, abortAt, reason, close = true, closeSocket = false }) {
  const found = record(key)
  found.writer = found.transaction.stream.getWriter()
  let written = 0
  try {
    for (let offset = 0; offset < total; offset += chunk) {
      if (abortAt !== undefined && offset >= abortAt) {
        await found.writer.abort(reason)
        return { written, aborted: true }
      }
      if (pauseAt !== undefined && offset >= pauseAt && !found.pausedByUs) {
        found.pausedByUs = true
        found.transaction.pause()
      }
      await found.writer.write(patternBytes(offset, Math.min(chunk, total - offset), seed))
      written += Math.min(chunk, total - offset)
    }
    if (close) await found.writer.close()
    if (closeSocket) found.transaction.socket.close()
    return { written }
  } catch (error) {
    found.error = errorText(error)
    return { written, error: found.error }
  } finally {
    found.finished = true
    found.changed.notify()
  }
}

// Reads the stream in the background. pauseAt: pause() after that many
// bytes; cancelAt: cancel the stream with `reason` there.
export function read (key, { pauseAt, cancelAt, reason } = {}) {
  const found = record(key)
  const reader = found.transaction.stream.getReader()
  found.reader = reader
  const loop = async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read()
        if (done) break
        found.chunks.push(value)
        found.bytes += value.byteLength
        found.changed.notify()
        if (pauseAt !== undefined && found.bytes >= pauseAt && !found.pausedByUs) {
          found.pausedByUs = true
          found.transaction.pause()
        }
        if (cancelAt !== undefined && found.bytes >= cancelAt) {
          await reader.cancel(reason)
          found.cancelled = true
          break
        }
      }
    } catch (error) {
      found.error = errorText(error)
    }
    found.finished = true
    found.changed.notify()
  }
  loop()
}

export function pause (key) {
  record(key).transaction.pause()
}

export function resume (key) {
  record(key).transaction.resume()
}

export function waitBytes (key, bytes, ms = 20000) {
  const found = record(key)
  return found.changed.wait(() => found.bytes >= bytes || found.finished, ms, `${bytes} bytes on ${key}`)
}

export function waitPaused (key, ms = 20000) {
  const found = record(key)
  return found.changed.wait(() => found.pausedSeen, ms, `pause of ${key}`)
}

export async function waitFinished (key, ms = 60000) {
  const found = record(key)
  await found.changed.wait(() => found.finished, ms, `end of ${key}`)
  return result(key)
}

export function waitSocketClosed (key, ms = 20000) {
  const found = record(key)
  return found.changed.wait(() => found.socketClosed, ms, `close of the socket of ${key}`)
}

export async function result (key) {
  const found = record(key)
  const t = found.transaction
  const out = {
    role: found.role,
    label: t.label,
    metadata: t.metadata,
    finished: found.finished,
    error: found.error,
    cancelled: !!found.cancelled,
    done: t.done.get(),
    paused: t.paused.get(),
    processed: t.processed.get(),
    socketClosed: found.socketClosed
  }
  if (found.role === 'reader') {
    out.bytes = found.bytes
    out.sha256 = await sha256Hex(concat(found.chunks, found.bytes))
  }
  return out
}

export function forget (key) {
  session.transactions.delete(key)
}
