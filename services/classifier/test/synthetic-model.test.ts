import { createHash } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { generateModel, getEntry, sha256File, writeSyntheticResnet50 } from '@inference-stack/models'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { ModelSession } from '../src/lib/session.js'

const ITEM = 3 * 224 * 224
let dir: string
let modelPath: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'synthetic-resnet50-'))
  const entry = getEntry('synthetic-resnet50')
  if (entry.synthetic !== true) throw new Error('synthetic-resnet50 must be a synthetic catalog entry')
  modelPath = await generateModel(entry, dir)
})
afterAll(async () => { await rm(dir, { recursive: true, force: true }) })

describe('the synthetic ResNet-50 the classifier bench serves', () => {
  it('opens in onnxruntime-node with the catalog names and answers [N, 1000] finite logits per batch', async () => {
    const session = await ModelSession.create({ modelPath, executionProvider: 'cpu', intraOpThreads: 2 })
    onTestFinished(async () => { await session.close() })
    expect(session).toMatchObject({ inputName: 'data', outputName: 'logits' })
    for (const n of [1, 3]) {
      const input = new Float32Array(n * ITEM).map((_, i) => Math.sin(i * 0.01))
      const result = await session.run(input, [n, 3, 224, 224])
      expect(result.dims).toEqual([n, 1000])
      expect(Array.from(result.data).every(Number.isFinite)).toBe(true)
    }
  })

  it('is written byte for byte the same every time', async () => {
    const hash = createHash('sha256')
    const sink = new Writable({ write (chunk: Buffer, _encoding, done) { hash.update(chunk); done() } })
    const { bytes, params } = await writeSyntheticResnet50(sink)
    expect(params).toBe(25_530_472)
    expect(bytes).toBe(102_132_505)
    expect(hash.digest('hex')).toBe(await sha256File(modelPath))
  })
})
