// Deterministic splits of inspected sites by id and seed (`gridcode tune`):
// the held-out part and the cross-validation folds. A site's place depends
// only on its id and the seed, never on the order of the files, so the same
// outcomes and seed give the same split on every run and machine.

/** A number in [0, 1) from the id and seed: FNV-1a over `seed:id` (UTF-16 units), then murmur3's finaliser to spread the bits. */
export function splitKey(id: string, seed: number): number {
  const text = `${seed}:${id}`;
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 2 ** 32;
}

/** Whether the site is in the held-out share `holdout` (0 ≤ holdout < 1). */
export function isHeldOut(id: string, seed: number, holdout: number): boolean {
  return splitKey(id, seed) < holdout;
}

/** The site's fold, 0 … folds − 1, independent of the held-out split (another stream of the seed). */
export function foldOf(id: string, seed: number, folds: number): number {
  return Math.min(folds - 1, Math.floor(splitKey(id, seed + 0x9e3779b9) * folds));
}
