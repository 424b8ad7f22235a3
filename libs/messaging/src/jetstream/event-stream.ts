/**
 * The one JetStream stream that carries every fact (`SPILNO_EVENTS`, subjects `evt.>`). Every
 * process that publishes or consumes calls `ensureEventStream` at start, so whichever comes
 * first creates it and a changed setting here reaches the server on the next deploy.
 */
import {
  DiscardPolicy,
  NatsConnection,
  NatsError,
  RetentionPolicy,
  StorageType,
  StreamConfig,
  StreamInfo,
  nanos,
} from 'nats';
import { EVENTS_STREAM, EVENTS_SUBJECTS } from '@spilno/contracts';

/** JetStream API error codes this library reacts to (nats-server `errors.json`). */
export const JS_ERR = {
  streamNotFound: 10059,
  streamNameInUse: 10058,
  consumerNotFound: 10014,
} as const;

export interface EventStreamOptions {
  /** 1 on a single server; 3 on the production cluster (`EVENTS_STREAM_REPLICAS`). */
  replicas?: number;
  /** How long facts stay replayable; consumers must remember event ids at least this long. */
  maxAgeMs?: number;
  /** Re-publishes of one event id within this window are dropped by the server. */
  duplicateWindowMs?: number;
}

export const EVENT_STREAM_DEFAULTS = {
  replicas: 1,
  maxAgeMs: 30 * 24 * 3600 * 1000,
  duplicateWindowMs: 2 * 60 * 1000,
} satisfies Required<EventStreamOptions>;

export function eventStreamConfig(options: EventStreamOptions = {}): Partial<StreamConfig> {
  const o = { ...EVENT_STREAM_DEFAULTS, ...options };
  return {
    name: EVENTS_STREAM,
    subjects: [EVENTS_SUBJECTS],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    num_replicas: o.replicas,
    max_age: nanos(o.maxAgeMs),
    duplicate_window: nanos(o.duplicateWindowMs),
  };
}

export function jsErrorCode(e: unknown): number | undefined {
  return e instanceof NatsError ? e.api_error?.err_code : undefined;
}

/** Creates the stream, or brings an existing one to the wanted settings; safe to race. */
export async function ensureEventStream(
  nc: NatsConnection,
  options: EventStreamOptions = {},
): Promise<StreamInfo> {
  const jsm = await nc.jetstreamManager();
  const wanted = eventStreamConfig(options);
  let current: StreamInfo;
  try {
    current = await jsm.streams.info(EVENTS_STREAM);
  } catch (e) {
    if (jsErrorCode(e) !== JS_ERR.streamNotFound) throw e;
    try {
      return await jsm.streams.add(wanted);
    } catch (addError) {
      // Another process created it between our look-up and our add (with other settings).
      if (jsErrorCode(addError) !== JS_ERR.streamNameInUse) throw addError;
      current = await jsm.streams.info(EVENTS_STREAM);
    }
  }
  if (differs(current.config, wanted)) {
    return jsm.streams.update(EVENTS_STREAM, { ...current.config, ...wanted });
  }
  return current;
}

function differs(current: StreamConfig, wanted: Partial<StreamConfig>): boolean {
  return (Object.keys(wanted) as (keyof StreamConfig)[]).some(
    (key) => JSON.stringify(current[key]) !== JSON.stringify(wanted[key]),
  );
}
