import { Schema, model, type InferSchemaType } from 'mongoose';

/**
 * A cost report as issued to an authority: the figures, the cost lines and the tariff versions
 * applied, frozen. Later tariff versions or log retention never change it.
 */
const issuedReportSchema = new Schema(
  {
    _id: { type: String, required: true },
    scope: { type: String, enum: ['activation', 'authority'], required: true },
    /** The crisis slug or the authority's NIS code. */
    subject: { type: String, required: true },
    authorityNis: { type: String },
    from: { type: Date, required: true },
    to: { type: Date, required: true },
    issuedAt: { type: Date, required: true },
    issuedBy: { type: String, required: true },
    report: { type: Schema.Types.Mixed, required: true },
  },
  { collection: 'issuedreports', versionKey: false },
);
issuedReportSchema.index({ authorityNis: 1, issuedAt: -1 });

export type IssuedReportDoc = InferSchemaType<typeof issuedReportSchema>;
export const IssuedReportModel = model('IssuedReport', issuedReportSchema);
