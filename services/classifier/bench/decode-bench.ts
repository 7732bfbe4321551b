import type { Preprocessing } from '@inference-stack/models'
import sharp from 'sharp'
import { preprocess, type PreprocessLimits } from '../src/lib/preprocess.js'
import { preprocessBefore } from './before.js'
import type { Photo } from './client.js'
import { decodeFloor, decodeFull } from './floor.js'
import { medianOf } from './stats.js'

/** The ways to decode a photo timed side by side: two floors (the cheaper counts), the code before this change, the service's. */
const TIMED = ['floorResize', 'floorFull', 'before', 'after'] as const
type Timed = typeof TIMED[number]
export const DECODERS = ['floor', 'before', 'after'] as const
export type Decoder = typeof DECODERS[number]

/** One photo's cost per decoder: CPU ms of this process per image (medians over the rounds), one image at a time. */
export interface DecodeRow {
  name: string
  /** Part of the 12-photo mix (true) or a generated variant (false). */
  mix: boolean
  description: string
  cpuMs: Record<Decoder, number>
  wallMs: Record<Decoder, number>
  /** Which decode gave the floor: libvips' thumbnail-like resize, or every pixel decoded and nothing else. */
  floorBy: 'resize' | 'full decode'
}

export interface DecodeReport {
  rows: DecodeRow[]
  /** The mix: CPU ms per image averaged over its photos, and the ratios of those means. */
  mix: { cpuMsPerImage: Record<Decoder, number>, afterOverFloor: number, beforeOverFloor: number, beforeOverAfter: number }
}

const TARGET_MS = 150

function decoderFor (which: Timed, spec: Preprocessing, limits: PreprocessLimits): (image: Buffer) => Promise<unknown> {
  if (which === 'floorResize') return async (image) => await decodeFloor(image, spec, limits)
  if (which === 'floorFull') return async (image) => await decodeFull(image, spec, limits)
  if (which === 'before') return async (image) => await preprocessBefore(image, spec, limits)
  return async (image) => await preprocess(image, spec, limits)
}

async function describe (photo: Photo): Promise<string> {
  const m = await sharp(photo.body).metadata()
  const extras = [m.isProgressive === true ? 'progressive' : '', m.space !== 'srgb' ? m.space : '', m.icc ? 'ICC' : '',
    (m.orientation ?? 1) > 1 ? `EXIF ${m.orientation}` : '', m.depth !== 'uchar' ? m.depth : ''].filter(Boolean)
  return `${m.format} ${m.width}x${m.height}${extras.length ? ` (${extras.join(', ')})` : ''}`
}

/** Runs `fn` on `image` `n` times back to back: CPU ms of this process and wall ms, per image. */
async function timed (fn: (image: Buffer) => Promise<unknown>, image: Buffer, n: number): Promise<{ cpu: number, wall: number }> {
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  for (let i = 0; i < n; i++) await fn(image)
  const wall = (performance.now() - t0) / n
  const used = process.cpuUsage(cpu0)
  return { cpu: (used.user + used.system) / 1000 / n, wall }
}

/**
 * Per photo, the decode floor, the code before this change and the service's
 * preprocess(), one image at a time (one core), interleaved within each
 * round so all three see the same background load; each point repeats the
 * decode for about TARGET_MS. CPU time of this process is the cost measure:
 * other work on the machine moves it far less than wall time.
 */
export async function decodeBench (photos: Array<Photo & { mix: boolean }>, spec: Preprocessing, limits: PreprocessLimits, rounds: number): Promise<DecodeReport> {
  const fns = Object.fromEntries(TIMED.map((d) => [d, decoderFor(d, spec, limits)])) as Record<Timed, (image: Buffer) => Promise<unknown>>
  const samples = photos.map(() => Object.fromEntries(TIMED.map((d) => [d, [] as Array<{ cpu: number, wall: number }>])) as Record<Timed, Array<{ cpu: number, wall: number }>>)
  const repeats = photos.map(() => 1)
  for (const [i, photo] of photos.entries()) {
    const warm = await timed(fns.before, photo.body, 1)
    await timed(fns.floorResize, photo.body, 1)
    await timed(fns.floorFull, photo.body, 1)
    await timed(fns.after, photo.body, 1)
    repeats[i] = Math.max(2, Math.min(50, Math.round(TARGET_MS / Math.max(warm.wall, 1))))
  }
  for (let r = 0; r < rounds; r++) {
    for (const [i, photo] of photos.entries()) {
      // Rotate the order each round: none always runs first after another photo.
      for (let k = 0; k < TIMED.length; k++) {
        const which = TIMED[(k + r + i) % TIMED.length]!
        samples[i]![which].push(await timed(fns[which], photo.body, repeats[i]!))
      }
    }
  }
  const rows: DecodeRow[] = []
  for (const [i, photo] of photos.entries()) {
    const med = (d: Timed, key: 'cpu' | 'wall'): number => medianOf(samples[i]![d].map((s) => s[key]))
    const byResize = med('floorResize', 'cpu') <= med('floorFull', 'cpu')
    const pick = (key: 'cpu' | 'wall'): Record<Decoder, number> =>
      ({ floor: med(byResize ? 'floorResize' : 'floorFull', key), before: med('before', key), after: med('after', key) })
    rows.push({ name: photo.name, mix: photo.mix, description: await describe(photo), cpuMs: pick('cpu'), wallMs: pick('wall'), floorBy: byResize ? 'resize' : 'full decode' })
  }
  const mixRows = rows.filter((r) => r.mix)
  const mean = (d: Decoder): number => mixRows.reduce((sum, r) => sum + r.cpuMs[d], 0) / mixRows.length
  const cpuMsPerImage = Object.fromEntries(DECODERS.map((d) => [d, mean(d)])) as Record<Decoder, number>
  return {
    rows,
    mix: {
      cpuMsPerImage,
      afterOverFloor: cpuMsPerImage.after / cpuMsPerImage.floor,
      beforeOverFloor: cpuMsPerImage.before / cpuMsPerImage.floor,
      beforeOverAfter: cpuMsPerImage.before / cpuMsPerImage.after
    }
  }
}
