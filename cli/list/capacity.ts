// Each district's inspection capacity, as `gridcode list` plans its lists and
// `gridcode evaluate` / `gridcode tune` count the listed sites: N for every
// district (--capacity), from the inspectors file (0 for a district it lacks),
// or unlimited.
import type { InspectorsTable } from './inspectors.js';
import { NO_DISTRICT, type Capacity } from './ranking.js';

export function capacityOf(capacity: number | undefined, inspectors: InspectorsTable | undefined): (district: string) => Capacity {
  if (capacity !== undefined) return () => ({ kind: 'given', sites: capacity, from: '--capacity' });
  if (!inspectors) return () => ({ kind: 'unlimited' });
  return (district) => {
    const crew = inspectors.districts.get(district === '' ? NO_DISTRICT : district);
    if (!crew) return { kind: 'absent', from: inspectors.file };
    return { kind: 'given', sites: crew.inspectors * crew.sitesPerInspector, from: `${crew.inspectors} inspector${crew.inspectors === 1 ? '' : 's'} × ${crew.sitesPerInspector}` };
  };
}
