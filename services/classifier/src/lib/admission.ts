/** Why admission refused an image, or stopped waiting for it. */
export class AdmissionError extends Error {
  constructor (readonly kind: 'queue_full' | 'timeout' | 'cancelled', message: string, readonly retryAfterMs?: number) {
    super(message)
    this.name = 'AdmissionError'
  }
}

export interface AdmissionOptions {
  /** Decodes at once (MAX_DECODES): one libuv thread each. */
  maxDecodes: number
  /** Sum of the declared pixels of the images decoding at once (MAX_DECODE_PIXELS). */
  maxPixels: number
  /** Requests between their arrival and the end of their decodes (MAX_DECODE_QUEUE); beyond it, refused at once. */
  maxRequests: number
  /** Longest an image waits for a decode to start (MAX_QUEUE_TIME_MS); then refused. */
  maxWaitMs: number
  /** Whether what is decoded now would find room in the batch queue: decodes start only while it holds. */
  room: () => boolean
}

/** A request inside admission; `leave()` when its images are decoded (or it ended), once or more. */
export interface Ticket {
  /** Waits until the image of `pixels` may decode; resolves with the release to call when its decode ends. */
  admit: (pixels: number, signal?: AbortSignal) => Promise<() => void>
  leave: () => void
}

interface Waiter { pixels: number, start: (release: () => void) => void, fail: (err: AdmissionError) => void }

/**
 * Admission before decode. A request takes a place on arrival, before its body is read, and is
 * refused at once when MAX_DECODE_QUEUE requests are already inside or the batch queue is full.
 * Each of its images, once its header has been read, waits for a decode slot: decodes in flight
 * are bounded in number (MAX_DECODES) and in declared pixels (MAX_DECODE_PIXELS). Waiters start
 * first come, first served, except that a later image may start before an earlier one that does
 * not fit the pixel budget yet. An image that cannot start within MAX_QUEUE_TIME_MS is refused,
 * and one whose client went away leaves without being decoded.
 */
export class DecodeAdmission {
  readonly #opts: AdmissionOptions
  readonly #waiters: Waiter[] = []
  #requests = 0
  #decoding = 0
  #pixels = 0
  /** A moving average of a decode's time, for the retry estimate of a refusal. */
  #decodeMs: number | undefined

  constructor (opts: AdmissionOptions) {
    this.#opts = opts
  }

  /** Requests inside (uploading, waiting or decoding). */
  get requests (): number { return this.#requests }
  get waiting (): number { return this.#waiters.length }
  get decoding (): number { return this.#decoding }
  get decodingPixels (): number { return this.#pixels }

  /** Milliseconds until a request refused now would likely find a place: the decodes in front of it, at the pace seen. */
  retryAfterMs (): number | undefined {
    if (this.#decodeMs === undefined) return undefined
    return Math.ceil(this.#decodeMs * Math.ceil((this.#waiters.length + this.#decoding + 1) / this.#opts.maxDecodes))
  }

  /** A place for a request that has just arrived, or AdmissionError `queue_full` at once. */
  enter (): Ticket {
    const { maxRequests } = this.#opts
    if (this.#requests >= maxRequests) throw new AdmissionError('queue_full', `${this.#requests} requests are waiting for or in a decode, the most allowed (MAX_DECODE_QUEUE=${maxRequests}); retry shortly`, this.retryAfterMs())
    if (!this.#opts.room()) throw new AdmissionError('queue_full', 'the batch queue is full (MAX_QUEUE); retry shortly', this.retryAfterMs())
    this.#requests++
    let inside = true
    return {
      admit: async (pixels, signal) => await this.#admit(pixels, signal),
      leave: () => {
        if (!inside) return
        inside = false
        this.#requests--
      }
    }
  }

  /** Starts waiting images that may start now (the batch queue has drained, say). */
  wake (): void {
    for (let i = 0; i < this.#waiters.length && this.#decoding < this.#opts.maxDecodes && this.#opts.room();) {
      const waiter = this.#waiters[i]!
      if (this.#pixels + waiter.pixels > this.#opts.maxPixels) { i++; continue }
      this.#waiters.splice(i, 1)
      waiter.start(this.#take(waiter.pixels))
    }
  }

  async #admit (pixels: number, signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted === true) throw new AdmissionError('cancelled', 'the client went away before its image was decoded')
    const { maxWaitMs } = this.#opts
    return await new Promise((resolve, reject) => {
      const leave = (): void => {
        clearTimeout(timer)
        signal?.removeEventListener('abort', onAbort)
        const i = this.#waiters.indexOf(waiter)
        if (i >= 0) this.#waiters.splice(i, 1)
      }
      const waiter: Waiter = {
        pixels,
        start: (release) => { leave(); resolve(release) },
        fail: (err) => { leave(); reject(err) }
      }
      const timer = setTimeout(() => {
        leave()
        reject(new AdmissionError('timeout', `no decode could start within ${maxWaitMs} ms (MAX_QUEUE_TIME_MS): ${this.#decoding} decoding, ${this.#waiters.length} waiting; retry shortly`, this.retryAfterMs()))
      }, maxWaitMs)
      const onAbort = (): void => waiter.fail(new AdmissionError('cancelled', 'the client went away while its image waited; it was never decoded'))
      signal?.addEventListener('abort', onAbort, { once: true })
      this.#waiters.push(waiter)
      this.wake()
    })
  }

  #take (pixels: number): () => void {
    this.#decoding++
    this.#pixels += pixels
    const started = performance.now()
    let released = false
    return () => {
      if (released) return
      released = true
      this.#decoding--
      this.#pixels -= pixels
      const ms = performance.now() - started
      this.#decodeMs = this.#decodeMs === undefined ? ms : 0.8 * this.#decodeMs + 0.2 * ms
      this.wake()
    }
  }
}
