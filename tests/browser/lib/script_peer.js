// The C++ peer (tests/programs/script_peer.cpp) as a child process: JSON
// commands on its stdin, replies and events from its stdout.
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { readFileSync, createWriteStream } from 'node:fs'
import { paths, debug } from './env.js'

export class ScriptPeer {
  constructor () {
    this.child = spawn(paths.scriptPeer, [], { stdio: ['pipe', 'pipe', 'pipe'] })
    this.nextId = 1
    this.pending = new Map()
    this.events = []
    this.waiters = new Set()
    this.stderr = []
    this.exited = new Promise(resolve => this.child.once('exit', (code, signal) => resolve({ code, signal })))
    this.exited.then(status => {
      this.exitStatus = status
      for (const { reject } of this.pending.values()) reject(new Error(`script_peer exited: ${JSON.stringify(status)}; stderr: ${this.stderrTail()}`))
      this.pending.clear()
      this.notify()
    })
    createInterface({ input: this.child.stdout }).on('line', line => this.onLine(line))
    // RTCENGINE_BROWSER_CPP_LOG=FILE keeps every line the C++ peer logs
    // (with RTCENGINE_LOG=verbose: what a failure needs, without debug's timing).
    const log = process.env.RTCENGINE_BROWSER_CPP_LOG ? createWriteStream(process.env.RTCENGINE_BROWSER_CPP_LOG, { flags: 'a' }) : null
    createInterface({ input: this.child.stderr }).on('line', line => {
      log?.write(line + '\n')
      this.stderr.push(line)
      if (this.stderr.length > 400) this.stderr.shift()
      if (debug) process.stderr.write(`[cpp] ${line}\n`)
    })
  }

  get pid () {
    return this.child.pid
  }

  onLine (line) {
    let message
    try {
      message = JSON.parse(line)
    } catch {
      this.stderr.push(`(stdout, not JSON) ${line}`)
      return
    }
    if (debug) process.stderr.write(`[cpp<] ${line.slice(0, 300)}\n`)
    if ('reply' in message) {
      const waiting = this.pending.get(message.reply)
      this.pending.delete(message.reply)
      waiting?.resolve(message)
      return
    }
    this.events.push(message)
    this.notify()
  }

  notify () {
    for (const waiter of [...this.waiters]) waiter()
  }

  stderrTail (lines = 30) {
    return this.stderr.slice(-lines).join('\n')
  }

  // Sends a command; resolves with the reply (ok or not).
  request (cmd, fields = {}, timeoutMs = 60000) {
    if (this.exitStatus) return Promise.reject(new Error(`script_peer has exited: ${JSON.stringify(this.exitStatus)}`))
    const id = this.nextId++
    const line = JSON.stringify({ id, cmd, ...fields })
    if (debug) process.stderr.write(`[cpp>] ${line.slice(0, 300)}\n`)
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id)
        reject(new Error(`script_peer: no reply to ${cmd} within ${timeoutMs} ms`))
      }, timeoutMs)
      this.pending.set(id, {
        resolve: reply => { clearTimeout(timer); resolve(reply) },
        reject: error => { clearTimeout(timer); reject(error) }
      })
      this.child.stdin.write(line + '\n')
    })
  }

  // Sends a command; resolves with the reply, throws when it failed.
  async call (cmd, fields = {}, timeoutMs = 60000) {
    const reply = await this.request(cmd, fields, timeoutMs)
    if (!reply.ok) {
      const error = new Error(`script_peer ${cmd} failed: ${reply.error_type}: ${reply.error}`)
      error.reply = reply
      throw error
    }
    return reply
  }

  // Index to pass as `since` to see only later events.
  mark () {
    return this.events.length
  }

  eventsWhere (predicate, since = 0) {
    return this.events.slice(since).filter(predicate)
  }

  // Resolves with the first event (from `since` on) that matches.
  waitEvent (predicate, { since = 0, timeoutMs = 20000, what = 'event' } = {}) {
    const find = () => this.events.slice(since).find(predicate)
    const found = find()
    if (found) return Promise.resolve(found)
    return new Promise((resolve, reject) => {
      const waiter = () => {
        const event = find()
        if (event) {
          done()
          resolve(event)
        } else if (this.exitStatus) {
          done()
          reject(new Error(`script_peer exited while waiting for ${what}; stderr: ${this.stderrTail()}`))
        }
      }
      const timer = setTimeout(() => {
        done()
        reject(new Error(`script_peer: no ${what} within ${timeoutMs} ms`))
      }, timeoutMs)
      const done = () => {
        clearTimeout(timer)
        this.waiters.delete(waiter)
      }
      this.waiters.add(waiter)
    })
  }

  // Resolves once `count` events (from `since` on) match.
  async waitEvents (predicate, count, options = {}) {
    let seen = 0
    await this.waitEvent(() => {
      seen = this.eventsWhere(predicate, options.since ?? 0).length
      return seen >= count
    }, { ...options, what: `${count} × ${options.what ?? 'event'}` })
    return this.eventsWhere(predicate, options.since ?? 0).slice(0, count)
  }

  // Peak and current resident memory of the process, in kB.
  memory () {
    const status = readFileSync(`/proc/${this.pid}/status`, 'utf8')
    const field = name => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1])
    return { peakKb: field('VmHWM'), currentKb: field('VmRSS') }
  }

  // Closes stdin (the peer closes its engine and exits); kills it if it
  // has not gone within `timeoutMs`.
  async stop (timeoutMs = 10000) {
    if (this.exitStatus) return this.exitStatus
    this.child.stdin.end()
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs)
    const status = await this.exited
    clearTimeout(timer)
    return status
  }
}
