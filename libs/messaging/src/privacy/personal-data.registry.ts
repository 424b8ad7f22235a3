/**
 * One service's personal-data registry: the export and the erasure of a person, built from the
 * service's declarations (`personal-data.ts`). It works on the driver's collections, so it
 * needs no mongoose model and covers any collection a declaration names, including those
 * another module of the service defines.
 */
import type { AnyObject, ClientSession, Connection } from 'mongoose';
import type { SubjectExportSections } from '@spilno/contracts';
import { exportRecord } from './export-json';
import {
  DataSubject,
  ErasureContext,
  Filter,
  PersonalDataDeclaration,
  StoredDocument,
  pseudonymisingUpdate,
  subjectFilter,
} from './personal-data';

/** Per collection: how many documents were deleted or pseudonymised. */
export type ErasureReport = Record<string, { deleted: number } | { pseudonymised: number }>;

export class PersonalDataRegistry {
  private readonly declarations = new Map<string, PersonalDataDeclaration>();

  constructor(
    private readonly connection: Connection,
    declarations: readonly PersonalDataDeclaration[] = [],
  ) {
    this.declare(...declarations);
  }

  /** Adds declarations; a collection or an export section declared twice is a bug. */
  declare(...declarations: PersonalDataDeclaration[]): void {
    for (const declaration of declarations) {
      if (this.declarations.has(declaration.collection)) {
        throw new Error(`personal data of "${declaration.collection}" is declared twice`);
      }
      const section = sectionOf(declaration);
      if (section && this.sections().includes(section)) {
        throw new Error(`export section "${section}" is declared twice`);
      }
      this.declarations.set(declaration.collection, declaration);
    }
  }

  collections(): string[] {
    return [...this.declarations.keys()];
  }

  /** Every exported section of the person's data, each a list of records. */
  async exportFor(subject: DataSubject): Promise<SubjectExportSections> {
    const sections: SubjectExportSections = {};
    for (const declaration of this.declarations.values()) {
      const policy = declaration.export;
      if (policy === false) continue;
      const documents = await this.find(declaration.collection, subject);
      sections[sectionOf(declaration) ?? declaration.collection] = documents.map((d) =>
        exportRecord(d, policy),
      );
    }
    return sections;
  }

  /** The person's documents of one declared collection, as stored (for a service's own use). */
  async find(
    collection: string,
    subject: DataSubject,
    session?: ClientSession,
  ): Promise<StoredDocument[]> {
    const filter = this.filterFor(collection, subject);
    if (!filter) return [];
    return this.connection.collection(collection).find(filter, { session }).toArray() as Promise<
      StoredDocument[]
    >;
  }

  /**
   * Erases the person from every declared collection, in the caller's transaction: documents
   * about them only are deleted, the others pseudonymised.
   */
  async erase(
    subject: DataSubject,
    erasedAt: Date,
    session: ClientSession,
  ): Promise<ErasureReport> {
    const report: ErasureReport = {};
    for (const declaration of this.declarations.values()) {
      report[declaration.collection] = await this.eraseIn(
        declaration,
        { subject, erasedAt },
        session,
      );
    }
    return report;
  }

  private async eraseIn(
    declaration: PersonalDataDeclaration,
    context: ErasureContext,
    session: ClientSession,
  ): Promise<ErasureReport[string]> {
    const filter = this.filterFor(declaration.collection, context.subject);
    const collection = this.connection.collection(declaration.collection);
    const policy = declaration.erase;
    if (!filter) return policy.action === 'delete' ? { deleted: 0 } : { pseudonymised: 0 };
    if (policy.action === 'delete') {
      const { deletedCount } = await collection.deleteMany(filter, { session });
      return { deleted: deletedCount };
    }
    const documents = (await collection.find(filter, { session }).toArray()) as StoredDocument[];
    const writes = documents.flatMap((document) => {
      const update = pseudonymisingUpdate(document, policy, context);
      // `_id` is whatever the collection uses (ObjectId, string): matched as stored.
      const byId: AnyObject = { _id: document._id };
      return update ? [{ updateOne: { filter: byId, update } }] : [];
    });
    if (writes.length > 0) await collection.bulkWrite(writes, { session, ordered: true });
    return { pseudonymised: writes.length };
  }

  private filterFor(collection: string, subject: DataSubject): Filter | null {
    const declaration = this.declarations.get(collection);
    if (!declaration) throw new Error(`"${collection}" holds no declared personal data`);
    return subjectFilter(declaration.link, subject);
  }

  private sections(): string[] {
    return [...this.declarations.values()].flatMap((d) => sectionOf(d) ?? []);
  }
}

function sectionOf(declaration: PersonalDataDeclaration): string | null {
  if (declaration.export === false) return null;
  return declaration.export.section ?? declaration.collection;
}
