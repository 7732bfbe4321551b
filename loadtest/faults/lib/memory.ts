import { readFileSync } from 'node:fs'

/** A process's anonymous resident memory (RssAnon), MiB: its heap and buffers, without the shared binary and libraries. */
function anonMiB (pid: number): number | undefined {
  try {
    const match = /^RssAnon:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return match === null ? undefined : Number(match[1]) / 1024
  } catch {
    return undefined // exited
  }
}

/**
 * Samples each service's anonymous RSS: what a container's memory limit holds it to. VmRSS also
 * counts the node binary and shared libraries (about 50 MiB per process here), pages the kernel can
 * drop and share; a service over its limit is killed for the anonymous ones.
 */
export class MemoryPeaks {
  readonly #peaks = new Map<string, number>()
  readonly #timer: NodeJS.Timeout

  constructor (readonly pids: () => Record<string, number | undefined>, intervalMs = 200) {
    this.#sample()
    this.#timer = setInterval(() => this.#sample(), intervalMs)
    this.#timer.unref()
  }

  #sample (): void {
    for (const [service, pid] of Object.entries(this.pids())) {
      const mib = pid === undefined ? undefined : anonMiB(pid)
      if (mib !== undefined) this.#peaks.set(service, Math.max(this.#peaks.get(service) ?? 0, mib))
    }
  }

  /** Stops sampling; the peak of each service, MiB. */
  stop (): Record<string, number> {
    clearInterval(this.#timer)
    this.#sample()
    return Object.fromEntries([...this.#peaks].map(([s, v]) => [s, Math.round(v)]))
  }
}
