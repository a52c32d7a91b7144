import { status as GrpcStatus } from '@grpc/grpc-js';

import type { HttpProblem } from '../problem.js';

/**
 * The gRPC status of a problem. The protocol signals every failure by a non-OK google.rpc.Status; the codes follow
 * gRPC's own correspondence with HTTP and KServe's servers: an invalid request INVALID_ARGUMENT, an unknown model
 * NOT_FOUND, more rows than BATCH_LIMIT RESOURCE_EXHAUSTED (as gRPC answers a message over its size limit), a server
 * not ready UNAVAILABLE, anything unexpected INTERNAL.
 */
export function grpcCode(problem: HttpProblem): GrpcStatus {
  switch (problem.status) {
    case 400:
    case 415:
    case 422:
      return GrpcStatus.INVALID_ARGUMENT;
    case 404:
      return GrpcStatus.NOT_FOUND;
    case 413:
      return GrpcStatus.RESOURCE_EXHAUSTED;
    case 503:
      return GrpcStatus.UNAVAILABLE;
    default:
      return GrpcStatus.INTERNAL;
  }
}

/** The status message: the problem's detail, then every field-level problem (`path: message`). */
export function grpcDetails(problem: HttpProblem): string {
  if (problem.errors.length === 0) return problem.detail;
  return `${problem.detail} ${problem.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`;
}
