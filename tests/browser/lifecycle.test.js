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

  // The original's close() is RTCPeerConnection.close(), which drops what
  // its channels still buffer; an application of the original waits for
  // bufferedAmount 0 first, and from then on every byte must arrive.
  it('the page closes its engine once its buffer drained: C++ gets every byte, then closes too', { timeout: 60000 }, async () => {
    const pair = await suite.pair()
    try {
      await pair.socket('last-words')
      const since = pair.cpp.mark()
      await pair.page.call('stream', 'last-words', { ...FLIGHT, seed: 22, tail: 'bye', then: 'close_engine_drained' })
      await pair.cpp.call('wait_state', { state: 'closed', timeout_ms: 20000 })
      await pair.cpp.waitEvent(e => e.event === 'close' && e.label === 'last-words', { since, what: 'socket close' })
      const summary = await pair.cpp.call('socket_summary', { label: 'last-words' })
      assert.deepEqual([summary.binary_messages, summary.binary_bytes, summary.sha256, summary.json_messages],
        [15, FLIGHT.total, patternSha256(FLIGHT.total, 22), 1])
    } finally {
      await pair.close()
    }
  })

  // After the restart: old sockets closed on C++, a reused negotiated
  // label, a new one and unnegotiated sockets both ways work.
  async function newSocketsWork (pair, since) {
    await pair.cpp.waitEvent(e => e.event === 'close' && e.label === 'before', { since, timeoutMs: 20000, what: 'the old socket closing' })
    await pair.cpp.call('wait_state', { state: 'connected', timeout_ms: 20000 })
    const after = pair.cpp.mark()
    for (const label of ['before', 'after']) {
      await pair.socket(label)
      await pair.cpp.call('write', { label, json: `cpp ${label}` })
      await pair.page.call('write', label, `page ${label}`)
      assert.deepEqual(await pair.page.call('waitMessages', label, 1), [{ kind: 'data', value: `cpp ${label}` }])
      await pair.cpp.waitEvent(e => e.event === 'data' && e.label === label && e.json === `page ${label}`, { since: after, what: `data on ${label}` })
    }
    const fromPage = await pair.page.call('openSocket', undefined)
    await pair.cpp.waitEvent(e => e.event === 'incoming-socket' && e.channel === fromPage, { since: after, what: 'the page\'s new socket' })
    const { label: fromCpp } = await pair.cpp.call('socket', {})
    assert.equal(await pair.page.call('nextIncomingSocket', 0), 'in:' + fromCpp)
  }

  async function pairWithSocket () {
    const pair = await suite.pair()
    await pair.socket('before')
    await pair.cpp.call('write', { label: 'before', json: 'one' })
    assert.deepEqual(await pair.page.call('waitMessages', 'before', 1), [{ kind: 'data', value: 'one' }])
    return pair
  }

  // The renderer dies without closing anything: for C++ the peer restarted,
  // and the same engine pairs with the new instance.
  it('the page crashes and a new page takes its place: the same C++ engine pairs with it', { timeout: 90000 }, async () => {
    const pair = await pairWithSocket()
    try {
      const since = pair.cpp.mark()
      await pair.page.crash()
      pair.page = await suite.browser.newPage()
      await pair.page.call('connect', pair.url, {})
      await pair.page.call('waitConnected', 30000)
      await newSocketsWork(pair, since)
      assert.equal((await pair.cpp.call('info')).peer_generation, 1)
    } finally {
      await pair.close()
    }
  })

  // A reload unloads the page: the original's peer connection and channels
  // close as on its close(), which the wire cannot tell apart. The C++ side
  // must end up paired with the reloaded page either way: its engine stays
  // and pairs (a peer restart), or it closed like on close() and a new
  // engine in the same room pairs. Which one happened is printed.
  it('a page reload: C++ pairs with the reloaded page and new sockets work', { timeout: 90000 }, async () => {
    const pair = await pairWithSocket()
    try {
      const since = pair.cpp.mark()
      await pair.page.reload()
      await pair.page.call('connect', pair.url, {})
      const closed = pair.cpp.waitEvent(e => e.event === 'state' && e.state === 'closed', { since, timeoutMs: 30000 })
        .then(() => 'closed', () => 'not closed')
      let outcome = await Promise.race([pair.page.call('waitConnected', 30000).then(() => 'connected'), closed])
      if (outcome === 'closed') {
        await pair.cpp.call('engine', { url: pair.url })
        await pair.waitConnected()
        await pair.socket('before')
        await pair.cpp.call('write', { label: 'before', json: 'new engine' })
        assert.deepEqual(await pair.page.call('waitMessages', 'before', 1), [{ kind: 'data', value: 'new engine' }])
      } else {
        await newSocketsWork(pair, since)
        outcome = `paired with the reloaded page, peer_generation ${(await pair.cpp.call('info')).peer_generation}`
      }
      console.log(`# page reload: the C++ engine ${outcome === 'closed' ? 'closed as on close(); a new engine paired' : outcome}`)
    } finally {
      await pair.close()
    }
  })

  suite.itSawNoExtensionEvents()
})
