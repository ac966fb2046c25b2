// The shared fixture of every test file: a real rtcengine-signal, the
// static server for the page, one Chromium; pairs of peers (a C++
// script_peer process and a page running the original rtc-engine) that
// meet in a fresh room. Without the original or Chromium the file's tests
// are reported skipped, never passed.
import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { skipReason, missingBinaries, paths, pageDir, debug } from './env.js'
import { startSignalServer } from './signal_server.js'
import { startStaticServer } from './static_server.js'
import { launchBrowser } from './browser.js'
import { ScriptPeer } from './script_peer.js'

// RTCENGINE_BROWSER_PAGE_ROLE=polite|impolite fixes the roles of the pairs
// that do not choose (to tell role-dependent failures apart).
const defaultPageRole = process.env.RTCENGINE_BROWSER_PAGE_ROLE || undefined

export function conformance (title, body, { signalArgs = [] } = {}) {
  const reason = skipReason()
  describe(title, { skip: reason ?? false, concurrency: 1 }, () => {
    const suite = new Suite()
    before(async () => {
      const missing = missingBinaries()
      if (missing.length > 0) throw new Error(`build these first: ${missing.join(', ')}`)
      await suite.start(signalArgs)
    })
    after(() => suite.stop())
    body(suite)
  })
}

class Suite {
  async start (signalArgs) {
    this.pairs = new Set()
    // Extension events seen by pages of pairs already closed.
    this.extensionEvents = []
    this.signal = await startSignalServer(signalArgs)
    this.web = await startStaticServer({ pageDir, peersDir: paths.peers })
    this.browser = await launchBrowser(this.web.url)
  }

  async stop () {
    for (const pair of this.pairs) await pair.close()
    await this.browser?.close()
    await this.web?.close()
    await this.signal?.stop()
  }

  // Resolves once `check` is true; it is asked every 20 ms.
  async waitUntil (check, what, timeoutMs = 10000) {
    const deadline = Date.now() + timeoutMs
    while (!await check()) {
      if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`)
      await new Promise(resolve => setTimeout(resolve, 20))
    }
  }

  // A connected pair. first: 'cpp' or 'page' joins the room first (and is
  // in it before the other starts); roles: 'automatic' on both, or the
  // page's fixed role with the opposite on the C++ side.
  async pair ({ first = 'cpp', pageRole = defaultPageRole, cpp, page } = {}) {
    const pair = new Pair(cpp ?? new ScriptPeer(), page ?? await this.browser.newPage(), this.signal.roomUrl())
    this.pairs.add(pair)
    pair.onClose = seen => {
      this.pairs.delete(pair)
      this.extensionEvents.push(...seen)
    }
    const cppRole = pageRole === undefined ? 'automatic' : pageRole === 'polite' ? 'impolite' : 'polite'
    const startCpp = () => pair.cpp.call('engine', { url: pair.url, role: cppRole })
    const startPage = () => pair.page.call('connect', pair.url, pageRole === undefined ? { debug } : { role: pageRole, debug })
    // The first side is in the room before the second starts.
    const inRoom = first === 'cpp'
      ? async () => (await pair.cpp.call('signaler')).connected_to_server
      : async () => (await pair.page.call('info')).joined
    await (first === 'cpp' ? startCpp() : startPage())
    await this.waitUntil(inRoom, `the ${first === 'cpp' ? 'C++ peer' : 'page'} joining its room`)
    await (first === 'cpp' ? startPage() : startCpp())
    await pair.waitConnected()
    return pair
  }

  // The file's last test: the page never saw an RTCEngine extension event
  // (an event starting with "__" other than the original's own two).
  // Called at the end of a file's body, so it runs after every other case.
  itSawNoExtensionEvents (getPage = () => null) {
    it('the original never received an RTCEngine extension event', async () => {
      const page = getPage()
      const seen = [...this.extensionEvents, ...(page ? await page.call('unexpectedEvents') : [])]
      const names = [...new Set(seen.map(e => e.event))]
      assert.deepEqual(seen, [], `extension events sent to a peer that never announced them: ${names.join(', ')}`)
    })
  }
}

export class Pair {
  constructor (cpp, page, url) {
    this.cpp = cpp
    this.page = page
    this.url = url
  }

  async waitConnected () {
    await Promise.all([
      this.cpp.call('wait_state', { state: 'connected', timeout_ms: 20000 }),
      this.page.call('waitConnected', 20000)
    ])
  }

  // Opens negotiated socket `label` on both sides.
  async socket (label) {
    await Promise.all([this.cpp.call('socket', { label }), this.page.call('openSocket', label)])
    return label
  }

  async close () {
    const seen = await this.page.call('unexpectedEvents').catch(() => [])
    this.onClose?.(seen)
    await this.page.close().catch(() => {})
    await this.cpp.stop()
  }
}
