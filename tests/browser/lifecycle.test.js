// The engine's life: close from either side with data in flight (every
// byte written before the close arrives, then both engines close), and a
// page reload (the browser peer restarts; C++ pairs with the new instance
// and new sockets work).
import { it } from 'node:test'
import assert from 'node:assert/strict'
import { conformance } from './lib/suite.js'
import { patternSha256, KiB } from './lib/expected.js'

const FLIGHT = { total: 15 * 200 * KiB, chunk: 200 * KiB }

conformance('engine lifecycle', suite => {
  it('C++ closes its engine right after writing: the page gets every byte, then closes too', { timeout: 60000 }, async () => {
    const pair = await suite.pair()
    try {
      await pair.socket('last-words')
      const sent = await pair.cpp.call('stream', { label: 'last-words', ...FLIGHT, seed: 21, tail: 'bye', then: 'close_engine' })
      await pair.page.call('waitClosed', 'last-words', 30000)
      const got = await pair.page.call('binarySummary', 'last-words')
      assert.deepEqual([got.messages, got.bytes, got.sha256, got.texts], [15, sent.bytes, patternSha256(FLIGHT.total, 21), ['bye']])
      await pair.page.call('waitEngineClosed', 20000)
      await pair.cpp.call('wait_state', { state: 'closed', timeout_ms: 10000 })
    } finally {
      await pair.close()
    }
  })

  it('the page closes its engine right after writing: C++ gets every byte, then closes too', { timeout: 60000 }, async () => {
    const pair = await suite.pair()
    try {
      await pair.socket('last-words')
      const since = pair.cpp.mark()
      await pair.page.call('stream', 'last-words', { ...FLIGHT, seed: 22, tail: 'bye', then: 'close_engine' })
      await pair.cpp.call('wait_state', { state: 'closed', timeout_ms: 20000 })
      await pair.cpp.waitEvent(e => e.event === 'close' && e.label === 'last-words', { since, what: 'socket close' })
      const summary = await pair.cpp.call('socket_summary', { label: 'last-words' })
      assert.deepEqual([summary.binary_messages, summary.binary_bytes, summary.sha256, summary.json_messages],
        [15, FLIGHT.total, patternSha256(FLIGHT.total, 22), 1])
    } finally {
      await pair.close()
    }
  })

  it('a page reload: C++ pairs with the new page and new sockets work both ways', { timeout: 90000 }, async () => {
    const pair = await suite.pair()
    try {
      await pair.socket('before')
      await pair.cpp.call('write', { label: 'before', json: 'one' })
      assert.deepEqual(await pair.page.call('waitMessages', 'before', 1), [{ kind: 'data', value: 'one' }])
      const since = pair.cpp.mark()
      await pair.page.reload()
      await pair.page.call('connect', pair.url, {})
      await pair.page.call('waitConnected', 30000)
      await pair.cpp.waitEvent(e => e.event === 'close' && e.label === 'before', { since, timeoutMs: 20000, what: 'the old socket closing' })
      await pair.cpp.call('wait_state', { state: 'connected', timeout_ms: 20000 })
      // A negotiated socket with a label used before the reload, and a new one.
      for (const label of ['before', 'after']) {
        await pair.socket(label)
        await pair.cpp.call('write', { label, json: `cpp ${label}` })
        await pair.page.call('write', label, `page ${label}`)
        assert.deepEqual(await pair.page.call('waitMessages', label, 1), [{ kind: 'data', value: `cpp ${label}` }])
        await pair.cpp.waitEvent(e => e.event === 'data' && e.label === label && e.json === `page ${label}`, { since, what: `data on ${label}` })
      }
      const fromPage = await pair.page.call('openSocket', undefined)
      await pair.cpp.waitEvent(e => e.event === 'incoming-socket' && e.channel === fromPage, { since, what: 'the page\'s new socket' })
      const { label: fromCpp } = await pair.cpp.call('socket', {})
      assert.equal(await pair.page.call('nextIncomingSocket', 0), 'in:' + fromCpp)
      assert.equal((await pair.cpp.call('info')).peer_generation, 1)
    } finally {
      await pair.close()
    }
  })

  suite.itSawNoExtensionEvents()
})
