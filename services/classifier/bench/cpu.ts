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
 * How busy the machine was during a measurement, in cores: this process (the
 * bench: in-process pipeline or HTTP client), the given pids (the service),
 * and everybody else. Other work on a shared 2-core machine is the main
 * source of noise in these figures.
 */
export class CpuMeter {
  readonly #pids: number[]
  readonly #t0 = performance.now()
  readonly #busy0 = busyTicks()
  readonly #self0 = processTicks(process.pid)
  readonly #service0: number

  constructor (pids: number[] = []) {
    this.#pids = pids
    this.#service0 = this.#service()
  }

  #service (): number { return this.#pids.reduce((sum, pid) => sum + processTicks(pid), 0) }

  /** Cores used on average since construction. */
  read (): { bench: number, service: number, others: number, cores: number } {
    const seconds = (performance.now() - this.#t0) / 1000
    const cores = (ticks: number): number => ticks / TICKS_PER_S / seconds
    const bench = cores(processTicks(process.pid) - this.#self0)
    const service = cores(this.#service() - this.#service0)
    const total = cores(busyTicks() - this.#busy0)
    return { bench, service, others: Math.max(0, total - bench - service), cores: availableParallelism() }
  }
}
