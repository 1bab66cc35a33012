/** Limits that more than one surface enforces: one constant each. */

/** A moderator's deny reason (and any reason the bot records), in characters. */
export const REASON_MAX = 1000;
/** The part of a reason shown in an applicant's `/apply status`. */
export const STATUS_REASON_MAX = 300;
/** A moderator's question to the applicant, in characters. */
export const QUESTION_MAX = 1000;
/** The applicant's reply to a question, in characters. */
export const REPLY_MAX = 1000;
