/**
 * MongoDB wire protocol framing: OP_MSG (2013) for commands, legacy OP_QUERY (2004) answered
 * with OP_REPLY (1) for the first handshake. Parsing never trusts a length field: every read is
 * bounds-checked and a bad frame raises `WireError`, which closes only that connection.
 */
import { deserialize, serialize, setInternalBufferSize } from 'bson';
import { crc32c } from '../storage/crc32c';
import { Document, fromWire } from '../bson/values';

export const OP_REPLY = 1;
export const OP_QUERY = 2004;
export const OP_COMPRESSED = 2012;
export const OP_MSG = 2013;

export const MAX_BSON_OBJECT_SIZE = 16 * 1024 * 1024;
export const MAX_MESSAGE_SIZE_BYTES = 48_000_000;
export const MAX_WRITE_BATCH_SIZE = 100_000;

const FLAG_CHECKSUM_PRESENT = 1 << 0;
const FLAG_MORE_TO_COME = 1 << 1;
const FLAG_EXHAUST_ALLOWED = 1 << 16;
/** Bits 0-15 are "required": a receiver must reject unknown ones. */
const KNOWN_REQUIRED_FLAGS = FLAG_CHECKSUM_PRESENT | FLAG_MORE_TO_COME;

export class WireError extends Error {}

export interface MessageHeader {
  length: number;
  requestId: number;
  responseTo: number;
  opCode: number;
}

export interface CommandMessage {
  header: MessageHeader;
  /** The command document, with document sequences (kind 1) merged in as array fields. */
  command: Document;
  /** OP_MSG moreToCome: the client expects no reply (unacknowledged writes). */
  moreToCome: boolean;
  exhaustAllowed: boolean;
  legacy: boolean;
  /** For OP_QUERY: the database of `<db>.$cmd`. */
  legacyDb?: string;
}

const DESERIALIZE_OPTIONS = { promoteValues: false, bsonRegExp: true, validation: { utf8: false } };

export function readHeader(buf: Buffer): MessageHeader {
  return {
    length: buf.readInt32LE(0),
    requestId: buf.readInt32LE(4),
    responseTo: buf.readInt32LE(8),
    opCode: buf.readInt32LE(12),
  };
}

function readDocument(buf: Buffer, offset: number, end: number): [Document, number] {
  if (offset + 5 > end) throw new WireError('truncated BSON document');
  const size = buf.readInt32LE(offset);
  if (size < 5 || offset + size > end) throw new WireError(`invalid BSON document size ${size}`);
  if (size > MAX_BSON_OBJECT_SIZE + 16 * 1024) throw new WireError('BSON document too large');
  if (buf[offset + size - 1] !== 0) throw new WireError('BSON document not terminated');
  let doc: Document;
  try {
    doc = deserialize(buf.subarray(offset, offset + size), DESERIALIZE_OPTIONS) as Document;
  } catch (e) {
    throw new WireError(`invalid BSON: ${(e as Error).message}`);
  }
  return [fromWire(doc), offset + size];
}

function readCString(buf: Buffer, offset: number, end: number): [string, number] {
  const zero = buf.indexOf(0, offset);
  if (zero < 0 || zero >= end) throw new WireError('unterminated C string');
  return [buf.toString('utf8', offset, zero), zero + 1];
}

/** Parses one complete frame (`buf.length === header.length`). */
export function parseMessage(buf: Buffer): CommandMessage {
  const header = readHeader(buf);
  switch (header.opCode) {
    case OP_MSG:
      return parseOpMsg(buf, header);
    case OP_QUERY:
      return parseOpQuery(buf, header);
    case OP_COMPRESSED:
      throw new WireError('OP_COMPRESSED is not supported (no compressors advertised)');
    default:
      throw new WireError(`unsupported opCode ${header.opCode}`);
  }
}

