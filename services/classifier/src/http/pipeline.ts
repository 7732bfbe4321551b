import type { CatalogEntry } from '@inference-stack/models'
import type { FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify'
import type { ClassifierConfig } from '../config.js'
import { AdmissionError, type DecodeAdmission, type Ticket } from '../lib/admission.js'
import type { Batcher } from '../lib/batcher.js'
import type { ClassifierMetrics } from '../lib/metrics.js'
import { decodeImage, readImageHeader } from '../lib/preprocess.js'
import { toHttpError } from './errors.js'

/** An image on its way through the classifier, each step's refusal an answer of the error table. */
export interface Pipeline {
  /**
   * onRequest hook of the model routes: a place in decode admission before the body is read
   * (refused at once, 503 with when to retry, when there is none); the place is freed when the
   * answer is sent or the client goes away, or earlier with `decoded()`.
   */
  admit: onRequestHookHandler
  /**
   * Encoded image -> input tensor: the header read (4xx), the wait for a decode slot (503 after
   * MAX_QUEUE_TIME_MS; dropped when `signal` says the client went away), the decode (4xx).
   */
  prepare: (request: FastifyRequest, image: Buffer, signal?: AbortSignal) => Promise<{ tensor: Float32Array, waitMs: number, ms: number }>
  /** The request's images are decoded: its place in admission goes to the next request. */
  decoded: (request: FastifyRequest) => void
  /** One input tensor -> its output row, through the batcher; queue full, timeouts, failed batches and shutdown are 503s of the table. */
  infer: (tensor: Float32Array, signal?: AbortSignal) => Promise<{ output: Float32Array, queueMs: number, inferenceMs: number }>
}

interface PipelineParts { config: ClassifierConfig, entry: CatalogEntry, admission: DecodeAdmission, batcher: Batcher, metrics: ClassifierMetrics }

const tickets = new WeakMap<FastifyRequest, Ticket>()
const rethrow = (err: unknown): never => { throw toHttpError(err) ?? err }

export function pipeline ({ config, entry, admission, batcher, metrics }: PipelineParts): Pipeline {
  const limits = { maxInputPixels: config.MAX_INPUT_PIXELS }
  return {
    admit: (request: FastifyRequest, reply: FastifyReply, done) => {
      let ticket: Ticket
      try {
        ticket = admission.enter()
      } catch (err) {
        done(toHttpError(err) ?? err as Error)
        return
      }
      tickets.set(request, ticket)
      reply.raw.once('close', ticket.leave)
      done()
    },
    prepare: async (request, image, signal) => {
      const ticket = tickets.get(request)
      if (ticket === undefined) throw new Error('prepare() needs the admit hook on its route')
      const t0 = performance.now()
      const header = await readImageHeader(image, limits).catch(rethrow)
      const waitStart = performance.now()
      const release = await ticket.admit(header.pixels, signal).catch((err: unknown) => {
        if (err instanceof AdmissionError && err.kind === 'cancelled') metrics.dropped.inc({ stage: 'decode_queue' })
        return rethrow(err)
      })
      const started = performance.now()
      metrics.decodeWait.observe((started - waitStart) / 1000)
      try {
        const tensor = await decodeImage(image, header, entry.preprocessing, limits).catch(rethrow)
        // The header read and the decode: the wait between them is waitMs.
        const ms = waitStart - t0 + performance.now() - started
        metrics.preprocess.observe(ms / 1000)
        return { tensor, waitMs: started - waitStart, ms }
      } finally {
        release()
      }
    },
    decoded: (request) => tickets.get(request)?.leave(),
    infer: async (tensor, signal) => await batcher.submit(tensor, config.REQUEST_TIMEOUT_MS, signal).catch(rethrow)
  }
}
