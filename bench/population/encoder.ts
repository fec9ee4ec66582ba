// The hand-written protobuf encoder of the labelled population: generated
// consumers straight into serialized ScoreBatchRequest messages
// (proto/gridcode/v1/scoring.proto), one growing buffer reused per batch.
// Fields written, in field order: Consumer 1 id, 2 category, 3 zone,
// 4 capacity_kw (when known), 5 load_kw (packed), 6 water_m3 (packed, when
// metered), 7 group (only when the consumer has one: '' = absent), 8
// baseline_kw (fixed32 float, only when known: 0 = absent), 9 watch (a nested
// Watch {1 status, 2 since}, only for watched sites).

/** A consumer generator the encoder reads its fields from after each generate(index). */
export interface ConsumerSource {
  readonly P: number;
  readonly days: number;
  /** Readings per consumer: days × P. */
  readonly N: number;
  readonly startDate: string;
  readonly load: Float32Array;
  readonly water: Float32Array;
  /** The consumer's label (an index into KINDS, or into FOLLOW_UP_CASES). */
  readonly label: number;
  /** Its kind (index into KINDS): the label, or for a watched site the kind it is built from. */
  readonly kind: number;
  readonly category: number;
  readonly zone: number;
  readonly capacityKw: number;
  readonly hasWater: boolean;
  /** Readings actually sent (N, or fewer for a truncated curve). */
  readonly length: number;
  /** Consumer.baseline_kw; 0 = unknown (not written). */
  readonly baselineKw: number;
  /** Watch.status (WatchStatus enum number); 0 = not watched (no field 9). */
  readonly watchStatus: number;
  /** Watch.since, YYYY-MM-DD; '' = not written. */
  readonly watchSince: string;
  /** Consumer.group, at most GROUP_MAX_BYTES bytes of UTF-8; '' = not written. */
  readonly group: string;
  generate(index: number): void;
}

/** Longest Consumer.group the encoder writes (bytes of UTF-8); the buffer is sized with it. */
export const GROUP_MAX_BYTES = 64;

function varintLength(v: number): number {
  return v < 0x80 ? 1 : v < 0x4000 ? 2 : v < 0x200000 ? 3 : v < 0x10000000 ? 4 : 5;
}

function putVarint(buf: Uint8Array, at: number, v: number): number {
  while (v > 127) {
    buf[at++] = (v & 127) | 128;
    v >>>= 7;
  }
  buf[at++] = v;
  return at;
}

function digits(n: number): number {
  let k = 1;
  while (n >= 10) (n = Math.floor(n / 10)), k++;
  return k;
}

/** Writes ScoreBatchRequests of generated consumers into one growing, reused buffer. */
export class BatchEncoder {
  private buf: Uint8Array;
  private readonly f32 = new Float32Array(1);
  private readonly f32Bytes = new Uint8Array(this.f32.buffer);
  private readonly header: Uint8Array;
  private readonly text = new TextEncoder();
  /** The group written last and its bytes: encoded once per run of consumers with the same group. */
  private group = '';
  private groupBytes = new Uint8Array(0);

  /** `idPrefix`: the consumer ids are this character followed by the index ('c' for the main population). */
  constructor(
    readonly gen: ConsumerSource,
    ruleSet = '',
    private readonly idPrefix = 'c',
  ) {
    const date = this.text.encode(gen.startDate);
    const rs = this.text.encode(ruleSet);
    const h = new Uint8Array(32 + rs.length);
    let at = 0;
    if (rs.length) {
      h[at++] = 0x0a; // 1 rule_set
      at = putVarint(h, at, rs.length);
      h.set(rs, at);
      at += rs.length;
    }
    h[at++] = 0x12; // 2 start_date
    at = putVarint(h, at, date.length);
    h.set(date, at);
    at += date.length;
    h[at++] = 0x18; // 3 points_per_day
    at = putVarint(h, at, gen.P);
    this.header = h.slice(0, at);
    this.buf = new Uint8Array(0);
    if (idPrefix.length !== 1 || idPrefix.charCodeAt(0) > 127) throw new Error(`idPrefix must be one ASCII character, not ${idPrefix}`);
  }

  /** Upper bound of one encoded consumer (a watch's since is a 10-character date; a group at most GROUP_MAX_BYTES). */
  private get perConsumer(): number {
    return 48 + 4 * this.gen.N + 4 * this.gen.days + 8 + 5 + 32 + 2 + GROUP_MAX_BYTES;
  }

