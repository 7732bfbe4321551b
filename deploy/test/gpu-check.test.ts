import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { cudaBaseImage, gpuImageName } from '../src/gpu-check/image.js'

const CLI = fileURLToPath(new URL('../src/gpu-check/cli.ts', import.meta.url))
const DOCKERFILE = new URL('../../services/classifier/Dockerfile.gpu', import.meta.url)

describe('gpu:check on a host without a GPU', () => {
  it('says so in one line and exits 1', async () => {
    // PATH holds only node: whatever this machine has, nvidia-smi is not found, as on a host without the driver.
    const run = await new Promise<{ code: number, stdout: string, stderr: string }>((resolve) => {
      execFile(process.execPath, ['--import', 'tsx', CLI], { env: { PATH: path.dirname(process.execPath), HOME: process.env.HOME ?? '/tmp' } }, (err, stdout, stderr) => {
        resolve({ code: err === null ? 0 : Number((err as { code?: number }).code ?? 1), stdout, stderr })
      })
    })
    expect(run.code).toBe(1)
    expect(run.stdout).toBe('')
    expect(run.stderr.trim().split('\n')).toEqual(['gpu:check: no NVIDIA GPU on this host: nvidia-smi is not installed (no NVIDIA driver); gpu:check needs a machine with an NVIDIA GPU'])
  })
})

describe('the GPU image\'s onnxruntime install flag', () => {
  /** onnxruntime-node's own parser, as its install script calls it. */
  function parse (value: string): unknown {
    const { parseInstallFlag } = createRequire(import.meta.url)('onnxruntime-node/script/install-utils.js') as { parseInstallFlag: () => unknown }
    const saved = process.env.ONNXRUNTIME_NODE_INSTALL
    process.env.ONNXRUNTIME_NODE_INSTALL = value
    try {
      return parseInstallFlag()
    } finally {
      if (saved === undefined) delete process.env.ONNXRUNTIME_NODE_INSTALL
      else process.env.ONNXRUNTIME_NODE_INSTALL = saved
    }
  }

  it('uses values the installer accepts: true forces the CUDA download, skip skips it', async () => {
    const text = await readFile(DOCKERFILE, 'utf8')
    const value = /^ARG ORT_INSTALL=(\S+)$/m.exec(text)?.[1]
    expect(value).toBe('true')
    expect(parse(value!)).toBe(true)
    expect(parse('skip')).toBe(false)
    // The value the image used to pass: parsed as nothing, it only worked because CUDA 12 is the default.
    expect(parse('cuda12')).toBeUndefined()
    expect(text).not.toMatch(/ONNXRUNTIME_NODE_INSTALL=cuda12/)
  })

  it('builds on a CUDA 12 + cuDNN 9 runtime image and names it for gpu:check', async () => {
    expect(await cudaBaseImage()).toMatch(/^nvidia\/cuda:12\.\d+\.\d+-cudnn-runtime-ubuntu24\.04$/)
    expect(gpuImageName({ IMAGE_REPO: 'r', IMAGE_TAG: 't' })).toBe('r/classifier:t-gpu')
  })
})
