import type { ClassifierConfig } from '../config.js'

/** Two figures of the machine the settings do not give: measure them (`npm run bench:classifier`, or the server's own timings). */
export interface MachineFigures {
  /** Decode time of the heaviest image the limits allow (MAX_INPUT_PIXELS, the decode budget), with MAX_DECODES decoding at once. */
  decodeMs: number
  /** Inference time of a full batch (MAX_BATCH_SIZE). */
  batchMs: number
}

type BoundSettings = Pick<ClassifierConfig, 'MAX_QUEUE_TIME_MS' | 'MAX_QUEUE_DELAY_MS' | 'MAX_QUEUE' | 'MAX_BATCH_SIZE' | 'WORKERS' | 'REQUEST_TIMEOUT_MS'>

/**
 * The longest an image answered 200 spends in the classifier once its body is in (its header
 * read aside, a few ms), from the settings:
 *
 *   MAX_QUEUE_TIME_MS                                        waiting for a decode slot (then 503)
 * + decodeMs                                                 its decode
 * + min(REQUEST_TIMEOUT_MS,                                  the batcher answers 503 past it
 *       MAX_QUEUE_DELAY_MS                                   a batch's wait to fill
 *     + (1 + ceil(ceil(MAX_QUEUE / MAX_BATCH_SIZE) / WORKERS)) x batchMs)
 *                                                            the batches running, those ahead in a full queue, and its own
 *
 * An image that cannot be served within it is refused (503) instead: at once when admission or
 * the batch queue is full, after MAX_QUEUE_TIME_MS waiting for a decode, or at REQUEST_TIMEOUT_MS.
 */
export function latencyBoundMs (settings: BoundSettings, machine: MachineFigures): number {
  const batchesAhead = Math.ceil(Math.ceil(settings.MAX_QUEUE / settings.MAX_BATCH_SIZE) / settings.WORKERS)
  const batchPart = settings.MAX_QUEUE_DELAY_MS + (1 + batchesAhead) * machine.batchMs
  return settings.MAX_QUEUE_TIME_MS + machine.decodeMs + Math.min(settings.REQUEST_TIMEOUT_MS, batchPart)
}
