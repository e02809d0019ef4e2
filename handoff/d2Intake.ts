/** What a citizen tells the bot in a consented D2 intake. Special-category data: never logged. */
export interface D2Intake {
  callerName: string;
  callerPhone: string;
  relation: string;
  personName: string;
  personAge: string;
  description: string;
  lastSeen: string;
}
