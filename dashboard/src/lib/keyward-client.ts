// The dashboard's one connection to Keyward: the public gRPC contract, from server code only.
import 'server-only';
import { credentials, Metadata, type ChannelCredentials, type ServiceError, type status } from '@grpc/grpc-js';
import { KeyServiceClient } from '@keyward/proto/keyward/v1';
import { dashboardConfig, type TlsMaterial } from './dashboard-config';

const DEADLINE_MS = 10_000;

let client: KeyServiceClient | undefined;

function channelCredentials(tls: TlsMaterial | undefined): ChannelCredentials {
  return tls === undefined ? credentials.createInsecure() : credentials.createSsl(tls.ca, tls.key, tls.cert);
}

function keyService(): KeyServiceClient {
  const { server, tls } = dashboardConfig();
  client ??= new KeyServiceClient(server, channelCredentials(tls));
  return client;
}

type Callback<Res> = (error: ServiceError | null, response: Res) => void;
type Unary<Req, Res> = (
  request: Req,
  metadata: Metadata,
  options: { deadline: Date },
  callback: Callback<Res>,
) => unknown;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- only the shape matters here
type AnyUnary = Unary<any, any>;

export type UnaryName = {
  [M in keyof KeyServiceClient]: KeyServiceClient[M] extends AnyUnary ? M : never;
}[keyof KeyServiceClient];

export type RequestOf<M extends UnaryName> = Parameters<KeyServiceClient[M]>[0];
export type ResponseOf<M extends UnaryName> = KeyServiceClient[M] extends Unary<RequestOf<M>, infer Res> ? Res : never;

/** One unary RPC, as `token`'s bearer (none: unauthenticated, for Login). */
export function call<M extends UnaryName>(method: M, request: RequestOf<M>, token?: string): Promise<ResponseOf<M>> {
  const service = keyService();
  const metadata = new Metadata();
  if (token !== undefined) metadata.set('authorization', `Bearer ${token}`);
  const unary = service[method] as unknown as Unary<RequestOf<M>, ResponseOf<M>>;
  return new Promise((resolve, reject) => {
    unary.call(service, request, metadata, { deadline: new Date(Date.now() + DEADLINE_MS) }, (error, response) =>
      error === null ? resolve(response) : reject(error),
    );
  });
}

export function isGrpcError(error: unknown, code: status): error is ServiceError {
  return typeof error === 'object' && error !== null && (error as Partial<ServiceError>).code === code;
}
