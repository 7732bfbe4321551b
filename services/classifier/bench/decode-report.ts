import type { AccuracyReport } from './accuracy.js'
import type { DecodeReport } from './decode-bench.js'

const f1 = (x: number): string => x.toFixed(1)
const f2 = (x: number): string => x.toFixed(2)

/** The per-photo decode table: CPU ms per image for the floor, before and after, and their ratios. */
export function decodeMarkdown (d: DecodeReport): string {
  const lines = [
    'Preprocessing cost per photo, one image at a time (CPU ms of the bench process per image, medians over the rounds):',
    '',
    '| photo | input | floor | before | after | before / floor | after / floor | before / after |',
    '|---|---|---:|---:|---:|---:|---:|---:|'
  ]
  for (const r of d.rows) {
    const { floor, before, after } = r.cpuMs
    lines.push(`| ${r.mix ? '' : '(variant) '}${r.name} | ${r.description} | ${f1(floor)}${r.floorBy === 'resize' ? '' : '*'} | ${f1(before)} | ${f1(after)} | ${f2(before / floor)} | ${f2(after / floor)} | ${f2(before / after)} |`)
  }
  const { floor, before, after } = d.mix.cpuMsPerImage
  lines.push(`| **the mix, mean per image** | ${d.rows.filter((r) => r.mix).length} photos | ${f1(floor)} | ${f1(before)} | ${f1(after)} | ` +
    `${f2(d.mix.beforeOverFloor)} | **${f2(d.mix.afterOverFloor)}** | **${f2(d.mix.beforeOverAfter)}** |`)
  lines.push('', `One core decodes the mix at ${f1(1000 / floor)} img/s at the floor, ${f1(1000 / before)} before, ${f1(1000 / after)} after. ` +
    'Floor: libvips at the largest shrink-on-load factor, nearest-neighbour to the 256 size, no colour management (what the decoders must do); ' +
    '* where decoding every pixel and nothing else was cheaper. ' +
    'Before: the preprocessing this change replaced. After: the service\'s preprocess().')
  return lines.join('\n')
}

/** Per model: does the service's preprocessing give the reference's top-1, and how far are the top-5 probabilities. */
export function accuracyMarkdown (model: string, a: AccuracyReport): string {
  const lines = [
    `Accuracy of ${model} against the reference preprocessing (every pixel decoded, bilinear 256, crop 224): ` +
      `top-1 the same on ${a.after.top1Same}/${a.after.of} inputs after (${a.before.top1Same}/${a.before.of} before), ` +
      `max |delta p| over the reference's top 5 ${a.after.maxDeltaP.toFixed(3)} after (${a.before.maxDeltaP.toFixed(3)} before).`,
    '',
    '| photo | reference top-1 | after: top-1 same, max abs delta p, tensor mean / max grey levels | before: the same |',
    '|---|---|---|---|'
  ]
  const cell = (g: AccuracyReport['rows'][number]['after']): string =>
    `${g.top1Same ? 'yes' : '**no**'}, ${g.maxDeltaP.toFixed(3)}, ${f2(g.meanGrey)} / ${f1(g.maxGrey)}`
  for (const r of a.rows) lines.push(`| ${r.name} | ${r.referenceTop1} | ${cell(r.after)} | ${cell(r.before)} |`)
  return lines.join('\n')
}
