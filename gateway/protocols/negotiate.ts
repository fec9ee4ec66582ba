// Which protocol and serialization a request speaks, from its Content-Type.
import type { Protocol, Serialization } from '../service/types.js';

export interface Negotiated {
  readonly protocol: Protocol;
  readonly serialization: Serialization;
}

const BY_MEDIA_TYPE: Readonly<Record<string, Negotiated>> = {
  'application/proto': { protocol: 'connect', serialization: 'proto' },
  'application/json': { protocol: 'connect', serialization: 'json' },
  'application/grpc-web': { protocol: 'grpc-web', serialization: 'proto' },
  'application/grpc-web+proto': { protocol: 'grpc-web', serialization: 'proto' },
  'application/grpc-web+json': { protocol: 'grpc-web', serialization: 'json' },
  'application/grpc': { protocol: 'grpc', serialization: 'proto' },
  'application/grpc+proto': { protocol: 'grpc', serialization: 'proto' },
  'application/grpc+json': { protocol: 'grpc', serialization: 'json' },
};

/** The protocol of a Content-Type, or undefined when none is served (HTTP 415). */
export function negotiate(contentType: string | null | undefined): Negotiated | undefined {
  if (!contentType) return undefined;
  const media = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  return Object.hasOwn(BY_MEDIA_TYPE, media) ? BY_MEDIA_TYPE[media] : undefined;
}

/** The Content-Type answering a request of this protocol and serialization. */
export function contentTypeOf(protocol: Protocol, serialization: Serialization): string {
  switch (protocol) {
    case 'connect':
      return `application/${serialization}`;
    case 'grpc-web':
      return `application/grpc-web+${serialization}`;
    case 'grpc':
      return `application/grpc+${serialization}`;
  }
}
