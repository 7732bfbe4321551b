import { catalog, DEFAULT_MODEL } from '@inference-stack/models'
import { describe, expect, it } from 'vitest'
import { MODELS, recommendedModel } from '../src/models.js'
import { CPU_MODEL, GPU_MODEL } from '../src/planner.js'

describe('the planner\'s models', () => {
  it('takes each model\'s precision and size from the catalog, a generated one\'s size from the model it copies', () => {
    for (const model of Object.values(MODELS)) {
      const entry = catalog[model.name]!
      expect(model.precision, model.name).toBe(entry.precision)
      expect(model.weightBytes, model.name).toBe(entry.bytes ?? catalog['resnet50-v1-12']!.bytes)
    }
    expect(MODELS['mobilenetv2-12-int8']!.weightBytes).toBe(3_655_033)
  })

  it('plans the catalog\'s recommended models: the classifier\'s default on a GPU, the int8 ResNet-50 on a CPU', () => {
    expect(GPU_MODEL).toBe(DEFAULT_MODEL)
    expect([GPU_MODEL, CPU_MODEL]).toEqual([recommendedModel('gpu'), recommendedModel('cpu')])
    expect(catalog[CPU_MODEL]).toMatchObject({ precision: 'int8', recommendedFor: 'cpu' })
  })
})
