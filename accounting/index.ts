export { InteractionLog, type InteractionEntry, type InteractionLogOptions } from './interactionLog';
export { UsageCounters } from './usageCounters';
export { usageFromLog } from './usageFromLog';
export { mergeHours, type HourUsage } from './usage';
export { Tariffs, tariffInputSchema, pricesAt, type TariffInput, type TariffVersion } from './tariffs';
export { buildReport, type Report, type CostLine } from './report';
export { Reports, ReportNotFound, type ReportRequest, type IssuedReport } from './reports';
export { reportCsv } from './reportCsv';
