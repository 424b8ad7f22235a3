/**
 * One MongoDB database per service, hardened against query injection (pitfalls.md):
 * `strictQuery` drops filter keys the schema does not declare, and `sanitizeFilter` turns
 * operator objects that arrive inside values (`{ email: { $ne: null } }`) into literal matches.
 * A repository that needs an operator on purpose wraps it in `mongoose.trusted(...)`.
 */
import { DynamicModule } from '@nestjs/common';
import { MongooseModule, MongooseModuleOptions } from '@nestjs/mongoose';
import mongoose from 'mongoose';
import type { ServiceName } from '@spilno/contracts';
import type { ServiceConfig } from '@spilno/config';
import { SERVICE_CONFIG } from './service-context.module';

/** The database a URI names in its path, if any (`mongodb://h1,h2/name?opts` gives `name`). */
export function databaseInUri(uri: string): string | null {
  const match = /^mongodb(?:\+srv)?:\/\/[^/]+\/([^?]*)/.exec(uri);
  const name = match?.[1] ? decodeURIComponent(match[1]) : '';
  return name === '' ? null : name;
}

export function mongooseRootOptions(service: ServiceName, uri: string): MongooseModuleOptions {
  // Queries read these from the mongoose base at execution time, so setting them here, before
  // the first query, covers every schema of the service.
  mongoose.set('strictQuery', true);
  mongoose.set('sanitizeFilter', true);
  return {
    uri,
    dbName: databaseInUri(uri) ?? service,
    // Fail a query within the RPC timeout when MongoDB is gone, instead of after 30 s.
    serverSelectionTimeoutMS: 5000,
    appName: service,
  };
}

/** `MongooseModule.forRoot` for a service, reading MONGODB_URI from the validated config. */
export function serviceDatabase(service: ServiceName): DynamicModule {
  return MongooseModule.forRootAsync({
    inject: [SERVICE_CONFIG],
    useFactory: (config: ServiceConfig) => mongooseRootOptions(service, config.MONGODB_URI),
  });
}
