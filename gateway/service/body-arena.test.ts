import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BodyArena, DEFAULT_MIN_SLAB_BYTES, slabBytes } from './body-arena.js';

const MiB = 1024 * 1024;

describe('slabBytes', () => {
  it('is the smallest multiple of a quarter of the power of two below the length that holds it', () => {
    fc.assert(
      fc.property(fc.integer({ min: DEFAULT_MIN_SLAB_BYTES + 1, max: 2 ** 31 }), (length) => {
        const size = slabBytes(length);
        // The power of two p with p < length ≤ 2p, found by doubling (not by the logarithm under test).
        let p = 1;
        while (p * 2 < length) p *= 2;
        expect(size % (p / 4)).toBe(0);
        expect(size).toBeGreaterThanOrEqual(length);
        expect(size - length).toBeLessThan(p / 4);
        expect(size).toBeLessThanOrEqual(length * 1.25);
      }),
    );
  });

  it('gives the minimum to bodies up to it, and names the 10,000-consumer class', () => {
    expect(slabBytes(1)).toBe(DEFAULT_MIN_SLAB_BYTES);
    expect(slabBytes(DEFAULT_MIN_SLAB_BYTES)).toBe(DEFAULT_MIN_SLAB_BYTES);
    expect(slabBytes(11_544_474)).toBe(12 * MiB); // 1,000 consumers × 30 days × 96
    expect(slabBytes(110 * MiB)).toBe(112 * MiB);
    expect(slabBytes(128 * MiB)).toBe(128 * MiB);
  });
});

describe('BodyArena', () => {
  it('gives small bodies an ArrayBuffer of their own and larger ones a shared slab', () => {
    const lease = new BodyArena({ retainBytes: 64 * MiB }).lease();
    expect(lease.allocate(100)).toBeInstanceOf(ArrayBuffer);
    const slab = lease.allocate(3 * MiB);
    expect(slab).toBeInstanceOf(SharedArrayBuffer);
    expect(slab.byteLength).toBe(3 * MiB);
  });

  it('hands a released slab to the next request of its class, and never one still leased', () => {
    const arena = new BodyArena({ retainBytes: 64 * MiB });
    const first = arena.lease();
    const a = first.allocate(11 * MiB);
    const second = arena.lease();
    const b = second.allocate(11 * MiB);
    expect(b).not.toBe(a);
    first.release();
    first.release(); // idempotent: the slab is not given back twice
    const c = arena.lease().allocate(11.5 * MiB);
    const d = arena.lease().allocate(11 * MiB);
    expect(c).toBe(a);
    expect(d).not.toBe(b);
    expect(arena.stats()).toMatchObject({ slabsCreated: 3, slabsReused: 1, leasedBytes: 3 * 12 * MiB, freeBytes: 0 });
    expect(() => first.allocate(MiB)).toThrow(/released/);
  });

  it('keeps leased and free slabs within retainBytes, dropping the least recently returned', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ mib: fc.integer({ min: 1, max: 40 }), hold: fc.integer({ min: 0, max: 3 }) }), { maxLength: 60 }),
        (requests) => {
          const retainBytes = 100 * MiB;
          const arena = new BodyArena({ retainBytes });
          const open: { release(): void; left: number }[] = [];
          let leased = 0;
          for (const { mib, hold } of requests) {
            const lease = arena.lease();
            leased += lease.allocate(mib * MiB).byteLength;
            open.push({ release: lease.release, left: hold });
            for (const o of open.splice(0)) {
              if (o.left-- > 0) open.push(o);
              else o.release();
            }
            const stats = arena.stats();
            // Free slabs are dropped until the total fits, or there are none left to drop.
            expect(stats.freeBytes === 0 || stats.leasedBytes + stats.freeBytes <= retainBytes).toBe(true);
          }
          for (const o of open) o.release();
          const stats = arena.stats();
          expect(stats.leasedBytes).toBe(0);
          expect(stats.freeBytes).toBeLessThanOrEqual(retainBytes);
          expect(stats.slabsCreated + stats.slabsReused).toBe(requests.length);
          expect(leased).toBeGreaterThanOrEqual(requests.reduce((sum, r) => sum + r.mib * MiB, 0));
        },
      ),
    );
  });

  it('drops the slab that came back longest ago first', () => {
    const arena = new BodyArena({ retainBytes: 40 * MiB });
    const leases = [4, 8, 16].map((mib) => {
      const lease = arena.lease();
      return { slab: lease.allocate(mib * MiB), release: lease.release };
    });
    for (const l of leases) l.release(); // 4 + 8 + 16 = 28 MiB free
    const big = arena.lease();
    big.allocate(24 * MiB); // 28 free + 24 leased > 40: the 4 and 8 MiB slabs go, oldest first
    expect(arena.stats()).toMatchObject({ freeBytes: 16 * MiB, leasedBytes: 24 * MiB });
    expect(arena.lease().allocate(16 * MiB)).toBe(leases[2]!.slab);
  });
});
