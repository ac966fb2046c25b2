// The page's signaler: the original rtc-engine's signaler contract
// (signaler/Base.js, imported unchanged from the peers folder) over a
// WebSocket to rtcengine-signal (docs/signal-server.md). Ready while the
// socket is open and the other member is in the room; every message whose
// type is not "room" goes to the engine as it arrived.
import SignalerBase from '/peers/rtc-engine-1.0.0-beta.2/js/signaler/Base.js'

export default class WebSocketSignaler extends SignalerBase {
  constructor (url) {
    super()
    this.peerPresent = false
    this.joined = false
    this.roomErrors = []
    this.ws = new WebSocket(url)
    this.ws.addEventListener('open', () => this.updateReady())
    this.ws.addEventListener('close', () => this.updateReady())
    this.ws.addEventListener('message', ({ data }) => {
      const message = JSON.parse(data)
      if (message.type === 'room') {
        this.onRoomEvent(message)
      } else {
        this.receive(message)
      }
    })
  }

  onRoomEvent (message) {
    if (message.event === 'welcome') {
      this.joined = true
      this.peerPresent = message.peer_present
    }
    if (message.event === 'peer-joined') this.peerPresent = true
    if (message.event === 'peer-left') this.peerPresent = false
    if (message.event === 'error') this.roomErrors.push(message)
    this.updateReady()
  }

  updateReady () {
    this.ready.set(this.ws.readyState === WebSocket.OPEN && this.peerPresent)
  }

  send (message) {
    this.ws.send(JSON.stringify(message))
  }

  // Raw text to the other member, for hostile tests; waits while the
  // browser holds more than `limit` unsent bytes.
  async sendRaw (text, limit = 4 * 1024 * 1024) {
    while (this.ws.bufferedAmount > limit) {
      await new Promise(resolve => setTimeout(resolve, 5))
    }
    this.ws.send(text)
  }

  close () {
    this.ws.close()
  }
}
