// Sockets between the original in Chromium and the C++ engine: negotiated
// and unnegotiated, every kind of frame both ways, custom events both ways,
// malformed frames, and a close from either side with data still in flight.
import { it, before } from 'node:test'
import assert from 'node:assert/strict'
import { conformance } from './lib/suite.js'
import { patternSha256, patternBase64, KiB } from './lib/expected.js'

const VALUES = ['hello', '', 'ünïcødé ✓ 漢字', 42, -3.5, true, false, [1, 'a', { b: null }], { nested: { a: [1, 2, 3] }, s: 'x' }]
const BINARY_SIZES = [1, 1000, 4096, 64 * KiB, 256 * KiB]

conformance('sockets', suite => {
  let pair
  before(async () => {
    pair = await suite.pair()
    await pair.cpp.call('listen_events', { names: ['greet', 'empty', 'nested', 'unicode', 'after-bad'] })
  })

  it('negotiated socket: both sides call socket(label)', async () => {
    await pair.socket('negotiated')
    await pair.cpp.call('write', { label: 'negotiated', json: 'ping' })
    assert.deepEqual(await pair.page.call('waitMessages', 'negotiated', 1), [{ kind: 'data', value: 'ping' }])
  })

  it('unnegotiated socket from the page arrives through on_socket', async () => {
    const label = await pair.page.call('openSocket', undefined)
    assert.match(label, /^RTCEngine-unnegotiated-socket_\d+$/)
    await pair.cpp.waitEvent(e => e.event === 'incoming-socket' && e.channel === label, { what: `incoming ${label}` })
    await pair.cpp.call('write', { label: 'in:' + label, json: 'back' })
    assert.deepEqual(await pair.page.call('waitMessages', label, 1), [{ kind: 'data', value: 'back' }])
  })

  it('unnegotiated socket from C++ arrives through sockets()', async () => {
    const before = (await pair.page.call('incomingSocketKeys')).length
    const { label } = await pair.cpp.call('socket', {})
    assert.equal(await pair.page.call('nextIncomingSocket', before), 'in:' + label)
    await pair.page.call('write', 'in:' + label, 'hi')
    await pair.cpp.waitEvent(e => e.event === 'data' && e.label === label && e.json === 'hi', { what: 'data' })
  })

  it('text, JSON and binary from C++ to the page, in order', async () => {
    await pair.socket('to-page')
    for (const value of VALUES) await pair.cpp.call('write', { label: 'to-page', json: value })
    for (const [i, size] of BINARY_SIZES.entries()) await pair.cpp.call('write_binary', { label: 'to-page', size, seed: i + 1 })
    const got = await pair.page.call('waitMessages', 'to-page', VALUES.length + BINARY_SIZES.length)
    assert.deepEqual(got.slice(0, VALUES.length), VALUES.map(value => ({ kind: 'data', value })))
    assert.deepEqual(got.slice(VALUES.length).map(m => [m.kind, m.size, m.sha256]),
      BINARY_SIZES.map((size, i) => ['binary', size, patternSha256(size, i + 1)]))
  })

  it('text, JSON and binary from the page to C++, in order', async () => {
    await pair.socket('to-cpp')
    const since = pair.cpp.mark()
    const values = [...VALUES, null]
    for (const value of values) await pair.page.call('write', 'to-cpp', value)
    for (const [i, size] of BINARY_SIZES.entries()) await pair.page.call('writeBinary', 'to-cpp', { size, seed: i + 1 })
    const got = await pair.cpp.waitEvents(e => (e.event === 'data' || e.event === 'binary') && e.label === 'to-cpp',
      values.length + BINARY_SIZES.length, { since, what: 'messages on to-cpp' })
    assert.deepEqual(got.slice(0, values.length).map(e => [e.event, e.json]), values.map(v => ['data', v]))
    assert.deepEqual(got.slice(values.length).map(e => [e.event, e.size, e.sha256]),
      BINARY_SIZES.map((size, i) => ['binary', size, patternSha256(size, i + 1)]))
    assert.equal(got[values.length + 1].base64, patternBase64(1000, 2), 'small binary arrives byte for byte')
  })

  it('custom events from the page to C++', async () => {
    await pair.socket('events-up')
    const since = pair.cpp.mark()
    await pair.page.call('writeEvent', 'events-up', 'greet', { who: 'page', n: [1, 2] })
    await pair.page.call('writeEvent', 'events-up', 'empty', undefined, true)
    await pair.page.call('writeEvent', 'events-up', 'nested', [1, { a: [2, { b: 'c' }] }])
    await pair.page.call('writeEvent', 'events-up', 'unicode', 'héllo ✓')
    const got = await pair.cpp.waitEvents(e => e.event === 'custom' && e.label === 'events-up', 4, { since, what: 'custom events' })
    assert.deepEqual(got.map(e => [e.name, e.payload]), [
      ['greet', { who: 'page', n: [1, 2] }],
      ['empty', null],
      ['nested', [1, { a: [2, { b: 'c' }] }]],
      ['unicode', 'héllo ✓']
    ])
  })

  it('custom events from C++ to the page', async () => {
    await pair.socket('events-down')
    await pair.cpp.call('write_event', { label: 'events-down', name: 'greet', payload: { who: 'cpp' } })
    await pair.cpp.call('write_event', { label: 'events-down', name: 'empty' })
    await pair.cpp.call('write_event', { label: 'events-down', name: 'nested', payload: [[[]], { x: 1.5 }] })
    await pair.cpp.call('write', { label: 'events-down', json: { _notAnEvent: true } })
    const got = await pair.page.call('waitMessages', 'events-down', 4)
    assert.deepEqual(got.map(m => m.kind === 'event' ? [m.kind, m.name, m.payload] : [m.kind, undefined, m.value]), [
      ['event', 'greet', { who: 'cpp' }],
      ['event', 'empty', null],
      ['event', 'nested', [[[]], { x: 1.5 }]],
      ['data', undefined, { _notAnEvent: true }]
    ])
  })

  it('malformed frames from the page: C++ reports each and keeps working', async () => {
    await pair.socket('bad')
    const since = pair.cpp.mark()
    const malformed = [
      '{not json',
      '',
      '"unterminated',
      '{"_channelEngineCustomEvent":true}',
      '{"_channelEngineCustomEvent":true,"event":42,"payload":1}'
    ]
    for (const frame of malformed) await pair.page.call('sendRaw', 'bad', frame)
    // Frames of the original's own shape but unexpected here must not break it either.
    await pair.page.call('sendRaw', 'bad', '{"_channelEngineCustomEvent":true,"event":"__received"}')
    await pair.page.call('sendRaw', 'bad', '{"_channelEngineCustomEvent":true,"event":"__transaction-ready","payload":"x"}')
    await pair.page.call('write', 'bad', 'still here')
    await pair.page.call('writeEvent', 'bad', 'after-bad', 7)
    const errors = await pair.cpp.waitEvents(e => e.event === 'socket-error' && e.label === 'bad', malformed.length,
      { since, what: 'errors for malformed frames' })
    for (const error of errors) assert.equal(error.error_type, 'ProtocolError')
    await pair.cpp.waitEvent(e => e.event === 'data' && e.label === 'bad' && e.json === 'still here', { since, what: 'the frame after' })
    await pair.cpp.waitEvent(e => e.event === 'custom' && e.label === 'bad' && e.payload === 7, { since, what: 'the event after' })
    await pair.cpp.call('write', { label: 'bad', json: 'and back' })
    assert.deepEqual(await pair.page.call('waitMessages', 'bad', 1), [{ kind: 'data', value: 'and back' }])
  })

  it('close() from C++ right after writing: every message arrives, then close', { timeout: 60000 }, async () => {
    await pair.socket('flight-down')
    const sent = await pair.cpp.call('stream', { label: 'flight-down', total: 15 * 200 * KiB, chunk: 200 * KiB, seed: 9, tail: 'tail', then: 'close_socket' })
    await pair.page.call('waitClosed', 'flight-down', 30000)
    const got = await pair.page.call('binarySummary', 'flight-down')
    assert.deepEqual({ messages: got.messages, bytes: got.bytes, sha256: got.sha256, texts: got.texts },
      { messages: 15, bytes: sent.bytes, sha256: patternSha256(15 * 200 * KiB, 9), texts: ['tail'] })
    await pair.cpp.waitEvent(e => e.event === 'close' && e.label === 'flight-down', { what: 'close on the C++ side' })
  })

  it('close() from the page right after writing: every message arrives, then close', { timeout: 60000 }, async () => {
    await pair.socket('flight-up')
    const since = pair.cpp.mark()
    await pair.page.call('stream', 'flight-up', { total: 15 * 200 * KiB, chunk: 200 * KiB, seed: 10, tail: 'tail', then: 'close_socket' })
    await pair.cpp.waitEvent(e => e.event === 'close' && e.label === 'flight-up', { since, timeoutMs: 30000, what: 'close' })
    const summary = await pair.cpp.call('socket_summary', { label: 'flight-up' })
    assert.deepEqual([summary.binary_messages, summary.binary_bytes, summary.sha256],
      [15, 15 * 200 * KiB, patternSha256(15 * 200 * KiB, 10)])
    const order = pair.cpp.eventsWhere(e => e.label === 'flight-up' && ['data', 'close'].includes(e.event), since)
    assert.deepEqual(order.map(e => e.event), ['data', 'close'], 'the tail arrives before close')
  })

  // Labels are not reused: the original's impolite side keeps a closed
  // channel under its label and would hand it out again.
  it('a socket closed by either side fires close on both; new sockets still open', async () => {
    await pair.socket('closed-by-page')
    await pair.page.call('closeSocket', 'closed-by-page')
    await pair.cpp.waitEvent(e => e.event === 'close' && e.label === 'closed-by-page', { what: 'close on C++' })
    await pair.page.call('waitClosed', 'closed-by-page')
    await pair.socket('closed-by-cpp')
    await pair.cpp.call('close_socket', { label: 'closed-by-cpp' })
    await pair.page.call('waitClosed', 'closed-by-cpp')
    await pair.cpp.waitEvent(e => e.event === 'close' && e.label === 'closed-by-cpp', { what: 'close on C++' })
    await pair.socket('after-closes')
    await pair.cpp.call('write', { label: 'after-closes', json: 'still fine' })
    assert.deepEqual(await pair.page.call('waitMessages', 'after-closes', 1), [{ kind: 'data', value: 'still fine' }])
  })

  suite.itSawNoExtensionEvents(() => pair?.page)
})
