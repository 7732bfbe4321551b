/**
 * Inference batches failing in a row. One failure fails its batch alone; a streak of them (a CUDA
 * context left broken by an error, which no new worker thread repairs: the context belongs to the
 * process) makes readiness fail with the last error, so the orchestrator takes the classifier out
 * of rotation (and restarts it where it acts on health); one batch that succeeds ends the streak.
 */
export class FailureStreak {
  #count = 0
  #last = ''

  constructor (readonly limit: number) {}

  succeeded (): void { this.#count = 0 }

  failed (message: string): void {
    this.#count++
    this.#last = message
  }

  /** Why the classifier is not ready, when the streak has reached the limit. */
  get problem (): string | undefined {
    if (this.#count < this.limit) return undefined
    return `${this.#count} inference batches in a row failed (MAX_FAILED_BATCHES=${this.limit}), the last with: ${this.#last}`
  }
}
