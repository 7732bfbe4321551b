import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { agree } from '../src/provider-check/agreement.js'
import { parseSmiGpus } from '../src/provider-check/nvidia-smi.js'
import { MODELS_DIR, TEST_MODEL } from './model.js'
import { IMAGES_DIR } from './photos.js'

const CLI = fileURLToPath(new URL('../src/provider-check/cli.ts', import.meta.url))

function check (args: string[]): Promise<{ code: number, stdout: string, stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', CLI, '--model', TEST_MODEL, '--models-dir', MODELS_DIR, '--images', IMAGES_DIR, ...args],
      { timeout: 120_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
        resolve({ code: err === null ? 0 : Number((err as { code?: number }).code ?? 1), stdout, stderr })
      })
  })
}

describe('provider check (what gpu:check runs in the image)', () => {
  it('compares the top-5 with the CPU on every test photo and times each batch size, on the CPU provider', async () => {
    const run = await check(['--provider', 'cpu', '--batches', '1,2,4', '--runs', '3'])
    expect(run.stderr).toMatch(/comparing top-5 with the CPU on 12 photos/)
    expect(run.code).toBe(0)
    const profile = JSON.parse(run.stdout) as { kind: string, provider: string, gpu: unknown, model: { name: string }, agreement: { photos: number, top5Same: number }, batches: Array<{ batch: number, runs: number, p50Ms: number, p99Ms: number, imagesPerSec: number, gpuMemMiB: unknown }> }
    expect(profile).toMatchObject({ kind: 'gpu-profile', provider: 'cpu', gpu: null, model: { name: TEST_MODEL }, onnxruntime: expect.stringMatching(/^1\./) })
    expect(profile.agreement).toMatchObject({ photos: 12, top5Same: 12, maxProbabilityDiff: 0 })
    expect(profile.batches.map((b) => b.batch)).toEqual([1, 2, 4])
    for (const b of profile.batches) {
      expect(b.runs).toBe(3)
      expect(b.p50Ms).toBeGreaterThan(0)
      expect(b.p99Ms).toBeGreaterThanOrEqual(b.p50Ms)
      expect(b.imagesPerSec).toBeCloseTo(b.batch * 1000 / b.p50Ms, 0)
      expect(b.gpuMemMiB).toBeNull()
    }
  })

  it('fails in one line when CUDA cannot open, instead of falling back to the CPU', async () => {
    // The onnxruntime-node installed here is the CPU build: the CUDA call is the part only a GPU host can pass.
    const run = await check(['--provider', 'cuda', '--batches', '1', '--runs', '1'])
    expect(run.code).not.toBe(0)
    expect(run.stdout).toBe('')
    expect(run.stderr).toMatch(/provider-check: cannot open .* with cuda/)
  })

  it('rejects bad flags with exit 2, naming them', async () => {
    expect((await check(['--provider', 'tpu'])).stderr).toMatch(/--provider must be cuda or cpu, got "tpu"/)
    expect((await check(['--batches', '0,2'])).stderr).toMatch(/--batches must be whole numbers 1\.\.256, got "0,2"/)
  })

  it('calls answers different when a class moves in the top-5 or a probability drifts past the tolerance', () => {
    const reference = Array.from({ length: 10 }, (_, i) => (10 - i) / 55)
    expect(agree(reference, reference.map((p) => p + 0.001), 0.01)).toMatchObject({ same: true })
    expect(agree(reference, reference.map((p, i) => (i === 0 ? p + 0.05 : p)), 0.01)).toMatchObject({ same: false })
    const swapped = [...reference]
    ;[swapped[3], swapped[4]] = [swapped[4]!, swapped[3]!]
    expect(agree(reference, swapped, 0.5)).toMatchObject({ same: false, checked: [0, 1, 2, 4, 3] })
  })

  it('reads the GPUs nvidia-smi lists, and refuses output it does not understand', () => {
    expect(parseSmiGpus('Tesla T4, 15360, 570.133.20, GPU-5c2f0a3e-7a1b-4c9d-8e2f-0123456789ab\n')).toEqual([
      { name: 'Tesla T4', memoryMiB: 15_360, driver: '570.133.20', uuid: 'GPU-5c2f0a3e-7a1b-4c9d-8e2f-0123456789ab' }
    ])
    expect(() => parseSmiGpus('NVIDIA-SMI has failed because it couldn\'t communicate with the NVIDIA driver.')).toThrow(/unexpected nvidia-smi output/)
  })
})
