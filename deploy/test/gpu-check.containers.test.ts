import { mkdtemp, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseGpuProfile } from '../src/gpu-profile.js'
import { containerGpus } from '../src/gpu-check/runtime.js'
import { IMAGES_DIR, MODELS_SOURCE } from './containers/assets.js'
import { docker, requireDocker, run, TEST_IMAGE_TAG, TEST_MODEL } from './containers/docker.js'

const CPU_IMAGE = `inference-stack/classifier:${TEST_IMAGE_TAG}`
const tsx = (file: string, args: string[]): Promise<string> => run(process.execPath, ['--import', 'tsx', fileURLToPath(new URL(file, import.meta.url)), ...args])

let dir: string
beforeAll(async () => {
  await requireDocker()
  dir = await mkdtemp(path.join(os.tmpdir(), 'gpu-check-'))
})
afterAll(async () => { if (dir !== undefined) await rm(dir, { recursive: true, force: true }) })

describe('gpu:check piece by piece on an engine without a GPU', () => {
  it('fails the GPU image build when the CUDA provider library is missing, naming it', async () => {
    // ORT_INSTALL=skip leaves onnxruntime-node without its CUDA provider, as a failed download would.
    const build = run('docker', ['build', '-f', 'services/classifier/Dockerfile.gpu', '--target', 'cuda-provider', '--build-arg', 'ORT_INSTALL=skip', '.'], { DOCKER_BUILDKIT: '1' })
    await expect(build).rejects.toThrow(/the CUDA provider library libonnxruntime_providers_cuda\.so is missing from onnxruntime-node/)
  })

  it('says the engine has no nvidia runtime before it runs anything', async () => {
    const info = await docker.info() as { Runtimes?: Record<string, unknown> }
    if (Object.keys(info.Runtimes ?? {}).includes('nvidia')) return
    await expect(containerGpus(docker, 'debian:bookworm-slim')).rejects.toThrow(/the Docker engine has no nvidia runtime \(runtimes: .*runc.*\): install the NVIDIA Container Toolkit/)
  })

  it('runs the provider check in the classifier image and writes a profile the planner refuses as a GPU profile', async () => {
    await run('docker', ['build', '-f', 'services/classifier/Dockerfile', '-t', CPU_IMAGE, '.'], { DOCKER_BUILDKIT: '1' })
    const out = path.join(dir, 'cpu.json')
    await tsx('../src/gpu-check/cli.ts', ['--provider', 'cpu', '--skip-build', '--image', CPU_IMAGE, '--model', TEST_MODEL,
      '--models-dir', MODELS_SOURCE, '--images', IMAGES_DIR, '--batches', '1,4', '--runs', '3', '--out', out])
    const profile = parseGpuProfile(await readFile(out, 'utf8'), out)
    expect(profile).toMatchObject({ provider: 'cpu', gpu: null, image: CPU_IMAGE, model: { name: TEST_MODEL } })
    expect(profile.agreement).toMatchObject({ photos: 12, top5Same: 12 })
    expect(profile.batches.map((b) => b.batch)).toEqual([1, 4])
    await expect(tsx('../src/cli.ts', ['plan', '--gpu-profiles', out, '--dry-run'])).rejects.toThrow(/cpu.json ran on cpu, not CUDA/)
  })
})
