export interface Prediction { index: number, label: string, probability: number }

/** Numerically stable softmax (subtracts the maximum first). */
export function softmax (logits: ArrayLike<number>): Float64Array {
  let max = -Infinity
  for (let i = 0; i < logits.length; i++) if (logits[i]! > max) max = logits[i]!
  const out = new Float64Array(logits.length)
  let sum = 0
  for (let i = 0; i < logits.length; i++) {
    out[i] = Math.exp(logits[i]! - max)
    sum += out[i]!
  }
  for (let i = 0; i < out.length; i++) out[i]! /= sum
  return out
}

/** Probabilities from a model output row: softmax for logits, as-is for probabilities. */
export function toProbabilities (row: ArrayLike<number>, kind: 'logits' | 'probabilities'): Float64Array {
  return kind === 'logits' ? softmax(row) : Float64Array.from(row)
}

/** The `k` most probable classes, highest first (ties: lower index first). */
export function topK (probabilities: ArrayLike<number>, k: number, labels: readonly string[]): Prediction[] {
  const best: number[] = []
  for (let i = 0; i < probabilities.length; i++) {
    const p = probabilities[i]!
    if (best.length === k && p <= probabilities[best[k - 1]!]!) continue
    let at = best.length
    while (at > 0 && p > probabilities[best[at - 1]!]!) at--
    best.splice(at, 0, i)
    if (best.length > k) best.pop()
  }
  return best.map((index) => ({ index, label: labels[index] ?? `class ${index}`, probability: probabilities[index]! }))
}
