// Opening many sockets at once, from both sides, for the glare cases: every
// request is made before any of them completes (and, with connectAndOpen,
// before the peers have even met).
import { connect } from './session.js'
import { openSocket } from './sockets.js'
import { errorText } from './util.js'

export async function openMany (negotiatedLabels, unnegotiatedCount, ms = 20000) {
  const opening = [
    ...negotiatedLabels.map(label => openSocket(label, ms)),
    ...Array.from({ length: unnegotiatedCount }, () => openSocket(undefined, ms))
  ]
  const results = await Promise.allSettled(opening)
  return results.map(r => r.status === 'fulfilled' ? { key: r.value } : { error: errorText(r.reason) })
}

export function connectAndOpen (url, options, negotiatedLabels, unnegotiatedCount, ms) {
  connect(url, options)
  return openMany(negotiatedLabels, unnegotiatedCount, ms)
}
