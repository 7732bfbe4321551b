import { spawn } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { GpuCheckError } from './host.js'

export const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url))
export const GPU_DOCKERFILE = 'services/classifier/Dockerfile.gpu'

/** The image compose.gpu.yaml names for the classifier. */
export function gpuImageName (env: NodeJS.ProcessEnv = process.env): string {
  return `${env.IMAGE_REPO ?? 'inference-stack'}/classifier:${env.IMAGE_TAG ?? 'latest'}-gpu`
}

/** The CUDA base image Dockerfile.gpu builds on (its `ARG CUDA_IMAGE=` default). */
export async function cudaBaseImage (): Promise<string> {
  const text = await readFile(new URL(`../../../${GPU_DOCKERFILE}`, import.meta.url), 'utf8')
  const image = /^ARG CUDA_IMAGE=(\S+)$/m.exec(text)?.[1]
  if (image === undefined) throw new GpuCheckError(`${GPU_DOCKERFILE} has no ARG CUDA_IMAGE=<image> line`)
  return image
}

/**
 * `docker build` of the GPU image (BuildKit: the Dockerfile uses cache mounts),
 * output passed through. The same command by hand:
 *   docker build -f services/classifier/Dockerfile.gpu -t inference-stack/classifier:latest-gpu .
 */
export async function buildGpuImage (tag: string, buildArgs: Record<string, string> = {}): Promise<void> {
  const args = ['build', '-f', GPU_DOCKERFILE, '-t', tag, ...Object.entries(buildArgs).flatMap(([k, v]) => ['--build-arg', `${k}=${v}`]), '.']
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn('docker', args, { cwd: REPO_ROOT, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, DOCKER_BUILDKIT: '1' } })
    child.on('error', reject)
    child.on('exit', (c) => resolve(c ?? 1))
  })
  if (code !== 0) throw new GpuCheckError(`docker ${args.join(' ')} failed (exit ${code}): see the build output above`)
}
