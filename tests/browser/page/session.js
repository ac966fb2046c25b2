// The page's one engine at a time: the original RTCEngine on our
// WebSocketSignaler, and what it opened or received, by key. Sockets this
// side created are keyed by label; sockets and transactions the peer
// created are keyed "in:<label>" (both sides count unnegotiated labels
// from 0, so the same label can exist once in each direction).
import RTCEngine from '/peers/rtc-engine-1.0.0-beta.2/js/RTCEngine.js'
import { wait } from '/peers/rtc-engine-1.0.0-beta.2/js/util/ObservableEntry.js'
import WebSocketSignaler from './websocket_signaler.js'
import { Condition, withTimeout } from './util.js'
import { adoptSocket } from './sockets.js'
import { adoptIncomingTransaction } from './transactions.js'
import { channelHistory } from './instrumentation.js'

export const session = {
  engine: null,
  signaler: null,
  generation: 0,
  sockets: new Map(),
  incomingSockets: [],
  transactions: new Map(),
  incomingTransactions: [],
  changed: new Condition()
}

export function engine () {
  if (!session.engine) throw new Error('no engine: call connect() first')
  return session.engine
}

async function acceptSockets (engine, generation) {
  for await (const socket of engine.sockets()) {
    if (generation !== session.generation) return
    const key = 'in:' + socket.label
    adoptSocket(key, socket)
    session.incomingSockets.push(key)
    session.changed.notify()
  }
}

async function acceptTransactions (engine, generation) {
  for await (const transaction of engine.readables()) {
    if (generation !== session.generation) return
    const key = 'in:' + transaction.label
    adoptIncomingTransaction(key, transaction)
    session.incomingTransactions.push(key)
    session.changed.notify()
  }
}

// Starts the original engine on room `url`. Options as the original takes
// them ({ role: 'polite' }); iceServers is always empty: no STUN server.
export function connect (url, options = {}) {
  if (session.engine && !session.engine.closed.get()) session.engine.close()
  session.generation++
  session.sockets.clear()
  session.transactions.clear()
  session.incomingSockets.length = 0
  session.incomingTransactions.length = 0
  session.signaler = new WebSocketSignaler(url)
  session.engine = new RTCEngine(session.signaler, { debug: false, ...options, iceServers: [] })
  // The original's incoming queues only yield pushes seen while someone
  // iterates, so iterate from the start.
  acceptSockets(session.engine, session.generation)
  acceptTransactions(session.engine, session.generation)
}

function reached (entry, value, ms, what) {
  return withTimeout(new Promise(resolve => wait(entry).toBe(value).then(resolve)), ms, what)
}

export function waitConnected (ms = 20000) {
  return reached(engine().connection, 'connected', ms, 'engine connected')
}

export function info () {
  const e = engine()
  return {
    polite: e.polite.get(),
    connection: e.connection.get(),
    closed: e.closed.get(),
    signalerReady: session.signaler.ready.get(),
    joined: session.signaler.joined,
    roomErrors: session.signaler.roomErrors
  }
}

export function closeEngine () {
  engine().close()
}

export function waitEngineClosed (ms = 20000) {
  return reached(engine().closed, true, ms, 'engine closed')
}

export function nextIncomingSocket (index, ms = 20000) {
  return session.changed.wait(() => session.incomingSockets.length > index, ms, `incoming socket #${index}`)
    .then(() => session.incomingSockets[index])
}

export function incomingSocketKeys () {
  return [...session.incomingSockets]
}

// Every socket's data channel as the page sees it: its state, how often
// the page called send() on it and how many messages Chromium's own stack
// says it sent. Fewer sent than send() calls, long after, means Chromium
// dropped a message without an error (seen in glare at the start: the
// original's `__received`, sent from the datachannel event, when the
// channel was not yet open below the page; 4 in about 2,000 channels).
export async function channelReport () {
  const stats = await engine().pc.getStats()
  const byId = new Map()
  stats.forEach(s => { if (s.type === 'data-channel') byId.set(s.dataChannelIdentifier, s) })
  return [...session.sockets.values()].map(({ key, socket }) => {
    const channel = socket.dataChannel
    const history = channelHistory(channel)
    const sent = byId.get(channel.id)?.messagesSent ?? null
    return {
      key,
      id: channel.id,
      state: channel.readyState,
      sends: history.sends,
      sent,
      droppedByChromium: sent !== null && channel.readyState === 'open' && sent < history.sends
    }
  })
}
