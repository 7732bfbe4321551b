import { createHash } from 'node:crypto'
import sharp from 'sharp'
import { pngWithProfile } from './png-writer.js'

/** Channel levels of the probe: 16^3 colours on a grid, plus four full 0-255 ramps. */
const GRID = 16
const WIDTH = 256
const MAX_CACHED = 64
/** lcms rounds through 16 bits: sRGB IEC61966-2.1 to libvips' sRGB moves 101 of the probe's 15,360 values by one level. */
const MAX_LEVELS = 1

const cache = new Map<string, Promise<boolean>>()

/** 8-bit RGB probe pixels: every grid colour, then red, green, blue and grey ramps. */
function probePixels (): Buffer {
  const step = 255 / (GRID - 1)
  const rows = GRID ** 3 / WIDTH + 4
  const px = Buffer.alloc(WIDTH * rows * 3)
  let i = 0
  for (let r = 0; r < GRID; r++) {
    for (let g = 0; g < GRID; g++) {
      for (let b = 0; b < GRID; b++) { px[i++] = r * step; px[i++] = g * step; px[i++] = b * step }
    }
  }
  for (const mask of [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 1]]) {
    for (let v = 0; v < WIDTH; v++) for (const m of mask) px[i++] = m! * v
  }
  return px
}

async function probe (icc: Buffer): Promise<boolean> {
  const pixels = probePixels()
  const rows = pixels.length / 3 / WIDTH
  try {
    const out = await sharp(pngWithProfile(pixels, WIDTH, rows, icc), { limitInputPixels: WIDTH * rows })
      .toColourspace('srgb').raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true })
    if (out.info.channels !== 3 || out.data.length !== pixels.length) return false
    for (let i = 0; i < pixels.length; i++) if (Math.abs(out.data[i]! - pixels[i]!) > MAX_LEVELS) return false
    return true
  } catch {
    // A profile lcms rejects: keep libvips' own handling of it.
    return false
  }
}

/**
 * Whether libvips' conversion from this embedded RGB profile to sRGB moves no
 * 8-bit colour by more than one level, as for the common "sRGB IEC61966-2.1"
 * profile. Then the decode can ignore the profile: the transform costs as much
 * as the JPEG decode of a small photo and changes next to nothing. Probed once per
 * distinct profile (a 5,120-pixel PNG carrying it), remembered for the last
 * MAX_CACHED profiles.
 */
export async function isIdentityProfile (icc: Buffer): Promise<boolean> {
  // Only RGB profiles: the probe is an RGB image (bytes 16-19 of an ICC header name its colour space).
  if (icc.length < 128 || icc.toString('latin1', 16, 20) !== 'RGB ') return false
  const key = createHash('sha256').update(icc).digest('base64')
  let known = cache.get(key)
  if (known === undefined) {
    known = probe(icc)
    if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!)
    cache.set(key, known)
  }
  return await known
}
