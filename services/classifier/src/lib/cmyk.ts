import { createHash } from 'node:crypto'
import type { Preprocessing } from '@inference-stack/models'
import sharp from 'sharp'
import { cmykTiff } from './tiff-writer.js'

/** Nodes per channel: 0, 15, 30 ... 255 (255 / 17 = 15, so every node is an exact 8-bit value). */
const G = 18
const STEP = 255 / (G - 1)
const MAX_CACHED = 16
const tables = new Map<string, Promise<Uint8Array>>()

/**
 * CMYK -> sRGB as libvips converts it (lcms with the embedded profile, else
 * libvips' built-in CMYK profile), sampled once on an 18^4 grid. Creating
 * that transform costs libvips about 30 ms per image whatever its size (lcms
 * precalculates a 4-D table for every transform); sampling it once lets each
 * image pay only for the pixels of its crop.
 */
async function buildTable (icc: Buffer | undefined): Promise<Uint8Array> {
  const n = G ** 4
  const grid = Buffer.alloc(n * 4)
  let i = 0
  for (let c = 0; c < G; c++) {
    for (let m = 0; m < G; m++) {
      for (let y = 0; y < G; y++) {
        for (let k = 0; k < G; k++) {
          grid[i++] = c * STEP; grid[i++] = m * STEP; grid[i++] = y * STEP; grid[i++] = k * STEP
        }
      }
    }
  }
  const { data, info } = await sharp(cmykTiff(grid, G * G, G * G, icc), { limitInputPixels: n })
    .toColourspace('srgb').raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true })
  if (info.channels !== 3 || data.length !== n * 3) throw new Error(`CMYK table: libvips gave ${info.width}x${info.height}x${info.channels}`)
  return data
}

/** The table for an image's CMYK profile (undefined: libvips' built-in one), built on first use. */
export async function cmykTable (icc: Buffer | undefined): Promise<Uint8Array> {
  const key = icc === undefined ? 'built-in' : createHash('sha256').update(icc).digest('base64')
  let table = tables.get(key)
  if (table === undefined) {
    table = buildTable(icc)
    table.catch(() => tables.delete(key))
    if (tables.size >= MAX_CACHED) tables.delete(tables.keys().next().value!)
    tables.set(key, table)
  }
  return await table
}

const SC = G * G * G * 3
const SM = G * G * 3
const SY = G * 3
const SK = 3
/** Per 8-bit value: its lower grid node and the fraction of the way to the next. */
const NODE = Uint8Array.from({ length: 256 }, (_, v) => Math.min(Math.floor(v / STEP), G - 2))
const FRAC = Float64Array.from({ length: 256 }, (_, v) => v / STEP - NODE[v]!)

/**
 * The centre crop of interleaved CMYK bytes, converted through `table`,
 * normalized to planar Float32 (CHW), like normalizeCrop. Tetrahedral
 * interpolation over C, M, Y at the two K nodes around the pixel, then linear
 * in K, as lcms evaluates 4-input tables.
 */
export function normalizeCmykCrop (cmyk: Uint8Array, width: number, height: number, spec: Preprocessing, table: Uint8Array): Float32Array {
  const { crop } = spec
  const left = Math.floor((width - crop) / 2)
  const top = Math.floor((height - crop) / 2)
  const plane = crop * crop
  const out = new Float32Array(3 * plane)
  const mul = [0, 1, 2].map((c) => spec.scale / spec.std[c]!)
  const add = [0, 1, 2].map((c) => -spec.mean[c]! / spec.std[c]!)
  const t = table
  for (let y = 0; y < crop; y++) {
    for (let x = 0; x < crop; x++) {
      const p = ((top + y) * width + left + x) * 4
      const c = cmyk[p]!
      const m = cmyk[p + 1]!
      const yy = cmyk[p + 2]!
      const k = cmyk[p + 3]!
      const rc = FRAC[c]!
      const rm = FRAC[m]!
      const ry = FRAC[yy]!
      const rk = FRAC[k]!
      // The tetrahedron holding the point: walk the axes from the largest fraction to the smallest.
      let o1 = 0; let o2 = 0; let w1 = 0; let w2 = 0; let w3 = 0
      if (rc >= rm && rm >= ry) { o1 = SC; o2 = SC + SM; w1 = rc; w2 = rm; w3 = ry } else if (rc >= ry && ry >= rm) { o1 = SC; o2 = SC + SY; w1 = rc; w2 = ry; w3 = rm } else if (ry >= rc && rc >= rm) { o1 = SY; o2 = SC + SY; w1 = ry; w2 = rc; w3 = rm } else if (rm >= rc && rc >= ry) { o1 = SM; o2 = SC + SM; w1 = rm; w2 = rc; w3 = ry } else if (rm >= ry && ry >= rc) { o1 = SM; o2 = SM + SY; w1 = rm; w2 = ry; w3 = rc } else { o1 = SY; o2 = SM + SY; w1 = ry; w2 = rm; w3 = rc }
      const o3 = SC + SM + SY
      const b0 = NODE[c]! * SC + NODE[m]! * SM + NODE[yy]! * SY + NODE[k]! * SK
      const at = y * crop + x
      for (let o = 0; o < 3; o++) {
        const b = b0 + o
        const lo = t[b]! + w1 * (t[b + o1]! - t[b]!) + w2 * (t[b + o2]! - t[b + o1]!) + w3 * (t[b + o3]! - t[b + o2]!)
        const h = b + SK
        const hi = t[h]! + w1 * (t[h + o1]! - t[h]!) + w2 * (t[h + o2]! - t[h + o1]!) + w3 * (t[h + o3]! - t[h + o2]!)
        // Rounded to 8 bits as libvips' result is; the value is never negative, so | 0 truncates like floor.
        out[o * plane + at] = ((lo + rk * (hi - lo) + 0.5) | 0) * mul[o]! + add[o]!
      }
    }
  }
  return out
}
