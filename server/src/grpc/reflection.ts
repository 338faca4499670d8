import { loadFileDescriptorSetFromBuffer, type PackageDefinition } from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { BinaryReader, WireType } from '@bufbuild/protobuf/wire';
import type { Server } from '@grpc/grpc-js';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const DESCRIPTOR_SETS = ['@keyward/proto/descriptors', '@keyward/proto/health-descriptors'];

/**
 * Server reflection (for buf curl, grpcurl, Postman) built from buf's descriptor sets.
 *
 * proto-loader re-creates each file descriptor from its parsed schema and loses the files'
 * `dependency` lists; clients such as buf curl then cannot resolve google.protobuf.Timestamp and
 * report the service as missing. So reflection is handed buf's original file descriptors.
 */
export function addReflection(server: Server): void {
  const definition: PackageDefinition = {};
  for (const specifier of DESCRIPTOR_SETS) {
    const set = readFileSync(require.resolve(specifier));
    const files = fileDescriptors(set);
    for (const [name, entry] of Object.entries(loadFileDescriptorSetFromBuffer(set))) {
      definition[name] = { ...entry, fileDescriptorProtos: files } as PackageDefinition[string];
    }
  }
  new ReflectionService(definition).addToServer(server);
}

/** The encoded FileDescriptorProtos of a FileDescriptorSet (`repeated FileDescriptorProto file = 1`). */
function fileDescriptors(set: Uint8Array): Buffer[] {
  const reader = new BinaryReader(set);
  const files: Buffer[] = [];
  while (reader.pos < reader.len) {
    const [fieldNo, wireType] = reader.tag();
    if (fieldNo === 1 && wireType === WireType.LengthDelimited) files.push(Buffer.from(reader.bytes()));
    else reader.skip(wireType);
  }
  return files;
}
