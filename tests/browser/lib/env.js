// Where the suite finds what it runs, from the environment (CTest passes
// these), with defaults for a run from the source tree, and what is missing.
import { existsSync, accessSync, constants } from 'node:fs'
import { fileURLToPath } from 'node:url'
import path from 'node:path'

const here = path.dirname(fileURLToPath(import.meta.url))
export const projectRoot = path.resolve(here, '..', '..', '..')
export const pageDir = path.resolve(here, '..', 'page')

function executable (file) {
  try {
    accessSync(file, constants.X_OK)
    return true
  } catch {
    return false
  }
}

export const paths = {
  peers: path.resolve(process.env.RTCENGINE_PEERS_DIR ?? path.join(projectRoot, '..', 'shared', 'peers')),
  chromium: process.env.RTCENGINE_CHROMIUM ?? '/usr/bin/chromium',
  signal: process.env.RTCENGINE_SIGNAL_BIN ?? path.join(projectRoot, 'build', 'release', 'tools', 'rtcengine-signal'),
  scriptPeer: process.env.RTCENGINE_SCRIPT_PEER_BIN ?? path.join(projectRoot, 'build', 'release', 'tests', 'script_peer')
}

export const originalDir = 'rtc-engine-1.0.0-beta.2'

// Missing prerequisites that make the suite skip (the peers and the
// browser are outside the project) or fail (our own binaries).
export function skipReason () {
  if (!existsSync(path.join(paths.peers, originalDir, 'js', 'RTCEngine.js'))) {
    return `the original rtc-engine is not in ${paths.peers} (set RTCENGINE_PEERS_DIR)`
  }
  if (!executable(paths.chromium)) return `no Chromium at ${paths.chromium} (set RTCENGINE_CHROMIUM)`
  return null
}

export function missingBinaries () {
  return [paths.signal, paths.scriptPeer].filter(file => !executable(file))
}

// Numbers a run may raise (the lead's long runs) or lower.
export function envNumber (name, fallback) {
  const value = process.env[name]
  if (value === undefined || value === '') return fallback
  const number = Number(value)
  if (!Number.isFinite(number) || number < 0) throw new Error(`${name} must be a number, not ${value}`)
  return number
}

export const debug = process.env.RTCENGINE_BROWSER_DEBUG === '1'
