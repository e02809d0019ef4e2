import { Schema, model, type InferSchemaType } from 'mongoose';

/** Who did or tried what to sensitive data; append-only. Never holds the data itself. */
const auditLogSchema = new Schema(
  {
    at: { type: Date, required: true },
    actor: { type: String, required: true },
    roles: { type: [String], default: [] },
    action: { type: String, required: true },
    target: { type: String, required: true },
    outcome: { type: String, enum: ['allowed', 'refused'], required: true },
    details: { type: Schema.Types.Mixed },
  },
  { collection: 'auditlog', versionKey: false },
);
auditLogSchema.index({ target: 1, at: 1 });

export type AuditLogDoc = InferSchemaType<typeof auditLogSchema>;
export const AuditLogModel = model('AuditLog', auditLogSchema);

/** Appends one entry: who did or tried what to which object, and whether it was allowed. */
export async function writeAudit(
  actor: { id: string; roles: string[] },
  action: string,
  target: string,
  outcome: 'allowed' | 'refused',
  details?: Record<string, unknown>,
): Promise<void> {
  await AuditLogModel.create({
    at: new Date(),
    actor: actor.id,
    roles: actor.roles,
    action,
    target,
    outcome,
    details,
  });
}