function parseOpMsg(buf: Buffer, header: MessageHeader): CommandMessage {
  if (buf.length < 21) throw new WireError('OP_MSG too short');
  const flags = buf.readUInt32LE(16);
  if ((flags & 0xffff & ~KNOWN_REQUIRED_FLAGS) !== 0) {
    throw new WireError(`unknown required OP_MSG flag bits ${flags.toString(16)}`);
  }
  let end = buf.length;
  if (flags & FLAG_CHECKSUM_PRESENT) {
    end -= 4;
    if (end < 21) throw new WireError('OP_MSG too short for its checksum');
    const expected = buf.readUInt32LE(end);
    if (crc32c(buf.subarray(0, end)) !== expected) throw new WireError('OP_MSG checksum mismatch');
  }
  let offset = 20;
  let body: Document | undefined;
  const sequences: [string, Document[]][] = [];
  while (offset < end) {
    const kind = buf[offset++];
    if (kind === 0) {
      if (body) throw new WireError('OP_MSG has more than one body section');
      [body, offset] = readDocument(buf, offset, end);
    } else if (kind === 1) {
      if (offset + 4 > end) throw new WireError('truncated document sequence');
      const size = buf.readInt32LE(offset);
      const seqEnd = offset + size;
      if (size < 5 || seqEnd > end) throw new WireError(`invalid document sequence size ${size}`);
      let id: string;
      [id, offset] = readCString(buf, offset + 4, seqEnd);
      const docs: Document[] = [];
      while (offset < seqEnd) {
        let doc: Document;
        [doc, offset] = readDocument(buf, offset, seqEnd);
        docs.push(doc);
      }
      sequences.push([id, docs]);
    } else {
      throw new WireError(`unknown OP_MSG section kind ${kind}`);
    }
  }
  if (!body) throw new WireError('OP_MSG without a body section');
  for (const [id, docs] of sequences) {
    if (id in body) throw new WireError(`duplicate field ${id} in body and document sequence`);
    body[id] = docs;
  }
  return {
    header,
    command: body,
    moreToCome: (flags & FLAG_MORE_TO_COME) !== 0,
    exhaustAllowed: (flags & FLAG_EXHAUST_ALLOWED) !== 0,
    legacy: false,
  };
}

function parseOpQuery(buf: Buffer, header: MessageHeader): CommandMessage {
  const [ns, afterNs] = readCString(buf, 20, buf.length);
  // numberToSkip and numberToReturn (8 bytes) do not apply to commands.
  const [query] = readDocument(buf, afterNs + 8, buf.length);
  if (!ns.endsWith('.$cmd')) throw new WireError(`legacy OP_QUERY on ${ns} is not supported`);
  // Drivers wrap commands as { $query: {...}, $readPreference } through mongos-style envelopes.
  const command = (query.$query as Document | undefined) ?? query;
  return {
    header,
    command,
    moreToCome: false,
    exhaustAllowed: false,
    legacy: true,
    legacyDb: ns.slice(0, -'.$cmd'.length),
  };
}

// bson's serializer silently truncates past its scratch buffer (17 MiB by default); a reply
// holds up to one 16 MiB document plus the envelope, so the buffer gets headroom.
setInternalBufferSize(MAX_BSON_OBJECT_SIZE + 4 * 1024 * 1024);

let nextRequestId = 1;

export function buildOpMsg(responseTo: number, doc: Document): Buffer {
  const body = serialize(doc);
  const out = Buffer.allocUnsafe(21 + body.length);
  out.writeInt32LE(out.length, 0);
  out.writeInt32LE(nextRequestId++ & 0x7fffffff, 4);
  out.writeInt32LE(responseTo, 8);
  out.writeInt32LE(OP_MSG, 12);
  out.writeUInt32LE(0, 16);
  out[20] = 0;
  out.set(body, 21);
  return out;
}

export function buildOpReply(responseTo: number, doc: Document): Buffer {
  const body = serialize(doc);
  const out = Buffer.allocUnsafe(36 + body.length);
  out.writeInt32LE(out.length, 0);
  out.writeInt32LE(nextRequestId++ & 0x7fffffff, 4);
  out.writeInt32LE(responseTo, 8);
  out.writeInt32LE(OP_REPLY, 12);
  out.writeInt32LE(0, 16); // responseFlags
  out.writeBigInt64LE(0n, 20); // cursorID
  out.writeInt32LE(0, 28); // startingFrom
  out.writeInt32LE(1, 32); // numberReturned
  out.set(body, 36);
  return out;
}
