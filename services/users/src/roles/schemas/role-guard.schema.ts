import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/**
 * One document per guarded role (`_id: 'admin'`). Every transaction that may take the role
 * away from someone first increments `version`, so two such transactions write the same
 * document and one of them conflicts and retries: under snapshot isolation, two admins
 * demoting each other would otherwise each count two admins and both succeed (write skew).
 */
@Schema({ collection: 'role_guards', strict: 'throw', versionKey: false })
export class RoleGuard {
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ type: Number, required: true, default: 0 })
  version!: number;
}

export const RoleGuardSchema = SchemaFactory.createForClass(RoleGuard);
