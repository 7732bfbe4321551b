import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'

export const READY_TIMEOUT_MS = 120_000

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

export interface Child {
  name: string
  proc: ChildProcess
  pid: number
  /** The last lines it wrote, shown when it fails to start. */
  output: () => string
  stop: () => Promise<void>
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

/**
 * Spawns a child process that is killed when this process exits. With `group`, it leads a process
 * group of its own and signals go to the whole group: `npm start` exits on SIGTERM without
 * passing it to the script it runs.
 */
export function spawnChild (name: string, command: string, args: string[], opts: { cwd?: string, env?: NodeJS.ProcessEnv, group?: boolean }): Child {
  const group = opts.group === true
  const proc = spawn(command, args, { cwd: opts.cwd, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'], detached: group })
  if (proc.pid === undefined) throw new Error(`could not start ${name} (${command})`)
  let tail = ''
  const keep = (chunk: Buffer): void => { tail = (tail + chunk.toString()).slice(-4000) }
  proc.stdout?.on('data', keep)
  proc.stderr?.on('data', keep)
  const signal = (name: NodeJS.Signals): void => {
    if (!group || proc.pid === undefined) { proc.kill(name); return }
    try { process.kill(-proc.pid, name) } catch { /* the group is gone */ }
  }
  const kill = (): void => { signal('SIGKILL') }
  process.once('exit', kill)
  const stop = async (): Promise<void> => {
    process.off('exit', kill)
    live.delete(child)
    if (proc.exitCode !== null || proc.signalCode !== null) return
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()))
    signal('SIGTERM')
    const timer = setTimeout(() => { signal('SIGKILL') }, 15_000)
    await exited
    // The leader goes first; the others (a script stopping its own children) may take a while.
    if (group) while (groupAlive(proc.pid as number)) await sleep(100)
    clearTimeout(timer)
  }
  const child: Child = { name, proc, pid: proc.pid, output: () => tail, stop }
  live.add(child)
  return child
}

function groupAlive (pgid: number): boolean {
  try {
    process.kill(-pgid, 0)
    return true
  } catch {
    return false
  }
}

/** Polls `url` until it answers `okStatus`, failing early if the child exits. */
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
