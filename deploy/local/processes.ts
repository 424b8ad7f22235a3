/**
 * The deployables and how each one is started. `npm start` spawns exactly these commands and
 * every Dockerfile's CMD is the same command (deploy/test checks it), so a process behaves
 * alike on a laptop and in a container.
 */
import type { ServiceName } from '@spilno/contracts';

export type DeployableName = ServiceName | 'gateway';

export interface Deployable {
  name: DeployableName;
  /** Entry point, relative to the repository root. */
  entry: string;
}

export const SERVICES: readonly (Deployable & { name: ServiceName })[] = [
  { name: 'users', entry: 'services/users/src/main.ts' },
  { name: 'initiatives', entry: 'services/initiatives/src/main.ts' },
  { name: 'matching', entry: 'services/matching/src/main.ts' },
  { name: 'donations', entry: 'services/donations/src/main.ts' },
];

export const GATEWAY: Deployable = { name: 'gateway', entry: 'gateway/src/main.ts' };

export const DEPLOYABLES: readonly Deployable[] = [...SERVICES, GATEWAY];

/** TypeScript runs as is, compiled on load by SWC (cached on disk); there is no build step. */
export function nodeCommand(entry: string): string[] {
  return ['node', '-r', '@swc-node/register', entry];
}

/**
 * SWC reads compiler options from this file (decorators and their metadata, which NestJS
 * needs); without it, it would look for a tsconfig.json at the root, which does not exist.
 */
export const SWC_NODE_PROJECT = 'tsconfig.base.json';
