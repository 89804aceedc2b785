import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteSingleFunctions } from 'n8n-workflow';

import { preview } from '../../shared/errors';
import { shareWithinRun } from '../../shared/runScope';
import { listAllRecords } from '../../shared/transport';
import { userIdOf } from './userId';
import type { ZohoContext } from '../../shared/parameters';

/** A domain name in ASCII, as mail writes it; undefined for anything but letters, digits, dots and hyphens. */
function asciiDomain(domain: string): string | undefined {
	if (/^[a-z0-9.-]+$/.test(domain)) return domain;
	if (!/^[\p{L}\p{M}\p{N}.-]+$/u.test(domain)) return undefined;
	try {
		// The URL parser applies IDNA: münchen.de becomes xn--mnchen-3ya.de.
		return new URL(`http://${domain}`).hostname;
	} catch {
		return undefined;
	}
}

/**
 * How addresses compare (By Email, Create or Update, Sync): whole address, in
 * any case, and however Unicode writes them. "josé" comes with é as one
 * character or as e and a combining accent (a file saved on a Mac), full-width
 * letters look like their ASCII twins, and a domain such as münchen.de is also
 * written xn--mnchen-3ya.de: read as two addresses, the person would be created
 * again, or, in a Sync, the user Zoho has removed.
 */
export function addressKey(email: string): string {
	// ASCII is already in its one Unicode form: the common case stays a lowercase.
	if (/^[\x20-\x7e]*$/.test(email)) return email.toLowerCase();
	const normalized = email.normalize('NFKC').toLowerCase();
	const at = normalized.lastIndexOf('@');
	if (at < 0) return normalized;
	const domain = normalized.slice(at + 1);
	return `${normalized.slice(0, at)}@${asciiDomain(domain) ?? domain}`;
}

/** A user as Zoho lists them, its id checked: nothing acts on a user without one. */
export type ListedUser = IDataObject & {
	user_id: string;
	email?: string;
	name?: string;
	user_role?: string;
	status?: string;
};

/** Every user of the organization, all statuses: ⌈users ÷ 200⌉ requests, each told to `onPage`. */
export async function listAllUsers(
	context: ZohoContext,
	onPage?: () => void,
): Promise<ListedUser[]> {
	const records = await listAllRecords(
		context,
		{ path: '/users', key: 'users', noun: 'user', qs: { filter_by: 'Status.All' } },
		onPage,
	);
	// A list that shifts while it is paged can show a user on two pages: one user is one entry.
	const users = new Map<string, ListedUser>();
	for (const record of records) {
		const userId = userIdOf(record.user_id);
		if (userId === undefined) {
			throw new NodeOperationError(
				context.getNode(),
				'Zoho listed a user without a usable user_id',
				{
					itemIndex: 'getItemIndex' in context ? context.getItemIndex() : undefined,
					description: `The entry: ${preview(record)}. The node acts on no user it cannot name exactly.`,
				},
			);
		}
		if (users.has(userId)) continue;
		users.set(userId, {
			...record,
			user_id: userId,
			email: typeof record.email === 'string' ? record.email : undefined,
			name: typeof record.name === 'string' ? record.name : undefined,
		});
	}
	return [...users.values()];
}

/** The organization's users as one run of the node found them, by email address. */
export class UserDirectory {
	private readonly byEmail = new Map<string, ListedUser[]>();

	constructor(readonly users: ListedUser[]) {
		for (const user of users) {
			// A deleted user keeps their address in the list but is nobody to act on.
			if (!user.email || user.status === 'deleted') continue;
			const key = addressKey(user.email);
			this.byEmail.set(key, [...(this.byEmail.get(key) ?? []), user]);
		}
	}

	/** Everyone with this address (see addressKey). */
	withEmail(email: string): ListedUser[] {
		return this.byEmail.get(addressKey(email)) ?? [];
	}
}

/**
 * The organization's users, listed once per run of the node: the first item
 * that needs a user by email lists them, the others of the run wait for that
 * listing and use it. The next run (the next execution, or the next pass of a
 * loop) lists again, so an address is never resolved from a stale list.
 */
export async function userDirectory(context: IExecuteSingleFunctions): Promise<UserDirectory> {
	return await shareWithinRun(
		context,
		'userDirectory',
		async () => new UserDirectory(await listAllUsers(context)),
	);
}
