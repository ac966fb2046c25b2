// Glare: both sides open 10 sockets at once (5 negotiated labels both call,
// 5 unnegotiated each), for many rounds: at the start of a connection,
// before the first negotiation settled, and on a live connection. Every
// socket must open and carry a message each way; a refused or colliding
// channel must never leave a socket hanging.
import { it } from 'node:test'
import assert from 'node:assert/strict'
import { conformance } from './lib/suite.js'
import { envNumber } from './lib/env.js'
import { ScriptPeer } from './lib/script_peer.js'

const ROUNDS = envNumber('RTCENGINE_BROWSER_GLARE_ROUNDS', 50)
const NEGOTIATED = 5
const UNNEGOTIATED = 5
const OPEN_MS = 15000
const MAX_CHROMIUM_DROPS = 3

function failures (results, side) {
  return results.filter(r => r.error || r.status === 'rejected').map(r => `${side}: ${r.error ?? r.reason?.message}`)
}

// What each side opened and received this round, for a failure message.
async function roundState (cpp, page, since, cppResults, pageResults) {
  const incomingCpp = cpp.eventsWhere(e => e.event === 'incoming-socket', since).map(e => e.channel)
  return `C++ opened ${JSON.stringify(cppResults.map(r => r.key ?? 'FAILED'))}, received ${JSON.stringify(incomingCpp)}; ` +
    `page opened ${JSON.stringify(pageResults.map(r => r.key ?? 'FAILED'))}, received ${JSON.stringify(await page.call('incomingSocketKeys'))}; ` +
    `page channels ${JSON.stringify(await page.call('channelReport'))}`
}

// Opens on the C++ side: every request sent before any reply.
function cppOpenMany (cpp, labels, count) {
  return Promise.allSettled([
    ...labels.map(label => cpp.call('socket', { label, timeout_ms: OPEN_MS })),
    ...Array.from({ length: count }, () => cpp.call('socket', { timeout_ms: OPEN_MS }))
  ]).then(results => results.map(r => r.status === 'fulfilled' ? { key: r.value.label } : { error: r.reason.message }))
}

// One message each way on every socket of the round.
async function exchange (cpp, page, { cppKeys, pageKeys, generation, since, round }) {
  await Promise.all(cppKeys.map(key => cpp.call('write', { label: key, json: { round, from: 'cpp' } })))
  await Promise.all(pageKeys.map(key => page.call('write', key, { round, from: 'page' })))
  const arrived = await Promise.allSettled(pageKeys.map(key => page.call('waitMessages', key, 1, OPEN_MS)))
  const lost = pageKeys.filter((key, i) => arrived[i].status === 'rejected')
  assert.deepEqual(lost, [], `round ${round}: the page got nothing on these sockets`)
  for (const [i, result] of arrived.entries()) {
    assert.deepEqual(result.value, [{ kind: 'data', value: { round, from: 'cpp' } }], `round ${round}, ${pageKeys[i]}`)
  }
  const got = await cpp.waitEvents(e => e.event === 'data' && e.engine === generation && e.json?.round === round,
    cppKeys.length, { since, timeoutMs: OPEN_MS, what: `round ${round} messages on C++` }).catch(error => {
    const seen = new Set(cpp.eventsWhere(e => e.event === 'data' && e.json?.round === round, since).map(e => e.label))
    throw new Error(`${error.message}; nothing arrived on ${cppKeys.filter(k => !seen.has(k)).join(', ')}`)
  })
  assert.deepEqual(new Set(got.map(e => e.label)), new Set(cppKeys))
}

