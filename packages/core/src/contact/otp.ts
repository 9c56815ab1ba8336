/**
 * One-time SMS codes (enrollment's phone step, a phone change): how many may be sent and how
 * many wrong answers are tolerated before the attempt ends. One rule for every use of a code.
 */

/** Codes sent for one attempt, at most. */
export const OTP_MAX_SENDS = 3;
/** Wrong codes tolerated; the last one ends the attempt. */
export const OTP_MAX_WRONG = 5;
