// Large transfers: 100 MB transactions both ways with equal SHA-256, and
// the acceptance check: 100 MB from C++ over a socket closed with
// close() right after the last write arrives byte-identical in the browser.
// RTCENGINE_BROWSER_CLOSE_LOOPS sets how often (default 2; acceptance: 20),
// RTCENGINE_BROWSER_LARGE_MB the size.
import { it, before } from 'node:test'
import assert from 'node:assert/strict'
import { conformance } from './lib/suite.js'
import { envNumber } from './lib/env.js'
import { patternSha256, KiB, MiB } from './lib/expected.js'

const LARGE = envNumber('RTCENGINE_BROWSER_LARGE_MB', 100) * MiB
const CLOSE_LOOPS = envNumber('RTCENGINE_BROWSER_CLOSE_LOOPS', 2)
const MS = 60000 + LARGE / MiB * 3000

conformance('large transfers', suite => {
  let pair
  let expected
  before(async () => {
    pair = await suite.pair()
    expected = patternSha256(LARGE, 31)
  })

  it(`a ${LARGE / MiB} MB transaction from C++ to the page: equal SHA-256`, { timeout: MS }, async () => {
    const metadata = { name: 'large.bin', size: LARGE }
    await Promise.all([
      pair.cpp.call('writable', { key: 'large-down', label: 'large-down', metadata }),
      pair.page.call('openReadable', 'large-down', 'large-down')
    ])
    await pair.page.call('read', 'large-down', {})
    const sent = await pair.cpp.call('writer_send', { key: 'large-down', total: LARGE, seed: 31, chunk: MiB }, MS)
    assert.equal(sent.sha256, expected)
    await pair.cpp.call('writer_wait', { key: 'large-down', timeout_ms: MS })
    const got = await pair.page.call('waitFinished', 'large-down', MS)
    assert.deepEqual([got.error, got.bytes, got.sha256], [null, LARGE, expected])
    await pair.page.call('forgetTransaction', 'large-down')
  })

  it(`a ${LARGE / MiB} MB transaction from the page to C++: equal SHA-256`, { timeout: MS }, async () => {
    const metadata = { name: 'large.bin', size: LARGE }
    // The page's writable completes once the C++ reader chose its sink.
    await Promise.all([
      pair.page.call('openWritable', 'large-up', 'large-up', metadata),
      pair.cpp.call('readable', { key: 'large-up', label: 'large-up' }).then(() => pair.cpp.call('read', { key: 'large-up' }))
    ])
    assert.deepEqual(await pair.page.call('send', 'large-up', { total: LARGE, seed: 31, chunk: MiB }), { written: LARGE })
    const got = await pair.cpp.call('reader_wait', { key: 'large-up', timeout_ms: MS }, MS)
    assert.deepEqual([got.state, got.bytes, got.sha256], ['done', LARGE, expected])
    await pair.page.call('forgetTransaction', 'large-up')
  })

  for (let loop = 1; loop <= CLOSE_LOOPS; loop++) {
    it(`${LARGE / MiB} MB over a socket, close() right after the last write (${loop}/${CLOSE_LOOPS}): byte-identical`, { timeout: MS }, async () => {
      const label = `bulk-${loop}`
      await pair.socket(label)
      const sent = await pair.cpp.call('stream', { label, total: LARGE, chunk: 200 * KiB, seed: 31, then: 'close_socket' }, MS)
      assert.equal(sent.sha256, expected)
      await pair.page.call('waitClosed', label, MS)
      const got = await pair.page.call('binarySummary', label)
      await pair.page.call('forgetSocket', label)
      assert.deepEqual([got.bytes, got.sha256], [LARGE, expected], `loop ${loop}: ${got.messages} of ${sent.messages} messages arrived`)
    })
  }

  suite.itSawNoExtensionEvents(() => pair?.page)
})
