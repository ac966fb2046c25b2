// What the driver (tests/browser/*.test.js) calls in the page, through
// page.evaluate: window.t.<function>(...). The original rtc-engine is
// loaded unchanged from the peers folder the test server serves at /peers/.
export { unexpectedEvents } from './instrumentation.js'
export {
  connect, waitConnected, info, closeEngine, waitEngineClosed, nextIncomingSocket, incomingSocketKeys,
  channelReport
} from './session.js'
export {
  openSocket, write, writeBinary, writeEvent, sendRaw, stream, closeSocket, isOpen, messages, waitMessages,
  waitClosed, binarySummary, forget as forgetSocket
} from './sockets.js'
export {
  openWritable, openReadable, nextIncomingTransaction, send, read, pause, resume, waitBytes, waitPaused,
  waitFinished, waitSocketClosed, result, forget as forgetTransaction
} from './transactions.js'
export { floodChannels, floodChannelsOpen, floodChannelStates, junkSignaling, sendRawSignal } from './hostile.js'
export { openMany, connectAndOpen } from './glare.js'
