import { readFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'

const TICKS_PER_S = 100 // USER_HZ on Linux

function busyTicks (): number {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number)
  // user nice system idle iowait irq softirq steal: busy = all but idle and iowait
  return cpu.reduce((a, b) => a + b, 0) - cpu[3]! - cpu[4]!
}

function processTicks (pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return Number(fields[11]) + Number(fields[12]) // utime + stime
  } catch {
    return 0
  }
}

/**
 * How busy the machine was during a measurement, in cores: ours (this
 * process and the given pids) and everybody else's. Other work on a shared
 * 2-core machine is the main source of noise in these figures.
 */
export class CpuMeter {
  readonly #pids: number[]
  readonly #t0 = performance.now()
  readonly #busy0 = busyTicks()
  readonly #ours0: number

  constructor (pids: number[] = []) {
    this.#pids = [process.pid, ...pids]
    this.#ours0 = this.#ours()
  }

  #ours (): number { return this.#pids.reduce((sum, pid) => sum + processTicks(pid), 0) }

  /** Cores used on average since construction: `ours`, `others`, out of `cores`. */
  read (): { ours: number, others: number, cores: number } {
    const seconds = (performance.now() - this.#t0) / 1000
    const ours = (this.#ours() - this.#ours0) / TICKS_PER_S / seconds
    const total = (busyTicks() - this.#busy0) / TICKS_PER_S / seconds
    return { ours, others: Math.max(0, total - ours), cores: availableParallelism() }
  }
}
