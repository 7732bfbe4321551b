// Child processes for the tools that start services: `npm start`, the load tests, the benchmarks.
// Imported as `@inference-stack/kit/child`, so it loads without fastify.
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { createServer } from 'node:net'
import { createInterface } from 'node:readline'
import { setTimeout as sleep } from 'node:timers/promises'
import { isServiceMessage, SUPERVISED_ENV, type ServiceMessage } from './supervision.js'

export { SUPERVISED_ENV, type ServiceMessage } from './supervision.js'

export const READY_TIMEOUT_MS = 120_000
/** Longer than the services' own 10 s drain (kit `listen`), so SIGKILL never cuts it short. */
export const STOP_GRACE_MS = 15_000

/** A port the kernel just handed out and released (a child process binds it next). */
export async function freePort (): Promise<number> {
  return await new Promise((resolve, reject) => {
    const srv = createServer()
    srv.unref()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address()
      srv.close(() => typeof addr === 'object' && addr !== null ? resolve(addr.port) : reject(new Error('no port')))
    })
  })
}

export interface ChildOptions {
  cwd?: string
  env?: NodeJS.ProcessEnv
  /**
   * Supervise the child: it gets an IPC channel (it reports where it listens, and closes
   * gracefully when this process goes away, even by SIGKILL) and its own process group
   * (a terminal's Ctrl+C reaches only this process; `stop()` ends with the whole group).
   */
  supervise?: boolean
  /** Its own process group without the IPC channel (for a watcher that would not pass messages on). */
  group?: boolean
  /** Each line the child writes, stdout and stderr alike. The last lines are kept for errors either way. */
  onLine?: (line: string) => void
  /** Each message a supervised child sends. */
  onMessage?: (message: ServiceMessage) => void
}

export interface Child {
  name: string
  proc: ChildProcess
  pid: number
  /** The last lines it wrote, shown when it fails to start. */
  output: () => string
  /** Settles when the process has exited and its output is read. */
  closed: Promise<{ code: number | null, signal: NodeJS.Signals | null }>
  /** SIGTERM, then SIGKILL after `graceMs` (to its whole group when it has one); resolves once it has exited. */
  stop: (graceMs?: number) => Promise<void>
}

const live = new Set<Child>()

/** For command-line entry points: on Ctrl+C or SIGTERM, stop every child started here, then exit. */
export function stopChildrenOnSignal (): void {
  const onSignal = (signal: NodeJS.Signals): void => {
    process.stderr.write(`\n${signal}: stopping ${live.size} child process(es)\n`)
    Promise.all([...live].map(async (c) => await c.stop())).finally(() => process.exit(130))
  }
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
}

/** Spawns a child process that is killed when this process exits. */
export function spawnChild (name: string, command: string, args: string[], opts: ChildOptions = {}): Child {
  const supervise = opts.supervise === true
  const group = supervise || opts.group === true
  const env: NodeJS.ProcessEnv = { ...process.env, ...opts.env }
  if (supervise) env[SUPERVISED_ENV] = '1'
  else delete env[SUPERVISED_ENV]
  const proc = spawn(command, args, { cwd: opts.cwd, env, stdio: ['ignore', 'pipe', 'pipe', ...(supervise ? ['ipc' as const] : [])], detached: group })
  const pid = proc.pid
  if (pid === undefined) throw new Error(`could not start ${name} (${command})`)
  let tail = ''
  const keep = (line: string): void => {
    tail = `${tail}${line}\n`.slice(-4000)
    opts.onLine?.(line)
  }
  for (const stream of [proc.stdout, proc.stderr]) if (stream) createInterface({ input: stream, crlfDelay: Infinity }).on('line', keep)
  proc.on('message', (message: unknown) => { if (isServiceMessage(message)) opts.onMessage?.(message) })
  // Not the 'close' event: after a parent-side disconnect() Node never emits it.
  const exited = new Promise<{ code: number | null, signal: NodeJS.Signals | null }>((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })))
  const drained = [proc.stdout, proc.stderr].map(async (stream) => { if (stream && !stream.closed) await once(stream, 'close') })
  const closed = Promise.all([exited, ...drained]).then(([result]) => result)
  // SIGKILL reaches the child's whole group when it has one: what it started (a watcher's child) goes too.
  const kill = (): void => {
    try {
      if (group) process.kill(-pid, 'SIGKILL')
      else proc.kill('SIGKILL')
    } catch { /* already gone */ }
  }
  process.once('exit', kill)
  const stop = async (graceMs = STOP_GRACE_MS): Promise<void> => {
    process.off('exit', kill)
    live.delete(child)
    if (proc.exitCode === null && proc.signalCode === null) {
      // SIGTERM to the child alone: a watcher (tsx watch) passes it on once to what it runs,
      // where a signal to the group would reach that twice (and a second SIGTERM skips the drain).
      proc.kill('SIGTERM')
      const timer = setTimeout(kill, graceMs)
      await closed
      clearTimeout(timer)
    }
    if (group) kill() // anything of its group left behind
  }
  const child: Child = { name, proc, pid, output: () => tail, closed, stop }
  live.add(child)
  return child
}

/** Polls `url` until it answers 2xx, failing early if the child exits. */
export async function waitForHttp (child: Child, url: string, timeoutMs = READY_TIMEOUT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.proc.exitCode !== null || child.proc.signalCode !== null) {
      throw new Error(`${child.name} exited (${child.proc.exitCode ?? child.proc.signalCode}) before it was ready:\n${child.output()}`)
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) })
      await res.arrayBuffer()
      if (res.ok) return
    } catch { /* not listening yet */ }
    await sleep(100)
  }
  throw new Error(`${child.name} was not ready at ${url} within ${timeoutMs} ms:\n${child.output()}`)
}

/** The URL a supervised child reports once it listens; rejects when it cannot listen or exits first. */
export async function waitForListening (child: Child, timeoutMs = READY_TIMEOUT_MS): Promise<string> {
  return await new Promise<string>((resolve, reject) => {
    let done = false
    const onMessage = (message: unknown): void => {
      if (!isServiceMessage(message)) return
      if (message.type === 'listening') finish(undefined, message.url)
      else finish(new Error(`${child.name}: ${message.message}`))
    }
    const timer = setTimeout(() => finish(new Error(`${child.name} did not listen within ${timeoutMs} ms:\n${child.output()}`)), timeoutMs)
    function finish (err: Error | undefined, url?: string): void {
      if (done) return
      done = true
      clearTimeout(timer)
      child.proc.off('message', onMessage)
      if (err) reject(err)
      else resolve(url ?? '')
    }
    child.proc.on('message', onMessage)
    child.closed.then(() => finish(new Error(`${child.name} exited before it listened:\n${child.output()}`)), () => {})
  })
}
