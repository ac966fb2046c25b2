// Debian's Chromium, driven by playwright-core, with a fresh profile; pages
// that load the harness (page/index.html) from the static server.
import { chromium } from 'playwright-core'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { paths, debug } from './env.js'

// Loopback candidates need the first three flags in a namespace with only
// loopback up (see the peers folder's README).
const FLAGS = [
  '--allow-loopback-in-peer-connection',
  '--disable-features=WebRtcHideLocalIpsWithMdns',
  '--use-fake-ui-for-media-stream',
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync'
]

export async function launchBrowser (harnessUrl) {
  const profile = await mkdtemp(path.join(tmpdir(), 'rtcengine-chromium-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: paths.chromium,
    headless: true,
    args: FLAGS
  })
  const pageErrors = []
  return {
    pageErrors,
    async newPage () {
      const page = await context.newPage()
      page.on('pageerror', error => pageErrors.push(String(error)))
      if (debug) page.on('console', message => process.stderr.write(`[page] ${message.text()}\n`))
      const peer = new PagePeer(page, `${harnessUrl}/harness/index.html`)
      await peer.load()
      return peer
    },
    async close () {
      await context.close().catch(() => {})
      await rm(profile, { recursive: true, force: true })
    }
  }
}

// One page: call(name, ...args) runs window.t[name](...args) in it.
export class PagePeer {
  constructor (page, url) {
    this.page = page
    this.url = url
  }

  async load () {
    await this.page.goto(this.url)
    await this.page.waitForFunction(() => window.harnessReady === true, null, { timeout: 10000 })
  }

  call (name, ...args) {
    return this.page.evaluate(([name, args]) => window.t[name](...args), [name, args])
  }

  async reload () {
    await this.page.reload()
    await this.page.waitForFunction(() => window.harnessReady === true, null, { timeout: 10000 })
  }

  // Kills the page's renderer: nothing is closed cleanly, the peer just
  // vanishes. A crashed page cannot be loaded again; open a new one.
  async crash () {
    const session = await this.page.context().newCDPSession(this.page)
    const crashed = new Promise(resolve => this.page.once('crash', resolve))
    session.send('Page.crash').catch(() => {})
    await crashed
    await this.page.close().catch(() => {})
  }

  close () {
    return this.page.close()
  }
}
