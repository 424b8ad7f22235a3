import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';
import {
  INITIATIVE_CATEGORIES,
  INITIATIVE_LIMITS,
  INITIATIVE_MODES,
  INITIATIVE_STATUSES,
  REGION_CODES,
  type InitiativeCategory,
  type InitiativeMode,
  type InitiativeStatus,
  type RegionCode,
} from '@spilno/contracts';
import { GeoPointEntry, GeoPointEntrySchema } from '../../common/schemas/geo-point.schema';

/** Who may find an initiative in a search: anyone (published, completed) or its org only. */
export const VISIBILITIES = ['public', 'private'] as const;
export type Visibility = (typeof VISIBILITIES)[number];

/**
 * Counters changed only with `$inc` (or reset with `$set` when an initiative ends), each in the
 * transaction of the change that moves it; what each counts is documented on
 * `InitiativeStats` in libs/contracts.
 */
@Schema({ _id: false, strict: 'throw' })
export class InitiativeStatsEntry {
  @Prop({ type: Number, required: true, default: 0 })
  tasks!: number;

  @Prop({ type: Number, required: true, default: 0 })
  openSlots!: number;

  @Prop({ type: Number, required: true, default: 0 })
  volunteers!: number;

  @Prop({ type: Number, required: true, default: 0 })
  hours!: number;

  @Prop({ type: Number, required: true, default: 0 })
  proposals!: number;

  @Prop({ type: Number, required: true, default: 0 })
  reports!: number;

  /** Integer minor units of UAH. */
  @Prop({ type: Number, required: true, default: 0 })
  raised!: number;
}

/**
 * An initiative of an organization. No personal data: who wrote it is not recorded (the
 * organization answers for it), so a person's erasure leaves nothing here.
 */
@Schema({ collection: 'initiatives', timestamps: true, strict: 'throw', versionKey: false })
export class Initiative {
  _id!: Types.ObjectId;

  @Prop({ type: Types.ObjectId, required: true })
  organizationId!: Types.ObjectId;

  /** Trimmed. Text is stored verbatim (HTML too); the API never renders it. */
  @Prop({ type: String, required: true, maxlength: INITIATIVE_LIMITS.titleMaxLength })
  title!: string;

  @Prop({ type: String, required: true, maxlength: INITIATIVE_LIMITS.descriptionMaxLength })
  description!: string;

  @Prop({ type: String, required: true, enum: INITIATIVE_MODES })
  mode!: InitiativeMode;

  @Prop({ type: String, required: true, enum: INITIATIVE_CATEGORIES })
  category!: InitiativeCategory;

  @Prop({ type: String, required: true, enum: REGION_CODES })
  region!: RegionCode;

  @Prop({ type: String, default: null, maxlength: INITIATIVE_LIMITS.districtMaxLength })
  district!: string | null;

  /** Absent when the initiative has no place (a 2dsphere index skips such documents). */
  @Prop({ type: GeoPointEntrySchema, required: false })
  location?: GeoPointEntry;

  @Prop({ type: Date, default: null })
  startsAt!: Date | null;

  @Prop({ type: Date, default: null })
  endsAt!: Date | null;

  @Prop({ type: [String], default: [] })
  tags!: string[];

  @Prop({ type: String, required: true, enum: INITIATIVE_STATUSES, default: 'draft' })
  status!: InitiativeStatus;

  /** Follows `status`: `public` for published and completed ones. */
  @Prop({ type: String, required: true, enum: VISIBILITIES, default: 'private' })
  visibility!: Visibility;

  /** The default order: `publishedAt` once published, `createdAt` before. */
  @Prop({ type: Date, required: true })
  rankedAt!: Date;

  @Prop({ type: Date, default: null })
  publishedAt!: Date | null;

  @Prop({ type: Date, default: null })
  completedAt!: Date | null;

  @Prop({ type: Date, default: null })
  cancelledAt!: Date | null;

  /** Skill codes the open tasks require, sorted; rewritten whenever a task changes. */
  @Prop({ type: [String], default: [] })
  skills!: string[];

  /** Title, description and tags, normalised for `$text` (see common/search-text.ts). */
  @Prop({ type: String, required: true })
  searchText!: string;

  @Prop({ type: SchemaFactory.createForClass(InitiativeStatsEntry), default: () => ({}) })
  stats!: InitiativeStatsEntry;

  createdAt!: Date;
  updatedAt!: Date;
}

export const InitiativeSchema = SchemaFactory.createForClass(Initiative);

// Every list is ordered by (rankedAt, _id) descending and pages with a bound on rankedAt, so each
// index below ends with both: a page of 20 walks about 20 index entries.

// GET /initiatives without filters: public ones, newest published first.
InitiativeSchema.index({ visibility: 1, rankedAt: -1, _id: -1 });
// status= (completed ones; drafts for admins).
InitiativeSchema.index({ status: 1, rankedAt: -1, _id: -1 });
// mode=, category=, region=, and mode= with region= (the common "what can I do here" search).
InitiativeSchema.index({ visibility: 1, mode: 1, rankedAt: -1, _id: -1 });
InitiativeSchema.index({ visibility: 1, category: 1, rankedAt: -1, _id: -1 });
InitiativeSchema.index({ visibility: 1, region: 1, rankedAt: -1, _id: -1 });
InitiativeSchema.index({ visibility: 1, mode: 1, region: 1, rankedAt: -1, _id: -1 });
// organizationId= for its members (every status) and for everyone else (public ones).
InitiativeSchema.index({ organizationId: 1, rankedAt: -1, _id: -1 });
InitiativeSchema.index({ organizationId: 1, visibility: 1, rankedAt: -1, _id: -1 });
// skills= (multikey): public initiatives with an open task requiring one of them.
InitiativeSchema.index({ visibility: 1, skills: 1, rankedAt: -1, _id: -1 });
// q=: words of the normalised text; language none (MongoDB has no Ukrainian stemmer).
InitiativeSchema.index(
  { searchText: 'text' },
  { name: 'initiative_search_text', default_language: 'none' },
);
// near=: nearest first ($near).
InitiativeSchema.index({ location: '2dsphere' });
