import { Worker } from 'node:worker_threads'
import { workerScript } from '@inference-stack/kit'
import type { HttpError } from '@inference-stack/kit/contract'
import type { FastifyRequest } from 'fastify'
import { CLASSIFIER_ERRORS } from '../contract.js'
import { decodeInferBody, V2BodyError } from '../lib/v2-decode.js'
import type { DecodeJob, DecodeReply } from '../lib/v2-decode-worker.js'

/** Bodies up to this size are decoded on the event loop (a few ms); larger ones in the worker. */
export const INLINE_DECODE_BYTES = 256 * 1024
/** Large bodies in or waiting for the decoder at once; more get 503 + Retry-After. */
export const MAX_PENDING_DECODES = 4

const bad = (message: string): HttpError => CLASSIFIER_ERRORS.error('bad_request', message)

/**
 * The content-type parser of KServe v2 infer requests: the body up to MAX_INFER_BYTES (413 beyond,
 * chunked or not), decoded by lib/v2-decode.ts. A body over INLINE_DECODE_BYTES is decoded in a
 * worker thread of its own, started on first use: parsing 30 MB of JSON takes a few hundred ms,
 * which would otherwise stall every other request, /healthz included.
 */
export class InferBodyParser {
  #worker: Worker | undefined
  readonly #pending = new Map<number, { resolve: (body: unknown) => void, reject: (err: Error) => void }>()
  #nextId = 0

  constructor (readonly limit: number) {}

  parse = async (request: FastifyRequest, payload: AsyncIterable<Buffer>): Promise<unknown> => {
    const chunks: Buffer[] = []
    let total = 0
    for await (const chunk of payload) {
      total += chunk.length
      if (total > this.limit) throw CLASSIFIER_ERRORS.error('infer_body_too_large', `the infer request body is over ${this.limit} bytes (MAX_INFER_BYTES), the limit for ${request.method} ${request.routeOptions.url ?? ''}`)
      chunks.push(chunk)
    }
    return await this.decode(Buffer.concat(chunks, total))
  }

  async decode (bytes: Buffer): Promise<unknown> {
    if (bytes.length <= INLINE_DECODE_BYTES) {
      try {
        return decodeInferBody(bytes.toString('utf8')).body
      } catch (err) {
        if (err instanceof V2BodyError) throw bad(err.message)
        throw err
      }
    }
    if (this.#pending.size >= MAX_PENDING_DECODES) {
      throw CLASSIFIER_ERRORS.error('decoder_busy', `${this.#pending.size} large infer bodies are being decoded, the most at once; retry shortly`)
    }
    // Hand the bytes over without a copy when they own their memory.
    const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : Buffer.from(bytes)
    const id = this.#nextId++
    const decoded = new Promise<unknown>((resolve, reject) => { this.#pending.set(id, { resolve, reject }) })
    this.#start().postMessage({ id, bytes: own } satisfies DecodeJob, [own.buffer as ArrayBuffer])
    return await decoded
  }

  #start (): Worker {
    if (this.#worker !== undefined) return this.#worker
    const worker = new Worker(workerScript(new URL('../lib/v2-decode-worker.js', import.meta.url)), { name: 'v2-decode' })
    // Idle, it must not keep the process alive.
    worker.unref()
    worker.on('message', (reply: DecodeReply) => {
      const job = this.#pending.get(reply.id)
      this.#pending.delete(reply.id)
      if (job === undefined) return
      if ('body' in reply) job.resolve(reply.body)
      else job.reject(reply.invalid ? bad(reply.error) : new Error(reply.error))
    })
    const fail = (err: Error): void => {
      if (this.#worker === worker) this.#worker = undefined
      for (const job of this.#pending.values()) job.reject(err)
      this.#pending.clear()
    }
    worker.on('error', fail)
    worker.on('exit', (code) => { fail(new Error(`the v2 decoder thread exited (${code})`)) })
    this.#worker = worker
    return worker
  }

  async close (): Promise<void> {
    const worker = this.#worker
    this.#worker = undefined
    await worker?.terminate()
  }
}