  /** The UTF-8 bytes of `group` (the same array while the group does not change). */
  private groupOf(group: string): Uint8Array {
    if (group !== this.group) {
      const bytes = this.text.encode(group);
      if (bytes.length > GROUP_MAX_BYTES) throw new Error(`group ${JSON.stringify(group)} is longer than ${GROUP_MAX_BYTES} bytes`);
      this.group = group;
      this.groupBytes = bytes;
    }
    return this.groupBytes;
  }

  /** Sizes the reused buffer for batches of up to `count` consumers (batches of varying size then share one buffer). */
  reserve(count: number): void {
    const need = this.header.length + count * this.perConsumer;
    if (this.buf.length < need) this.buf = new Uint8Array(need);
  }

  /** Generates consumers first … first+count−1 and encodes them; `reuse` false returns fresh arrays; `kinds`, when given, gets each consumer's kind. */
  encode(first: number, count: number, reuse: boolean, labels: Uint8Array, spans: Int32Array, kinds?: Uint8Array): Uint8Array {
    const need = this.header.length + count * this.perConsumer;
    if (this.buf.length < need || !reuse) this.buf = new Uint8Array(need);
    const buf = this.buf;
    buf.set(this.header, 0);
    let at = this.header.length;
    const gen = this.gen;
    const prefix = this.idPrefix.charCodeAt(0);
    const loadBytes = new Uint8Array(gen.load.buffer, gen.load.byteOffset, gen.load.byteLength);
    const waterBytes = new Uint8Array(gen.water.buffer, gen.water.byteOffset, gen.water.byteLength);
    for (let c = 0; c < count; c++) {
      const index = first + c;
      gen.generate(index);
      labels[c] = gen.label;
      if (kinds) kinds[c] = gen.kind;
      const idLen = 1 + digits(index);
      const loadLen = 4 * gen.length;
      const waterLen = gen.hasWater ? 4 * gen.days : 0;
      const since = gen.watchStatus > 0 && gen.watchSince ? this.text.encode(gen.watchSince) : undefined;
      const watchLen = gen.watchStatus > 0 ? 1 + varintLength(gen.watchStatus) + (since ? 2 + since.length : 0) : 0;
      const group = gen.group ? this.groupOf(gen.group) : undefined;
      const body =
        2 + idLen + // 1 id
        2 + 2 + // 2 category, 3 zone (enum values < 128)
        (gen.capacityKw > 0 ? 5 : 0) + // 4 capacity_kw
        1 + varintLength(loadLen) + loadLen + // 5 load_kw, packed
        (waterLen ? 1 + varintLength(waterLen) + waterLen : 0) + // 6 water_m3, packed
        (group ? 2 + group.length : 0) + // 7 group (< 128 bytes)
        (gen.baselineKw > 0 ? 5 : 0) + // 8 baseline_kw
        (watchLen ? 2 + watchLen : 0); // 9 watch (body < 128 bytes)
      buf[at++] = 0x22; // 4 consumers
      at = putVarint(buf, at, body);
      spans[2 * c] = at;
      buf[at++] = 0x0a;
      buf[at++] = idLen;
      buf[at++] = prefix;
      for (let k = idLen - 1, n = index; k >= 1; k--, n = Math.floor(n / 10)) buf[at + k - 1] = 0x30 + (n % 10);
      at += idLen - 1;
      buf[at++] = 0x10;
      buf[at++] = gen.category;
      buf[at++] = 0x18;
      buf[at++] = gen.zone;
      if (gen.capacityKw > 0) at = this.float(0x25, gen.capacityKw, at);
      buf[at++] = 0x2a;
      at = putVarint(buf, at, loadLen);
      buf.set(loadBytes.subarray(0, loadLen), at);
      at += loadLen;
      if (waterLen) {
        buf[at++] = 0x32;
        at = putVarint(buf, at, waterLen);
        buf.set(waterBytes.subarray(0, waterLen), at);
        at += waterLen;
      }
      if (group) {
        buf[at++] = 0x3a;
        buf[at++] = group.length;
        buf.set(group, at);
        at += group.length;
      }
      if (gen.baselineKw > 0) at = this.float(0x45, gen.baselineKw, at);
      if (watchLen) {
        buf[at++] = 0x4a;
        buf[at++] = watchLen;
        buf[at++] = 0x08; // 1 status
        at = putVarint(buf, at, gen.watchStatus);
        if (since) {
          buf[at++] = 0x12; // 2 since
          buf[at++] = since.length;
          buf.set(since, at);
          at += since.length;
        }
      }
      spans[2 * c + 1] = at;
    }
    return buf.subarray(0, at);
  }

  /** A fixed32 float field (host order: the generator checks for a little-endian host). */
  private float(tag: number, value: number, at: number): number {
    this.buf[at++] = tag;
    this.f32[0] = value;
    this.buf.set(this.f32Bytes, at);
    return at + 4;
  }
}
