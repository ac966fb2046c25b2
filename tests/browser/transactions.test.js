// Transactions both ways between the original in Chromium and the C++
// engine: sized and unsized, negotiated and unnegotiated, metadata exactly
// as written, pause/resume from each end, cancel by the reader, abort/stop
// with a reason by the writer.
import { it, before } from 'node:test'
import assert from 'node:assert/strict'
import { conformance } from './lib/suite.js'
import { patternSha256, MiB } from './lib/expected.js'

const SIZE = 3 * MiB
// Large enough that pausing and stopping happen mid-transfer.
const LONG = 40 * MiB
const MARK = 1 * MiB

let counter = 0
const fresh = prefix => `${prefix}-${++counter}`

conformance('transactions', suite => {
  let pair, cpp, page
  before(async () => {
    pair = await suite.pair()
    cpp = pair.cpp
    page = pair.page
  })

  // C++ writer, page reader: returns what the page read.
  async function cppToPage ({ label = fresh('down'), metadata, total, seed = 1, send = {}, read = {} }) {
    const [opened, readable] = await Promise.all([
      cpp.call('writable', { key: label, label, metadata }),
      page.call('openReadable', label, label)
    ])
    await page.call('read', label, read)
    const sending = cpp.request('writer_send', { key: label, total, seed, ...send }, 120000)
    return { key: label, opened, readable, sending }
  }

  async function pageToCpp ({ label = fresh('up'), metadata, total, seed = 1, send = {}, read = {} }) {
    // The page's writable completes only once the C++ reader chose its sink.
    const [written, readable] = await Promise.all([
      page.call('openWritable', label, label, metadata),
      cpp.call('readable', { key: label, label }).then(async opened => {
        await cpp.call('read', { key: label, ...read })
        return opened
      })
    ])
    const sending = page.call('send', label, { total, seed, ...send })
    return { key: label, written, readable, sending }
  }

  it('sized, C++ to the page: metadata exactly as written, every byte', async () => {
    const metadata = { name: 'photo.jpg', size: SIZE, tags: ['a', { b: [1, 2] }], note: null }
    const t = await cppToPage({ metadata, total: SIZE, seed: 3 })
    assert.equal((await t.sending).ok, true)
    await cpp.call('writer_wait', { key: t.key, timeout_ms: 30000 })
    const got = await page.call('waitFinished', t.key)
    assert.deepEqual([got.error, got.bytes, got.sha256], [null, SIZE, patternSha256(SIZE, 3)])
    await page.call('waitSocketClosed', t.key)
    assert.deepEqual(t.readable.metadata, metadata, 'the page sees the metadata as C++ wrote it, nothing added')
    assert.deepEqual(t.opened.metadata, metadata, 'Writable::metadata() is what the user gave')
  })

  it('sized, page to C++: metadata exactly as written, every byte', async () => {
    const metadata = { name: 'notes.txt', size: SIZE, nested: { deep: [true, 1.5, 'x'] } }
    const t = await pageToCpp({ metadata, total: SIZE, seed: 4 })
    assert.deepEqual(await t.sending, { written: SIZE })
    const got = await cpp.call('reader_wait', { key: t.key, timeout_ms: 30000 })
    assert.deepEqual([got.state, got.bytes, got.sha256], ['done', SIZE, patternSha256(SIZE, 4)])
    await page.call('waitSocketClosed', t.key)
    assert.deepEqual(t.readable.metadata, metadata, 'C++ sees the metadata as the page wrote it')
    assert.deepEqual(got.metadata, metadata)
  })

  it('unnegotiated, C++ to the page (readables())', async () => {
    const metadata = { name: 'u1.bin', size: SIZE }
    await cpp.call('writable', { key: 'unneg-down', metadata })
    const incoming = await page.call('nextIncomingTransaction', 0)
    assert.deepEqual([incoming.metadata.name, incoming.metadata.size], [metadata.name, metadata.size])
    await page.call('read', incoming.key, {})
    await cpp.call('writer_send', { key: 'unneg-down', total: SIZE, seed: 5 })
    const got = await page.call('waitFinished', incoming.key)
    assert.deepEqual([got.error, got.bytes, got.sha256], [null, SIZE, patternSha256(SIZE, 5)])
    await cpp.call('writer_wait', { key: 'unneg-down', timeout_ms: 30000 })
  })

  it('unnegotiated, page to C++ (on_readable)', async () => {
    const metadata = { name: 'u2.bin', size: SIZE }
    const since = cpp.mark()
    const opening = page.call('openWritable', 'unneg-up', undefined, metadata)
    const incoming = await cpp.waitEvent(e => e.event === 'incoming-readable', { since, what: 'incoming readable' })
    assert.deepEqual([incoming.metadata.name, incoming.metadata.size], [metadata.name, metadata.size])
    await cpp.call('read', { key: incoming.key })
    await opening
    await page.call('send', 'unneg-up', { total: SIZE, seed: 6 })
    const got = await cpp.call('reader_wait', { key: incoming.key, timeout_ms: 30000 })
    assert.deepEqual([got.state, got.bytes, got.sha256], ['done', SIZE, patternSha256(SIZE, 6)])
  })

  it('unsized, C++ to the page: every byte arrives before the socket closes', async () => {
    const metadata = { name: 'stream.log' }
    const t = await cppToPage({ metadata, total: SIZE, seed: 7 })
    assert.equal(t.readable.metadata.size, undefined)
    assert.equal((await t.sending).ok, true)
    await cpp.call('writer_wait', { key: t.key, timeout_ms: 30000 })
    const got = await page.call('waitFinished', t.key)
    // The original's reader has no end but the close, which it reports as
    // an error; what matters is that everything arrived first.
    assert.deepEqual([got.bytes, got.sha256], [SIZE, patternSha256(SIZE, 7)])
  })

  it('unsized, page to C++: the page ends it by closing the socket', async () => {
    const metadata = { name: 'stream.bin' }
    const t = await pageToCpp({ metadata, total: SIZE, seed: 8, send: { closeSocket: true } })
    assert.equal(t.readable.metadata.size, undefined)
    assert.deepEqual(await t.sending, { written: SIZE })
    const got = await cpp.call('reader_wait', { key: t.key, timeout_ms: 30000 })
    assert.deepEqual([got.state, got.bytes, got.sha256], ['done', SIZE, patternSha256(SIZE, 8)])
  })

  it('pause and resume by the C++ writer', async () => {
    const t = await cppToPage({ metadata: { name: 'p1', size: LONG }, total: LONG, seed: 11, send: { pause_at: MARK } })
    await cpp.waitEvent(e => e.event === 'writer-paused' && e.key === t.key, { what: 'writer paused' })
    await page.call('waitPaused', t.key)
    await cpp.call('writer_control', { key: t.key, action: 'resume' })
    assert.equal((await t.sending).ok, true)
    const got = await page.call('waitFinished', t.key)
    assert.deepEqual([got.error, got.bytes, got.sha256, got.paused], [null, LONG, patternSha256(LONG, 11), false])
  })

  it('pause and resume by the page reader', async () => {
    const since = cpp.mark()
    const t = await cppToPage({ metadata: { name: 'p2', size: LONG }, total: LONG, seed: 12, read: { pauseAt: MARK } })
    await cpp.waitEvent(e => e.event === 'writer-state' && e.key === t.key && e.state === 'paused', { since, what: 'C++ writer paused by the page' })
    await page.call('resume', t.key)
    assert.equal((await t.sending).ok, true)
    const got = await page.call('waitFinished', t.key)
    assert.deepEqual([got.error, got.bytes, got.sha256], [null, LONG, patternSha256(LONG, 12)])
    await cpp.call('writer_wait', { key: t.key, timeout_ms: 30000 })
  })

  it('pause and resume by the page writer', async () => {
    const since = cpp.mark()
    const t = await pageToCpp({ metadata: { name: 'p3', size: LONG }, total: LONG, seed: 13, send: { pauseAt: MARK } })
    await cpp.waitEvent(e => e.event === 'reader-state' && e.key === t.key && e.state === 'paused', { since, what: 'C++ reader paused by the page' })
    await page.call('resume', t.key)
    assert.deepEqual(await t.sending, { written: LONG })
    const got = await cpp.call('reader_wait', { key: t.key, timeout_ms: 60000 })
    assert.deepEqual([got.state, got.bytes, got.sha256], ['done', LONG, patternSha256(LONG, 13)])
  })

  it('pause and resume by the C++ reader', async () => {
    const t = await pageToCpp({ metadata: { name: 'p4', size: LONG }, total: LONG, seed: 14, read: { pause_at: MARK } })
    await cpp.waitEvent(e => e.event === 'reader-paused' && e.key === t.key, { what: 'C++ reader paused' })
    await page.call('waitPaused', t.key)
    await cpp.call('reader_control', { key: t.key, action: 'resume' })
    assert.deepEqual(await t.sending, { written: LONG })
    const got = await cpp.call('reader_wait', { key: t.key, timeout_ms: 60000 })
    assert.deepEqual([got.state, got.bytes, got.sha256], ['done', LONG, patternSha256(LONG, 14)])
  })

  it('cancel by the page reader: C++ writer fails with the reason and closes the socket', async () => {
    const reason = 'the page does not want it'
    const t = await cppToPage({ metadata: { name: 'c1', size: LONG }, total: LONG, seed: 15, read: { cancelAt: MARK, reason } })
    await t.sending
    const wait = await cpp.request('writer_wait', { key: t.key, timeout_ms: 20000 })
    assert.equal(wait.ok, false)
    assert.equal(wait.error_type, 'TransferStoppedError')
    assert.ok(wait.error.includes(reason), `C++ writer error carries the reason: ${wait.error}`)
    // rtc-engine's writer closes the channel after a cancel; so must ours.
    await page.call('waitSocketClosed', t.key, 10000)
  })

  it('cancel by the C++ reader: the page writer fails with the reason', async () => {
    const reason = 'C++ does not want it'
    const t = await pageToCpp({ metadata: { name: 'c2', size: LONG }, total: LONG, seed: 16, read: { stop_at: MARK, reason } })
    const sent = await t.sending
    assert.ok(sent.error?.includes(reason), `page writer error carries the reason: ${JSON.stringify(sent)}`)
    const wait = await cpp.request('reader_wait', { key: t.key, timeout_ms: 20000 })
    assert.equal(wait.ok, false)
    assert.equal(wait.error_type, 'TransferStoppedError')
    await page.call('waitSocketClosed', t.key, 10000)
  })

  it('stop(reason) by the C++ writer: the page reader fails with that reason', async () => {
    const reason = 'the sender gave up'
    const t = await cppToPage({ metadata: { name: 's1', size: LONG }, total: LONG, seed: 17, send: { stop_at: MARK, reason } })
    assert.equal((await t.sending).stopped, true)
    const got = await page.call('waitFinished', t.key, 20000)
    assert.ok(got.error?.includes(reason), `page reader error carries the reason: ${got.error}`)
    // The original's reader closes the socket after an abort.
    await page.call('waitSocketClosed', t.key, 10000)
    const wait = await cpp.request('writer_wait', { key: t.key, timeout_ms: 20000 })
    assert.equal(wait.ok, false)
  })

  it('abort(reason) by the page writer: the C++ reader fails with that reason and closes', async () => {
    const reason = 'the page gave up'
    const t = await pageToCpp({ metadata: { name: 's2', size: LONG }, total: LONG, seed: 18, send: { abortAt: MARK, reason } })
    const sent = await t.sending
    assert.equal(sent.aborted, true)
    const wait = await cpp.request('reader_wait', { key: t.key, timeout_ms: 20000 })
    assert.equal(wait.ok, false)
    assert.equal(wait.error_type, 'TransferStoppedError')
    assert.ok(wait.error.includes(reason), `C++ reader error carries the reason: ${wait.error}`)
    await page.call('waitSocketClosed', t.key, 10000)
  })

  suite.itSawNoExtensionEvents(() => page)
})
