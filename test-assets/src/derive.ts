import { readFile } from 'node:fs/promises'
import sharp from 'sharp'
import type { Recipe } from './photos.js'

const CORNER_RADIUS = 0.12

/** Alpha 255 inside a rectangle with rounded corners of radius `r`, 0 outside. */
function roundedCornersMask (width: number, height: number, r: number): Buffer {
  const alpha = Buffer.alloc(width * height, 255)
  for (let y = 0; y < height; y++) {
    const cy = Math.min(Math.max(y, r), height - 1 - r)
    for (let x = 0; x < width; x++) {
      const cx = Math.min(Math.max(x, r), width - 1 - r)
      if ((x - cx) ** 2 + (y - cy) ** 2 > r * r) alpha[y * width + x] = 0
    }
  }
  return alpha
}

/** Makes the test file from the published one. */
export async function derive (recipe: Recipe, original: Buffer): Promise<Buffer> {
  if (recipe === 'cmyk-jpeg') return await sharp(original).toColourspace('cmyk').jpeg().toBuffer()
  const { data, info } = await sharp(original).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true })
  const { width, height } = info
  const alpha = roundedCornersMask(width, height, Math.round(CORNER_RADIUS * Math.min(width, height)))
  return await sharp(data, { raw: info })
    .joinChannel(alpha, { raw: { width, height, channels: 1 } })
    .png()
    .toBuffer()
}

/** What a derived file must look like; the bytes themselves depend on the sharp version. */
const EXPECTED: Record<Recipe, { format: string, channels: number, space?: string, hasAlpha: boolean }> = {
  'cmyk-jpeg': { format: 'jpeg', channels: 4, space: 'cmyk', hasAlpha: false },
  'rounded-alpha-png': { format: 'png', channels: 4, hasAlpha: true }
}

/** Undefined when `file` is what `recipe` makes, else what differs. */
export async function checkDerived (recipe: Recipe, file: Buffer | string): Promise<string | undefined> {
  const want = EXPECTED[recipe]
  // From a buffer: a process that serves the classifier has sharp's file loaders blocked.
  const bytes = typeof file === 'string' ? await readFile(file) : file
  const meta = await sharp(bytes).metadata().catch((err: unknown) => ({ error: (err as Error).message }))
  if ('error' in meta) return `not an image (${meta.error})`
  const got = { format: meta.format, channels: meta.channels, space: meta.space, hasAlpha: meta.hasAlpha }
  const wrong = Object.entries(want).filter(([k, v]) => got[k as keyof typeof got] !== v)
  if (wrong.length === 0) return undefined
  return `is ${JSON.stringify(got)}, expected ${JSON.stringify(want)} (${recipe})`
}
