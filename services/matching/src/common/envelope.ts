/** The `{ meta, data }` request envelope as every handler of this service receives it. */
import { IsObject } from 'class-validator';
import type { RequestMeta } from '@spilno/contracts';

/** `meta` comes from the gateway; each subclass validates its `data`. */
export abstract class Envelope {
  @IsObject()
  meta!: RequestMeta;
}
