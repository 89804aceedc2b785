import type { IDataObject, IExecuteSingleFunctions, IHttpRequestOptions } from 'n8n-workflow';

import { whatCame } from '../../shared/errors';
import { invalidInput } from '../../shared/parameters';

/** The longest address email standards allow: longer is refused before any check runs on it. */
const MAX_EMAIL_LENGTH = 254;

/**
 * An email address as Zoho takes one: a local part, one @, a domain with a
 * dot inside it, no spaces. Checked by hand in one pass: a regular
 * expression for this backtracks quadratically on input like "a@....@".
 */
/**
 * What no address Zoho sends mail to holds outside quotes: spaces, control and invisible
 * characters (a zero-width space pasted from a spreadsheet), and the specials of RFC 5322
 * (`mailto:you@…` and `<you@…>` are not addresses). An address that only looks like a
 * person's must not be taken for someone else.
 */
const NOT_IN_AN_ADDRESS = /[\s\p{Cc}\p{Cf}\p{Z}<>()[\]\\,;:"]/u;

export function isEmail(value: string): boolean {
	if (value.length > MAX_EMAIL_LENGTH || NOT_IN_AN_ADDRESS.test(value)) return false;
	const at = value.indexOf('@');
	if (at < 1 || at !== value.lastIndexOf('@')) return false;
	const domain = value.slice(at + 1);
	const dot = domain.indexOf('.');
	return dot > 0 && !domain.endsWith('.');
}

/**
 * The name, email and role about to be sent, checked so the user learns
 * which field is wrong before anything reaches Zoho. `complete`: Zoho
 * requires name and email (create, and update once filled in).
 */
export function checkUserFields(
	context: IExecuteSingleFunctions,
	body: IDataObject,
	complete: boolean,
): void {
	const { name, email, user_role: role } = body;
	if (complete || name !== undefined) {
		if (typeof name !== 'string') {
			throw invalidInput(
				context,
				`Name: expected text, got ${name === undefined ? 'nothing' : whatCame(name)}`,
				"Give the user's full name, e.g. Jane Doe.",
			);
		}
		if (name.trim() === '')
			throw invalidInput(
				context,
				'Name: a name is required',
				"Give the user's full name, e.g. Jane Doe.",
			);
	}
	if ((complete || email !== undefined) && (typeof email !== 'string' || !isEmail(email))) {
		throw invalidInput(
			context,
			typeof email === 'string' || email === undefined
				? `Email: ${email === undefined ? 'nothing given' : `${whatCame(email)} is not an email address`}`
				: `Email: expected text, got ${whatCame(email)}`,
			"Give the user's email address, like name@example.com.",
		);
	}
	if (role !== undefined && (typeof role !== 'string' || role.trim() === '')) {
		throw invalidInput(
			context,
			typeof role === 'string'
				? 'Role: no role given'
				: `Role: expected a role name, got ${whatCame(role)}`,
			'Pick Admin, Staff or Timesheet Staff, or remove the Role field.',
		);
	}
}

/** preSend for Create and Create or Update: Zoho requires a name and an email address (sent trimmed, as By Email reads it). */
export async function validateNewUser(
	this: IExecuteSingleFunctions,
	requestOptions: IHttpRequestOptions,
): Promise<IHttpRequestOptions> {
	const body = { ...((requestOptions.body ?? {}) as IDataObject) };
	if (typeof body.email === 'string') body.email = body.email.trim();
	checkUserFields(this, body, true);
	return { ...requestOptions, body };
}