// One round at the start: a fresh engine on each side, 10 sockets each at
// once. Returns 'chromium-dropped' when it failed only because Chromium
// dropped one of the page's messages (see the case below).
async function startRound (suite, cpp, page, round) {
  const url = suite.signal.roomUrl('glare-start')
  const labels = Array.from({ length: NEGOTIATED }, (_, i) => `g-${i}`)
  const since = cpp.mark()
  const { engine: generation } = await cpp.call('engine', { url })
  const [cppResults, pageResults] = await Promise.all([
    cppOpenMany(cpp, labels, UNNEGOTIATED),
    page.call('connectAndOpen', url, {}, labels, UNNEGOTIATED, OPEN_MS)
  ])
  const failed = [...failures(cppResults, 'C++'), ...failures(pageResults, 'page')]
  if (failed.length > 0) {
    const dropped = (await page.call('channelReport')).filter(c => c.droppedByChromium)
    const onlyCppWaits = failures(pageResults, 'page').length === 0 && failures(cppResults, 'C++').length <= dropped.length
    if (dropped.length > 0 && onlyCppWaits) {
      console.log(`# round ${round}: Chromium dropped the page's message on ${dropped.map(c => `${c.key}#${c.id}`).join(', ')} ` +
        `(send() ${dropped.map(c => c.sends).join('/')}, sent ${dropped.map(c => c.sent).join('/')}); playing the round again`)
      return 'chromium-dropped'
    }
  }
  assert.deepEqual(failed, [],
    `round ${round}: sockets that did not open; ${await roundState(cpp, page, since, cppResults, pageResults)}`)
  const incomingCpp = await cpp.waitEvents(e => e.event === 'incoming-socket' && e.engine === generation, UNNEGOTIATED,
    { since, timeoutMs: OPEN_MS, what: `round ${round}: the page's sockets on C++` })
  const incomingPage = await Promise.all(Array.from({ length: UNNEGOTIATED }, (_, i) => page.call('nextIncomingSocket', i, OPEN_MS)))
  await exchange(cpp, page, {
    cppKeys: [...cppResults.map(r => r.key), ...incomingCpp.map(e => e.label)],
    pageKeys: [...pageResults.map(r => r.key), ...incomingPage],
    generation,
    since,
    round
  })
  const errors = cpp.eventsWhere(e => e.event === 'socket-error' && e.engine === generation, since)
  assert.deepEqual(errors, [], `round ${round}: socket errors on C++`)
  return 'passed'
}

conformance('glare', suite => {
  // Chromium itself now and then drops the first message the page sends on
  // a channel the C++ side opened (page/session.js, channelReport): the
  // original's `__received`, so that socket never opens on the C++ side,
  // as it would not between two browsers. Such a round, proven by Chromium's
  // own counters, is played again (at most MAX_CHROMIUM_DROPS times per
  // run, each one printed); any other failure fails the case.
  it(`at the start of the connection, ${ROUNDS} rounds`, { timeout: 60000 + ROUNDS * 20000 }, async () => {
    const cpp = new ScriptPeer()
    const page = await suite.browser.newPage()
    let chromiumDrops = 0
    try {
      for (let round = 1; round <= ROUNDS; round++) {
        const outcome = await startRound(suite, cpp, page, round)
        if (outcome === 'chromium-dropped') {
          chromiumDrops++
          assert.ok(chromiumDrops <= MAX_CHROMIUM_DROPS, `Chromium dropped a page message in ${chromiumDrops} rounds`)
          round--
        }
      }
    } finally {
      await page.close()
      await cpp.stop()
    }
  })

  it(`on a live connection, ${ROUNDS} rounds`, { timeout: 60000 + ROUNDS * 10000 }, async () => {
    const pair = await suite.pair()
    const { cpp, page } = pair
    try {
      const generation = 1
      let pageIncoming = 0
      for (let round = 1; round <= ROUNDS; round++) {
        const labels = Array.from({ length: NEGOTIATED }, (_, i) => `live-${round}-${i}`)
        const since = cpp.mark()
        const [cppResults, pageResults] = await Promise.all([
          cppOpenMany(cpp, labels, UNNEGOTIATED),
          page.call('openMany', labels, UNNEGOTIATED, OPEN_MS)
        ])
        assert.deepEqual([...failures(cppResults, 'C++'), ...failures(pageResults, 'page')], [],
          `round ${round}: sockets that did not open; ${await roundState(cpp, page, since, cppResults, pageResults)}`)
        const incomingCpp = await cpp.waitEvents(e => e.event === 'incoming-socket', UNNEGOTIATED,
          { since, timeoutMs: OPEN_MS, what: `round ${round}: the page's sockets on C++` })
        const incomingPage = await Promise.all(Array.from({ length: UNNEGOTIATED }, (_, i) => page.call('nextIncomingSocket', pageIncoming + i, OPEN_MS)))
        pageIncoming += UNNEGOTIATED
        const cppKeys = [...cppResults.map(r => r.key), ...incomingCpp.map(e => e.label)]
        const pageKeys = [...pageResults.map(r => r.key), ...incomingPage]
        await exchange(cpp, page, { cppKeys, pageKeys, generation, since, round })
        // Close them all, each from the side that opened it, so stream ids
        // are reused by the next rounds.
        const closing = cpp.mark()
        for (const key of cppResults.slice(NEGOTIATED).map(r => r.key)) await cpp.call('close_socket', { label: key })
        for (const key of pageResults.map(r => r.key)) await page.call('closeSocket', key)
        await cpp.waitEvents(e => e.event === 'close', NEGOTIATED + 2 * UNNEGOTIATED,
          { since: closing, timeoutMs: OPEN_MS, what: `round ${round}: close events on C++` })
        for (const key of pageKeys) await page.call('waitClosed', key, OPEN_MS)
      }
    } finally {
      await pair.close()
    }
  })
})
