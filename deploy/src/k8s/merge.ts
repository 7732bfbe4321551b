/** A Kubernetes object, or any part of one, as parsed from YAML. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json }
export type JsonObject = { [key: string]: Json }

const isObject = (v: Json | undefined): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v)
const named = (list: Json[]): list is JsonObject[] => list.length > 0 && list.every((x) => isObject(x) && typeof x.name === 'string')

/**
 * Strategic merge patch, the subset this project's manifests use, as kustomize
 * applies it: maps merge key by key; lists of named items (containers, env,
 * volumes, volumeMounts, initContainers) merge item by item on `name`, in
 * kustomize's order (the patch's items first, then the base's others); every other list, and every scalar, is replaced by the patch.
 * `null` in the patch deletes the key.
 */
export function strategicMerge (base: Json | undefined, patch: Json): Json {
  if (isObject(patch)) {
    const out: JsonObject = isObject(base) ? { ...base } : {}
    for (const [key, value] of Object.entries(patch)) {
      if (value === null) delete out[key]
      else out[key] = strategicMerge(out[key], value)
    }
    return out
  }
  if (Array.isArray(patch) && Array.isArray(base) && named(patch) && named(base)) {
    // kustomize's order: the patch's items (merged into the base's of the same name), then the base's other items.
    const out: Json[] = patch.map((p) => {
      const match = base.find((b) => b.name === p.name)
      return match === undefined ? p : strategicMerge(match, p)
    })
    for (const b of base) if (!patch.some((p) => p.name === b.name)) out.push(b)
    return out
  }
  return patch
}
