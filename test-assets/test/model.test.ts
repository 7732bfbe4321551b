import { copyFile, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { getEntry, getLabelSource } from '@inference-stack/models'
import { describe, expect, it } from 'vitest'
import { TEST_MODEL, TestAssetError, testModelsDir } from '../src/index.js'
import { refusedBase, serve, tempDir } from './helpers.js'

const entry = getEntry(TEST_MODEL)
const labels = getLabelSource(entry)

/** A fetch that sends every catalog URL to `base` instead, path and all. */
const redirectTo = (base: string, seen: string[] = []): typeof fetch => async (input, init) => {
  seen.push(String(input))
  return await fetch(`${base}${new URL(String(input)).pathname}`, init)
}

describe('testModelsDir', () => {
  it('downloads the test model and its labels into MODEL_CACHE_DIR when MODELS_DIR is unset, then reuses them', async () => {
    // The bytes the catalog pins, served by a local mirror (from wherever this run found the model).
    const source = await testModelsDir()
    const files = new Map<string, Buffer>()
    for (const a of [entry, labels]) files.set(new URL(a.url!).pathname, await readFile(join(source, a.file)))
    const mirror = await serve(files)
    const cache = await tempDir()
    const seen: string[] = []
    const opts = { env: { MODEL_CACHE_DIR: cache }, cacheDir: await tempDir(), fetchImpl: redirectTo(mirror.base, seen) }
    expect(await testModelsDir(opts)).toBe(cache)
    expect(seen).toEqual([entry.url, labels.url])
    expect((await readFile(join(cache, entry.file))).equals(files.get(new URL(entry.url!).pathname)!)).toBe(true)
    expect(await testModelsDir(opts)).toBe(cache)
    expect(mirror.hits).toHaveLength(2)
  })

  it('fails with one line naming MODELS_DIR when MODELS_DIR is unset and the download fails', async () => {
    const base = await refusedBase()
    const cache = await tempDir()
    const error = await testModelsDir({ env: { MODEL_CACHE_DIR: cache }, cacheDir: await tempDir(), fetchImpl: redirectTo(base) }).catch((err: unknown) => err)
    expect(error).toBeInstanceOf(TestAssetError)
    const { message, stack } = error as Error
    expect(message).toMatch(new RegExp(`^MODELS_DIR is not set and ${TEST_MODEL} cannot be downloaded into ${cache} \\(.*ECONNREFUSED.*\\): ` +
      `set MODELS_DIR to a directory that holds ${TEST_MODEL}.onnx and imagenet-labels.json$`))
    expect(stack).toBe(`TestAssetError: ${message}`)
  })

  it('names MODELS_DIR and the missing file when MODELS_DIR lacks the labels, and downloads nothing', async () => {
    const dir = await tempDir()
    await copyFile(join(await testModelsDir(), entry.file), join(dir, entry.file))
    const seen: string[] = []
    await expect(testModelsDir({ env: { MODELS_DIR: dir }, cacheDir: await tempDir(), fetchImpl: redirectTo(await refusedBase(), seen) })).rejects.toThrow(
      `MODELS_DIR=${dir} has no imagenet-labels.json; it must hold ${TEST_MODEL}.onnx and imagenet-labels.json (${entry.url}, ${labels.url}), ` +
      'or unset MODELS_DIR to download them')
    expect(seen).toEqual([])
  })
})
