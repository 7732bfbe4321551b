import { describe, expect, it } from 'vitest'
import { catalog, checkEntry, DEFAULT_MODEL, getEntry, getLabelSource, ModelError } from '../src/index.js'

describe('catalog', () => {
  it('has the four ONNX Model Zoo classifiers and the synthetic ResNet-50', () => {
    expect(Object.keys(catalog).sort()).toEqual(['mobilenetv2-12-int8', 'resnet50-v1-12', 'resnet50-v1-12-int8', 'resnet50-v2-7', 'synthetic-resnet50'])
    expect(DEFAULT_MODEL).toBe('resnet50-v1-12')
    expect(getEntry('resnet50-v1-12')).toMatchObject({ precision: 'fp32', recommendedFor: 'gpu' })
    expect(getEntry('resnet50-v1-12-int8')).toMatchObject({ precision: 'int8', recommendedFor: 'cpu' })
  })

  it.each(Object.values(catalog))('entry $name is valid', (entry) => {
    expect(checkEntry(entry)).toEqual([])
    expect(entry.inputShape).toEqual(['N', 3, 224, 224])
    expect(entry.file).toBe(`${entry.name}.onnx`)
    expect(getLabelSource(entry).count).toBe(1000)
    const p = entry.preprocessing
    expect(p).toMatchObject({ resizeShortSide: 256, crop: 224, layout: 'NCHW', channelOrder: 'RGB', interpolation: 'bilinear' })
    expect(p.mean).toEqual([0.485, 0.456, 0.406])
    expect(p.std).toEqual([0.229, 0.224, 0.225])
    expect(p.scale).toBeCloseTo(1 / 255, 12)
    if (entry.synthetic === true) {
      expect(entry.url).toBeUndefined()
      expect(entry.sha256).toBeUndefined()
    } else {
      expect(entry.sha256).toMatch(/^[0-9a-f]{64}$/)
      // Pinned to the onnx/models commit whose LFS pointers carry these SHA-256s and sizes, not to `main`.
      expect(entry.url).toBe(`https://github.com/onnx/models/raw/4c46cd00fbdb7cd30b6c1c17ab54f2e1f4f7b177/validated/vision/classification/${entry.name.startsWith('resnet') ? 'resnet' : 'mobilenet'}/model/${entry.file}`)
      expect(entry.bytes).toBeGreaterThan(1_000_000)
    }
  })

  it('lists the known names when asked for an unknown model', () => {
    expect(() => getEntry('resnet51')).toThrow(ModelError)
    expect(() => getEntry('resnet51')).toThrow(/unknown model "resnet51"; known models: resnet50-v1-12, .*mobilenetv2-12-int8/)
    expect(() => getEntry('toString')).toThrow(/unknown model "toString"/)
  })

  it('reports every problem of a broken entry', () => {
    const good = getEntry('mobilenetv2-12-int8')
    if (good.synthetic === true) throw new Error('expected a downloadable entry')
    const bad = { ...good, sha256: 'abc', url: 'http://example.com/x.onnx', file: '../x.onnx', preprocessing: { ...good.preprocessing, crop: 300, scale: 1 } }
    expect(checkEntry(bad)).toEqual([
      'file "../x.onnx" is not a plain .onnx file name',
      'sha256 "abc" is not 64 lowercase hex digits',
      'url "http://example.com/x.onnx" is not https',
      'crop 300 is larger than resizeShortSide 256',
      'inputShape Nx3x224x224 does not match crop 300',
      'scale 1 is not 1/255'
    ])
  })
})
