import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, it } from 'vitest'
import { RESULTS_DIR } from '../../src/paths.js'

/** Where a run of the fault suite writes: one JSON per case group, then the table (gitignored). */
export const FAULTS_DIR = join(RESULTS_DIR, 'faults')
export const GROUPS_DIR = join(FAULTS_DIR, 'groups')

export interface CaseOutcome {
  name: string
  passed: boolean
  /** Latencies of the requests the case timed, ms. */
  ms: number[]
  /** The first line of its failure. */
  problem?: string
}

/** Overload figures of one target (see overload.faults.test.ts). */
export interface OverloadFigures {
  target: string
  capacityPerSec: number
  offeredPerSec: number
  durationSec: number
  sent: number
  share200: number
  p99Of200Ms: number
  boundMs: number
  firstRefusalMs: number | null
  recoveryMs: number | null
  /** Each service's peak anonymous RSS (lib/memory.ts), MiB. */
  rssPeakMiB: Record<string, number>
  statuses: Record<string, number>
}

export interface GroupResult {
  group: string
  /** Where the group sits in the table. */
  order: number
  cases: CaseOutcome[]
  notes: string[]
  overload?: OverloadFigures
}

export interface CaseContext {
  /** Records a request's latency for the group's p99. */
  observe: (ms: number) => void
}

/** One row of the table: its cases as vitest tests, timed and recorded, and written when the file ends. */
export class FaultGroup {
  readonly #result: GroupResult

  constructor (readonly name: string, order: number) {
    this.#result = { group: name, order, cases: [], notes: [] }
    afterAll(() => this.#write())
  }

  /** A test whose outcome and timed requests count in this group; it fails as vitest tests do. */
  case (name: string, fn: (ctx: CaseContext) => Promise<void>, timeoutMs?: number): void {
    it(name, async () => {
      const outcome: CaseOutcome = { name, passed: false, ms: [] }
      this.#result.cases.push(outcome)
      try {
        await fn({ observe: (ms) => outcome.ms.push(ms) })
        outcome.passed = true
      } catch (err) {
        outcome.problem = ((err as Error).message ?? String(err)).split('\n')[0]?.slice(0, 200)
        throw err
      }
    }, timeoutMs)
  }

  note (text: string): void {
    if (!this.#result.notes.includes(text)) this.#result.notes.push(text)
  }

  setOverload (figures: OverloadFigures): void { this.#result.overload = figures }

  #write (): void {
    mkdirSync(GROUPS_DIR, { recursive: true })
    const file = this.#result.group.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')
    writeFileSync(join(GROUPS_DIR, `${file}.json`), JSON.stringify(this.#result, null, 2))
  }
}
