// Which protocol and serialization a request speaks, from its Content-Type.
import type { Protocol, Serialization } from '../rpc/types.js';

export interface Negotiated {
  readonly protocol: Protocol;
  readonly serialization: Serialization;
  /**
   * gRPC-Web text mode: request and response bodies are base64 (the default
   * of the `grpc-web` npm client). Still protocol `grpc-web` everywhere else
   * (metrics, logs, the service): only the adapter's body coding differs.
   */
  readonly text?: true;
  /** The Connect streaming protocol (ScoreStream only): enveloped messages and an end-stream message. */
  readonly streaming?: true;
}

/** What a gRPC-Web text-mode request is answered with (the type gRPC-Web clients and Envoy use). */
export const GRPC_WEB_TEXT_CONTENT_TYPE = 'application/grpc-web-text+proto';

const BY_MEDIA_TYPE: Readonly<Record<string, Negotiated>> = {
  'application/proto': { protocol: 'connect', serialization: 'proto' },
  'application/json': { protocol: 'connect', serialization: 'json' },
  'application/grpc-web': { protocol: 'grpc-web', serialization: 'proto' },
  'application/grpc-web+proto': { protocol: 'grpc-web', serialization: 'proto' },
  'application/grpc-web+json': { protocol: 'grpc-web', serialization: 'json' },
  // Text mode for protobuf only: PROTOCOL-WEB.md names +proto (and +thrift), no client sends +json.
  'application/grpc-web-text': { protocol: 'grpc-web', serialization: 'proto', text: true },
  'application/grpc-web-text+proto': { protocol: 'grpc-web', serialization: 'proto', text: true },
  'application/grpc': { protocol: 'grpc', serialization: 'proto' },
  'application/grpc+proto': { protocol: 'grpc', serialization: 'proto' },
  'application/grpc+json': { protocol: 'grpc', serialization: 'json' },
  'application/connect+proto': { protocol: 'connect', serialization: 'proto', streaming: true },
  'application/connect+json': { protocol: 'connect', serialization: 'json', streaming: true },
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
