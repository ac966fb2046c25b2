// Connect and roles: automatic (seed exchange) and fixed on both sides,
// with either side in the room first. Each pair then proves its roles by a
// negotiated socket (created by the polite side only) and an unnegotiated
// socket from each side.
import { it } from 'node:test'
import assert from 'node:assert/strict'
import { conformance } from './lib/suite.js'

const cases = [
  { first: 'cpp' },
  { first: 'page' },
  { first: 'cpp', pageRole: 'polite' },
  { first: 'page', pageRole: 'polite' },
  { first: 'cpp', pageRole: 'impolite' },
  { first: 'page', pageRole: 'impolite' }
]

async function provesSocketsWork (pair) {
  const { cpp, page } = pair
  await pair.socket('hello')
  await cpp.call('write', { label: 'hello', json: 'from cpp' })
  await page.call('write', 'hello', 'from page')
  assert.deepEqual(await page.call('waitMessages', 'hello', 1), [{ kind: 'data', value: 'from cpp' }])
  await cpp.waitEvent(e => e.event === 'data' && e.label === 'hello' && e.json === 'from page', { what: 'data on hello' })

  const fromPage = await page.call('openSocket', undefined)
  await cpp.waitEvent(e => e.event === 'incoming-socket' && e.channel === fromPage, { what: `incoming ${fromPage}` })
  const fromCpp = (await cpp.call('socket', {})).label
  const incoming = await page.call('nextIncomingSocket', 0)
  assert.equal(incoming, 'in:' + fromCpp)
  await cpp.call('write', { label: fromCpp, json: { n: 1 } })
  await cpp.call('write', { label: 'in:' + fromPage, json: { n: 3 } })
  await page.call('write', fromPage, { n: 2 })
  assert.deepEqual(await page.call('waitMessages', incoming, 1), [{ kind: 'data', value: { n: 1 } }])
  await cpp.waitEvent(e => e.event === 'data' && e.label === 'in:' + fromPage && e.json?.n === 2, { what: 'data on the page\'s socket' })
  assert.deepEqual(await page.call('waitMessages', fromPage, 1), [{ kind: 'data', value: { n: 3 } }])
}

conformance('connect and roles', suite => {
  for (const { first, pageRole } of cases) {
    const roles = pageRole ? `page ${pageRole}, C++ ${pageRole === 'polite' ? 'impolite' : 'polite'}` : 'automatic roles'
    it(`${roles}, ${first === 'cpp' ? 'C++' : 'page'} in the room first`, { timeout: 60000 }, async () => {
      const pair = await suite.pair({ first, pageRole })
      try {
        const cppInfo = await pair.cpp.call('info')
        const pageInfo = await pair.page.call('info')
        assert.ok(['polite', 'impolite'].includes(cppInfo.role), `C++ role: ${cppInfo.role}`)
        assert.equal(pageInfo.polite, cppInfo.role === 'impolite', 'exactly one side is polite')
        if (pageRole) assert.equal(pageInfo.polite, pageRole === 'polite')
        await provesSocketsWork(pair)
      } finally {
        await pair.close()
      }
    })
  }

  suite.itSawNoExtensionEvents()
})
