import { MAX_POINTS, templateCount, templates } from './layout';

// Per-batch preparation of the templates (already resampled to P points by
// the host): centred copies and their Σ (q − q̄)², shared by every consumer
// whose profile has a value in every slot.

/** Most templates a rule set may name (the host enforces it). */
export const MAX_TEMPLATES: i32 = 64;
export const centredTemplates: usize = memory.data(MAX_TEMPLATES * MAX_POINTS * 8, 16);
const norms: usize = memory.data(MAX_TEMPLATES * 8, 16);

export function prepareTemplates(pointsPerDay: i32): void {
  for (let t = 0; t < templateCount; t++) {
    const q = templates + (<usize>t * pointsPerDay << 3);
    const out = centredTemplates + (<usize>t * pointsPerDay << 3);
    let sum: f64 = 0;
    for (let s = 0; s < pointsPerDay; s++) sum += load<f64>(q + (<usize>s << 3));
    const mean = sum / pointsPerDay;
    let squares: f64 = 0;
    let varies = false;
    const first = load<f64>(q);
    for (let s = 0; s < pointsPerDay; s++) {
      const v = load<f64>(q + (<usize>s << 3));
      varies = varies || v != first;
      const d = v - mean;
      store<f64>(out + (<usize>s << 3), d);
      squares += d * d;
    }
    // A flat template has no correlation (features.md): mark it with norm 0.
    store<f64>(norms + (<usize>t << 3), varies ? squares : 0);
  }
}

export function templateNorms(t: i32): f64 {
  return load<f64>(norms + (<usize>t << 3));
}

export function templateVaries(t: i32): bool {
  return templateNorms(t) > 0;
}
