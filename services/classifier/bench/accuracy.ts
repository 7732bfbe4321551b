import type { CatalogEntry } from '@inference-stack/models'
import { toProbabilities } from '../src/lib/postprocess.js'
import { preprocess, type PreprocessLimits } from '../src/lib/preprocess.js'
import type { ModelSession } from '../src/lib/session.js'
import { preprocessBefore } from './before.js'
import type { Photo } from './client.js'
import { preprocessReference } from './reference.js'

/** How far one pipeline's result is from the reference's, for one photo. */
export interface Agreement {
  top1Same: boolean
  /** Largest |p - p_ref| over the reference's top-5 classes. */
  maxDeltaP: number
  /** Tensor differences in 8-bit grey levels (normalization undone). */
  maxGrey: number
  meanGrey: number
}

export interface AccuracyRow { name: string, referenceTop1: string, before: Agreement, after: Agreement }

export interface AccuracyReport {
  rows: AccuracyRow[]
  /** Photos whose top-1 matches the reference's, of all; largest |delta p| and mean grey-level difference anywhere. */
  after: { top1Same: number, of: number, maxDeltaP: number, maxMeanGrey: number }
  before: { top1Same: number, of: number, maxDeltaP: number, maxMeanGrey: number }
}

function compare (t: Float32Array, ref: Float32Array, p: Float64Array, pRef: Float64Array, entry: CatalogEntry): Agreement {
  const { std, scale } = entry.preprocessing
  const plane = t.length / 3
  let maxGrey = 0
  let sum = 0
  for (let i = 0; i < t.length; i++) {
    const grey = Math.abs(t[i]! - ref[i]!) * std[Math.floor(i / plane)]! / scale
    maxGrey = Math.max(maxGrey, grey)
    sum += grey
  }
  const order = [...pRef.keys()].sort((a, b) => pRef[b]! - pRef[a]!)
  const top = (q: Float64Array): number => q.indexOf(Math.max(...q))
  return { top1Same: top(p) === order[0], maxDeltaP: Math.max(...order.slice(0, 5).map((k) => Math.abs(p[k]! - pRef[k]!))), maxGrey, meanGrey: sum / t.length }
}

/**
 * The accuracy check: each photo through the reference preprocessing, the
 * code before this change and the service's preprocess(), then the model;
 * top-1 must match the reference's, and the top-5 probabilities stay close.
 */
export async function accuracyCheck (session: ModelSession, entry: CatalogEntry, labels: string[], photos: Photo[], limits: PreprocessLimits): Promise<AccuracyReport> {
  const spec = entry.preprocessing
  const item = 3 * spec.crop * spec.crop
  const rows: AccuracyRow[] = []
  for (const photo of photos) {
    const tensors = [await preprocessReference(photo.body, spec, limits), await preprocessBefore(photo.body, spec, limits), await preprocess(photo.body, spec, limits)]
    const batch = new Float32Array(3 * item)
    tensors.forEach((t, i) => batch.set(t, i * item))
    const out = (await session.run(batch, [3, 3, spec.crop, spec.crop])).data
    const rowOf = (i: number): Float64Array => toProbabilities(out.subarray(i * out.length / 3, (i + 1) * out.length / 3), entry.outputKind)
    const [pRef, pBefore, pAfter] = [rowOf(0), rowOf(1), rowOf(2)]
    const refTop = pRef.indexOf(Math.max(...pRef))
    rows.push({
      name: photo.name,
      referenceTop1: `${labels[refTop] ?? refTop} (${pRef[refTop]!.toFixed(3)})`,
      before: compare(tensors[1]!, tensors[0]!, pBefore, pRef, entry),
      after: compare(tensors[2]!, tensors[0]!, pAfter, pRef, entry)
    })
  }
  const sum = (key: 'before' | 'after'): AccuracyReport['after'] => ({
    top1Same: rows.filter((r) => r[key].top1Same).length,
    of: rows.length,
    maxDeltaP: Math.max(...rows.map((r) => r[key].maxDeltaP)),
    maxMeanGrey: Math.max(...rows.map((r) => r[key].meanGrey))
  })
  return { rows, after: sum('after'), before: sum('before') }
}
