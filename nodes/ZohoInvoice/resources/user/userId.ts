/**
 * One rule for a Zoho user id, wherever one comes from (the User field, Zoho's
 * list, the list search): digits without a leading zero, kept as text. Zoho's
 * ids are long decimal strings, some beyond 2^53; "0982…" would be another id
 * to the node and the same user to Zoho, and no user has id 0.
 */
export const USER_ID_PATTERN = /^[1-9]\d*$/;

/** The id as exact text, or undefined: a number only while it is exact (a safe integer). */
export function userIdOf(value: unknown): string | undefined {
	if (typeof value === 'string' && USER_ID_PATTERN.test(value)) return value;
	if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return String(value);
	return undefined;
}
