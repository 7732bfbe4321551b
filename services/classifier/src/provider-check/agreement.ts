import type { CatalogEntry } from '@inference-stack/models'
import { toProbabilities, topK } from '../lib/postprocess.js'
import type { ModelSession } from '../lib/session.js'

/** How far a probability of the checked session may be from the CPU's, absolute. */
export const DEFAULT_TOLERANCE = 0.01

export interface PhotoAgreement {
  photo: string
  same: boolean
  maxDiff: number
  reference: number[]
  checked: number[]
}

export interface Agreement {
  photos: number
  top5Same: number
  maxProbabilityDiff: number
  tolerance: number
  perPhoto: PhotoAgreement[]
}

/** Same top-5 classes in the same order, and each reference top-5 probability within `tolerance`. */
export function agree (reference: ArrayLike<number>, checked: ArrayLike<number>, tolerance: number): Omit<PhotoAgreement, 'photo'> {
  const topA = topK(reference, 5, [])
  const topB = topK(checked, 5, [])
  const maxDiff = Math.max(...topA.map((p) => Math.abs(p.probability - checked[p.index]!)))
  const same = topA.every((p, i) => topB[i]?.index === p.index) && maxDiff <= tolerance
  return { same, maxDiff, reference: topA.map((p) => p.index), checked: topB.map((p) => p.index) }
}

/**
 * Runs every photo through both sessions at batch 1 and compares the top-5:
 * the same classes in the same order, each probability within `tolerance`
 * of the reference (CUDA kernels sum in another order than the CPU's, and
 * cuDNN may pick TF32-free but reordered algorithms: equal to the bit is not expected).
 */
export async function compareTop5 (reference: ModelSession, checked: ModelSession, entry: CatalogEntry,
  photos: Array<{ name: string, tensor: Float32Array }>, tolerance = DEFAULT_TOLERANCE): Promise<Agreement> {
  const perPhoto: PhotoAgreement[] = []
  const dims = [1, ...entry.inputShape.slice(1)] as number[]
  for (const { name, tensor } of photos) {
    const [a, b] = await Promise.all([reference.run(tensor.slice(), dims), checked.run(tensor.slice(), dims)])
    perPhoto.push({ photo: name, ...agree(toProbabilities(a.data, entry.outputKind), toProbabilities(b.data, entry.outputKind), tolerance) })
  }
  return {
    photos: perPhoto.length,
    top5Same: perPhoto.filter((p) => p.same).length,
    maxProbabilityDiff: Math.max(0, ...perPhoto.map((p) => p.maxDiff)),
    tolerance,
    perPhoto
  }
}
