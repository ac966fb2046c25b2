// A hostile browser against a C++ peer: a transaction it never reads,
// 10,000 data channels, and a flood of junk signaling (deeply nested JSON
// of types nobody handles, through a server whose rate limits are raised
// for it). The C++ peer's peak memory (VmHWM) must stay under a bound and
// another socket must keep working.
//   RTCENGINE_BROWSER_JUNK_MB      junk signaling to send (default 300; acceptance: 1024)
//   RTCENGINE_BROWSER_CHANNELS     channels to open (default 10000)
//   RTCENGINE_BROWSER_RSS_BOUND_MB peak RSS allowed for the C++ peer (default 600)
import { it } from 'node:test'
import assert from 'node:assert/strict'
import { conformance } from './lib/suite.js'
import { envNumber } from './lib/env.js'
import { MiB } from './lib/expected.js'

const JUNK_BYTES = envNumber('RTCENGINE_BROWSER_JUNK_MB', 300) * MiB
const CHANNELS = envNumber('RTCENGINE_BROWSER_CHANNELS', 10000)
const RSS_BOUND_KB = envNumber('RTCENGINE_BROWSER_RSS_BOUND_MB', 600) * 1024
const JUNK_MESSAGE = 60000
// Past this the machine is at risk: stop the peer at once.
const KILL_KB = Math.max(4 * RSS_BOUND_KB, 2 * 1024 * 1024)

async function stillWorks (pair, label, n) {
  await pair.cpp.call('write', { label, json: { n } })
  await pair.page.call('write', label, { n })
  const got = await pair.page.call('waitMessages', label, n)
  assert.deepEqual(got.at(-1), { kind: 'data', value: { n } })
  await pair.cpp.waitEvent(e => e.event === 'data' && e.label === label && e.json?.n === n, { what: `message ${n} on ${label}` })
}

conformance('hostile browser', suite => {
  it('never reads, 10,000 channels, junk signaling: bounded C++ memory, other sockets work', { timeout: 600000 }, async () => {
    const pair = await suite.pair()
    const { cpp, page } = pair
    const watchdog = setInterval(() => {
      try {
        if (cpp.memory().currentKb > KILL_KB) cpp.child.kill('SIGKILL')
      } catch {}
    }, 100)
    try {
      await pair.socket('alive')
      await stillWorks(pair, 'alive', 1)
      const baseline = cpp.memory()

      // 1. A transaction the page never reads: the C++ writer must wait,
      //    not buffer, once the page's queue is full.
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

      // 2. Thousands of channels nobody asked for.
      const flood = await page.call('floodChannels', CHANNELS)
      assert.equal(flood.created, CHANNELS, `the page could open ${flood.created} channels: ${flood.firstError}`)
      await stillWorks(pair, 'alive', 3)

      // 3. Junk signaling, then a message C++ answers with an error: once
      //    that error arrives, every junk message before it was handled.
      const junkSince = cpp.mark()
      const junk = await page.call('junkSignaling', { count: Math.ceil(JUNK_BYTES / JUNK_MESSAGE), bytes: JUNK_MESSAGE })
      await page.call('sendRawSignal', '{"type":"icecandidate"}')
      await cpp.waitEvent(e => e.event === 'engine-error' && /without a candidate/.test(e.error),
        { since: junkSince, timeoutMs: 300000, what: 'the end of the junk' })
      await stillWorks(pair, 'alive', 4)
      await pair.socket('after-flood')
      await stillWorks(pair, 'after-flood', 1)

      const memory = cpp.memory()
      console.log(`# C++ peer memory: baseline peak ${Math.round(baseline.peakKb / 1024)} MB; ` +
        `after ${junk.sent} junk messages (${Math.round(junk.sent * junk.bytesEach / MiB)} MB) and ${flood.created} channels: ` +
        `peak ${Math.round(memory.peakKb / 1024)} MB, now ${Math.round(memory.currentKb / 1024)} MB`)
      assert.ok(memory.peakKb < RSS_BOUND_KB, `C++ peak RSS ${memory.peakKb} kB is over the bound ${RSS_BOUND_KB} kB`)
    } finally {
      clearInterval(watchdog)
      await pair.close()
    }
  })
}, {
  signalArgs: ['--max-messages-per-second', '1000000', '--message-burst', '1000000', '--max-queued-bytes', String(64 * MiB)]
})
