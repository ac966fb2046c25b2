// A hostile browser against a C++ peer, one scenario in steps: a
// transaction it never reads, 10,000 data channels, and a flood of junk
// signaling (deeply nested JSON of types nobody handles, through a server
// whose limits are raised so that all of it reaches the C++ peer). The C++
// peer's peak memory (VmHWM) must stay under a bound, and other sockets,
// old and new, must keep working.
//   RTCENGINE_BROWSER_JUNK_MB      junk signaling to send (default 100; acceptance: 1024)
//   RTCENGINE_BROWSER_CHANNELS     channels to open (default 10000)
//   RTCENGINE_BROWSER_RSS_BOUND_MB peak RSS allowed for the C++ peer (default 256)
import { it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { conformance } from './lib/suite.js'
import { envNumber } from './lib/env.js'
import { MiB } from './lib/expected.js'

const JUNK_BYTES = envNumber('RTCENGINE_BROWSER_JUNK_MB', 100) * MiB
const CHANNELS = envNumber('RTCENGINE_BROWSER_CHANNELS', 10000)
const RSS_BOUND_KB = envNumber('RTCENGINE_BROWSER_RSS_BOUND_MB', 256) * 1024
const JUNK_MESSAGE = 60000
// Past this the machine is at risk: the peer is stopped at once.
const KILL_KB = Math.max(4 * RSS_BOUND_KB, 2 * 1024 * 1024)

const mb = kb => `${Math.round(kb / 1024)} MB`

async function stillWorks ({ cpp, page }, label, n) {
  await cpp.call('write', { label, json: { n } })
  await page.call('write', label, { n })
  const got = await page.call('waitMessages', label, n)
  assert.deepEqual(got.at(-1), { kind: 'data', value: { n } })
  await cpp.waitEvent(e => e.event === 'data' && e.label === label && e.json?.n === n, { what: `message ${n} on ${label}` })
}

// Once C++ answers a message sent after the junk with its error, every
// junk message before it was handled (the server relays in order). In
// case the server dropped a client's queue all the same, a marker goes
// every few seconds until an answer comes.
async function junkHandled ({ cpp, page }, since) {
  const answered = e => e.event === 'engine-error' && /without a candidate/.test(e.error)
  const deadline = Date.now() + 300000
  while (cpp.eventsWhere(answered, since).length === 0) {
    if (cpp.exitStatus) throw new Error(`the C++ peer is gone (${JSON.stringify(cpp.exitStatus)})`)
    if (Date.now() > deadline) {
      const errors = cpp.eventsWhere(e => e.event === 'engine-error', since)
      const { connection, signalerReady, roomErrors } = await page.call('info')
      throw new Error(`C++ never answered after the junk: ${errors.length} engine errors since, ` +
        `last ${JSON.stringify(errors.at(-1))}; page connection ${connection}, signaler ready ${signalerReady}, ` +
        `room errors ${JSON.stringify([...new Set(roomErrors.map(e => e.code))])}`)
    }
    await page.call('sendRawSignal', '{"type":"icecandidate"}')
    await cpp.waitEvent(answered, { since, timeoutMs: 3000 }).catch(() => {})
  }
}

conformance('hostile browser', suite => {
  let pair, baseline
  let killedAtKb = null
  let watchdog

  before(async () => {
    pair = await suite.pair()
    watchdog = setInterval(() => {
      try {
        const { currentKb } = pair.cpp.memory()
        if (currentKb > KILL_KB && killedAtKb === null) {
          killedAtKb = currentKb
          pair.cpp.child.kill('SIGKILL')
        }
      } catch {}
    }, 100)
    await pair.socket('alive')
    await stillWorks(pair, 'alive', 1)
    baseline = pair.cpp.memory()
  })
  after(() => clearInterval(watchdog))

  const alive = () => assert.equal(killedAtKb, null, `the C++ peer grew to ${mb(killedAtKb)} and was stopped`)

  it('a transaction the page never reads: the C++ writer waits instead of buffering', { timeout: 90000 }, async () => {
    const { cpp, page } = pair
    await Promise.all([
      cpp.call('writable', { key: 'stall', label: 'stall', metadata: { name: 'never-read', size: 1024 * MiB } }),
      page.call('openReadable', 'stall', 'stall')
    ])
    const since = cpp.mark()
    // Never completes while the page does not read; ends with the peer.
    cpp.request('writer_send', { key: 'stall', total: 1024 * MiB, chunk: MiB }, 600000).catch(() => {})
    await cpp.waitEvent(e => e.event === 'writer-state' && e.key === 'stall' && e.state === 'paused',
      { since, timeoutMs: 60000, what: 'the C++ writer waiting for a reader that never reads' })
    await stillWorks(pair, 'alive', 2)
    console.log(`# stalled transfer: C++ now ${mb(cpp.memory().currentKb)}`)
  })

  it(`${CHANNELS} channels nobody asked for: other sockets keep working`, { timeout: 120000 }, async () => {
    alive()
    const flood = await pair.page.call('floodChannels', CHANNELS)
    // The C++ side announces the 1,024 streams its channels can use (ids
    // above 1023 would be dropped there without a word), so Chromium itself
    // refuses a channel once no id is free, where the page's code sees it.
    const { maxChannels } = await pair.page.call('floodChannelStates')
    assert.equal(maxChannels, 1024, 'the SCTP association should allow the streams the C++ side can use')
    assert.ok(flood.created === CHANNELS || /creation failed/.test(flood.firstError),
      `the page could open only ${flood.created} channels: ${flood.firstError}`)
    // At least the ids the page's side of the association has (512, less
    // the sockets already open), or the flood did not flood.
    assert.ok(flood.created >= 500, `the page could open only ${flood.created} channels: ${flood.firstError}`)
    await stillWorks(pair, 'alive', 3)
    console.log(`# ${flood.created} of ${CHANNELS} channels created (${flood.failed} refused by Chromium: ${flood.firstError}), ` +
      `${await pair.page.call('floodChannelsOpen')} open on the page; C++ now ${mb(pair.cpp.memory().currentKb)}`)
  })

  it(`${JUNK_BYTES / MiB} MB of junk signaling: every message handled, sockets keep working`, { timeout: 400000 }, async () => {
    alive()
    const since = pair.cpp.mark()
    const junk = await pair.page.call('junkSignaling', { count: Math.ceil(JUNK_BYTES / JUNK_MESSAGE), bytes: JUNK_MESSAGE })
    await junkHandled(pair, since).catch(error => {
      alive()
      throw error
    })
    await stillWorks(pair, 'alive', 4)
    console.log(`# ${junk.sent} junk messages of ${junk.bytesEach} bytes handled; C++ now ${mb(pair.cpp.memory().currentKb)}`)
  })

  it('after all that, a new socket opens and works', { timeout: 60000 }, async () => {
    alive()
    try {
      await pair.socket('after-flood')
    } catch (error) {
      console.log(`# after-flood failed; page flood channels ${JSON.stringify(await pair.page.call('floodChannelStates'))}`)
      throw error
    }
    await stillWorks(pair, 'after-flood', 1)
  })

  it(`the C++ peer's peak memory stays under ${RSS_BOUND_KB / 1024} MB`, async () => {
    alive()
    const memory = pair.cpp.memory()
    console.log(`# C++ peer: peak ${mb(memory.peakKb)} (baseline ${mb(baseline.peakKb)}), now ${mb(memory.currentKb)}`)
    assert.ok(memory.peakKb < RSS_BOUND_KB, `C++ peak RSS ${mb(memory.peakKb)} is over the bound ${mb(RSS_BOUND_KB)}`)
  })
}, {
  // Limits raised so the junk reaches the C++ peer whole: the server's own
  // protections are not what this measures.
  signalArgs: ['--max-messages-per-second', '1000000', '--message-burst', '1000000', '--max-queued-bytes', String(2048 * MiB)]
})
