// Server reflection (grpc.reflection.v1 and v1alpha, whose messages are the
// same field for field, so one codec serves both): on one bidirectional
// stream the client sends requests and gets one response for each, in order,
// for as long as it keeps the stream open. Answers come from the descriptors
// of every file under proto/ (descriptor-index.ts). A request for something
// unknown gets an error_response and the stream stays open; only a malformed
// request message ends the stream (invalid_argument).
import { grpc } from '#gen/grpc-services.js';
import { ServiceError } from '../rpc/codes.js';
import type { DescribedFile, DescriptorIndex } from './descriptor-index.js';
import type { GrpcServerCall } from './grpc-call.js';

const { ServerReflectionRequest, ServerReflectionResponse } = grpc.reflection.v1;
type Request = grpc.reflection.v1.ServerReflectionRequest;
type Response = grpc.reflection.v1.IServerReflectionResponse;

/** gRPC status codes carried in error_response (not ending the stream). */
const INVALID_ARGUMENT = 3;
const NOT_FOUND = 5;

export function reflect(call: GrpcServerCall, index: DescriptorIndex): void {
  call.read(
    async (message) => {
      let request: Request;
      try {
        request = ServerReflectionRequest.decode(message);
      } catch (err) {
        throw new ServiceError('invalid_argument', `malformed ServerReflectionRequest: ${(err as Error).message}`);
      }
      await call.send(ServerReflectionResponse.encode(answer(request, index)).finish());
    },
    // The client half-closed: every request has been answered (each is awaited before the next is read).
    () => call.finish('ok'),
  );
}

const quote = (name: string): string => JSON.stringify(name.slice(0, 200));

/** The response to one request. */
export function answer(request: Request, index: DescriptorIndex): Response {
  const base: Response = { validHost: request.host, originalRequest: request };
  const error = (code: number, message: string): Response => ({ ...base, errorResponse: { errorCode: code, errorMessage: message } });
  const files = (file: DescribedFile | undefined, missing: string): Response =>
    file ? { ...base, fileDescriptorResponse: { fileDescriptorProto: index.withDependencies(file) } } : error(NOT_FOUND, missing);

  switch (request.messageRequest) {
    case 'listServices':
      return { ...base, listServicesResponse: { service: index.services.map((name) => ({ name })) } };
    case 'fileByFilename': {
      const name = request.fileByFilename ?? '';
      return files(index.fileByName(name), `no file ${quote(name)}`);
    }
    case 'fileContainingSymbol': {
      const symbol = request.fileContainingSymbol ?? '';
      return files(index.fileOfSymbol(symbol), `no symbol ${quote(symbol)}`);
    }
    case 'fileContainingExtension': {
      const type = request.fileContainingExtension?.containingType ?? '';
      const number = request.fileContainingExtension?.extensionNumber ?? 0;
      return files(index.fileOfExtension(type, number), `no extension ${number} of ${quote(type)}`);
    }
    case 'allExtensionNumbersOfType': {
      const type = request.allExtensionNumbersOfType ?? '';
      const numbers = index.extensionNumbers(type);
      if (!numbers) return error(NOT_FOUND, `no message type ${quote(type)}`);
      return { ...base, allExtensionNumbersResponse: { baseTypeName: type.replace(/^\./, ''), extensionNumber: numbers } };
    }
    default:
      return error(INVALID_ARGUMENT, 'the request names none of list_services, file_by_filename, file_containing_symbol, file_containing_extension, all_extension_numbers_of_type');
  }
}
