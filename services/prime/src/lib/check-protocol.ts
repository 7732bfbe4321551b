import type { CheckResult } from '../schemas/check.js'
import type { ParsedNumber } from './check.js'

/** Main thread to worker: decide these numbers, in order. */
export interface CheckTask { id: number, numbers: ParsedNumber[] }

/** Worker to main thread. `ready` once, after loading; then one `done` or `failed` per task. */
export type CheckTaskReply =
  | { type: 'ready' }
  | { type: 'done', id: number, answers: CheckResult[] }
  | { type: 'failed', id: number, message: string }
