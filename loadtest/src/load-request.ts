import type { LatencyRecorder, StatusCounter } from './stats.js'

/** One request of a scenario; the load generator cycles through a scenario's list. */
export interface LoadRequest {
  method: 'GET' | 'POST'
  path: string
  headers?: Record<string, string>
  body?: Buffer | string
}

/** What one load phase measured. */
export interface PhaseOutcome {
  seconds: number
  latencies: LatencyRecorder
  statuses: StatusCounter
}

/** Called about once a second while a phase runs. */
export type ProgressFn = (elapsedSec: number, responses: number, errors: number) => void
