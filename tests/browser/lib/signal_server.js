// The real rtcengine-signal, started on a port the kernel picks; the port
// is read from its first line ("listening on ws://127.0.0.1:PORT").
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { paths } from './env.js'

export async function startSignalServer (extraArgs = []) {
  const child = spawn(paths.signal, ['--port', '0', '--quiet', ...extraArgs], { stdio: ['ignore', 'pipe', 'pipe'] })
  const stderr = []
  child.stderr.on('data', chunk => stderr.push(chunk.toString()))
  const port = await new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout })
    lines.on('line', line => {
      const match = /^listening on ws:\/\/[^:]+:(\d+)/.exec(line)
      if (match) resolve(Number(match[1]))
    })
    child.once('exit', code => reject(new Error(`rtcengine-signal exited (${code}): ${stderr.join('')}`)))
    setTimeout(() => reject(new Error('rtcengine-signal did not say where it listens within 10 s')), 10000).unref()
  })
  let rooms = 0
  return {
    port,
    // A fresh room URL for each pair of peers.
    roomUrl: (name = 'room') => `ws://127.0.0.1:${port}/${name}-${++rooms}`,
    stop: () => new Promise(resolve => {
      if (child.exitCode !== null) return resolve()
      child.once('exit', resolve)
      child.kill('SIGTERM')
    })
  }
}
