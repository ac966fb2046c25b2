// What a hostile page does to a C++ peer: opens channels by the thousand
// and floods the signaling path with junk the engine has no handler for.
import { session, engine } from './session.js'

// Opens `count` data channels on the original's peer connection, keeping
// them open (never reading them).
export function floodChannels (count, prefix = 'flood-') {
  session.flood = session.flood ?? []
  let failed = 0
  let firstError = null
  for (let i = 0; i < count; i++) {
    try {
      session.flood.push(engine().pc.createDataChannel(prefix + i))
    } catch (error) {
      failed++
      firstError = firstError ?? String(error)
    }
  }
  return { created: count - failed, failed, firstError }
}

// How the flood's channels stand, and how many streams the association
// allows (each side gets half of the ids): what a socket opened after the
// flood competes with.
export function floodChannelStates () {
  const states = {}
  for (const channel of session.flood ?? []) states[channel.readyState] = (states[channel.readyState] ?? 0) + 1
  const withId = (session.flood ?? []).filter(channel => channel.id !== null && channel.readyState !== 'closed').length
  return { states, withId, maxChannels: engine().pc.sctp?.maxChannels ?? null }
}

export function floodChannelsOpen () {
  return (session.flood ?? []).filter(channel => channel.readyState === 'open').length
}

// `count` signaling messages of about `bytes` each, of `types` different
// types nobody handles, each a deeply nested JSON array (the costliest
// shape to keep once parsed).
export async function junkSignaling ({ count, bytes = 60000, types = 64 }) {
  const depth = Math.floor((bytes - 64) / 2)
  const nested = '['.repeat(depth) + ']'.repeat(depth)
  let sent = 0
  for (let i = 0; i < count; i++) {
    await session.signaler.sendRaw(`{"type":"junk-${i % types}","n":${nested}}`)
    sent += 1
  }
  return { sent, bytesEach: nested.length + 30 }
}

export function sendRawSignal (text) {
  return session.signaler.sendRaw(text)
}
