import type { Document } from '../bson/values';

export interface PipelineContext {
  db: string;
  /** Documents of another collection of the same db, for $lookup/$graphLookup/$unionWith (a snapshot array; you must not mutate them) */
  resolveCollection(name: string): Document[];
  now?: () => Date;
}

export interface PipelineResult {
  docs: Document[];
  /** $out/$merge are not applied here: the server writes `docs` as `spec` says. */
  output?: { stage: '$out' | '$merge'; spec: Document; docs: Document[] };
}
