// Watches every event the original's sockets fire: an event whose name
// starts with "__" other than the two the original itself uses means that
// RTCEngine sent an extension to a peer that never announced it. Done by
// wrapping RTCSocket's emit here, leaving the original's files unchanged.
import RTCSocket from '/peers/rtc-engine-1.0.0-beta.2/js/RTCSocket.js'

const ORIGINAL_INTERNAL_EVENTS = new Set(['__received', '__transaction-ready'])
const unexpected = []

const inheritedEmit = Object.getPrototypeOf(RTCSocket.prototype).emit
RTCSocket.prototype.emit = function (type, payload) {
  if (typeof type === 'string' && type.startsWith('__') && !ORIGINAL_INTERNAL_EVENTS.has(type)) {
    unexpected.push({ label: this.label, event: type, payload: payload === undefined ? null : payload })
  }
  return inheritedEmit.call(this, type, payload)
}

export function unexpectedEvents () {
  return JSON.parse(JSON.stringify(unexpected))
}

// What each data channel went through on the page (for failure messages):
// its state when the page first saw it, its open event, its send() calls.
const histories = new WeakMap()
function historyOf (channel) {
  let history = histories.get(channel)
  if (!history) {
    history = { firstState: channel.readyState, opened: false, sends: 0, sendErrors: 0 }
    histories.set(channel, history)
    channel.addEventListener('open', () => { history.opened = true })
  }
  return history
}
const inheritedSend = RTCDataChannel.prototype.send
RTCDataChannel.prototype.send = function (data) {
  const history = historyOf(this)
  history.sends++
  try {
    return inheritedSend.call(this, data)
  } catch (error) {
    history.sendErrors++
    throw error
  }
}
export function channelHistory (channel) {
  return { ...historyOf(channel) }
}
