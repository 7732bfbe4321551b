import { readdirSync, readFileSync } from 'node:fs'
import type { ServiceUsage } from './result.js'
import { round } from './stats.js'

/** Linux clock ticks per second (sysconf(_SC_CLK_TCK)), 100 on every mainstream kernel config. */
const CLK_TCK = 100
const DEFAULT_INTERVAL_MS = 500

/** Fields after the command name, which is in parentheses and may contain spaces. */
function statFields (pid: number): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')
}

/** utime + stime, fields 14 and 15 of /proc/<pid>/stat. */
const cpuTicks = (pid: number): number => {
  const f = statFields(pid)
  return Number(f[11]) + Number(f[12])
}

function rssMiB (pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return match === null ? 0 : Number(match[1]) / 1024
}

function childrenMap (): Map<number, number[]> {
  const children = new Map<number, number[]>()
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const ppid = Number(statFields(Number(entry))[1])
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)])
    } catch { /* exited while listing */ }
  }
  return children
}

/** The process and its descendants (gunicorn and nginx workers, for instance). */
export function processTree (root: number, children = childrenMap()): number[] {
  const out: number[] = []
  const queue = [root]
  while (queue.length > 0) {
    const pid = queue.shift() as number
    out.push(pid)
    queue.push(...(children.get(pid) ?? []))
  }
  return out
}

interface Track { root: number, ticksAtStart: Map<number, number>, ticksNow: Map<number, number>, rss: number[] }

/**
 * Samples CPU time and RSS of service processes (each with its descendants)
 * from /proc while a measured window runs.
 */
export class ProcSampler {
  readonly #tracks = new Map<string, Track>()
  #timer: NodeJS.Timeout | undefined
  #startedAt = 0

  constructor (pids: Record<string, number>, readonly intervalMs = DEFAULT_INTERVAL_MS) {
    for (const [name, root] of Object.entries(pids)) this.#tracks.set(name, { root, ticksAtStart: new Map(), ticksNow: new Map(), rss: [] })
  }

  start (): void {
    this.#startedAt = performance.now()
    const children = childrenMap()
    for (const t of this.#tracks.values()) {
      for (const pid of processTree(t.root, children)) {
        try { t.ticksAtStart.set(pid, cpuTicks(pid)) } catch { /* exited */ }
      }
    }
    this.#sample()
    this.#timer = setInterval(() => this.#sample(), this.intervalMs)
    this.#timer.unref()
  }

  #sample (): void {
    const children = childrenMap()
    for (const t of this.#tracks.values()) {
      let rss = 0
      for (const pid of processTree(t.root, children)) {
        try {
          t.ticksNow.set(pid, cpuTicks(pid))
          rss += rssMiB(pid)
        } catch { /* exited between listing and reading */ }
      }
      t.rss.push(rss)
    }
  }

  /** Stops sampling; `requests` is the number completed in the window, for the per-request cost. */
  stop (requests: number): Record<string, ServiceUsage> {
    clearInterval(this.#timer)
    this.#sample()
    const seconds = (performance.now() - this.#startedAt) / 1000
    const out: Record<string, ServiceUsage> = {}
    for (const [name, t] of this.#tracks) {
      let ticks = 0
      for (const [pid, now] of t.ticksNow) ticks += now - (t.ticksAtStart.get(pid) ?? 0)
      const cpuSeconds = ticks / CLK_TCK
      const mean = t.rss.reduce((a, b) => a + b, 0) / Math.max(1, t.rss.length)
      out[name] = {
        pid: t.root,
        rssMiB: { mean: round(mean, 1), max: round(Math.max(0, ...t.rss), 1) },
        cpuPercent: round(cpuSeconds / seconds * 100, 1),
        cpuSeconds: round(cpuSeconds, 2),
        cpuSecondsPerRequest: requests > 0 ? round(cpuSeconds / requests, 7) : 0
      }
    }
    return out
  }
}
