import { copyFile, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { getEntry, ModelError, resolveModel, sha256File, type CatalogEntry } from '../src/index.js'
import { tempDir, testModels } from './helpers.js'

const MOBILENET = 'mobilenetv2-12-int8'

describe('resolveModel', () => {
  it('finds mobilenetv2-12-int8 in MODELS_DIR, verifies it and loads 1000 labels', async () => {
    const source = await testModels()
    const cacheDir = await tempDir()
    const model = await resolveModel(MOBILENET, { modelsDir: source, cacheDir })
    expect(model.path).toBe(join(source, 'mobilenetv2-12-int8.onnx'))
    expect(model.sha256).toBe('cc028fe6cae7bc11a4ff53cfc9b79c920e8be65ce33a904ec3e2a8f66d77f95f')
    expect(model.entry).toBe(getEntry(MOBILENET))
    expect(model.labels).toHaveLength(1000)
    expect(model.labels[0]).toBe('tench')
    expect(model.labels[281]).toBe('tabby cat')
    const again = await resolveModel(MOBILENET, { modelsDir: source, cacheDir })
    expect(again.sha256).toBe(model.sha256)
  })

  it('falls back to the cache directory when MODELS_DIR lacks the model', async () => {
    const source = await testModels()
    const [empty, cacheDir] = [await tempDir(), await tempDir()]
    await copyFile(join(source, 'mobilenetv2-12-int8.onnx'), join(cacheDir, 'mobilenetv2-12-int8.onnx'))
    await copyFile(join(source, 'imagenet-labels.json'), join(cacheDir, 'imagenet-labels.json'))
    const model = await resolveModel(MOBILENET, { modelsDir: empty, cacheDir })
    expect(model.path).toBe(join(cacheDir, 'mobilenetv2-12-int8.onnx'))
  })

  it('says which fetch command to run when the model is missing', async () => {
    const [modelsDir, cacheDir] = [await tempDir(), await tempDir()]
    const error = await resolveModel('resnet50-v1-12', { modelsDir, cacheDir }).catch((err: unknown) => err)
    expect(error).toBeInstanceOf(ModelError)
    expect((error as Error).message).toBe(`model "resnet50-v1-12" not found in MODELS_DIR=${modelsDir} or ${cacheDir}. ` +
      'To install it, run npm run models:fetch resnet50-v1-12 (downloads 102.6 MB from github.com, or from MODELS_BASE_URL when set), ' +
      'or set MODELS_DIR to a directory that holds resnet50-v1-12.onnx and imagenet-labels.json')
  })

  it('says how to generate the synthetic model when it is missing', async () => {
    const cacheDir = await tempDir()
    await expect(resolveModel('synthetic-resnet50', { cacheDir })).rejects.toThrow(
      `model "synthetic-resnet50" not found in ${cacheDir} (MODELS_DIR is not set). It is generated, not downloaded: ` +
      'run npm run models:fetch synthetic-resnet50 (writes it into the cache directory; npm run bench:classifier does this), ' +
      'or set MODELS_DIR to a directory that holds synthetic-resnet50.onnx')
  })

  it('detects a model file with one wrong byte and tells to delete and re-fetch it', async () => {
    const source = await testModels()
    const [modelsDir, cacheDir] = [await tempDir(), await tempDir()]
    const bytes = await readFile(join(source, 'mobilenetv2-12-int8.onnx'))
    bytes[bytes.length >> 1]! ^= 0xff
    const path = join(modelsDir, 'mobilenetv2-12-int8.onnx')
    await writeFile(path, bytes)
    await copyFile(join(source, 'imagenet-labels.json'), join(modelsDir, 'imagenet-labels.json'))
    const actual = await sha256File(path)
    await expect(resolveModel(MOBILENET, { modelsDir, cacheDir })).rejects.toThrow(
      `checksum mismatch for ${path}: expected sha256 cc028fe6cae7bc11a4ff53cfc9b79c920e8be65ce33a904ec3e2a8f66d77f95f, got ${actual}. ` +
      'The file is corrupt or a different version: delete it and run npm run models:fetch again')
    const unchecked = await resolveModel(MOBILENET, { modelsDir, cacheDir, verify: false })
    expect(unchecked.path).toBe(path)
  })

  it('checks a generated model against an entry from a catalog override', async () => {
    const source = await testModels()
    const [modelsDir, cacheDir] = [await tempDir(), await tempDir()]
    const content = Buffer.from('not really a model, but bytes with a known hash')
    await writeFile(join(modelsDir, 'tiny.onnx'), content)
    await copyFile(join(source, 'imagenet-labels.json'), join(modelsDir, 'imagenet-labels.json'))
    const base = getEntry(MOBILENET)
    const tiny = { ...base, name: 'tiny', file: 'tiny.onnx', sha256: await sha256File(join(modelsDir, 'tiny.onnx')), bytes: content.length } as CatalogEntry
    const model = await resolveModel('tiny', { modelsDir, cacheDir, catalog: { tiny } })
    expect(model.entry.name).toBe('tiny')
    await writeFile(join(modelsDir, 'tiny.onnx'), Buffer.from('not really a model, but bytes with a known hasH'))
    await expect(resolveModel('tiny', { modelsDir, cacheDir, catalog: { tiny } })).rejects.toThrow(/checksum mismatch/)
  })

  it('refuses a labels file that is not 1000 names', async () => {
    const source = await testModels()
    const [modelsDir, cacheDir] = [await tempDir(), await tempDir()]
    await copyFile(join(source, 'mobilenetv2-12-int8.onnx'), join(modelsDir, 'mobilenetv2-12-int8.onnx'))
    await writeFile(join(modelsDir, 'imagenet-labels.json'), JSON.stringify(['tench', 'goldfish']))
    await expect(resolveModel(MOBILENET, { modelsDir, cacheDir })).rejects.toThrow(/imagenet-labels.json: expected sha256 9877/)
    await expect(resolveModel(MOBILENET, { modelsDir, cacheDir, verify: false })).rejects.toThrow('must be a JSON array of 1000 strings')
  })

  it('says to fetch the labels when only the model is present', async () => {
    const source = await testModels()
    const [modelsDir, cacheDir] = [await tempDir(), await tempDir()]
    await copyFile(join(source, 'mobilenetv2-12-int8.onnx'), join(modelsDir, 'mobilenetv2-12-int8.onnx'))
    await expect(resolveModel(MOBILENET, { modelsDir, cacheDir })).rejects.toThrow(
      `labels "imagenet-labels.json" not found in MODELS_DIR=${modelsDir} or ${cacheDir}. Run: npm run models:fetch ${MOBILENET}`)
  })
})
