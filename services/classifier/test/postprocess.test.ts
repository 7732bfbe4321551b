import { describe, expect, it } from 'vitest'
import { softmax, toProbabilities, topK } from '../src/lib/postprocess.js'

describe('postprocess', () => {
  it('turns logits into probabilities that sum to 1, even for large logits', () => {
    const p = softmax([1000, 1001, 999])
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12)
    expect(p[1]).toBeGreaterThan(p[0]!)
    expect(Array.from(softmax([0, 0]))).toEqual([0.5, 0.5])
  })

  it('passes probabilities through unchanged', () => {
    expect(Array.from(toProbabilities([0.2, 0.8], 'probabilities'))).toEqual([0.2, 0.8])
  })

  it('returns the k most probable classes, highest first, lower index first on ties', () => {
    const labels = ['a', 'b', 'c', 'd', 'e']
    expect(topK([0.1, 0.4, 0.05, 0.4, 0.05], 3, labels)).toEqual([
      { index: 1, label: 'b', probability: 0.4 },
      { index: 3, label: 'd', probability: 0.4 },
      { index: 0, label: 'a', probability: 0.1 }
    ])
    expect(topK([0.3, 0.7], 5, ['x', 'y']).map((p) => p.index)).toEqual([1, 0])
  })
})
