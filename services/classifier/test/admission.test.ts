import { setTimeout as sleep } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import { AdmissionError, DecodeAdmission, type AdmissionOptions } from '../src/lib/admission.js'

const MP = 1_000_000

function admission (opts: Partial<AdmissionOptions> = {}): DecodeAdmission {
  return new DecodeAdmission({ maxDecodes: 2, maxPixels: 80 * MP, maxRequests: 4, maxWaitMs: 10_000, room: () => true, ...opts })
}

/** Whether a promise has settled by the next turn of the event loop. */
async function settled (p: Promise<unknown>): Promise<boolean> {
  let done = false
  p.then(() => { done = true }, () => { done = true })
  await sleep(1)
  return done
}

const kindOf = async (p: Promise<unknown>): Promise<string> => await p.then(() => 'admitted', (err: unknown) => err instanceof AdmissionError ? err.kind : String(err))

describe('DecodeAdmission', () => {
  it('starts at most maxDecodes decodes; the next waits until one is released', async () => {
    const a = admission()
    const t = a.enter()
    const first = await t.admit(1 * MP)
    await t.admit(1 * MP)
    const third = t.admit(1 * MP)
    expect(await settled(third)).toBe(false)
    expect([a.decoding, a.waiting]).toEqual([2, 1])
    first()
    first() // a second release changes nothing
    expect(await settled(third)).toBe(true)
    expect([a.decoding, a.waiting, a.decodingPixels]).toEqual([2, 0, 2 * MP])
  })

  it('keeps the declared pixels decoding within maxPixels, and lets a smaller image pass one that does not fit yet', async () => {
    const a = admission({ maxDecodes: 3 })
    const t = a.enter()
    const giant = await t.admit(40 * MP)
    const second = t.admit(45 * MP)
    const small = t.admit(12 * MP)
    expect(await settled(small)).toBe(true)
    expect(await settled(second)).toBe(false)
    expect(a.decodingPixels).toBe(52 * MP)
    giant()
    expect(await settled(second)).toBe(true)
    expect(a.decodingPixels).toBe(57 * MP)
  })

  it('refuses a request at once when maxRequests are inside, and takes one again when a request leaves', () => {
    const a = admission({ maxRequests: 2 })
    const first = a.enter()
    a.enter()
    expect(() => a.enter()).toThrow(AdmissionError)
    expect(() => a.enter()).toThrow(/2 requests are waiting for or in a decode, the most allowed \(MAX_DECODE_QUEUE=2\)/)
    first.leave()
    first.leave() // leaving twice frees one place
    expect(a.requests).toBe(1)
    expect(() => a.enter()).not.toThrow()
    expect(() => a.enter()).toThrow(AdmissionError)
  })

  it('refuses a request at once while the batch queue has no room, and holds decodes until it has', async () => {
    let room = false
    const a = admission({ room: () => room })
    expect(() => a.enter()).toThrow(/the batch queue is full/)
    room = true
    const t = a.enter()
    room = false
    const waiting = t.admit(MP)
    expect(await settled(waiting)).toBe(false)
    room = true
    a.wake()
    expect(await settled(waiting)).toBe(true)
  })

  it('refuses an image that could not start within maxWaitMs, saying when to retry at the pace of the decodes seen', async () => {
    const a = admission({ maxDecodes: 1, maxWaitMs: 50 })
    const t = a.enter()
    const release = await t.admit(MP)
    await sleep(20)
    release()
    await t.admit(MP)
    const started = performance.now()
    const late = await t.admit(MP).catch((err: unknown) => err)
    expect(performance.now() - started).toBeGreaterThanOrEqual(45)
    expect(late).toBeInstanceOf(AdmissionError)
    expect(late).toMatchObject({ kind: 'timeout', message: expect.stringMatching(/^no decode could start within 50 ms \(MAX_QUEUE_TIME_MS\): 1 decoding, 0 waiting/) })
    // One decode of about 20 ms seen; one decoding, none waiting: about one decode's time.
    expect((late as AdmissionError).retryAfterMs).toBeGreaterThanOrEqual(19)
    expect(a.waiting).toBe(0)
  })

  it('lets an image whose client went away leave the queue without being decoded', async () => {
    const a = admission({ maxDecodes: 1 })
    const t = a.enter()
    const release = await t.admit(MP)
    const controller = new AbortController()
    const gone = t.admit(MP, controller.signal)
    const next = t.admit(MP)
    controller.abort()
    expect(await kindOf(gone)).toBe('cancelled')
    expect(a.waiting).toBe(1)
    release()
    expect(await kindOf(next)).toBe('admitted')
    expect(await kindOf(t.admit(MP, AbortSignal.abort()))).toBe('cancelled')
  })
})
